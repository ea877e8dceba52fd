"""What the file really is, judged by its content; and whether its name lies about it.

The type comes from libmagic on the first 8 KB, never from the name or from the type
the browser sent: both are chosen by the sender. The name is used only afterwards, to
refuse a file whose extension claims another type (a PNG called ".jpg", usually a
renamed file that is not what the claimant thinks it is).

An empty file is refused here as "empty" although size.check owns sizes: libmagic calls
zero bytes "application/x-empty", and "type not allowed" would send the claimant looking
for the wrong mistake.
"""

import magic

from .base import Candidate, CheckConfig, CheckRejected

SNIFF_BYTES = 8192

# Detected type → the extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    "image/png": frozenset({"png"}),
    "image/webp": frozenset({"webp"}),
    "image/heic": frozenset({"heic", "heif"}),
    "image/heif": frozenset({"heic", "heif"}),
    "application/pdf": frozenset({"pdf"}),
}

# libmagic (file 5.44 here) names a HEIF by the major brand of its "ftyp" box: "heic"/"heix"
# → image/heic, "mif1"/"heim"/"heis" → image/heif, but "mif2" and some others →
# application/octet-stream, and burst shots ("hevc", "msf1") → image/hei?-sequence. For
# those answers the ftyp box is read here, and a HEIF still-image brand among its brands
# makes it a HEIF; whether it decodes is image.check's business.
_HEIF_FALLBACK_ANSWERS = frozenset({"application/octet-stream", "image/heic-sequence", "image/heif-sequence"})
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis"})
_HEIF_BRANDS = _HEIC_BRANDS | frozenset({b"mif1", b"mif2"})


def check(candidate: Candidate, config: CheckConfig) -> None:
    content = candidate.content
    if not content:
        raise CheckRejected("empty")
    detected = magic.from_buffer(content[:SNIFF_BYTES], mime=True)
    if detected in _HEIF_FALLBACK_ANSWERS:
        detected = _heif_type(content) or detected
    if detected not in ALLOWED_TYPES:
        raise CheckRejected("type_not_allowed", detected_type=detected)
    candidate.content_type = detected
    extension = _extension(candidate.name)
    if extension and extension not in ALLOWED_TYPES[detected]:
        raise CheckRejected("extension_mismatch", detected_type=detected, extension=extension)


def _extension(name: str) -> str:
    """The lower-case extension of a file name, "" when it has none.

    Only 1–5 ASCII letters and digits after the last dot, at least one a letter, count:
    "blob", "image:1234", "Scan 12.05" and "foto 17.08.2023" have no extension.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem:
        return ""
    if not (1 <= len(extension) <= 5 and extension.isascii() and extension.isalnum()):
        return ""
    if extension.isdigit():
        return ""
    return extension.lower()


def _heif_type(content: bytes) -> str:
    """image/heic or image/heif when the ISO-BMFF "ftyp" box names a HEIF brand, else ""."""
    if len(content) < 16 or content[4:8] != b"ftyp":
        return ""
    box_size = int.from_bytes(content[0:4], "big")
    if not 16 <= box_size <= min(len(content), 4096):
        return ""
    brands = {content[8:12]} | {content[i : i + 4] for i in range(16, box_size - 3, 4)}
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _HEIF_BRANDS:
        return "image/heif"
    return ""
