"""The reminder sweep: due rows claimed with skip_locked, re-checked, sent once."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.models import Claim, Status
from notifications.services import Outgoing, messages_send

from ..models import (
    Interview,
    Reminder,
    ReminderStatus,
)
from ..selectors import (
    branch_zone,
)
from .booking import (
    _message_context,
)
from .transitions import reminders_transition

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
    claimed, given_up, pushed = [], [], []
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
                given_up.append(reminder.pk)
                logger.warning("reminder %s given up after %s attempts", reminder.pk, reminder.attempts)
                continue
            local_now = now.astimezone(branch_zone(interview.claim.branch))
            if _in_quiet_hours(local_now) and interview.starts_at - now > override:
                reminder.due_at = _quiet_hours_end(local_now)
                pushed.append(reminder)
                continue
            claimed.append((reminder.pk, now))
        # One statement per kind of change, not one per row: a burst claims hundreds at once.
        # Every row here is locked by this transaction and was read in one of these statuses.
        due_statuses = (ReminderStatus.PENDING, ReminderStatus.CLAIMED)
        if given_up:
            reminders_transition(
                reminders=Reminder.objects.filter(pk__in=given_up),
                from_statuses=due_statuses,
                to=ReminderStatus.SKIPPED,
                note="too many attempts",
            )
        if pushed:
            reminders_transition(
                reminders=pushed, from_statuses=due_statuses, to=ReminderStatus.PENDING, per_row=["due_at"]
            )
        if claimed:
            reminders_transition(
                reminders=Reminder.objects.filter(pk__in=[pk for pk, _ in claimed]),
                from_statuses=due_statuses,
                to=ReminderStatus.CLAIMED,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
    return claimed


def _stale_reason(reminder: Reminder, interview: Interview, claim: Claim, now: dt.datetime, closer: set) -> str:
    """Why a claimed reminder must not go out after all, or "" (re-checked under the locks).

    ``closer``: (interview id, call time, offset) of the due reminders of the batch's
    interviews, from one query (see _due_offsets).
    """
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
    if any(
        interview_id == interview.pk and starts_at == reminder.for_starts_at and offset < reminder.offset_minutes
        for interview_id, starts_at, offset in closer
    ):
        return "superseded by a closer reminder"
    return ""


def _due_offsets(interview_ids: list[int], now: dt.datetime) -> set[tuple[int, dt.datetime, int]]:
    return set(
        Reminder.objects.filter(
            interview_id__in=interview_ids,
            due_at__lte=now,
            status__in=(ReminderStatus.PENDING, ReminderStatus.CLAIMED, ReminderStatus.SENT),
        ).values_list("interview_id", "for_starts_at", "offset_minutes")
    )


def time_left_text(delta: dt.timedelta, *, language: str = "id") -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    with translation.override(language):
        if minutes >= 90:
            return _("%(hours)s jam lagi") % {"hours": round(minutes / 60)}
        return _("%(minutes)s menit lagi") % {"minutes": minutes}


def reminders_send_claimed(*, batch: list[tuple[int, dt.datetime]]) -> list[Reminder]:
    """Send the reminders this sweep claimed, or skip those that went stale; the ones handled.

    The messages and the reminders' "sent" are written in one transaction, under the
    claims', interviews' and reminders' row locks (in that order, the booking services'
    order, each set by id so two sweeps never deadlock), and only for rows that still carry
    our claim: the same reminder can never produce two messages. The provider is called by
    the messages' delivery tasks once this commits (at most once, see
    notifications.services.messages_deliver).
    """
    if not batch:
        return []
    claimed_at = dict(batch)
    links = list(
        Reminder.objects.filter(pk__in=claimed_at).values_list("interview_id", "interview__claim_id").distinct()
    )
    interview_ids = sorted(interview_id for interview_id, _ in links)
    with transaction.atomic():
        claims = {
            claim.pk: claim
            for claim in Claim.objects.select_for_update(of=("self",))
            .filter(pk__in=sorted(claim_id for _, claim_id in links))
            .select_related("branch")
            .order_by("pk")
        }
        interviews = {
            interview.pk: interview
            for interview in Interview.objects.select_for_update(of=("self",))
            .filter(pk__in=interview_ids)
            .select_related("officer")
            .order_by("pk")
        }
        reminders = [
            reminder
            for reminder in Reminder.objects.select_for_update().filter(pk__in=claimed_at).order_by("pk")
            if reminder.status == ReminderStatus.CLAIMED and reminder.claimed_at == claimed_at[reminder.pk]
        ]
        now = timezone.now()
        closer = _due_offsets(interview_ids, now)
        to_send: list[Reminder] = []
        stale: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in reminders:
            interview = interviews[reminder.interview_id]
            interview.claim = claim = claims[interview.claim_id]
            reason = _stale_reason(reminder, interview, claim, now, closer)
            if reason:
                stale[reason].append(reminder)
                logger.info("reminder %s skipped: %s", reminder.pk, reason)
                continue
            to_send.append(reminder)
        messages = messages_send(outgoing=[_reminder_message(interviews[r.interview_id], now) for r in to_send])
        for reminder, message in zip(to_send, messages, strict=True):
            reminder.message = message
        _save_outcomes(stale, to_send, now)
    return reminders


def _save_outcomes(stale: dict[str, list[Reminder]], sent: list[Reminder], now: dt.datetime) -> None:
    """A few set-wide UPDATEs (one per skip reason, one for the sent) and one CASE for the
    message links: a bulk_update of every column was the sweep's slowest statement.

    Every row here is locked by the caller and still carries its claim (status "claimed").
    """
    for note, skipped in stale.items():
        reminders_transition(
            reminders=skipped, from_statuses=(ReminderStatus.CLAIMED,), to=ReminderStatus.SKIPPED, note=note
        )
    if sent:
        reminders_transition(
            reminders=sent, from_statuses=(ReminderStatus.CLAIMED,), to=ReminderStatus.SENT, sent_at=now
        )
        Reminder.objects.bulk_update(sent, ["message"])


def _reminder_message(interview: Interview, now: dt.datetime) -> Outgoing:
    claim = interview.claim
    context = _message_context(interview, with_ready=False)
    context["time_left"] = time_left_text(interview.starts_at - now, language=claim.language)
    return Outgoing(
        to=claim.contact_phone, template="interview_reminder", context=context, claim=claim, language=claim.language
    )


def reminder_send_claimed(*, reminder_id: int, claimed_at: dt.datetime) -> Reminder | None:
    """One claimed reminder (reminders_send_claimed for a batch of one); None when it is not ours."""
    handled = reminders_send_claimed(batch=[(reminder_id, claimed_at)])
    return handled[0] if handled else None


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
        for reminder in reminders_send_claimed(batch=batch):
            if reminder.status == ReminderStatus.SENT:
                result.sent += 1
            else:
                result.skipped += 1
