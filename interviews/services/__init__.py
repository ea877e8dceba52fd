"""Every write about interviews, by topic; import from here."""

from .booking import (
    BOOKABLE_CLAIM_STATUSES,
    LIVE_REMINDER_STATUSES,
    InterviewRefused,
    interview_book,
    interview_cancel,
    interview_confirm,
    interview_request_phone_call,
    interview_reschedule,
)
from .choosing import interview_choose, interviews_auto_book_sweep
from .decisions import claim_approve, claim_cancel_by_staff, claim_reject
from .expiry import InterviewExpiryResult, interviews_expiry_sweep
from .outcomes import (
    FAIL_EXPLANATIONS,
    interview_mark_confirmed,
    interview_mark_failed,
    interview_mark_no_answer,
    interview_move_on_request,
)
from .reminders import (
    SweepResult,
    _reminders_claim_due,
    reminder_send_claimed,
    reminders_send_claimed,
    reminders_send_due,
    time_left_text,
)
from .replies import (
    interview_reply_received,
)
from .transitions import (
    InterviewTransitionNotAllowed,
    ReminderTransitionNotAllowed,
    interview_transition,
    reminder_transition,
    reminders_transition,
)

__all__ = [
    "interview_choose",
    "interviews_auto_book_sweep",
    "InterviewExpiryResult",
    "interviews_expiry_sweep",
    "claim_approve",
    "claim_cancel_by_staff",
    "claim_reject",
    "BOOKABLE_CLAIM_STATUSES",
    "LIVE_REMINDER_STATUSES",
    "InterviewRefused",
    "interview_book",
    "interview_cancel",
    "interview_confirm",
    "interview_request_phone_call",
    "interview_reschedule",
    "FAIL_EXPLANATIONS",
    "interview_mark_confirmed",
    "interview_mark_failed",
    "interview_mark_no_answer",
    "interview_move_on_request",
    "SweepResult",
    "_reminders_claim_due",
    "reminder_send_claimed",
    "reminders_send_claimed",
    "reminders_send_due",
    "time_left_text",
    "interview_reply_received",
    "InterviewTransitionNotAllowed",
    "ReminderTransitionNotAllowed",
    "interview_transition",
    "reminder_transition",
    "reminders_transition",
]
