"""Provider status reports (webhooks): applied once, and only forward."""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import FailureReason, Message, MessageChannel, MessageStatus, ProviderEvent
from .delivery import message_fail, number_health_set
from .transitions import message_transition

logger = logging.getLogger(__name__)

# What a report may move a message to (a failure goes through message_fail and its fallback).
# The table lets a row in "sending" go back to "queued" or on to "skipped": those are our
# own moves, never a provider's.
REPORTED_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


def message_status_report(
    *,
    provider: str,
    event_key: str,
    status: str,
    provider_message_id: str = "",
    idempotency_key: str = "",
    failure_reason: str = "",
    detail: str = "",
) -> Message | None:
    """Apply one provider status report, once, and only forward.

    The report is stored first (unique per provider and event): a replay finds the row
    and changes nothing. The message is found by the provider's id, or by our own key
    when the worker died before writing that id.
    """
    with transaction.atomic():
        message = _message_for_report(provider_message_id, idempotency_key)
        try:
            with transaction.atomic():
                ProviderEvent.objects.create(
                    provider=provider,
                    event_key=event_key[:200],
                    message=message,
                    status=status,
                    failure_reason=failure_reason,
                    detail=detail[:300],
                )
        except IntegrityError:
            return message  # a replay
        if message is None:
            logger.info("%s status %s for an unknown message", provider, status)
            return None
        if provider_message_id and not message.provider_message_id:
            message.provider_message_id = provider_message_id
            message.save(update_fields=["provider_message_id"])
        if status == MessageStatus.FAILED:
            return message_fail(
                message_id=message.pk, reason=failure_reason or FailureReason.UNDELIVERABLE, error=detail
            )
        if status not in REPORTED_STATUSES:
            return message
        changes: dict[str, Any] = {}
        if status == MessageStatus.SENT and message.sent_at is None:
            changes["sent_at"] = timezone.now()
        if not message_transition(message=message, to=MessageStatus(status), **changes):
            return message  # out of order or after a failure: changes nothing
        if status in (MessageStatus.DELIVERED, MessageStatus.READ):
            number_health_set(
                message.to, not_working=False, reason="", whatsapp_works=message.channel == MessageChannel.WHATSAPP
            )
    return message


def _message_for_report(provider_message_id: str, idempotency_key: str) -> Message | None:
    messages = Message.objects.select_for_update()
    if provider_message_id:
        found = messages.filter(provider_message_id=provider_message_id).first()
        if found:
            return found
    if idempotency_key.isdigit():
        return messages.filter(pk=int(idempotency_key)).first()
    return None
