"""What goes through the checks and what can come out of them: the candidate, the
config it is checked against, and the two outcomes other than passing."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # antivirus.py imports this module; the annotation only needs the name
    from .antivirus import BaseScanner


class CheckRejected(Exception):
    """The file is not acceptable; ``code`` says why (one of codes.REJECTION_CODES)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


class CheckUnavailable(Exception):
    """A check could not run now (a service down, a scan cut short): try again later."""


@dataclass(frozen=True, kw_only=True)
class CheckConfig:
    """Every limit the checks apply, and the scanner they scan with.

    Plain values, no defaults: whoever runs the checks says what they are
    (documents/pipeline.py builds one from the settings of the same names).
    """

    scanner: "BaseScanner"
    max_upload_bytes: int  # DOCUMENT_MAX_UPLOAD_BYTES
    image_max_pixels: int  # DOCUMENT_IMAGE_MAX_PIXELS: refused before decoding
    image_long_side: int  # DOCUMENT_IMAGE_LONG_SIDE: the clean copy's long side at most
    image_min_short_side: int  # DOCUMENT_IMAGE_MIN_SHORT_SIDE: the clean copy's short side at least
    thumbnail_size: int  # DOCUMENT_THUMBNAIL_SIZE: the thumbnail's long side
    pdf_max_pages: int  # DOCUMENT_PDF_MAX_PAGES


@dataclass
class Candidate:
    """One file going through the checks."""

    content: bytes
    # The name the claimant's phone gave it: used only to catch an extension that lies.
    name: str = ""
    # Filled in by the checks:
    content_type: str = ""
    clean: bytes | None = None  # the re-encoded copy (images); the only bytes ever served
    clean_content_type: str = ""
    thumbnail: bytes | None = None  # small JPEG for lists
    details: dict = field(default_factory=dict)
