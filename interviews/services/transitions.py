"""The only writers of Interview.status and Reminder.status, each checked against its table.

The tables (ALLOWED_INTERVIEW_TRANSITIONS, ALLOWED_REMINDER_TRANSITIONS) sit beside the
models. What a move leads to (a message, the claim's own transition, cancelling the
reminders) stays in the service that makes the move, so each flow reads top to bottom.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Field, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

from accounts.models import User
from claims.services import claim_record_event
from core.transitions import TransitionNotAllowed, checked_sources

from ..models import (
    ALLOWED_INTERVIEW_TRANSITIONS,
    ALLOWED_REMINDER_TRANSITIONS,
    Interview,
    InterviewStatus,
    Reminder,
    ReminderStatus,
)


class InterviewTransitionNotAllowed(TransitionNotAllowed):
    def __init__(self, interview: Interview, from_status: str, to: str):
        super().__init__(f"interview {interview.pk}", from_status, to)


class ReminderTransitionNotAllowed(TransitionNotAllowed):
    def __init__(self, from_status: str, to: str, *, reminder_id: int | None = None):
        super().__init__(f"reminder {reminder_id}" if reminder_id is not None else "reminders", from_status, to)


def interview_transition(
    *,
    interview: Interview,
    to: InterviewStatus,
    by: User | None = None,
    event: str = "",
    note: str = "",
    **changes: Any,
) -> Interview:
    """Move ``interview`` to ``to``: lock the row, check the table, save ``status`` and ``changes``.

    ``changes`` are the other fields the move sets (a reschedule's new time); they are saved
    with the status in one UPDATE. ``event``: the reason of the ClaimEvent the move leaves on
    the claim's history (claim_record_event), when it leaves one; moves that go with the
    claim's own transition leave that transition's event instead, written by the caller.

    The callers hold the claim's and the interview's row locks already (booking.py's lock
    order: claim, then interview); locking the interview again here costs nothing and keeps
    the check honest for a caller that did not.
    """
    with transaction.atomic():
        current = Interview.objects.select_for_update().filter(pk=interview.pk).values_list("status", flat=True).get()
        if to not in ALLOWED_INTERVIEW_TRANSITIONS[current]:
            raise InterviewTransitionNotAllowed(interview, current, to)
        interview.status = to
        for name, value in changes.items():
            setattr(interview, name, value)
        interview.save(update_fields=["status", *changes])
        if event:
            claim_record_event(claim=interview.claim, reason=event, note=note, by=by)
    return interview


def _check_reminder_moves(from_statuses: Iterable[str], to: str) -> frozenset[str]:
    return checked_sources(ALLOWED_REMINDER_TRANSITIONS, from_statuses, to, ReminderTransitionNotAllowed)


def reminders_transition(
    *,
    reminders: QuerySet[Reminder] | Sequence[Reminder],
    from_statuses: Iterable[str],
    to: ReminderStatus,
    per_row: Sequence[str] = (),
    **changes: Any,
) -> int:
    """Move a batch of reminders with one UPDATE ``… WHERE status IN from_statuses``; the rows moved.

    The batch path of the reminder sweep (bench/reminders.py: 10,000 a minute), so it adds
    no query and no lock per row: every (from, to) pair is checked against the table in
    Python before the one statement, and the statement itself moves only rows still in
    ``from_statuses``, so a row another transaction moved meanwhile is left alone.

    ``reminders`` is a queryset (the set to move, e.g. an interview's live reminders) or
    Reminder instances whose row locks the caller holds: their statuses must be among
    ``from_statuses``, and they are updated in memory too. ``per_row``: fields whose value
    differs per instance (one CASE, as bulk_update writes it); ``changes``: values (or
    expressions such as ``F("attempts") + 1``) the same for every row.
    """
    sources = _check_reminder_moves(from_statuses, to)
    instances: list[Reminder] = []
    if isinstance(reminders, QuerySet):
        if per_row:
            raise TypeError("per_row needs Reminder instances, not a queryset")
        rows = reminders
    else:
        instances = list(reminders)
        for reminder in instances:
            if reminder.status not in sources:
                raise ReminderTransitionNotAllowed(reminder.status, to, reminder_id=reminder.pk)
        if not instances:
            return 0
        rows = Reminder.objects.filter(pk__in=[reminder.pk for reminder in instances])
    values = dict(changes)
    for name in per_row:
        field = Reminder._meta.get_field(name)
        if not isinstance(field, Field):
            raise TypeError(f"per_row takes concrete fields, not {name!r}")
        case = Case(
            *[When(pk=reminder.pk, then=Value(getattr(reminder, name), output_field=field)) for reminder in instances],
            output_field=field,
        )
        # As bulk_update writes it: PostgreSQL wants the CASE cast to the column's type.
        values[name] = Cast(case, output_field=field) if connection.features.requires_casted_case_in_updates else case
    moved = rows.filter(status__in=sources).update(status=to, **values)
    plain = {name: value for name, value in changes.items() if not isinstance(value, Combinable)}
    for reminder in instances:
        reminder.status = to
        for name, value in plain.items():
            setattr(reminder, name, value)
    return moved


def reminder_transition(*, reminder: Reminder, to: ReminderStatus, **changes: Any) -> Reminder:
    """Move one reminder: lock its row, check the table, save; the locked row, moved.

    The sweep moves reminders in batches (reminders_transition); this is for a single row.
    """
    with transaction.atomic():
        locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if to not in ALLOWED_REMINDER_TRANSITIONS[locked.status]:
            raise ReminderTransitionNotAllowed(locked.status, to, reminder_id=locked.pk)
        reminders_transition(reminders=[locked], from_statuses=(locked.status,), to=to, **changes)
    return locked
