"""The document upload in real Chromium on an emulated weak 3G link (CDP network emulation).

static/js/upload.js makes the photo smaller in the browser and sends it in tus pieces.
The link is 768 kbit/s up, 1.6 Mbit/s down, 300 ms latency (Network.emulateNetworkConditions,
see ../shared/NOTES.md). What the server received is counted from portal.views_tus's
debug line for each PATCH ("n of m bytes arrived"), read through caplog: the live server
runs in a thread of this process.
"""

import functools
import hashlib
import io
import logging
import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from claims.access import session_grant
from documents.checks.image import BLUR_MIN_SHARPNESS
from documents.models import Document, DocumentStatus, ResumableUpload
from tests.factories import make_claim

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

# Bytes per second, as Chromium's emulation takes them.
UPLOAD_BPS = 768_000 // 8
DOWNLOAD_BPS = 1_600_000 // 8
LATENCY_MS = 300
SMALL_CHUNK = 64 * 1024
ARRIVED = re.compile(r"PATCH at (\d+), (\d+) of (\d+) bytes arrived")


# --- a phone photo of a printed page ---------------------------------------------------


@functools.cache
def document_photo() -> bytes:
    """A 4000×3000 phone photo (about 4 MB) of a printed A4 letter lying on a table.

    Held upright, so stored landscape with EXIF orientation 6 as phones do; the page a
    little turned, lit unevenly, lens softness and sensor noise, JPEG quality 92.
    """
    width, height = 3000, 4000  # upright
    table = Image.linear_gradient("L").resize((width, height)).point(lambda v: 70 + v // 5)
    photo = Image.merge("RGB", (table, table.point(lambda v: int(v * 0.85)), table.point(lambda v: int(v * 0.7))))
    page = Image.new("RGB", (2480, 3508), (240, 238, 232))
    draw = ImageDraw.Draw(page)
    title = ImageFont.load_default(size=88)
    body = ImageFont.load_default(size=52)
    draw.text((200, 220), "SURAT KETERANGAN BERHENTI BEKERJA", font=title, fill=(25, 25, 30))
    draw.line((200, 360, 2280, 360), fill=(25, 25, 30), width=6)
    lines = [
        "Nomor: 118/HRD/PT-SM/XI/2026",
        "Yang bertanda tangan di bawah ini menerangkan bahwa:",
        "Nama          : BUDI SANTOSO",
        "NIK           : 3174 0512 0689 0003",
        "Nomor KPJ     : 1234 5678 901",
        "Jabatan       : OPERATOR PRODUKSI",
        "Mulai bekerja : 02 Januari 2017",
        "Berhenti      : 31 Oktober 2026",
    ]
    y = 480
    for line in lines:
        draw.text((200, y), line, font=body, fill=(25, 25, 30))
        y += 92
    for paragraph in range(14):
        draw.text(
            (200, y),
            f"{paragraph + 1}. Yang bersangkutan telah bekerja dengan baik dan tidak memiliki kewajiban lagi.",
            font=body,
            fill=(30, 30, 36),
        )
        y += 92
    draw.rectangle((1500, y + 60, 2280, y + 460), outline=(30, 30, 120), width=8)
    draw.text((1540, y + 220), "Jakarta, 31-10-2026", font=body, fill=(30, 30, 120))
    page = page.rotate(2.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0))
    mask = Image.new("L", (2480, 3508), 255).rotate(2.0, expand=True)
    photo.paste(page, ((width - page.width) // 2, (height - page.height) // 2), mask)
    # The window is to the left: the page darkens a little to the right.
    light = Image.linear_gradient("L").rotate(90).resize((width, height)).point(lambda v: 255 - v // 6)
    photo = Image.merge("RGB", [ImageChops.multiply(band, light) for band in photo.split()])
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    grain = Image.effect_noise((width, height), 7)
    photo = Image.merge("RGB", [ImageChops.add(band, grain, 1.0, -128) for band in photo.split()])
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 9A"
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    photo.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


# --- helpers ---------------------------------------------------------------------------


@pytest.fixture
def photo_path(tmp_path):
    path = tmp_path / "IMG_20261124_101500.jpg"
    path.write_bytes(document_photo())
    return path


@pytest.fixture
def patch_log(caplog):
    caplog.set_level(logging.DEBUG, logger="portal.views_tus")
    return caplog


def _arrived(caplog) -> list[tuple[int, int, int]]:
    """(offset, bytes arrived, bytes declared) of every PATCH the server read."""
    return [tuple(map(int, m.groups())) for r in caplog.records if (m := ARRIVED.search(r.getMessage()))]


def _open_document_page(page, live_server, claim) -> str:
    session = SessionStore()
    session_grant(session, claim)
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    code = claim.reason.requirements.select_related("document_type").first().document_type.code
    page.goto(f"{live_server.url}/klaim/{claim.reference}/dokumen/{code}/")
    return code


def _weak_3g(page, *, offline: bool = False):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    _conditions(cdp, offline=offline)
    return cdp


def _conditions(cdp, *, offline: bool) -> None:
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": offline,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWNLOAD_BPS,
            "uploadThroughput": UPLOAD_BPS,
        },
    )


def _wait_for_offset(upload_filter, at_least: int, timeout: float = 30.0) -> ResumableUpload:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload = ResumableUpload.objects.filter(**upload_filter).first()
        if upload is not None and upload.offset >= at_least:
            return upload
        time.sleep(0.05)
    raise AssertionError(f"no upload reached {at_least} bytes in {timeout} s")


def _fingerprint_hash(page) -> str:
    """The SHA-256 of the bytes the browser is sending: the last part of its localStorage key."""
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('lapakasik-tus:'))")
    assert len(keys) == 1, keys
    return keys[0].rsplit("|", 1)[1]


# --- tests -----------------------------------------------------------------------------


def test_4mb_photo_arrives_compressed_over_weak_3g(live_server, phone_page, photo_path, patch_log):
    claim = make_claim()
    _open_document_page(phone_page, live_server, claim)
    _weak_3g(phone_page)

    started = time.monotonic()
    phone_page.set_input_files("#gallery", str(photo_path))
    phone_page.wait_for_url(re.compile(r"/dokumen/$"), timeout=60_000)
    seconds = time.monotonic() - started

    document = Document.objects.get(claim=claim)
    sent = sum(arrived for _, arrived, _ in _arrived(patch_log))
    original = photo_path.stat().st_size
    print(f"\n4 MB photo over weak 3G: {original} B chosen, {sent} B sent, {seconds:.1f} s")
    assert 3_000_000 < original < 6_000_000
    assert sent == ResumableUpload.objects.get(claim=claim).length
    assert sent < 600_000, f"{sent} bytes: the photo was not compressed enough"
    # The plain form would need original / 96,000 B/s ≈ 40 s for the body alone.
    assert seconds < original / UPLOAD_BPS / 4
    assert document.original_name == "IMG_20261124_101500.jpg"
    assert "Dokumen" in phone_page.content()
    assert "sudah terunggah" in phone_page.content()


def test_compressed_photo_still_passes_the_sharpness_check(live_server, phone_page, photo_path):
    claim = make_claim()
    _open_document_page(phone_page, live_server, claim)
    workers = []
    phone_page.on("worker", lambda worker: workers.append(worker.url))

    phone_page.set_input_files("#gallery", str(photo_path))
    phone_page.wait_for_url(re.compile(r"/dokumen/$"), timeout=30_000)

    # Compressed off the main thread: upload.js started itself as a worker.
    assert any(url.endswith("/js/upload.js") for url in workers), workers
    document = Document.objects.get(claim=claim)
    deadline = time.monotonic() + 20
    while document.status == DocumentStatus.CHECKING and time.monotonic() < deadline:
        time.sleep(0.1)
        document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED, document.details
    assert document.details["sharpness"] >= BLUR_MIN_SHARPNESS + 0.1, document.details
    # Turned upright by the browser (EXIF 6) and brought to a 2000 px long side.
    assert (document.details["width"], document.details["height"]) == (1500, 2000)


def test_cut_connection_resumes_from_its_offset(live_server, phone_page, photo_path, patch_log, settings):
    settings.DOCUMENT_RESUMABLE_CHUNK_BYTES = SMALL_CHUNK
    claim = make_claim()
    _open_document_page(phone_page, live_server, claim)
    cdp = _weak_3g(phone_page)

    phone_page.set_input_files("#gallery", str(photo_path))
    upload = _wait_for_offset({"claim": claim}, 2 * SMALL_CHUNK)
    sending = _fingerprint_hash(phone_page)
    _conditions(cdp, offline=True)
    phone_page.wait_for_function("() => document.querySelector('[data-progress-text]').textContent.includes('sinyal')")
    time.sleep(2)
    cut_at = ResumableUpload.objects.get(pk=upload.pk).offset
    _conditions(cdp, offline=False)
    phone_page.wait_for_url(re.compile(r"/dokumen/$"), timeout=60_000)

    document = Document.objects.get(claim=claim)
    length = ResumableUpload.objects.get(claim=claim).length
    pieces = _arrived(patch_log)
    print(f"\ncut at {cut_at} of {length} B; PATCHes (offset, arrived, declared): {pieces}")
    assert 0 < cut_at < length
    assert document.sha256 == sending
    # Nothing was sent again from the start: at most one piece twice.
    assert sum(arrived for _, arrived, _ in pieces) <= length + SMALL_CHUNK
    assert any(offset == cut_at for offset, _, _ in pieces), "did not resume from the stored offset"


def test_reloaded_tab_resumes_the_same_upload(live_server, phone_page, photo_path, patch_log, settings):
    settings.DOCUMENT_RESUMABLE_CHUNK_BYTES = SMALL_CHUNK
    claim = make_claim()
    _open_document_page(phone_page, live_server, claim)
    _weak_3g(phone_page)

    phone_page.set_input_files("#gallery", str(photo_path))
    upload = _wait_for_offset({"claim": claim}, 2 * SMALL_CHUNK)
    sending = _fingerprint_hash(phone_page)
    phone_page.reload()
    before = ResumableUpload.objects.get(pk=upload.pk).offset
    notice = phone_page.locator("[data-progress-text]")
    assert "Pilih foto yang sama" in notice.text_content()

    phone_page.set_input_files("#gallery", str(photo_path))
    phone_page.wait_for_url(re.compile(r"/dokumen/$"), timeout=60_000)

    document = Document.objects.get(claim=claim)
    length = ResumableUpload.objects.get(claim=claim).length  # one upload, resumed: not a second one
    pieces = _arrived(patch_log)
    print(f"\nreloaded at {before} of {length} B; PATCHes: {pieces}")
    assert document.sha256 == sending
    assert sum(arrived for _, arrived, _ in pieces) <= length + SMALL_CHUNK
    assert phone_page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('lapakasik-tus:')).length") == 0


def test_pdf_is_sent_as_it_is(live_server, phone_page, tmp_path):
    from tests.documents.corpus import good_pdf

    claim = make_claim()
    _open_document_page(phone_page, live_server, claim)
    path = tmp_path / "paklaring.pdf"
    path.write_bytes(good_pdf())

    phone_page.set_input_files("#gallery", str(path))
    phone_page.wait_for_url(re.compile(r"/dokumen/$"), timeout=30_000)

    document = Document.objects.get(claim=claim)
    assert document.sha256 == hashlib.sha256(good_pdf()).hexdigest()
    assert document.original_name == "paklaring.pdf"
