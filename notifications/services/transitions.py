"""The only writers of Message.status, every move checked against ALLOWED_TRANSITIONS (models.py).

The at-most-once rule rests on these writes being conditional: a move is one
``UPDATE … WHERE status IN (the statuses it may leave)``, so of two workers racing for a
row one moves it and the other moves nothing, and a provider report arriving after the
row moved on matches no row and changes nothing. No row lock is taken here: a caller that
reads a row and decides on what it read (message_fail, message_status_report) holds the
row's lock already, and the batch claim of delivery takes its own skip_locked locks.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import Combinable
from django.utils import timezone

from core.transitions import TransitionNotAllowed, checked_sources

from ..models import ALLOWED_TRANSITIONS, SEAL_WIPED_AT, Message, MessageStatus


class MessageTransitionNotAllowed(TransitionNotAllowed):
    """A caller asked for a move the table does not have: a bug in the caller, not a late report."""

    def __init__(self, from_status: str, to: str):
        super().__init__("message", from_status, to)


def _sources(from_statuses: Iterable[str], to: str) -> frozenset[str]:
    return checked_sources(ALLOWED_TRANSITIONS, from_statuses, to, MessageTransitionNotAllowed)


def messages_transition(
    *, messages: QuerySet[Message], from_statuses: Iterable[str], to: MessageStatus, **changes: Any
) -> int:
    """Move the rows of ``messages`` still in ``from_statuses`` to ``to`` with one UPDATE; the number moved.

    Every (from, to) pair is checked against the table before the statement
    (MessageTransitionNotAllowed), and the statement moves only rows still in
    ``from_statuses``: a row another worker moved meanwhile is left alone. This is the form
    for claiming many rows at once (the reminder burst: no query or lock per row), and the
    one under message_transition. ``changes``: the other fields the move writes, values or
    expressions such as ``F("attempts") + 1``; ``status_changed_at`` is now unless given.

    A move to a status in SEAL_WIPED_AT wipes the sealed full text in the same statement:
    once the provider has a code or a link, or it will never go, nobody needs it readable.
    """
    sources = _sources(from_statuses, to)
    changes.setdefault("status_changed_at", timezone.now())
    if to in SEAL_WIPED_AT:
        changes["sealed"] = ""
    return messages.filter(status__in=sources).update(status=to, **changes)


def message_transition(
    *, message: Message, to: MessageStatus, from_statuses: Iterable[str] | None = None, **changes: Any
) -> bool:
    """Move one message to ``to``; whether it moved. On a move the instance carries the new values.

    Without ``from_statuses`` the row must still be in the status the instance holds (the
    caller's locked row): a move the table does not have from there is refused, False and
    nothing written (a late or replayed report, a failure after delivery). With
    ``from_statuses`` (the statuses a claim may find the row in) each must allow ``to``
    (else MessageTransitionNotAllowed) and the row may be in any of them.
    """
    if from_statuses is None:
        if to not in ALLOWED_TRANSITIONS[message.status]:
            return False
        from_statuses = (message.status,)
    changes.setdefault("status_changed_at", timezone.now())
    if to in SEAL_WIPED_AT:
        changes["sealed"] = ""
    if not messages_transition(
        messages=Message.objects.filter(pk=message.pk), from_statuses=from_statuses, to=to, **changes
    ):
        return False
    message.status = to
    for name, value in changes.items():
        if not isinstance(value, Combinable):
            setattr(message, name, value)
    return True
