"""Every write to documents. Split by topic: uploads, and the background checks."""

from .checking import document_check, document_check_enqueue, documents_requeue_stuck, documents_sweep_orphans
from .uploads import (
    clean_original_name,
    document_access_record,
    document_remove,
    document_upload,
    too_large_message,
)

__all__ = [
    "clean_original_name",
    "document_access_record",
    "document_check",
    "document_check_enqueue",
    "document_remove",
    "document_upload",
    "documents_requeue_stuck",
    "documents_sweep_orphans",
    "too_large_message",
]
