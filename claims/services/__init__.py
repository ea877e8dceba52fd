"""Every write to a claim. Split by topic; import from here.

intake: creating, submitting, cancelling, the lifecycle and what documents do to it;
officer: what branch staff do to a claim (console); assisted: claims an officer starts
for someone without a smartphone; resume: the "finish later" link and its reminder.
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
from .export import claimant_data_export
from .intake import (
    DOCUMENT_DRIVEN_STATUSES,
    ClaimantData,
    TransitionNotAllowed,
    claim_cancel,
    claim_create,
    claim_documents_changed,
    claim_record_event,
    claim_send_fix_list,
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
)
from .resume import (
    ResumeLinkCheck,
    ResumeLinkThrottled,
    resume_link_last_sent,
    resume_link_read,
    resume_link_send,
    resume_reminders_send,
)
from .retention import claim_anonymise, claims_anonymise_due

__all__ = [
    "claimant_data_export",
    "claim_anonymise",
    "claims_anonymise_due",
    "DOCUMENT_DRIVEN_STATUSES",
    "ClaimantData",
    "TransitionNotAllowed",
    "claim_cancel",
    "claim_create",
    "claim_documents_changed",
    "claim_record_event",
    "claim_send_fix_list",
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
    "AssistedWhere",
    "PhoneCheck",
    "assisted_branches",
    "assisted_contact_via_branch",
    "assisted_phone_code_send",
    "assisted_phone_code_verify",
    "assisted_phone_state",
    "claim_create_assisted",
    "ResumeLinkCheck",
    "ResumeLinkThrottled",
    "resume_link_last_sent",
    "resume_link_read",
    "resume_link_send",
    "resume_reminders_send",
]
