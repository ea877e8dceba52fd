"""Taking an upload in, replacing, removing, recording who opened what."""

import hashlib
import logging
import re
import unicodedata

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from claims.models import Claim, DocumentType, Status
from claims.services import claim_record_event
from claims.timeline import DOCUMENT_REPLACED

from ..models import Document, DocumentAccess, DocumentStatus
from ..selectors import claim_stored_bytes, current_documents_of_type
from .checking import document_check_enqueue
from .progress import claim_documents_changed
from .transitions import document_transition

logger = logging.getLogger(__name__)

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_original_name(name: str | None) -> str:
    """Keep a readable name for people; it is metadata only and always rendered escaped."""
    name = unicodedata.normalize("NFC", name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return _UNSAFE_NAME.sub("", name).strip()[:120]


def _sniff_and_hash(uploaded: File) -> tuple[str, str, int]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    return magic.from_buffer(head, mime=True), digest.hexdigest(), size


def check_accepts_uploads(*, claim: Claim, document_type: DocumentType) -> None:
    """Refuse a file for a closed claim or for a document the claim does not need."""
    if not claim.accepts_uploads:
        raise ValidationError(_("Klaim ini tidak bisa diubah lagi."), code="closed")
    if not claim.reason.requirements.filter(document_type=document_type).exists():
        raise ValidationError(_("Dokumen ini tidak diperlukan untuk klaim Anda."), code="not_required")


def _empty_file() -> ValidationError:
    return ValidationError(_("Berkas kosong. Ambil foto lagi, lalu kirim ulang."), code="empty")


def _check_size(size: int) -> None:
    if size == 0:
        raise _empty_file()
    if size > settings.DOCUMENT_MAX_UPLOAD_BYTES:
        raise ValidationError(too_large_message(), code="too_large")


def document_upload(*, claim: Claim, document_type: DocumentType, uploaded: File | None, by=None) -> Document:
    """Store a claimant's (or officer's) file for one requirement of the claim.

    A new file becomes the current one of its type; the previous one is kept as
    "replaced" (history), before and after the claim is submitted.
    The file is written to storage before the row; a transaction that rolls back
    leaves an unreferenced object, which the storage sweep removes.
    """
    check_accepts_uploads(claim=claim, document_type=document_type)
    if uploaded is None:
        raise _empty_file()  # no file at all is told like an empty one
    _check_size(uploaded.size)
    # The type recorded now is libmagic's first look; the background checks decide.
    content_type, sha256, size = _sniff_and_hash(uploaded)
    document = Document(
        claim=claim,
        document_type=document_type,
        original_name=clean_original_name(uploaded.name),
        content_type=content_type,
        size=size,
        sha256=sha256,
        status=DocumentStatus.CHECKING,
        uploaded_by=by,
    )
    document.file.save("upload", uploaded, save=False)
    try:
        # The claimant's own channels are capped; staff (the branch dropbox, where the
        # "claim is full" message sends people) are not.
        return _document_record(document, capped=by is None)
    except ValidationError:
        _delete_files(document)
        raise


def document_upload_stored(
    *, claim: Claim, document_type: DocumentType, key: str, original_name: str = "", by=None
) -> Document:
    """Make the document from a file already in the documents storage under ``key``.

    For a finished resumable upload (services/resumable.py): the file is not copied
    again, only read to sniff its type and hash it. The same rules as document_upload
    apply; a refused file is deleted from storage.
    """
    document = Document(
        claim=claim,
        document_type=document_type,
        original_name=clean_original_name(original_name),
        status=DocumentStatus.CHECKING,
        uploaded_by=by,
    )
    document.file.name = key
    try:
        check_accepts_uploads(claim=claim, document_type=document_type)
        with document.file.open("rb") as stored:
            document.content_type, document.sha256, document.size = _sniff_and_hash(stored)
        _check_size(document.size)
        # Its bytes were counted against DOCUMENT_CLAIM_MAX_BYTES when the upload was opened
        # (resumable_create, under the claim's lock): counting them again would refuse it.
        return _document_record(document, capped=False)
    except ValidationError:
        _delete_files(document)
        raise


def check_claim_room(*, claim: Claim, adding: int) -> None:
    """Refuse ``adding`` more bytes once the claim would hold over DOCUMENT_CLAIM_MAX_BYTES.

    The caller holds the claim's row lock: every upload that adds bytes (a document
    recorded, a resumable upload opened) counts and writes under that lock, so two at once
    cannot both fit in the last room. Nothing stored is touched; only the new file is refused.
    """
    if claim_stored_bytes(claim.pk) + adding > settings.DOCUMENT_CLAIM_MAX_BYTES:
        logger.warning("claim %s: upload of %d bytes refused, over DOCUMENT_CLAIM_MAX_BYTES", claim.pk, adding)
        raise ValidationError(claim_full_message(), code="claim_full")


def _document_record(document: Document, *, capped: bool) -> Document:
    """Save the row of a stored file: the previous one of its type becomes "replaced", the checks are queued.

    The previous file is kept, before submitting as after (DOMAIN.md: a replaced document
    is never deleted while the claim lives): the claim's history says what was replaced,
    the re-upload figure still counts its automatic rejection, the officer sees every
    version, and retention purges its file with the claim's. Under the claim's lock, so
    two uploads of one type at once leave exactly one current document.
    """
    claim, document_type = document.claim, document.document_type
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if not locked.accepts_uploads:
            raise ValidationError(_("Klaim ini tidak bisa diubah lagi."), code="closed")
        if capped:
            check_claim_room(claim=locked, adding=document.size)
        previous = list(current_documents_of_type(claim=locked, document_type=document_type))
        document.save()
        for old in previous:
            document_transition(document=old, to=DocumentStatus.REPLACED, claim=locked)
        if previous:
            # One line on the history per replacement, naming the type only (never the file).
            claim_record_event(claim=locked, reason=DOCUMENT_REPLACED, note=document_type.code)
        if locked.status != Status.DRAFT:
            # A claim waiting for a fix goes back to "checking" while the new file is checked.
            claim_documents_changed(claim=locked)
        transaction.on_commit(lambda: document_check_enqueue(document.pk))
    logger.info(
        "document %s stored for claim %s (%s, %d bytes)", document.pk, claim.pk, document.content_type, document.size
    )
    return document


def document_remove(*, document: Document, by=None) -> None:
    """A claimant takes a file back before submitting."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=document.claim_id)
        if claim.status != Status.DRAFT:
            raise ValidationError(_("Dokumen yang sudah dikirim tidak bisa dihapus. Unggah penggantinya."), code="sent")
        if document.status == DocumentStatus.REPLACED:
            # History: kept while the claim lives, like after submitting.
            raise ValidationError(_("Dokumen lama yang sudah diganti tidak bisa dihapus."), code="replaced")
        document.delete()
        transaction.on_commit(lambda: _delete_files(document))


def _delete_files(document: Document) -> None:
    for field in (document.file, document.thumbnail):
        if field:
            field.storage.delete(field.name)


def too_large_message() -> str:
    limit_mb = settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
    return _(
        "Berkas terlalu besar (lebih dari %(limit)d MB). Ambil foto lagi dengan resolusi lebih kecil, "
        "atau kirim dokumen lewat dropbox di kantor cabang."
    ) % {"limit": limit_mb}


def claim_full_message() -> str:
    return _(
        "Ruang penyimpanan dokumen untuk klaim ini sudah penuh. Dokumen yang sudah terunggah tetap tersimpan. "
        "Kirim dokumen lainnya lewat dropbox di kantor cabang, atau hubungi 175."
    )


def too_many_uploads_message() -> str:
    return _(
        "Terlalu banyak unggahan yang belum selesai. Selesaikan atau batalkan unggahan lain dulu, "
        "lalu coba lagi nanti. Bila tetap tidak bisa, kirim dokumen lewat dropbox di kantor cabang "
        "atau hubungi 175."
    )


def document_access_record(*, document: Document, user, what: str, ip: str, user_agent: str) -> DocumentAccess:
    """Record that a member of staff opened a document (UU PDP: access must be accountable)."""
    return DocumentAccess.objects.create(
        document=document, user=user, what=what, ip_address=ip or None, user_agent=user_agent[:200]
    )
