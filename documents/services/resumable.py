"""Resumable uploads (tus 1.0): open one, store a piece, finish it, end it, let it expire.

The protocol lives in portal/views_tus.py; here is what it writes. Pieces go to
storage as they arrive (documents/resumable_store.py). Every change to an upload happens
under its row lock, with the offset checked under that lock: two requests carrying the
same piece (a client retrying after a lost answer, two tabs) cannot both be stored,
the second gets "wrong offset". A finished upload becomes a Document through
``document_upload_stored`` and enters the background checks like any other upload.
"""

import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, DocumentType

from ..models import ResumableUpload
from ..resumable_store import resumable_store
from ..selectors import open_resumable_uploads
from .uploads import (
    check_accepts_uploads,
    check_claim_room,
    clean_original_name,
    document_upload_stored,
    too_large_message,
    too_many_uploads_message,
)

logger = logging.getLogger(__name__)


class UploadExpired(Exception):
    """The upload was left unfinished too long; its pieces are (or will be) deleted."""


class OffsetConflict(Exception):
    """The piece does not start where the stored bytes end."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


class UploadOverflow(Exception):
    """The piece would make the file longer than the length announced at creation."""


def _expiry() -> datetime:
    return timezone.now() + timedelta(hours=settings.DOCUMENT_RESUMABLE_EXPIRE_HOURS)


def resumable_create(
    *,
    claim: Claim,
    document_type: DocumentType,
    length: int,
    original_name: str = "",
    declared_type: str = "",
    session_tag: str = "",
    session_claim_ids: Collection[int] = (),
) -> ResumableUpload:
    """Open an upload of ``length`` bytes for one requirement of the claim.

    Refused (code ``too_many_uploads``) past DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM open
    uploads of the claim or DOCUMENT_RESUMABLE_MAX_OPEN_PER_SESSION of the browser session
    ``session_tag``, and (``claim_full``) when ``length`` would take the claim over
    DOCUMENT_CLAIM_MAX_BYTES. Counted and written under the row locks of the claim and of
    every other claim the session holds (``session_claim_ids``), taken in id order so two
    requests never deadlock: two creations from one session, for one claim or two, wait for
    each other instead of both taking the last slot. Only open uploads count (see
    open_resumable_uploads): finishing, terminating or letting one expire frees its slot, and
    a new upload for the same document from the same session supersedes the unfinished one.
    """
    check_accepts_uploads(claim=claim, document_type=document_type)
    if length <= 0:
        raise ValidationError(_("Berkas kosong. Ambil foto lagi, lalu kirim ulang."), code="empty")
    if length > settings.DOCUMENT_MAX_UPLOAD_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    with transaction.atomic():
        list(Claim.objects.select_for_update().filter(pk__in={claim.pk, *session_claim_ids}).order_by("pk"))
        open_uploads = open_resumable_uploads()
        if session_tag:
            # The same browser starts another file for the same document (a retake, a photo
            # shrunk again after a reload): the unfinished one can never become the document,
            # so it goes now instead of holding a slot and its bytes until it expires.
            for old in open_uploads.filter(claim=claim, document_type=document_type, session_tag=session_tag):
                resumable_store().discard(old)
                old.delete()
        if open_uploads.filter(claim=claim).count() >= settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM or (
            session_tag
            and open_uploads.filter(session_tag=session_tag).count() >= settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_SESSION
        ):
            logger.warning("claim %s: resumable upload refused, too many open uploads", claim.pk)
            raise ValidationError(too_many_uploads_message(), code="too_many_uploads")
        check_claim_room(claim=claim, adding=length)
        upload = ResumableUpload(
            claim=claim,
            document_type=document_type,
            length=length,
            original_name=clean_original_name(original_name),
            declared_type=declared_type[:100],
            session_tag=session_tag[:32],
            expires_at=_expiry(),
        )
        resumable_store().open(upload)
        upload.save()
    logger.info("resumable upload %s opened for claim %s (%d bytes)", upload.pk, claim.pk, length)
    return upload


def resumable_append(*, upload_id, offset: int, data: IO[bytes], size: int) -> ResumableUpload:
    """Store ``size`` bytes of ``data`` at ``offset``; finish the upload when it is whole.

    ``size`` may be shorter than what the client meant to send: a request cut off by the
    network stores what did arrive (tus: keep as much as possible), so the client resumes
    from there. Each stored piece pushes the expiry back.
    """
    with transaction.atomic():
        upload = ResumableUpload.objects.select_for_update().get(pk=upload_id)
        if upload.completed_at is None and upload.expires_at <= timezone.now():
            raise UploadExpired
        if offset != upload.offset:
            raise OffsetConflict(upload.offset)
        if offset + size > upload.length:
            raise UploadOverflow
        if size:
            resumable_store().write(upload, offset, data)
            upload.offset = offset + size
            upload.expires_at = _expiry()
            upload.save(update_fields=["offset", "expires_at", "parts", "pending"])
    if upload.is_complete and upload.completed_at is None:
        upload = resumable_finish(upload_id=upload.pk)
    return upload


def resumable_finish(*, upload_id) -> ResumableUpload:
    """Turn a whole upload into its Document, once.

    Called after the last piece, and again by a HEAD that finds an upload whole but not
    finished (the request that stored the last piece died before this ran). A file the
    document service refuses (the claim was closed meanwhile, the requirement removed) is
    deleted with its upload, and the refusal is raised for the client to show.
    """
    refusal = None
    with transaction.atomic():
        upload = (
            ResumableUpload.objects.select_for_update(of=("self",))
            .select_related("claim", "document_type")
            .get(pk=upload_id)
        )
        if upload.completed_at is not None or not upload.is_complete:
            return upload
        key = resumable_store().finish(upload)
        try:
            document = document_upload_stored(
                claim=upload.claim, document_type=upload.document_type, key=key, original_name=upload.original_name
            )
        except ValidationError as exc:
            refusal = exc
            upload.delete()
        else:
            upload.storage_key = key
            upload.pending = []
            upload.completed_at = timezone.now()
            upload.document = document
            # The row only answers "how far did it get" from now on; the sweep removes it later.
            upload.expires_at = _expiry()
            upload.save()
    if refusal is not None:
        logger.info("resumable upload %s refused at completion: %s", upload_id, refusal.code)
        raise refusal
    logger.info("resumable upload %s became document %s", upload.pk, upload.document_id)
    return upload


def resumable_terminate(*, upload_id) -> None:
    """The client gives up on an upload (tus termination): its pieces and its row go."""
    with transaction.atomic():
        upload = ResumableUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            return
        if upload.completed_at is None:
            resumable_store().discard(upload)
        upload.delete()


def resumable_sweep_expired(*, batch: int = 1000) -> int:
    """Delete expired uploads and the pieces of those never finished (beat, hourly).

    Each row is taken with SKIP LOCKED under its own transaction, so a piece being stored
    right now is left alone and two sweeps never fight; running it twice deletes nothing
    more. A finished upload's file belongs to its Document and stays.
    """
    removed = 0
    now = timezone.now()
    candidates = list(ResumableUpload.objects.filter(expires_at__lte=now).values_list("pk", flat=True)[:batch])
    for upload_id in candidates:
        with transaction.atomic():
            upload = (
                ResumableUpload.objects.select_for_update(skip_locked=True)
                .filter(pk=upload_id, expires_at__lte=now)
                .first()
            )
            if upload is None:
                continue
            if upload.completed_at is None:
                resumable_store().discard(upload)
            upload.delete()
            removed += 1
    if removed:
        logger.info("removed %d expired resumable uploads", removed)
    return removed
