"""Writing messages: the row first, the provider call later (on commit, in a delivery task)."""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import models, transaction

from core.queue import publish

from .. import catalogue, tasks
from ..budgets import Counted, messages_over_budget
from ..holds import held_claims
from ..models import Message, MessageChannel, MessageStatus, NumberHealth
from ..sealing import seal_message

logger = logging.getLogger(__name__)

# Broker down: the rows stay "queued" and this sweep (messages_unpublished) queues them.
RECONCILE = "the reconcile sweep"


@dataclass
class Outgoing:
    """One message to write: what message_send takes, as a value (for messages_send).

    ``template`` names a kind of notifications/catalogue; ``context`` gives its parameters and
    chooses its variant. A code or a link that opens the claim goes in ``context`` as a
    notifications.sealing.Secret: the stored body and parameters show its redacted form, and
    only the provider gets the value.
    """

    to: str
    template: str
    context: dict
    # A claims.Claim: notifications imports no domain app, so any saved model row will do.
    claim: models.Model | None = None
    language: str = "id"
    channel: str | None = None
    # Sent as free text, not a template (Message.free_text): only inside the customer-service window.
    free_text: bool = False


def message_send(
    *,
    to: str,
    template: str,
    context: dict,
    claim: models.Model | None = None,
    language: str = "id",
    channel: str | None = None,
) -> Message:
    """Write the message, then deliver it in the background once the transaction commits.

    Secrets in ``context`` (notifications.sealing.Secret) are never stored readable: the body
    staff see has them redacted from the start, and the full text is sealed for delivery.
    """
    [message] = messages_send(
        outgoing=[
            Outgoing(
                to=to,
                template=template,
                context=context,
                claim=claim,
                language=language,
                channel=channel,
            )
        ]
    )
    return message


def messages_send(*, outgoing: list[Outgoing]) -> list[Message]:
    """Write many messages with one INSERT and hand them to delivery tasks in batches on commit.

    The reminder sweep writes a whole batch of reminders this way: per-row inserts and one
    Celery task per message were most of its cost (bench/reminders.py).
    """
    if not outgoing:
        return []
    # A held claim (notifications/holds.py): the row stays so the outbox shows what was not
    # sent and why; nothing is sealed for it, as nobody will ever receive it.
    held = held_claims({item.claim.pk for item in outgoing if item.claim is not None})
    # Over a budget (notifications/budgets.py): kept "skipped" the same way, the budget named.
    over = _over_budget(outgoing, held)
    by_sms = _codes_by_sms(outgoing)
    rows = []
    for index, item in enumerate(outgoing):
        hold = held.get(item.claim.pk, "") if item.claim is not None else ""
        hold = hold or over.get(index, "")
        skipped = bool(hold)
        filled = catalogue.fill(item.template, _context(item))
        full = filled.sms(item.language, full=True)
        # Sensitive: a secret the message really carries (not one merely in the context).
        body = filled.sms(item.language, full=False)
        sensitive = body != full or filled.shown != filled.full
        rows.append(
            Message(
                claim_id=item.claim.pk if item.claim is not None else None,
                channel=item.channel
                or (MessageChannel.SMS if index in by_sms else settings.NOTIFICATION_DEFAULT_CHANNEL),
                to=item.to,
                template=item.template,
                template_variant=filled.variant.name,
                language=item.language,
                parameters=filled.shown,
                body=body,
                sensitive=sensitive,
                free_text=item.free_text,
                sealed=seal_message(full, filled.full) if sensitive and not skipped else "",
                status=MessageStatus.SKIPPED if skipped else MessageStatus.QUEUED,
                error=hold,
            )
        )
    messages = Message.objects.bulk_create(rows)
    queued = []
    for message in messages:
        if message.status == MessageStatus.SKIPPED:
            logger.info("message %s not sent: %s", message.pk, message.error)
        else:
            queued.append(message.pk)
    _deliver_on_commit(*queued)
    return messages


def _codes_by_sms(outgoing: list[Outgoing]) -> set[int]:
    """Indexes of the one-time codes whose number WhatsApp failed and has not reached since
    (NumberHealth.whatsapp_failed_at): a code must arrive in minutes, so it goes straight by SMS
    rather than wait for WhatsApp to fail again."""
    codes = {
        index: item.to
        for index, item in enumerate(outgoing)
        if item.channel is None and isinstance(catalogue.kind(item.template), catalogue.AuthKind)
    }
    if not codes:
        return set()
    failed = set(
        NumberHealth.objects.filter(phone__in=set(codes.values()), whatsapp_failed_at__isnull=False).values_list(
            "phone", flat=True
        )
    )
    return {index for index, phone in codes.items() if phone in failed}


def _over_budget(outgoing: list[Outgoing], held: dict[int, str]) -> dict[int, str]:
    """{index: reason} for the messages over a budget; a held message is not counted."""
    counted = [
        (index, Counted(to=item.to, claim_id=item.claim.pk if item.claim is not None else None, template=item.template))
        for index, item in enumerate(outgoing)
        if item.claim is None or item.claim.pk not in held
    ]
    over = messages_over_budget([value for _index, value in counted])
    return {counted[position][0]: reason for position, reason in over.items()}


def _context(item: Outgoing) -> dict:
    return {"call_centre": settings.CALL_CENTRE_NUMBER, **item.context}


def _deliver_on_commit(*message_ids: int) -> None:
    """One delivery task per message alone, one per NOTIFICATION_DELIVERY_BATCH when many.

    tasks.py imports the services too: the tasks are looked up on the module when queued.
    """
    if len(message_ids) == 1:
        [message_id] = message_ids
        transaction.on_commit(partial(publish, tasks.message_deliver_task, message_id, sweep=RECONCILE))
        return
    size = settings.NOTIFICATION_DELIVERY_BATCH
    for start in range(0, len(message_ids), size):
        chunk = list(message_ids[start : start + size])
        transaction.on_commit(partial(publish, tasks.messages_deliver_task, chunk, sweep=RECONCILE))
