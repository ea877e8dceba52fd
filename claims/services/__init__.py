"""Every write to a claim. Split by topic; import from here.

intake: creating, submitting, cancelling, the lifecycle and what documents do to it;
officer: what branch staff do to a claim (console); assisted: claims an officer starts
for someone without a smartphone.
"""

from .intake import (
    DOCUMENT_DRIVEN_STATUSES,
    ClaimantData,
    TransitionNotAllowed,
    claim_cancel,
    claim_create,
    claim_documents_changed,
    claim_record_event,
    claim_submit,
    claim_transition,
)

__all__ = [
    "DOCUMENT_DRIVEN_STATUSES",
    "ClaimantData",
    "TransitionNotAllowed",
    "claim_cancel",
    "claim_create",
    "claim_documents_changed",
    "claim_record_event",
    "claim_submit",
    "claim_transition",
]
