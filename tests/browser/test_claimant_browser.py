"""The claimant's whole flow once in real headless Chromium on a 360 px wide phone screen."""

import re
import time
from pathlib import Path

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from claims.models import Claim, ClaimReason, Status
from documents.models import Document
from notifications.models import Message
from tests.factories import BranchFactory, make_jpeg
from tests.messages import start_code

pytestmark = [
    pytest.mark.browser,
    # The live server only sees committed rows; seeded_catalogue puts the catalogue back
    # after earlier transactional tests flushed it (see tests/browser/conftest.py).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

NIK = "3174 0112 0590 0003"
DATE_OF_BIRTH = "1990-05-12"  # what a date input takes
KPJ = "12345678901"
PHONE = "0812 3456 7890"
PHONE_E164 = "+6281234567890"
ERROR_RED = "rgb(179, 38, 30)"  # #b3261e in claimant.css
MIN_TAP_PX = 44


class Steps:
    """Numbered screenshots, plus the checks every page at 360 px must pass."""

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.taken: list[str] = []

    def shot(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        _load_lazy_images(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{page.url} scrolls sideways: {width} px wide at a 360 px viewport"
        for box in _visible_boxes(page, ".button, main button"):
            assert box["height"] >= MIN_TAP_PX, f"{page.url}: button {box['text']!r} is {box['height']} px tall"
        filename = f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(self.folder / filename), full_page=True)
        self.taken.append(filename)


def _visible_boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return {height: r.height, width: r.width, text: e.textContent.trim().slice(0, 40)};
        })""",
    )


def _load_lazy_images(page) -> None:
    """Thumbnails are loading=lazy: bring each into view so full-page pictures show them."""
    for image in page.locator("main img").all():
        image.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    page.evaluate("window.scrollTo(0, 0)")


def _click_and_wait(page, locator, url_pattern: str) -> None:
    locator.click()
    page.wait_for_url(re.compile(url_pattern))


def _jpeg_file(tmp_path: Path, text: str) -> Path:
    """A photo of one document (each different: the same file twice is a duplicate)."""
    path = tmp_path / f"foto-{text}.jpg"
    path.write_bytes(make_jpeg(text=text))
    return path


def _outbox_message(claim: Claim, template: str, timeout: float = 5.0) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        message = Message.objects.filter(claim=claim, template=template).first()
        if message is not None or time.monotonic() > deadline:
            assert message is not None, f"no {template} message in the outbox for {claim.reference}"
            return message
        time.sleep(0.1)


def _start_to_identity(page, steps: Steps | None, base: str) -> None:
    page.goto(base + "/")
    if steps:
        steps.shot("home")
    _click_and_wait(page, page.get_by_role("link", name="Ajukan klaim baru"), r"/klaim/baru/$")
    page.locator("label.choice", has_text="JHT").click()
    assert page.locator("input[name=programme][value=JHT]").is_checked()
    if steps:
        steps.shot("programme")
    _click_and_wait(page, page.get_by_role("button", name="Lanjut"), r"/klaim/baru/alasan/$")
    page.locator("label.choice", has_text="Berhenti bekerja").click()
    if steps:
        steps.shot("reason")
    _click_and_wait(page, page.get_by_role("button", name="Lanjut"), r"/klaim/baru/data-peserta/$")


def _fill_identity(page, nik: str) -> None:
    page.get_by_label("NIK (16 angka di e-KTP)").fill(nik)
    page.get_by_label("Nomor KPJ (11 angka di kartu peserta)").fill(KPJ)
    page.get_by_label("Nama lengkap (sesuai e-KTP)").fill("Siti Aminah")
    page.get_by_label("Tanggal lahir").fill(DATE_OF_BIRTH)


def test_claimant_files_a_jht_claim_on_a_360px_phone(live_server, phone_page, screenshots, tmp_path):
    BranchFactory(city="Jakarta Selatan", name="Kantor Cabang Jakarta Setiabudi")
    medan = BranchFactory(city="Medan", name="Kantor Cabang Medan Kota")
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    required = list(reason.requirements.filter(required=True).select_related("document_type").order_by("ordering"))
    assert len(required) == 6, [r.document_type.code for r in required]
    page, base = phone_page, live_server.url
    steps = Steps(page, screenshots)

    # Home → programme → reason → identity → contact → branch.
    _start_to_identity(page, steps, base)
    _fill_identity(page, NIK)
    steps.shot("identity")
    _click_and_wait(page, page.get_by_role("button", name="Lanjut"), r"/klaim/baru/kontak/$")

    page.get_by_label("Nomor HP (WhatsApp jika ada)").fill(PHONE)
    steps.shot("contact")
    _click_and_wait(page, page.get_by_role("button", name="Lanjut"), r"/klaim/baru/kantor-cabang/$")

    # Typing filters the list in the page (claimant.js marks the other offices hidden).
    page.get_by_label("Cari kota atau nama kantor").fill("Medan")
    offices = page.locator("#branch-list label.choice")
    assert offices.filter(has_text="Jakarta Selatan").get_attribute("hidden") is not None
    offices.filter(has_text="Kantor Cabang Medan Kota").click()
    assert page.locator(f"input[name=branch][value={medan.code}]").is_checked()
    steps.shot("branch")
    _click_and_wait(page, page.get_by_role("button", name="Kirim kode ke HP saya"), r"/klaim/baru/kode/$")
    # The code sent to the phone just typed makes the claim (claims/services/start.py).
    page.get_by_label("Kode 6 angka").fill(start_code(PHONE_E164))
    steps.shot("code")
    _click_and_wait(page, page.get_by_role("button", name="Lanjut", exact=True), r"/dokumen/$")

    reference = page.locator("p.ref strong").inner_text().strip()
    claim = Claim.objects.get(reference=reference)
    assert claim.branch == medan
    assert claim.status == Status.DRAFT
    assert claim.phone == PHONE_E164
    assert claim.nik == NIK.replace(" ", "")
    checklist_url = page.url
    steps.shot("checklist")

    # Each required document: open it, choose the photo from the gallery, land back on the list.
    for number, requirement in enumerate(required, start=1):
        code = requirement.document_type.code
        row = page.locator("li.doc").filter(has=page.locator(f"a[href$='/dokumen/{code}/']"))
        _click_and_wait(page, row.get_by_role("link", name="Unggah"), rf"/dokumen/{code}/$")
        steps.shot(f"document-{number}-{code.replace('_', '-')}")
        # Choosing a file submits the form at once (claimant.js); the input itself is hidden.
        page.set_input_files("#gallery", str(_jpeg_file(tmp_path, code)))
        page.wait_for_url(checklist_url)

        document = Document.objects.get(claim=claim, document_type=requirement.document_type)
        row = page.locator("li.doc").filter(has=page.locator(f"a[href$='/dokumen/{code}/']"))
        with translation.override("id"):
            size = filesizeformat(document.size).replace("\xa0", " ")
        assert size in row.inner_text().replace("\xa0", " ")
        # Tasks run in process here, so the background check has given its verdict already.
        assert "Lolos pemeriksaan otomatis" in row.inner_text()
        thumbnail = row.locator("img")
        thumbnail.scroll_into_view_if_needed()
        thumbnail.evaluate("img => img.complete || new Promise(ok => img.addEventListener('load', ok, {once: true}))")
        assert thumbnail.evaluate("img => img.naturalWidth") > 0, f"thumbnail of {code} did not load"
        assert page.locator("p.note-success").count() == 1

    steps.shot("checklist-complete")
    _click_and_wait(page, page.get_by_role("link", name="Periksa dan kirim klaim"), r"/kirim/$")
    steps.shot("submit")
    _click_and_wait(page, page.get_by_role("button", name="Kirim klaim"), r"/terkirim/$")

    shown = page.locator("p.ref.big strong").inner_text().strip()
    claim.refresh_from_db()
    assert shown == claim.reference == reference
    assert claim.status == Status.IN_REVIEW  # every document passed its checks before submitting
    message = _outbox_message(claim, "claim_submitted")
    assert message.to == PHONE_E164
    assert claim.reference in message.body
    steps.shot("submitted")

    _click_and_wait(page, page.get_by_role("link", name="Lihat status klaim"), rf"/klaim/{reference}/$")
    assert reference in page.locator("h1").inner_text()
    assert "Klaim sudah kami terima" in page.locator("main").inner_text()
    steps.shot("status")

    # A typo: 15 digits instead of 16 shows a plain Indonesian message, in red, on the field.
    _start_to_identity(page, None, base)
    _fill_identity(page, "3174 0112 0590 000")
    with page.expect_navigation() as refused:
        page.get_by_role("button", name="Lanjut").click()
    assert refused.value.status == 400
    error = page.locator("#id_nik-error")
    assert error.inner_text() == "NIK harus 16 angka. Anda mengisi 15 angka. Periksa lagi e-KTP Anda."
    assert error.evaluate("e => getComputedStyle(e).color") == ERROR_RED
    assert page.locator("#id_nik").evaluate("e => getComputedStyle(e).borderTopColor") == ERROR_RED
    steps.shot("identity-nik-error")

    print("\nscreenshots in", screenshots, *steps.taken, sep="\n  ")


def test_branch_search_hides_offices_that_do_not_match(live_server, phone_page):
    BranchFactory(city="Jakarta Selatan", name="Kantor Cabang Jakarta Setiabudi")
    BranchFactory(city="Medan", name="Kantor Cabang Medan Kota")
    page = phone_page
    _start_to_identity(page, None, live_server.url)
    _fill_identity(page, NIK)
    _click_and_wait(page, page.get_by_role("button", name="Lanjut"), r"/klaim/baru/kontak/$")
    page.get_by_label("Nomor HP (WhatsApp jika ada)").fill(PHONE)
    _click_and_wait(page, page.get_by_role("button", name="Lanjut"), r"/klaim/baru/kantor-cabang/$")

    page.get_by_label("Cari kota atau nama kantor").fill("Medan")
    offices = page.locator("#branch-list label.choice")
    jakarta = offices.filter(has_text="Jakarta Selatan")
    assert jakarta.get_attribute("hidden") is not None
    assert jakarta.is_hidden(), (
        "the office list does not shrink while typing: claimant.js sets the hidden attribute, but "
        "claimant.css `.choice{display:flex}` outranks the browser's `[hidden]{display:none}`"
    )
    assert offices.filter(has_text="Medan").is_visible()
