"""The tus 1.0 protocol (https://tus.io/protocols/resumable-upload) for claimants' files.

Core protocol plus the creation, termination and expiration extensions; written here
because no maintained Django package implements it (django-tus 0.5.0 dates from 2020).

- ``OPTIONS /dokumen/unggah/``: what the server speaks.
- ``POST /dokumen/unggah/``: open an upload. ``Upload-Length`` and ``Upload-Metadata``
  (comma-separated ``key base64(value)`` pairs): ``claim`` (the claim reference),
  ``requirement`` (the document type code), ``filename``, ``filetype``. Nothing else is
  read, and no personal data belongs there. Answers 201 with ``Location``.
- ``HEAD /dokumen/unggah/<id>/``: how many bytes are stored (``Upload-Offset``).
- ``PATCH /dokumen/unggah/<id>/``: the next piece, ``Content-Type:
  application/offset+octet-stream`` and ``Upload-Offset`` = bytes stored so far.
- ``DELETE /dokumen/unggah/<id>/``: give up; the stored pieces are deleted.

Who may: the browser session that holds the claim (claims.access), as on every claimant
page; another session gets 404 for the same URL, which carries only a random id.
Requests come from fetch() with the CSRF token in ``X-CSRFToken``: Django's CSRF check
applies to POST, PATCH and DELETE as to any form.
"""

import base64
import binascii
import logging
import secrets
import tempfile
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _

from claims.access import session_claim_ids
from claims.selectors import claims_of_session, requirements_for_reason
from documents.models import ResumableUpload
from documents.selectors import resumable_upload_of_session
from documents.services import (
    OffsetConflict,
    UploadExpired,
    UploadOverflow,
    resumable_append,
    resumable_create,
    resumable_finish,
    resumable_terminate,
    too_large_message,
)

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
PATCH_CONTENT_TYPE = "application/offset+octet-stream"
READ_BLOCK = 64 * 1024
# Pieces are kept in memory up to this size, then in a temporary file.
SPOOL_IN_MEMORY = 1024 * 1024


def _response(status: int, text: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _options() -> HttpResponse:
    return _response(
        204,
        Tus_Version=TUS_VERSION,
        Tus_Extension=TUS_EXTENSIONS,
        Tus_Max_Size=str(settings.DOCUMENT_MAX_UPLOAD_BYTES),
    )


def _version_refused(request: HttpRequest) -> HttpResponse | None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _response(412, "Tus-Resumable 1.0.0 required", Tus_Version=TUS_VERSION)
    return None


def _expires(upload: ResumableUpload) -> dict[str, str]:
    if upload.completed_at is not None:
        return {}
    return {"Upload_Expires": http_date(upload.expires_at.timestamp())}


def _parse_metadata(raw: str) -> dict[str, str] | None:
    """``key base64,key2 base64`` → dict; None when it is not valid tus metadata."""
    result = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        key, _sep, value = pair.partition(" ")
        try:
            result[key] = base64.b64decode(value.strip(), validate=True).decode() if value else ""
        except (binascii.Error, UnicodeDecodeError):
            return None
    return result


# A random tag this browser's uploads carry, for the per-session cap. Kept in the session
# (cycle_key keeps the data, not the key), so it stays the same across claims and codes.
UPLOAD_SESSION_KEY = "documents_upload_session"
# Why a creation is refused, in tus terms: bytes over a limit are 413 (the protocol's answer
# past Tus-Max-Size); too many open uploads is a conflict with the uploads already open,
# 409, which static/js/upload.js shows at once (it waits and retries a 429, in vain here).
CREATE_REFUSAL_STATUS = {"too_large": 413, "claim_full": 413, "too_many_uploads": 409}


def _upload_session_tag(session) -> str:
    tag = session.get(UPLOAD_SESSION_KEY)
    if not isinstance(tag, str) or not tag:
        tag = session[UPLOAD_SESSION_KEY] = secrets.token_hex(16)
    return tag


def _non_negative(value: str | None) -> int | None:
    if value is None or not value.isdigit():
        return None
    return int(value)


def tus_create(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options()
    if request.method != "POST":
        return _response(405, Allow="OPTIONS, POST")
    if refused := _version_refused(request):
        return refused
    length = _non_negative(request.headers.get("Upload-Length"))
    metadata = _parse_metadata(request.headers.get("Upload-Metadata", ""))
    if length is None or metadata is None:
        return _response(400, "Upload-Length and valid Upload-Metadata required")
    if length > settings.DOCUMENT_MAX_UPLOAD_BYTES:
        return _response(413, too_large_message())
    claim = claims_of_session(request.session).filter(reference=metadata.get("claim", "")).first()
    if claim is None:
        return _response(404, _("Klaim tidak ditemukan. Buka lagi halaman klaim Anda."))
    requirement = (
        requirements_for_reason(claim.reason).filter(document_type__code=metadata.get("requirement", "")).first()
    )
    if requirement is None:
        return _response(404, _("Dokumen ini tidak diperlukan untuk klaim Anda."))
    try:
        upload = resumable_create(
            claim=claim,
            document_type=requirement.document_type,
            length=length,
            original_name=metadata.get("filename", ""),
            declared_type=metadata.get("filetype", ""),
            session_tag=_upload_session_tag(request.session),
            session_claim_ids=session_claim_ids(request.session),
        )
    except ValidationError as exc:
        return _response(CREATE_REFUSAL_STATUS.get(exc.code or "", 400), exc.messages[0])
    location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{upload.pk}/")
    return _response(201, Location=location, **_expires(upload))


def tus_upload(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("HEAD", "PATCH", "DELETE"):
        return _response(405, Allow="OPTIONS, HEAD, PATCH, DELETE")
    if refused := _version_refused(request):
        return refused
    if request.method == "PATCH" and request.headers.get("Content-Type", "").split(";")[0] != PATCH_CONTENT_TYPE:
        return _response(415, f"Content-Type must be {PATCH_CONTENT_TYPE}")
    upload = resumable_upload_of_session(request.session, upload_id)
    if upload is None:
        return _response(404)
    if request.method == "DELETE":
        resumable_terminate(upload_id=upload.pk)
        return _response(204)
    if upload.completed_at is None and upload.expires_at <= timezone.now():
        return _response(410)
    if request.method == "HEAD":
        return _head(request, upload)
    return _patch(request, upload)


def _head(request: HttpRequest, upload: ResumableUpload) -> HttpResponse:
    if upload.is_complete and upload.completed_at is None:
        # The request that stored the last piece died before the document was made.
        try:
            upload = resumable_finish(upload_id=upload.pk)
        except ValidationError:
            return _response(404)
    return _response(200, Upload_Offset=str(upload.offset), Upload_Length=str(upload.length), **_expires(upload))


def _patch(request: HttpRequest, upload: ResumableUpload) -> HttpResponse:
    offset = _non_negative(request.headers.get("Upload-Offset"))
    declared = _non_negative(request.META.get("CONTENT_LENGTH") or "0")
    if offset is None or declared is None:
        return _response(400, "Upload-Offset and Content-Length required")
    # Checked again under the row lock; this early answer spares reading a piece for nothing.
    if offset != upload.offset:
        return _response(409, Upload_Offset=str(upload.offset))
    if offset + declared > upload.length:
        return _response(413, too_large_message())
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as body:
        size = _read_body(request, body, declared)
        logger.debug("resumable upload %s: PATCH at %d, %d of %d bytes arrived", upload.pk, offset, size, declared)
        try:
            upload = resumable_append(upload_id=upload.pk, offset=offset, data=body, size=size)
        except OffsetConflict as conflict:
            return _response(409, Upload_Offset=str(conflict.offset))
        except UploadExpired:
            return _response(410)
        except UploadOverflow:
            return _response(413, too_large_message())
        except ResumableUpload.DoesNotExist:
            return _response(404)
        except ValidationError as exc:
            # The whole file arrived but cannot stand for this document (claim closed meanwhile…).
            return _response(400, exc.messages[0])
    if upload.completed_at is not None and size:
        messages.success(request, _("%(name)s sudah terunggah.") % {"name": upload.document_type.localized("name")})
    return _response(204, Upload_Offset=str(upload.offset), **_expires(upload))


def _read_body(request: HttpRequest, target, declared: int) -> int:
    """Copy the piece into ``target``; a connection cut midway keeps what did arrive."""
    size = 0
    try:
        while size < declared:
            block = request.read(min(READ_BLOCK, declared - size))
            if not block:
                break
            target.write(block)
            size += len(block)
    except (UnreadablePostError, OSError):
        pass
    target.seek(0)
    return size
