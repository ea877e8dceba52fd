"""The reminder sweep: due rows claimed with skip_locked, re-checked, sent once."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.models import Claim, Status

from ..models import (
    Interview,
    Reminder,
    ReminderStatus,
)
from ..selectors import (
    branch_zone,
)
from .booking import (
    _tell_claimant,
)

logger = logging.getLogger(__name__)

# --- the reminder sweep ---------------------------------------------------------------


def _in_quiet_hours(local: dt.datetime) -> bool:
    start, end = settings.INTERVIEW_QUIET_START_HOUR, settings.INTERVIEW_QUIET_END_HOUR
    return local.hour >= start or local.hour < end


def _quiet_hours_end(local: dt.datetime) -> dt.datetime:
    """The next end of quiet hours (06:00 local) after ``local``."""
    end = local.replace(hour=settings.INTERVIEW_QUIET_END_HOUR, minute=0, second=0, microsecond=0)
    return end if end > local else end + dt.timedelta(days=1)


def _reminders_claim_due(*, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """Claim a small batch of due reminders and commit: (id, claimed_at) of each claimed row.

    ``skip_locked``: rows another sweep is claiming right now are simply not ours. A reminder
    falling in quiet hours is pushed to 06:00 local instead (still pending), unless the call
    is close. A claim that never turned into a send (the process died) is taken again after
    INTERVIEW_REMINDER_RECLAIM_AFTER: safe, because a send writes the message and marks the
    reminder sent in one transaction.
    """
    reclaim_before = now - dt.timedelta(seconds=settings.INTERVIEW_REMINDER_RECLAIM_AFTER)
    override = dt.timedelta(minutes=settings.INTERVIEW_QUIET_OVERRIDE_MINUTES)
    claimed = []
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(status=ReminderStatus.PENDING, due_at__lte=now)
                | Q(status=ReminderStatus.CLAIMED, claimed_at__lt=reclaim_before)
            )
            .select_related("interview__claim__branch")
            .order_by("due_at", "pk")[: settings.INTERVIEW_REMINDER_BATCH]
        )
        for reminder in rows:
            interview = reminder.interview
            if reminder.attempts >= settings.INTERVIEW_REMINDER_MAX_ATTEMPTS:
                reminder.status, reminder.note = ReminderStatus.SKIPPED, "too many attempts"
                reminder.save(update_fields=["status", "note"])
                logger.warning("reminder %s given up after %s attempts", reminder.pk, reminder.attempts)
                continue
            local_now = now.astimezone(branch_zone(interview.claim.branch))
            if _in_quiet_hours(local_now) and interview.starts_at - now > override:
                reminder.status, reminder.due_at = ReminderStatus.PENDING, _quiet_hours_end(local_now)
                reminder.save(update_fields=["status", "due_at"])
                continue
            reminder.status, reminder.claimed_at = ReminderStatus.CLAIMED, now
            reminder.attempts += 1
            reminder.save(update_fields=["status", "claimed_at", "attempts"])
            claimed.append((reminder.pk, now))
    return claimed


def _stale_reason(reminder: Reminder, interview: Interview, claim: Claim, now: dt.datetime) -> str:
    """Why a claimed reminder must not go out after all, or "" (re-checked under the locks)."""
    if not interview.is_active:
        return "interview not active"
    if interview.starts_at != reminder.for_starts_at:
        return "interview moved"
    if interview.starts_at <= now:
        return "interview already started"
    if claim.status != Status.INTERVIEW_SCHEDULED:
        return "claim not waiting for the call"
    # A later reminder is also due (the sweep was down, or quiet hours pushed this one):
    # one message, the nearest, is enough.
    closer = Reminder.objects.filter(
        interview=interview,
        for_starts_at=reminder.for_starts_at,
        offset_minutes__lt=reminder.offset_minutes,
        due_at__lte=now,
        status__in=(ReminderStatus.PENDING, ReminderStatus.CLAIMED, ReminderStatus.SENT),
    )
    if closer.exists():
        return "superseded by a closer reminder"
    return ""


def time_left_text(delta: dt.timedelta, *, language: str = "id") -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    with translation.override(language):
        if minutes >= 90:
            return _("%(hours)s jam lagi") % {"hours": round(minutes / 60)}
        return _("%(minutes)s menit lagi") % {"minutes": minutes}


def reminder_send_claimed(*, reminder_id: int, claimed_at: dt.datetime) -> Reminder | None:
    """Send one reminder this sweep claimed, or skip it when it went stale; None when it is not ours.

    The message row and the reminder's "sent" are written in one transaction, under the
    reminder's row lock and only while it still carries our claim: the same reminder can
    never produce two messages. The provider is called by the message's own delivery task
    once this commits (at most once, see notifications.services.message_deliver).
    """
    claim_id, interview_id = (
        Reminder.objects.filter(pk=reminder_id).values_list("interview__claim_id", "interview_id").get()
    )
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        interview = Interview.objects.select_for_update().select_related("officer").get(pk=interview_id)
        interview.claim = claim
        reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.status != ReminderStatus.CLAIMED or reminder.claimed_at != claimed_at:
            return None
        now = timezone.now()
        reason = _stale_reason(reminder, interview, claim, now)
        if reason:
            reminder.status, reminder.note = ReminderStatus.SKIPPED, reason
            reminder.save(update_fields=["status", "note"])
            logger.info("reminder %s skipped: %s", reminder.pk, reason)
            return reminder
        message = _tell_claimant(
            interview,
            "interview_reminder",
            time_left=time_left_text(interview.starts_at - now, language=claim.language),
        )
        reminder.status, reminder.message, reminder.sent_at = ReminderStatus.SENT, message, now
        reminder.save(update_fields=["status", "message", "sent_at"])
    return reminder


@dataclass
class SweepResult:
    sent: int = 0
    skipped: int = 0


def reminders_send_due(*, now: dt.datetime | None = None) -> SweepResult:
    """The beat sweep: claim due reminders in small batches, then send each. Safe to run twice at once."""
    result = SweepResult()
    while True:
        batch = _reminders_claim_due(now=now or timezone.now())
        if not batch:
            return result
        for reminder_id, claimed_at in batch:
            reminder = reminder_send_claimed(reminder_id=reminder_id, claimed_at=claimed_at)
            if reminder is None:
                continue
            if reminder.status == ReminderStatus.SENT:
                result.sent += 1
            else:
                result.skipped += 1
