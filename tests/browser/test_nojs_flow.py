"""Without JavaScript the whole claim still works: plain forms, plain file upload, plain links."""

import re

import pytest

from claims.models import Claim, ClaimReason, Status
from documents.models import Document
from notifications.models import Message
from tests.factories import BranchFactory, make_jpeg
from tests.messages import start_code

from .conftest import VIEWPORT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]


@pytest.fixture
def nojs_page(chromium):
    context = chromium.new_context(
        viewport=VIEWPORT, is_mobile=True, has_touch=True, locale="id-ID", java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _next(page, name: str, url_pattern: str, *, link: bool = False) -> None:
    page.get_by_role("link" if link else "button", name=name, exact=True).first.click()
    page.wait_for_url(re.compile(url_pattern))


def test_claim_from_start_to_submission_without_javascript(live_server, nojs_page, tmp_path):
    medan = BranchFactory(city="Medan", name="Kantor Cabang Medan Kota")
    BranchFactory(city="Jakarta Selatan", name="Kantor Cabang Jakarta Setiabudi")
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    page, base = nojs_page, live_server.url

    page.goto(base + "/")
    assert "js" not in (page.locator("html").get_attribute("class") or ""), "claimant.js must not have run"
    _next(page, "Ajukan klaim baru", r"/klaim/baru/$", link=True)
    page.check("input[name=programme][value=JHT]")
    _next(page, "Lanjut", r"/alasan/$")
    page.check(f"input[name=reason][value='{reason.pk}']")
    _next(page, "Lanjut", r"/data-peserta/$")
    page.fill("#id_nik", "3174 0112 0590 0003")
    page.fill("#id_kpj_number", "12345678901")
    page.fill("#id_full_name", "Siti Aminah")
    page.fill("#id_date_of_birth", "1990-05-12")
    _next(page, "Lanjut", r"/kontak/$")
    page.fill("#id_phone", "0812 3456 7890")
    _next(page, "Lanjut", r"/kantor-cabang/$")
    # The office search is a plain GET form without JavaScript.
    page.fill("#q", "Medan")
    _next(page, "Cari", r"\?q=Medan")
    assert page.locator("#branch-list label.choice").count() == 1
    page.check(f"input[name=branch][value={medan.code}]")
    _next(page, "Kirim kode ke HP saya", r"/klaim/baru/kode/$")
    page.fill("#id_code", start_code("+6281234567890"))
    _next(page, "Lanjut", r"/dokumen/$")
    claim = Claim.objects.get(branch=medan)
    checklist = page.url

    required = list(reason.requirements.filter(required=True).select_related("document_type"))
    # "I can't upload now" is a <details>: it opens without JavaScript, and its form sends the link.
    first = required[0].document_type.code
    page.locator(f"li.doc a[href$='/dokumen/{first}/']").click()
    page.wait_for_url(re.compile(rf"/dokumen/{first}/$"))
    page.locator("details.cant summary").click()
    _next(page, "Kirim tautan ke HP saya", r"/lanjut-nanti/\?terkirim=1$")
    assert "Tautan sudah dikirim" in page.locator("main").inner_text()
    assert Message.objects.filter(claim=claim, template="claim_resume_link").count() == 1
    _next(page, "Lanjutkan sekarang", rf"/dokumen/{first}/$", link=True)

    for requirement in required:
        code = requirement.document_type.code
        if not page.url.endswith(f"/dokumen/{code}/"):
            page.locator(f"li.doc a[href$='/dokumen/{code}/']").click()
            page.wait_for_url(re.compile(rf"/dokumen/{code}/$"))
        photo = tmp_path / f"{code}.jpg"
        photo.write_bytes(make_jpeg(text=code))
        page.set_input_files("#gallery", str(photo))
        _next(page, "Unggah", re.escape(checklist) + "$")
        assert Document.objects.filter(claim=claim, document_type=requirement.document_type).exists(), code
        assert page.locator("p.note-success").count() == 1

    _next(page, "Periksa dan kirim klaim", r"/kirim/$", link=True)
    _next(page, "Kirim klaim", r"/terkirim/$")
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert claim.documents.count() == len(required)
    assert page.locator("p.ref.big strong").inner_text().strip() == claim.reference
