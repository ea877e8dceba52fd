"""Every write to documents. Split by topic: uploads, the background checks, the dropbox."""

from .checking import document_check, document_check_enqueue, documents_requeue_stuck, documents_sweep_orphans
from .dropbox import (
    IGNORE_PAGE,
    claim_switch_to_dropbox,
    dropbox_batch_close,
    dropbox_batch_open,
    envelope_claim_create,
    envelope_contents_set,
    envelope_match,
    envelope_open,
    envelope_pages_assign,
    envelope_scans_add,
    envelope_set_aside,
)
from .review import REVIEW_STATUSES, ReviewDecision, document_review, documents_review
from .uploads import (
    clean_original_name,
    document_access_record,
    document_remove,
    document_upload,
    too_large_message,
)

__all__ = [
    "IGNORE_PAGE",
    "claim_switch_to_dropbox",
    "dropbox_batch_close",
    "dropbox_batch_open",
    "envelope_claim_create",
    "envelope_contents_set",
    "envelope_match",
    "envelope_open",
    "envelope_pages_assign",
    "envelope_scans_add",
    "envelope_set_aside",
    "clean_original_name",
    "document_access_record",
    "document_check",
    "document_check_enqueue",
    "document_remove",
    "document_upload",
    "documents_requeue_stuck",
    "documents_sweep_orphans",
    "too_large_message",
    "REVIEW_STATUSES",
    "ReviewDecision",
    "document_review",
    "documents_review",
]
