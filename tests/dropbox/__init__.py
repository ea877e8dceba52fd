"""Helpers for the dropbox tests: scans as an officer's scanner makes them."""

import io

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_jpeg


def make_scan_pdf(*texts: str) -> bytes:
    """A multi-page PDF, one page per text, each page different (as a scanner's output would be)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for text in texts:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_upload(*texts: str, name: str = "pindaian.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_scan_pdf(*texts), content_type="application/pdf")


def jpeg_upload(text: str, name: str = "hal.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(text=text), content_type="image/jpeg")


def pdf_page_texts(content: bytes) -> list[str]:
    """The text drawn on each page of a PDF made by make_scan_pdf ("" for a page that is a photo)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        texts = []
        for page in pdf.pages:
            raw = page.Contents.read_bytes()
            texts.append(raw.split(b"(", 1)[1].split(b")", 1)[0].decode() if b"(" in raw else "")
        return texts


def required_types(claim):
    return [r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")]
