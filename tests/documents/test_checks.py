"""The file checks one by one, on the generated corpus: type, size, image, PDF.

The antivirus check and the pipeline as a whole are tested elsewhere; here each check
function is called directly, in the pipeline's order, so a test names the exact code.
"""

import hashlib
import io
import subprocess
import sys
import time

import pytest
from django.utils import translation
from PIL import Image, ImageChops, ImageFile, ImageStat

from documents.checks import Candidate, CheckConfig, CheckRejected, filetype, image, pdf, run_checks, size
from documents.checks.antivirus import BaseScanner, EicarOnlyScanner, ScanResult
from documents.checks.codes import REJECTION_CODES
from documents.pipeline import check_config
from documents.rejections import OFFICER_REJECTIONS, REJECTIONS, rejection_message
from tests.documents import corpus

IMAGE_CHECKS = (filetype.check, size.check, image.check)
PDF_CHECKS = (filetype.check, size.check, pdf.check)


def _passed(candidate: Candidate, checks) -> Candidate:
    """Run the checks in order; the first that refuses raises."""
    config = check_config()
    for check in checks:
        check(candidate, config)
    return candidate


def _passes(content: bytes, name: str, checks=IMAGE_CHECKS) -> Candidate:
    return _passed(Candidate(content=content, name=name), checks)


def _rejection(content: bytes, name: str, checks=IMAGE_CHECKS) -> CheckRejected:
    candidate = Candidate(content=content, name=name)
    with pytest.raises(CheckRejected) as caught:
        _passed(candidate, checks)
    assert caught.value.code in REJECTIONS
    return caught.value


def _jpeg_markers(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments, from SOI up to and including EOI."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [0xD8], 2
    while position < len(data):
        assert data[position] == 0xFF
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xD9:
            assert position + 2 == len(data), "bytes after the end-of-image marker"
            return markers
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        position += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not RSTn or 0xFF00
            while not (data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))):
                position += 1
    raise AssertionError("no end-of-image marker")


def _thumbprint(picture: Image.Image) -> Image.Image:
    """A 64×40 grey version of a picture: enough to tell which way up it is."""
    return picture.convert("L").resize((64, 40), Image.Resampling.BOX)


def _difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


# --- file type -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (corpus.good_jpeg, "image/jpeg"),
        (corpus.good_png, "image/png"),
        (corpus.good_webp, "image/webp"),
        (corpus.good_heic, "image/heic"),
        (corpus.good_pdf, "application/pdf"),
    ],
)
def test_type_comes_from_the_content_even_for_a_nameless_blob(make, content_type):
    candidate = Candidate(content=make(), name="blob")
    filetype.check(candidate, check_config())
    assert candidate.content_type == content_type


def test_heif_with_a_brand_libmagic_does_not_name_is_still_a_heif():
    # libmagic 5.44 answers application/octet-stream for a "mif2" major brand.
    content = bytearray(corpus.good_heic())
    assert content[4:12] == b"ftypheic"
    content[8:12] = b"mif2"
    candidate = Candidate(content=bytes(content), name="IMG_0001.HEIC")
    filetype.check(candidate, check_config())
    assert candidate.content_type == "image/heic"  # "heic" is still among its compatible brands


@pytest.mark.parametrize(
    "name",
    ["ktp.jpg", "KTP.JPG", "ktp.jpeg", "scan.jfif", "IMG.jpe", "blob", "", "image:1234", "foto 17.08.2023",
     "C:\\fakepath\\ktp budi.jpg", "/sdcard/DCIM/Camera/IMG_20261124_101010.jpg"],
)  # fmt: skip
def test_jpeg_passes_under_any_honest_name_or_none(name):
    candidate = Candidate(content=corpus.plain_jpeg(), name=name)
    filetype.check(candidate, check_config())
    assert candidate.content_type == "image/jpeg"


def test_png_renamed_to_jpg_is_rejected_as_extension_mismatch():
    rejection = _rejection(corpus.good_png(), "ktp.jpg")
    assert rejection.code == "extension_mismatch"
    assert rejection.details == {"detected_type": "image/png", "extension": "jpg"}


@pytest.mark.parametrize(
    ("make", "name"),
    [(corpus.plain_jpeg, "ktp.pdf"), (corpus.good_pdf, "surat.jpg"), (corpus.plain_jpeg, "ktp.heic"),
     (corpus.good_heic, "ktp.png"), (corpus.plain_jpeg, "ktp.exe")],
)  # fmt: skip
def test_an_extension_of_another_type_is_rejected_as_extension_mismatch(make, name):
    assert _rejection(make(), name).code == "extension_mismatch"


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (corpus.html_page, "surat.pdf"),
        (corpus.svg_with_script, "ktp.svg"),
        (corpus.svg_with_script, "ktp.jpg"),
        (corpus.zip_archive, "dokumen.zip"),
        (corpus.elf_executable, "ktp.jpg"),
        (corpus.pe_executable, "slip.pdf"),
        (lambda: corpus.EICAR, "eicar.pdf"),
    ],
)
def test_files_that_are_not_photos_or_pdfs_are_rejected_as_type_not_allowed(make, name):
    assert _rejection(make(), name).code == "type_not_allowed"


# --- size ----------------------------------------------------------------------------


def test_empty_file_is_rejected_as_empty_not_as_a_wrong_type():
    assert _rejection(b"", "ktp.jpg").code == "empty"
    with pytest.raises(CheckRejected) as caught:
        size.check(Candidate(content=b"", name="ktp.jpg"), check_config())
    assert caught.value.code == "empty"


def test_file_over_the_upload_limit_is_rejected_as_too_large(settings):
    content = corpus.plain_jpeg()
    settings.DOCUMENT_MAX_UPLOAD_BYTES = len(content) - 1
    rejection = _rejection(content, "ktp.jpg")
    assert rejection.code == "too_large"
    assert rejection.details == {"size": len(content), "limit": len(content) - 1}
    settings.DOCUMENT_MAX_UPLOAD_BYTES = len(content)
    size.check(Candidate(content=content, name="ktp.jpg"), check_config())


# --- images: the clean copy ----------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (corpus.good_jpeg, "ktp.jpg"),
        (corpus.good_png, "kk.png"),
        (corpus.good_webp, "buku-tabungan.webp"),
        (corpus.good_heic, "IMG_0420.HEIC"),
        (corpus.cmyk_jpeg, "scan.jpg"),
        (lambda: corpus.png_in_mode("P"), "palet.png"),
        (lambda: corpus.png_in_mode("LA"), "abu.png"),
        (lambda: corpus.png_in_mode("I;16"), "scan16.png"),
        (lambda: corpus.png_in_mode("1"), "fax.png"),
        (corpus.white_page_jpeg, "surat.jpg"),
        (corpus.sparse_white_page_jpeg, "surat.jpg"),
    ],
)
def test_good_photos_pass_with_a_clean_jpeg_and_a_thumbnail(make, name):
    candidate = _passes(make(), name)
    assert candidate.clean_content_type == "image/jpeg"
    with Image.open(io.BytesIO(candidate.clean)) as clean:
        assert clean.format == "JPEG"
        assert clean.mode == "RGB"
        assert clean.size == (candidate.details["width"], candidate.details["height"])
        assert max(clean.size) <= 2000
    with Image.open(io.BytesIO(candidate.thumbnail)) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) == 320


def test_clean_copy_has_no_gps_or_any_metadata_and_is_turned_upright():
    raw = corpus.good_jpeg()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.size == (1000, 1600)
        assert original.getexif()[0x0112] == 6
        assert original.getexif().get_ifd(0x8825)  # the GPS position is there to begin with
    candidate = _passes(raw, "ktp.jpg")
    assert candidate.details["original_width"] == 1000
    assert candidate.details["original_height"] == 1600
    with Image.open(io.BytesIO(candidate.clean)) as clean:
        assert clean.size == (1600, 1000)
        assert not clean.getexif()
        assert "icc_profile" not in clean.info
        assert "comment" not in clean.info
        assert "xmp" not in clean.info
        upright = _thumbprint(clean)
    # Only SOI, JFIF (APP0), tables, frame, scans and EOI: no APP1 (EXIF/XMP), APP2 (ICC), COM.
    assert set(_jpeg_markers(candidate.clean)) <= {0xD8, 0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDA, 0xDD, 0xD9}
    # Upright means like the card before the phone stored it sideways, not like the file.
    card = _thumbprint(corpus.document_image(1600, 1000))
    upside_down = _thumbprint(Image.open(io.BytesIO(raw)).transpose(Image.Transpose.ROTATE_90))  # orientation 8
    assert _difference(upright, card) < 4 < _difference(upside_down, card)


def test_metadata_is_dropped_even_when_the_photo_needs_no_resizing_or_turning():
    raw = corpus.jpeg_with_every_metadata()
    with Image.open(io.BytesIO(raw)) as original:
        assert {"icc_profile", "xmp", "comment", "exif"} <= original.info.keys()
    candidate = _passes(raw, "ktp.jpg")
    with Image.open(io.BytesIO(candidate.clean)) as clean:
        assert clean.size == (1600, 1000)
        assert not clean.getexif()
        assert not {"icc_profile", "xmp", "comment", "exif"} & clean.info.keys()
    assert set(_jpeg_markers(candidate.clean)) <= {0xD8, 0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDA, 0xDD, 0xD9}
    assert b"GPSLatitude" not in candidate.clean
    assert b"Redmi 9A" not in candidate.clean


def test_bytes_appended_after_the_jpeg_are_gone_from_the_clean_copy():
    candidate = _passes(corpus.jpeg_with_trailer(), "ktp.jpg")
    assert corpus.TRAILER not in candidate.clean
    assert candidate.clean.endswith(b"\xff\xd9")
    _jpeg_markers(candidate.clean)  # ends exactly at the end-of-image marker


def test_eicar_appended_to_a_photo_is_not_in_the_clean_copy_either():
    # The antivirus check refuses such a file before image.check runs; this only shows
    # that re-encoding never carries appended bytes along.
    candidate = _passes(corpus.jpeg_with_eicar(), "ktp.jpg")
    assert corpus.EICAR not in candidate.clean


def test_eicar_is_the_standard_68_byte_test_file():
    assert len(corpus.EICAR) == 68
    assert hashlib.sha256(corpus.EICAR).hexdigest() == (
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
    )
    assert corpus.jpeg_with_eicar().endswith(corpus.EICAR)


def test_12_megapixel_phone_photo_is_capped_at_2000_px_in_well_under_a_second():
    raw = corpus.phone_jpeg_12mp()
    assert 3_000_000 < len(raw) < 4_500_000
    started = time.perf_counter()
    candidate = _passes(raw, "IMG_20261124_101010.jpg")
    elapsed = time.perf_counter() - started
    assert (candidate.details["width"], candidate.details["height"]) == (1500, 2000)  # upright, long side = cap
    assert elapsed < 1.0, f"{elapsed:.2f} s"  # about 0.08 s on the development machine


def test_long_side_cap_is_read_from_settings(settings):
    settings.DOCUMENT_IMAGE_LONG_SIDE = 1200
    settings.DOCUMENT_THUMBNAIL_SIZE = 100
    candidate = _passes(corpus.phone_jpeg_12mp(), "ktp.jpg")
    assert (candidate.details["width"], candidate.details["height"]) == (900, 1200)
    with Image.open(io.BytesIO(candidate.thumbnail)) as thumbnail:
        assert thumbnail.size == (75, 100)


def test_small_photo_is_not_enlarged():
    candidate = _passes(corpus.png_in_mode("L"), "scan.png")
    assert (candidate.details["width"], candidate.details["height"]) == (1200, 800)


def test_transparent_margin_of_a_png_becomes_white_paper_not_black():
    candidate = _passes(corpus.good_png(), "scan.png")
    with Image.open(io.BytesIO(candidate.clean)) as clean:
        top_band = ImageStat.Stat(clean.crop((0, 0, clean.width, 30)).convert("L")).mean[0]
    assert top_band > 245


def test_16_bit_grey_scan_keeps_its_tones():
    sixteen = _passes(corpus.png_in_mode("I;16"), "scan.png").details
    eight = _passes(corpus.png_in_mode("L"), "scan.png").details
    assert abs(sixteen["brightness"] - eight["brightness"]) < 2


# --- images: refused ------------------------------------------------------------------


def test_truncated_jpeg_is_rejected_as_broken():
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    assert _rejection(corpus.truncated_jpeg(), "ktp.jpg").code == "image_broken"


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any image is decoded."""

    def refuse(self):
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_20000_by_20000_png_bomb_is_rejected_in_a_blink_without_decoding(no_decoding):
    bomb = corpus.png_20000x20000()
    assert len(bomb) < 100_000
    started = time.perf_counter()
    assert _rejection(bomb, "ktp.png").code == "image_too_many_pixels"
    assert time.perf_counter() - started < 2.0


def test_100_megapixel_png_is_rejected_without_decoding(no_decoding):
    assert _rejection(corpus.png_10000x10000(), "ktp.png").code == "image_too_many_pixels"


def test_pixel_limit_is_read_from_settings_at_call_time(settings, no_decoding):
    settings.DOCUMENT_IMAGE_MAX_PIXELS = 1_000_000
    rejection = _rejection(corpus.plain_jpeg(), "ktp.jpg")
    assert rejection.code == "image_too_many_pixels"
    assert rejection.details == {"pixels": 1_600_000, "limit": 1_000_000}


def test_one_pixel_image_is_rejected_as_too_small():
    assert _rejection(corpus.one_pixel_png(), "ktp.png").code == "image_too_small"


def test_minimum_short_side_is_read_from_settings(settings):
    settings.DOCUMENT_IMAGE_MIN_SHORT_SIDE = 1001
    rejection = _rejection(corpus.plain_jpeg(), "ktp.jpg")
    assert rejection.code == "image_too_small"
    assert rejection.details == {"short_side": 1000, "minimum": 1001}


@pytest.mark.parametrize("make", [corpus.black_jpeg, corpus.dark_jpeg])
def test_black_or_very_dark_photo_is_rejected_as_too_dark(make):
    assert _rejection(make(), "ktp.jpg").code == "image_too_dark"


def test_well_lit_photo_of_a_white_page_is_not_too_bright():
    candidate = _passes(corpus.white_page_jpeg(), "surat.jpg")
    assert 200 <= candidate.details["brightness"] <= 245


def test_washed_out_photo_is_rejected_as_too_bright():
    rejection = _rejection(corpus.overexposed_jpeg(), "ktp.jpg")
    assert rejection.code == "image_too_bright"
    assert rejection.details["brightness"] > 240


@pytest.mark.parametrize("radius", [4, 5, 6])
def test_blurry_ktp_photo_is_rejected_with_fix_hint(radius):
    rejection = _rejection(corpus.blurred_jpeg(radius), "ktp.jpg")
    assert rejection.code == "image_blurry"
    assert rejection.details["sharpness"] < image.BLUR_MIN_SHARPNESS
    with translation.override("id"):
        assert "fokus" in rejection_message(rejection.code)


@pytest.mark.parametrize("radius", [0, 1])
def test_slightly_soft_ktp_photo_still_passes(radius):
    candidate = _passes(corpus.blurred_jpeg(radius), "ktp.jpg")
    assert candidate.details["sharpness"] > 2 * image.BLUR_MIN_SHARPNESS


def test_image_check_leaves_a_pdf_alone():
    candidate = Candidate(content=corpus.good_pdf(), name="surat.pdf", content_type="application/pdf")
    image.check(candidate, check_config())
    assert candidate.clean is None
    assert candidate.thumbnail is None
    assert candidate.details == {}


# --- PDFs ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [corpus.good_pdf, corpus.pdf_1mb, corpus.pdf_with_harmless_navigation])
def test_plain_pdf_passes_as_sent_without_clean_copy_or_thumbnail(make):
    candidate = _passes(make(), "surat.pdf", PDF_CHECKS)
    assert candidate.content_type == "application/pdf"
    assert candidate.clean is None
    assert candidate.thumbnail is None
    assert candidate.details == {"pages": 1}


def test_scanned_pdf_of_a_megabyte_passes():
    assert 900_000 < len(corpus.pdf_1mb()) < 1_200_000
    _passes(corpus.pdf_1mb(), "scan.pdf", PDF_CHECKS)


@pytest.mark.parametrize("make", [corpus.encrypted_pdf, corpus.encrypted_pdf_empty_password])
def test_password_protected_pdf_is_rejected_even_with_an_empty_password(make):
    assert _rejection(make(), "slip.pdf", PDF_CHECKS).code == "pdf_encrypted"


def test_damaged_pdf_is_rejected_as_broken():
    assert _rejection(corpus.broken_pdf(), "surat.pdf", PDF_CHECKS).code == "pdf_broken"


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    content = corpus.pdf_with_javascript_in_object_stream()
    assert b"/JavaScript" not in content
    assert b"/OpenAction" not in content
    assert _rejection(content, "surat.pdf", PDF_CHECKS).code == "pdf_active_content"


@pytest.mark.parametrize("kind", ["page_aa", "launch_link", "javascript_names"])
def test_actions_that_run_something_are_rejected_as_active_content(kind):
    assert _rejection(corpus.pdf_with_active_content(kind), "surat.pdf", PDF_CHECKS).code == "pdf_active_content"


@pytest.mark.parametrize("make", [corpus.pdf_with_embedded_file, corpus.pdf_with_file_attachment_annotation])
def test_pdf_carrying_another_file_is_rejected(make):
    assert _rejection(make(), "surat.pdf", PDF_CHECKS).code == "pdf_embedded_files"


def test_5000_page_pdf_is_rejected_on_its_page_count_at_once():
    content = corpus.pdf_5000_pages()
    started = time.perf_counter()
    rejection = _rejection(content, "surat.pdf", PDF_CHECKS)
    assert rejection.code == "pdf_too_many_pages"
    assert rejection.details == {"pages": 5000, "limit": 20}
    assert time.perf_counter() - started < 1.0  # about 0.01 s on the development machine


def test_page_limit_is_20_by_default_and_read_from_settings(settings):
    assert _passes(corpus.pdf_pages(20), "surat.pdf", PDF_CHECKS).details == {"pages": 20}
    assert _rejection(corpus.pdf_pages(21), "surat.pdf", PDF_CHECKS).code == "pdf_too_many_pages"
    settings.DOCUMENT_PDF_MAX_PAGES = 1
    assert _rejection(corpus.pdf_pages(2), "surat.pdf", PDF_CHECKS).code == "pdf_too_many_pages"


def test_pdf_check_leaves_a_photo_alone():
    candidate = Candidate(content=corpus.plain_jpeg(), name="ktp.jpg", content_type="image/jpeg")
    pdf.check(candidate, check_config())
    assert candidate.details == {}


# --- the pipeline is pure --------------------------------------------------------------


class _RecordingScanner(BaseScanner):
    def __init__(self):
        self.scanned: list[bytes] = []

    def scan(self, content: bytes) -> ScanResult:
        self.scanned.append(content)
        return ScanResult()


def _plain_config(**changes) -> CheckConfig:
    limits = {
        "max_upload_bytes": 10 * 1024 * 1024,
        "image_max_pixels": 50_000_000,
        "image_long_side": 2000,
        "image_min_short_side": 600,
        "thumbnail_size": 320,
        "pdf_max_pages": 20,
    }
    return CheckConfig(scanner=changes.pop("scanner", EicarOnlyScanner()), **{**limits, **changes})


def test_run_checks_uses_the_config_it_is_given_not_the_settings(settings):
    settings.DOCUMENT_IMAGE_LONG_SIDE = 2000
    scanner = _RecordingScanner()
    content = corpus.phone_jpeg_12mp()

    candidate = run_checks(
        Candidate(content=content, name="ktp.jpg"), _plain_config(image_long_side=1200, scanner=scanner)
    )

    assert (candidate.details["width"], candidate.details["height"]) == (900, 1200)
    assert scanner.scanned == [content]
    assert candidate.details["antivirus"] == {"scanner": "_RecordingScanner", "result": "clean"}
    with pytest.raises(CheckRejected) as caught:
        run_checks(Candidate(content=corpus.pdf_pages(3), name="surat.pdf"), _plain_config(pdf_max_pages=2))
    assert caught.value.details == {"pages": 3, "limit": 2}


def test_check_config_is_built_from_the_settings_of_the_same_names(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1
    settings.DOCUMENT_IMAGE_MAX_PIXELS = 2
    settings.DOCUMENT_IMAGE_LONG_SIDE = 3
    settings.DOCUMENT_IMAGE_MIN_SHORT_SIDE = 4
    settings.DOCUMENT_THUMBNAIL_SIZE = 5
    settings.DOCUMENT_PDF_MAX_PAGES = 6

    config = check_config()

    assert (
        config.max_upload_bytes,
        config.image_max_pixels,
        config.image_long_side,
        config.image_min_short_side,
        config.thumbnail_size,
        config.pdf_max_pages,
    ) == (1, 2, 3, 4, 5, 6)
    assert isinstance(config.scanner, EicarOnlyScanner)


def test_the_checks_import_no_django():
    code = (
        "import sys, documents.checks, documents.checks.codes; "
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'lapakasik'))); "
        "assert not loaded, loaded"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 0, result.stderr


def test_every_automatic_code_has_its_claimant_message_in_the_same_order():
    assert tuple(REJECTIONS) == REJECTION_CODES
    assert not set(REJECTION_CODES) & set(OFFICER_REJECTIONS)
