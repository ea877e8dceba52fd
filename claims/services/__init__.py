"""Every write to a claim. Split by topic; import from here.

lifecycle: creating, the status and its history, cancelling (what documents do to a
claim, submitting included, is documents/services/progress.py);
officer: what branch staff do to a claim (console); assisted: claims an officer starts
for someone without a smartphone; resume: the "finish later" link and its reminder;
replies: claimants' replies answered by themselves ("STATUS") or through the branch's inbox.
"""

from .assisted import (
    AssistedWhere,
    OpenClaimForStaff,
    PhoneCheck,
    assisted_branches,
    assisted_contact_via_branch,
    assisted_phone_code_send,
    assisted_phone_code_verify,
    assisted_phone_state,
    claim_create_assisted,
    open_claim_refusal,
)
from .call_choice import INVITED_EVENT, call_choice_invite, call_choice_path, call_choice_read
from .lifecycle import (
    ClaimAlreadyOpen,
    ClaimantData,
    ClaimTransitionNotAllowed,
    claim_cancel,
    claim_create,
    claim_record_event,
    claim_transition,
)
from .messaging import claim_notify, claim_status_path
from .officer import (
    REJECT_BEFORE_CALL,
    REJECT_EXPLANATIONS,
    ClaimHeld,
    OfficerActionRefused,
    RejectReason,
    StaleEdit,
    assignment_lapse,
    claim_holder,
    claim_lock_for_change,
    claim_release,
    claim_request_documents,
    claim_reveal_nik,
    claim_take,
    claim_touch,
    reject_reasons_allowed,
)
from .replies import (
    ANSWER_TEMPLATE,
    ANSWER_TEXT,
    ReplyAlreadyAnswered,
    ReplyAnswerEmpty,
    ReplyWindowClosed,
    reply_answer,
    reply_answer_mode,
)
from .resume import (
    ResumeLinkCheck,
    ResumeLinkThrottled,
    resume_link_last_sent,
    resume_link_nudge,
    resume_link_read,
    resume_link_send,
    resume_reminders_send,
)
from .start import StartCheck, claim_start, claim_start_resend, claim_start_verify

__all__ = [
    "ANSWER_TEMPLATE",
    "ANSWER_TEXT",
    "ReplyAlreadyAnswered",
    "ReplyAnswerEmpty",
    "ReplyWindowClosed",
    "reply_answer",
    "reply_answer_mode",
    "INVITED_EVENT",
    "call_choice_invite",
    "call_choice_path",
    "call_choice_read",
    "claim_notify",
    "claim_status_path",
    "ClaimAlreadyOpen",
    "ClaimantData",
    "ClaimTransitionNotAllowed",
    "claim_cancel",
    "claim_create",
    "claim_record_event",
    "claim_transition",
    "REJECT_BEFORE_CALL",
    "REJECT_EXPLANATIONS",
    "ClaimHeld",
    "OfficerActionRefused",
    "RejectReason",
    "StaleEdit",
    "assignment_lapse",
    "claim_holder",
    "claim_lock_for_change",
    "claim_release",
    "claim_request_documents",
    "claim_reveal_nik",
    "claim_take",
    "claim_touch",
    "reject_reasons_allowed",
    "AssistedWhere",
    "OpenClaimForStaff",
    "open_claim_refusal",
    "PhoneCheck",
    "assisted_branches",
    "assisted_contact_via_branch",
    "assisted_phone_code_send",
    "assisted_phone_code_verify",
    "assisted_phone_state",
    "claim_create_assisted",
    "StartCheck",
    "claim_start",
    "claim_start_resend",
    "claim_start_verify",
    "ResumeLinkCheck",
    "ResumeLinkThrottled",
    "resume_link_last_sent",
    "resume_link_nudge",
    "resume_link_read",
    "resume_link_send",
    "resume_reminders_send",
]
