"""The officer's console in real headless Chromium on a 1280 × 800 laptop screen.

Claims are set up through the services (uploads go through document_upload, so the
checks run when each upload commits); everything the officer does happens in the browser,
from the staff login page on.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Channel, Claim, Status
from documents.models import Document, DocumentStatus, Envelope, EnvelopeStatus, ScanPage
from documents.services import claim_submit, claim_switch_to_dropbox, document_upload
from notifications.models import Message
from tests.dropbox import make_scan_pdf
from tests.factories import BranchFactory, StaffFactory, make_claim, make_jpeg

from .conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    # The live server only sees committed rows; seeded_catalogue puts the catalogue back
    # after earlier transactional tests flushed it (see tests/conftest.py).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "rahasia-uji-123"
# Its own folder: the `screenshots` fixture empties test-output/screenshots/*.png (the
# claimant's and the console's pictures), and this file must not wipe theirs either.
OFFICER_SHOTS = SCREENSHOTS / "officer"
CUT_OFF_NOTE = "Sudut kanan bawah kartu tidak terlihat."


@pytest.fixture(scope="module")
def officer_screenshots() -> Path:
    """test-output/screenshots/officer/, emptied once for this file's run."""
    OFFICER_SHOTS.mkdir(parents=True, exist_ok=True)
    for old in OFFICER_SHOTS.glob("officer-*.png"):
        old.unlink()
    return OFFICER_SHOTS


@pytest.fixture
def laptop_page(chromium):
    """A fresh browser profile on a laptop; page errors are collected and must stay empty."""
    context = chromium.new_context(viewport=LAPTOP, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))

    def console_error(message) -> None:
        # Chromium asks every site for /favicon.ico; the app has none, and that 404 is not a page error.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            page.errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", console_error)
    yield page
    context.close()


class Shots:
    """Numbered screenshots across this file (officer-01-…, officer-02-…), each page checked for width."""

    counter = 0

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder

    def shot(self, name: str, *, full_page: bool = True) -> str:
        page = self.page
        page.wait_for_load_state("load")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at 1280 px"
        Shots.counter += 1
        filename = f"officer-{Shots.counter:02d}-{name}.png"
        page.screenshot(path=str(self.folder / filename), full_page=full_page)
        return filename


def _go(page, locator, url_pattern: str) -> None:
    locator.click()
    page.wait_for_url(re.compile(url_pattern))


def _log_in(page, base: str, user, shots: Shots) -> None:
    """Through the real admin login page (django-axes counts the attempt), then to the queue."""
    page.goto(f"{base}/admin/login/?next=/petugas/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    shots.shot("login")
    _go(page, page.locator("form#login-form [type=submit]"), r"/petugas/$")
    assert user.get_full_name() in page.locator(".console-user").inner_text()


def _in_review_claim(branch) -> Claim:
    """Every required document uploaded as a distinct sharp photo, accepted by the checks, then sent in."""
    claim = make_claim(branch=branch, reason="retirement_age")
    for requirement in claim.reason.requirements.filter(required=True).select_related("document_type"):
        code = requirement.document_type.code
        document_upload(
            claim=claim,
            document_type=requirement.document_type,
            uploaded=SimpleUploadedFile(f"{code}.jpg", make_jpeg(text=f"{code} {claim.reference}")),
        )
    assert set(Document.objects.filter(claim=claim).values_list("status", flat=True)) == {DocumentStatus.ACCEPTED}
    claim = claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    return claim


def _document_row(page, name: str):
    return page.locator("li.document").filter(has=page.locator("h3", has_text=re.compile(rf"^{re.escape(name)}")))


def test_officer_rejects_one_document_of_a_claim_and_the_outbox_shows_the_fix_message_with_its_link(
    live_server, laptop_page, officer_screenshots
):
    branch = BranchFactory(city="Bandung", name="Kantor Cabang Bandung Suci")
    other_branch = BranchFactory(city="Medan", name="Kantor Cabang Medan Kota")
    officer = StaffFactory(branch=branch, first_name="Dewi", last_name="Lestari", password=PASSWORD)
    claim = _in_review_claim(branch)
    elsewhere = claim_switch_to_dropbox(claim=make_claim(branch=other_branch))  # in the queue of Medan only
    documents = {d.document_type.code: d for d in Document.objects.filter(claim=claim).select_related("document_type")}
    bad = documents["kk"]  # the officer judges the family card cut off; the checks let it through
    page, base = laptop_page, live_server.url
    shots = Shots(page, officer_screenshots)

    _log_in(page, base, officer, shots)
    queue = page.locator("table.queue")
    assert claim.reference in queue.inner_text()
    assert elsewhere.reference not in queue.inner_text()
    shots.shot("queue")

    _go(page, queue.get_by_role("link", name=claim.reference), rf"/petugas/klaim/{claim.reference}/$")
    assert page.locator(".claim-head .status").inner_text() == Status.IN_REVIEW.label
    _go(page, page.get_by_role("button", name="Saya tangani"), rf"/petugas/klaim/{claim.reference}/$")
    assert "menangani klaim ini" in page.locator("section.hold").inner_text()
    assert page.locator("li.document").count() == len(documents) + 1  # + the NPWP, "jika ada", not uploaded
    for image in page.locator("li.document img").all():
        image.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    shots.shot("claim-in-review")

    # The viewer: the photo of the family card, full size, zoomed and turned.
    row = _document_row(page, bad.document_type.name)
    row.locator("a[data-viewer]").click()
    viewer = page.locator("dialog#viewer")
    page.wait_for_function("() => document.querySelector('#viewer img')?.naturalWidth > 0")
    assert viewer.evaluate("d => d.open")
    assert page.locator("#viewer-title").inner_text() == bad.document_type.name
    for label in ("Perkecil", "Perbesar", "Putar ↻", "Pas layar", "Tutup"):
        assert viewer.get_by_role("button", name=label, exact=True).is_visible(), f"viewer has no {label!r} button"
    assert (
        viewer.get_by_role("link", name="Tab baru")
        .get_attribute("href")
        .endswith(reverse("documents:file", args=[bad.pk]))
    )
    assert viewer.locator("img").evaluate("i => [i.naturalWidth, i.naturalHeight]") == [1200, 800]
    before = viewer.locator("img").evaluate("i => i.getBoundingClientRect().width")
    viewer.get_by_role("button", name="Perbesar").click()
    assert viewer.locator("img").evaluate("i => i.getBoundingClientRect().width") > before
    viewer.get_by_role("button", name="Putar ↻").click()
    assert "rotate(90deg)" in viewer.locator("img").evaluate("i => i.style.transform")
    shots.shot("viewer-zoom-rotate", full_page=False)
    viewer.get_by_role("button", name="Tutup").click()
    assert not viewer.evaluate("d => d.open")

    # One verdict per document: reject the family card as cut off (with a note), accept the rest.
    for code, document in documents.items():
        row = _document_row(page, document.document_type.name)
        if document == bad:
            row.locator("label.choice", has_text="Tolak").click()
            row.get_by_label("Alasan penolakan").select_option(label="Terpotong")
            row.get_by_label("Catatan untuk peserta").fill(CUT_OFF_NOTE)
        else:
            row.locator("label.choice", has_text="Terima").click()
            assert row.locator(".reject-fields").is_hidden(), f"{code}: reject fields show for an acceptance"
    shots.shot("review-decided")
    _go(page, page.get_by_role("button", name="Simpan & kirim ke peserta"), rf"/petugas/klaim/{claim.reference}/$")

    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX
    assert page.locator(".claim-head .status").inner_text() == Status.NEEDS_FIX.label
    assert "Keputusan dokumen disimpan" in page.locator("p.note-success").inner_text()
    bad.refresh_from_db()
    assert (bad.status, bad.rejection_code, bad.rejection_note) == ("rejected", "officer_cut_off", CUT_OFF_NOTE)
    assert bad.fix_notified_at is not None
    assert Document.objects.filter(claim=claim, status=DocumentStatus.ACCEPTED).count() == len(documents) - 1
    rejected_row = _document_row(page, bad.document_type.name)
    assert "ditolak petugas" in rejected_row.inner_text()
    assert "officer_cut_off" in rejected_row.inner_text()
    shots.shot("claim-needs-fix")

    # The claimant's message, once, in the outbox: what to redo, why, and the link to the claim.
    fix_messages = Message.objects.filter(claim=claim, template="claim_needs_fix")
    assert fix_messages.count() == 1
    link = f"{settings.PUBLIC_BASE_URL}{reverse('portal:status_start')}?nomor={claim.reference}"
    _go(page, page.get_by_role("link", name="Kotak keluar pesan"), r"/petugas/pesan/$")
    rows = page.locator("tbody tr").filter(has=page.locator("td", has_text=re.compile(rf"^{claim.reference}$")))
    fix_row = rows.filter(has_text="perlu perbaikan")
    assert fix_row.count() == 1
    body = fix_row.locator("pre").inner_text()
    assert f"klaim {claim.reference} perlu perbaikan" in body
    assert f"- {bad.document_type.name}: Foto dokumen terpotong." in body
    assert CUT_OFF_NOTE in body
    assert link in body, body
    assert fix_row.locator("td").nth(3).inner_text() == claim.phone
    for document in documents.values():
        if document != bad:
            assert document.document_type.name not in body
    assert elsewhere.reference not in page.locator("main").inner_text()  # another branch's messages
    shots.shot("outbox")

    assert not page.errors, page.errors


def test_officer_matches_an_envelope_by_typed_reference_and_turns_its_scans_into_checked_documents(
    live_server, laptop_page, officer_screenshots, tmp_path
):
    branch = BranchFactory(city="Surabaya", name="Kantor Cabang Surabaya Rungkut")
    officer = StaffFactory(branch=branch, first_name="Agus", last_name="Salim", password=PASSWORD)
    claim = claim_switch_to_dropbox(claim=make_claim(branch=branch, reason="retirement_age"))
    assert (claim.channel, claim.status) == (Channel.DROPBOX, Status.SUBMITTED)
    assert not claim.documents.exists()
    scan_pdf = tmp_path / "pindaian-amplop.pdf"
    scan_pdf.write_bytes(make_scan_pdf(f"e-KTP depan {claim.reference}", f"e-KTP belakang {claim.reference}"))
    scan_photo = tmp_path / "kartu-keluarga.jpg"
    scan_photo.write_bytes(make_jpeg(text=f"KARTU KELUARGA {claim.reference}"))
    page, base = laptop_page, live_server.url
    shots = Shots(page, officer_screenshots)

    _log_in(page, base, officer, shots)
    _go(page, page.get_by_role("link", name="Dropbox"), r"/petugas/dropbox/$")
    shots.shot("dropbox-home")
    _go(page, page.get_by_role("button", name=f"Buka dropbox {branch.name}"), r"/petugas/dropbox/batch/\d+/$")

    # The reference as written by hand on the envelope: lower case, no dash.
    page.get_by_label("Nomor klaim di amplop").fill(claim.reference.lower().replace("-", " "))
    shots.shot("batch-typed-reference")
    _go(page, page.get_by_role("button", name="Buka amplop"), r"/petugas/dropbox/amplop/\d+/$")
    envelope = Envelope.objects.get(batch__branch=branch)
    assert (envelope.status, envelope.claim_id) == (EnvelopeStatus.MATCHED, claim.pk)
    assert f"cocok dengan klaim {claim.reference}" in page.locator("p.note-success").inner_text()
    shots.shot("envelope-matched")

    # 1. What is inside: the e-KTP and the family card.
    for code in ("ektp", "kk"):
        page.locator(f"input[name=contents][value={code}]").check()
    _go(page, page.get_by_role("button", name="Simpan isi amplop"), rf"/amplop/{envelope.pk}/$")
    assert {t.code for t in envelope.contents.all()} == {"ektp", "kk"}
    assert page.locator("input[name=contents][value=ektp]").is_checked()

    # 2. The scans: a two-page PDF (front and back of the e-KTP) and a photo of the family card.
    page.locator("input[name=scans]").set_input_files([str(scan_pdf), str(scan_photo)])
    _go(page, page.get_by_role("button", name="Unggah pindaian"), rf"/amplop/{envelope.pk}/$")
    assert "3 halaman tersimpan" in page.locator("p.note-success").inner_text()
    pages = list(ScanPage.objects.filter(envelope=envelope).order_by("page_number"))
    assert [(p.page_number, p.content_type, p.source_page) for p in pages] == [
        (1, "application/pdf", 1),
        (2, "application/pdf", 2),
        (3, "image/jpeg", 1),
    ]

    # 3. Which page makes which document.
    rows = page.locator("table.pages tbody tr")
    assert rows.count() == 3
    assert "pindaian-amplop.pdf, hlm. 2" in rows.nth(1).inner_text()
    for index, name in enumerate(("e-KTP", "e-KTP", "Kartu Keluarga")):
        rows.nth(index).locator("select").select_option(label=name)
    shots.shot("envelope-pages-assigned")
    _go(page, page.get_by_role("button", name="Buat dokumen dan periksa"), rf"/amplop/{envelope.pk}/$")
    assert "2 dokumen dibuat" in page.locator("p.note-success").inner_text()

    documents = {d.document_type.code: d for d in Document.objects.filter(claim=claim).select_related("document_type")}
    assert set(documents) == {"ektp", "kk"}
    # The checks ran when the assignment committed (tasks run in process here).
    assert {code: d.status for code, d in documents.items()} == {"ektp": "accepted", "kk": "accepted"}
    assert documents["ektp"].content_type == "application/pdf"
    assert documents["kk"].content_type == "image/jpeg"
    assert all(d.uploaded_by == officer for d in documents.values())
    pages = list(ScanPage.objects.filter(envelope=envelope).order_by("page_number"))
    assert [p.claim_id for p in pages] == [claim.pk] * 3
    assert [p.document_id for p in pages] == [documents["ektp"].pk, documents["ektp"].pk, documents["kk"].pk]
    assert all(p.assigned_at is not None for p in pages)
    made = page.locator("section", has=page.get_by_role("heading", name="Dokumen dari amplop ini"))
    assert made.locator("tbody tr").count() == 2
    assert made.locator(".badge-accepted").count() == 2
    assert page.locator("table.pages").count() == 0  # nothing waits any more
    shots.shot("envelope-documents-checked")

    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX  # moved on from "submitted"; kpj card, bank book, selfie still missing

    received = Message.objects.filter(claim=claim, template="dropbox_received")
    assert received.count() == 1
    _go(page, page.get_by_role("link", name="Kotak keluar pesan"), r"/petugas/pesan/$")
    row = page.locator("tbody tr").filter(has_text="sudah kami terima").filter(has_text=claim.reference)
    assert row.count() == 1
    body = row.locator("pre").inner_text()
    assert f"dokumen klaim {claim.reference} dari dropbox {branch.name} sudah kami terima" in body
    assert "- e-KTP" in body
    assert "- Kartu Keluarga" in body
    assert f"{reverse('portal:status_start')}?nomor={claim.reference}" in body
    shots.shot("outbox-dropbox-received")

    assert not page.errors, page.errors
