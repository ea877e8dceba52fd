"""WhatsApp replies to interview messages."""

import logging

from django.utils import timezone

from claims.selectors import contact_phone_q

from ..models import (
    ACTIVE_INTERVIEW_STATUSES,
    Interview,
)
from .booking import (
    _tell_claimant,
    interview_confirm,
)

logger = logging.getLogger(__name__)

# --- WhatsApp replies -----------------------------------------------------------------

# What a claimant may answer to an interview message (interview_booked, interview_reminder),
# compared after trimming and upper-casing: " ya " and "Ya\n" are "YA".
REPLY_CONFIRM = ("1", "YA")
REPLY_RESCHEDULE = ("2",)


def interview_reply_received(phone: str, text: str) -> bool:
    """A claimant's reply to an interview message: "1"/"YA" confirms, "2" asks to move it.

    Registered with notifications.replies (InterviewsConfig.ready), which hands over every
    reply as received. The reply belongs to the next active interview of a claim whose
    messages go to this phone; for "2" the claimant gets the link where they pick another
    free slot. Any other reply is not ours: False, before any query.
    """
    text = text.strip().upper()
    if text not in REPLY_CONFIRM + REPLY_RESCHEDULE:
        return False
    interview = (
        Interview.objects.filter(status__in=ACTIVE_INTERVIEW_STATUSES, starts_at__gt=timezone.now())
        .filter(contact_phone_q(phone, prefix="claim__"))
        .select_related("claim__branch", "claim__reason", "officer")
        .order_by("starts_at")
        .first()
    )
    if interview is None:
        return False
    if text in REPLY_CONFIRM:
        interview_confirm(interview=interview)
        return True
    if text in REPLY_RESCHEDULE:
        _tell_claimant(interview, "interview_reschedule_link")
        return True
    return False
