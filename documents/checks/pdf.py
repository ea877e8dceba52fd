"""Whether a PDF is a plain document: opens without a password, not too long, nothing
that runs or hides another file.

PDFs are kept as sent (no clean copy, no thumbnail), so this check has to look at every
object, the way a viewer would: qpdf (through pikepdf) parses the file and unpacks the
compressed object streams, where "/JavaScript" never appears as plain bytes.

Refused as active content: any dictionary with /JavaScript, /JS, /AA (additional
actions: on open, close, print, page view…) or /Launch, any action whose /S is
/JavaScript or /Launch, and an /OpenAction that is an action dictionary. An /OpenAction
that is a destination array ("open at page 1, fit width") is what LibreOffice and Word
write into ordinary exports; it does nothing but scroll and is allowed.

Refused as embedded files: an /EmbeddedFiles name tree, an /EmbeddedFile stream, a file
specification carrying one (/EF), a /FileAttachment annotation.
"""

import io
import re

import pikepdf

from .base import Candidate, CheckConfig, CheckRejected

_ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/AA", "/Launch"})
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
_DICTIONARY, _ARRAY, _STREAM = pikepdf.ObjectType.dictionary, pikepdf.ObjectType.array, pikepdf.ObjectType.stream
_CONTAINERS = frozenset({_DICTIONARY, _ARRAY, _STREAM})
_SUSPECT_WORDS = re.compile(rb"/(?:JavaScript|JS|AA|Launch|OpenAction|EmbeddedFile|EF|FileAttachment)")
# A 20-page document holds hundreds of objects, a heavy form some tens of thousands.
# Looking at one costs about 7 µs (100,000 annotations: 0.7 s); past this many the file is
# refused as "unreadable" rather than tie a worker up.
MAX_OBJECTS = 250_000


def check(candidate: Candidate, config: CheckConfig) -> None:
    if candidate.content_type != "application/pdf":
        return
    try:
        pdf = pikepdf.open(io.BytesIO(candidate.content))
    except pikepdf.PasswordError:
        raise CheckRejected("pdf_encrypted") from None
    except Exception as exc:  # qpdf gives up on a damaged file in several ways
        raise CheckRejected("pdf_broken", error=_describe(exc)) from None
    with pdf:
        if pdf.is_encrypted:
            # An empty user password opens without asking, but the file stays encrypted
            # (and may forbid printing or copying the officer needs).
            raise CheckRejected("pdf_encrypted")
        try:
            pages = len(pdf.pages)
            candidate.details["pages"] = pages
            limit = config.pdf_max_pages
            if pages > limit:
                # Counted before any object is walked: a 5,000-page file costs nothing more.
                raise CheckRejected("pdf_too_many_pages", pages=pages, limit=limit)
            if pages == 0:
                raise CheckRejected("pdf_broken", error="no pages")
            objects = pdf.objects
            if len(objects) > MAX_OBJECTS:
                raise CheckRejected(
                    "unreadable", reason="too many PDF objects", objects=len(objects), limit=MAX_OBJECTS
                )
            finding = _find_hidden_content(objects)
        except CheckRejected:
            raise
        except Exception as exc:  # an object that cannot be resolved or decoded
            raise CheckRejected("pdf_broken", error=_describe(exc)) from None
    if finding is not None:
        code, where = finding
        raise CheckRejected(code, found=where)


def _find_hidden_content(objects) -> tuple[str, str] | None:
    """The first active content, else the first embedded file, else None."""
    embedded = None
    for obj in objects:
        holder = obj.stream_dict if obj._type_code == _STREAM else obj
        if holder._type_code not in _CONTAINERS:
            continue
        # qpdf writes every name plainly (/J#61vaScript comes out as /JavaScript), with
        # the directly held dictionaries inline: an object without any of these words
        # cannot hold what is looked for, and most objects are skipped at C++ speed.
        if not _SUSPECT_WORDS.search(holder.unparse(resolved=True)):
            continue
        for dictionary in _dictionaries(holder):
            keys = dictionary.keys()
            active = keys & _ACTIVE_KEYS
            if active:
                return "pdf_active_content", sorted(active)[0]
            if "/OpenAction" in keys and dictionary.OpenAction._type_code == _DICTIONARY:
                return "pdf_active_content", "/OpenAction"
            if "/S" in keys and str(dictionary.S) in _ACTIVE_ACTIONS:
                return "pdf_active_content", f"/S {dictionary.S}"
            if embedded is None:
                found = keys & _EMBEDDED_KEYS
                if found:
                    embedded = sorted(found)[0]
                elif "/Type" in keys and dictionary.Type == pikepdf.Name.EmbeddedFile:
                    embedded = "/Type /EmbeddedFile"
                elif "/Subtype" in keys and dictionary.Subtype == pikepdf.Name.FileAttachment:
                    embedded = "/Subtype /FileAttachment"
    if embedded is not None:
        return "pdf_embedded_files", embedded
    return None


def _dictionaries(obj):
    """``obj`` and every dictionary held directly inside it (not through a reference).

    Indirect objects come up on their own in ``pdf.objects``; an action written inline
    in a page's /Annots array or a link's /A only comes up here. The type codes are
    compared directly: pikepdf's isinstance() checks cost several times more, and a
    20-page file can hold a hundred thousand objects.
    """
    pending = [obj]
    while pending:
        current = pending.pop()
        kind = current._type_code
        if kind == _STREAM:
            current, kind = current.stream_dict, _DICTIONARY
        if kind == _DICTIONARY:
            yield current
            children = current.values()
        elif kind == _ARRAY:
            children = current
        else:
            continue
        for child in children:
            if isinstance(child, pikepdf.Object) and child._type_code in _CONTAINERS and not child.is_indirect:
                pending.append(child)


def _describe(exc: Exception) -> str:
    # qpdf names the in-memory stream by its repr ("<_io.BytesIO object at 0x…>"): drop it.
    message = re.sub(r"(?:stream )?<_io\.BytesIO object at 0x[0-9a-f]+>:? ?", "", str(exc))
    return f"{type(exc).__name__}: {message}"[:200]
