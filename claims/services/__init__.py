"""Every write to a claim. Split by topic; import from here.

intake: creating, submitting, cancelling, the lifecycle and what documents do to it;
officer: what branch staff do to a claim (console); assisted: claims an officer starts
for someone without a smartphone.
"""

from .assisted import (
    AssistedWhere,
    PhoneCheck,
    assisted_branches,
    assisted_contact_via_branch,
    assisted_phone_code_send,
    assisted_phone_code_verify,
    assisted_phone_state,
    claim_create_assisted,
)
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
from .officer import (
    REJECT_EXPLANATIONS,
    ClaimHeld,
    OfficerActionRefused,
    RejectReason,
    StaleEdit,
    assignment_lapse,
    claim_approve,
    claim_cancel_by_staff,
    claim_holder,
    claim_lock_for_change,
    claim_reject,
    claim_release,
    claim_request_documents,
    claim_reveal_nik,
    claim_take,
    claim_touch,
    is_manager,
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
    "REJECT_EXPLANATIONS",
    "ClaimHeld",
    "OfficerActionRefused",
    "RejectReason",
    "StaleEdit",
    "assignment_lapse",
    "claim_approve",
    "claim_cancel_by_staff",
    "claim_holder",
    "claim_lock_for_change",
    "claim_reject",
    "claim_release",
    "claim_request_documents",
    "claim_reveal_nik",
    "claim_take",
    "claim_touch",
    "is_manager",
    "AssistedWhere",
    "PhoneCheck",
    "assisted_branches",
    "assisted_contact_via_branch",
    "assisted_phone_code_send",
    "assisted_phone_code_verify",
    "assisted_phone_state",
    "claim_create_assisted",
]
