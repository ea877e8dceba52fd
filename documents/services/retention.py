"""Deleting the files of closed claims once their retention period is over (UU PDP No. 27/2022).

Face photos, family cards and bank books are specific personal data: once a claim has
been closed for PERSONAL_DATA_RETENTION_DAYS its files go, the stored objects after the
transaction commits. The rows stay, emptied of the file, its name and its hash: the
access log still points at them, and the managers' figures (rejection codes, re-upload
rates, check times) still count them.
"""

import logging

from django.db import transaction

from ..models import Document, Envelope, ResumableUpload, ScanPage
from ..storage import documents_storage
from .resumable import resumable_terminate

logger = logging.getLogger(__name__)


def documents_purge_for_claim(*, claim) -> int:
    """Delete every stored file of the claim (documents, thumbnails, dropbox scans, unfinished
    uploads) and the officers' notes on its dropbox envelopes; return how many objects go.
    Call inside the caller's transaction."""
    names = []
    for document in Document.objects.filter(claim=claim).only("file", "thumbnail"):
        names += [field.name for field in (document.file, document.thumbnail) if field]
    for page in ScanPage.objects.filter(claim=claim).only("file"):
        if page.file:
            names.append(page.file.name)
    Document.objects.filter(claim=claim).update(
        file="", thumbnail="", original_name="", sha256="", details={}, rejection_note="", sanitized=False
    )
    ScanPage.objects.filter(claim=claim).update(file="", source_name="")
    Envelope.objects.filter(claim=claim).exclude(note="").update(note="")
    for upload_id in ResumableUpload.objects.filter(claim=claim).values_list("pk", flat=True):
        resumable_terminate(upload_id=upload_id)

    def delete_objects():
        storage = documents_storage()
        for name in names:
            try:
                storage.delete(name)
            except Exception:  # a missing object is fine; another error: the orphan sweep retries
                logger.warning("claim %s: stored object could not be deleted now", claim.pk)

    transaction.on_commit(delete_objects)
    return len(names)
