"""Replies claimants send to our messages: kept once, then offered to the apps (notifications/replies.py)."""

from datetime import datetime

from django.utils import timezone

from ..models import InboundMessage
from ..replies import leftover_handle, reply_handle


def inbound_reply_receive(
    *,
    from_number: str,
    text: str,
    provider_message_id: str,
    channel: str = "whatsapp",
    sent_at: datetime | None = None,
) -> InboundMessage:
    """Record a claimant's reply once and offer it to the registered reply handlers.

    A replayed webhook finds the stored reply and offers nothing again. The handlers get the
    reply as stored (phone in E.164, the text as the claimant wrote it); the one that took
    it is noted on the row. What none took goes to the leftover handlers (claims: a status
    answer, or the branch's inbox); none answering leaves the reply kept and unhandled.

    ``sent_at``: when the claimant sent it, as the provider says (WhatsApp's timestamp). It is
    stored as received_at, never later than now, because WhatsApp's 24-hour customer-service
    window runs from the claimant's message, and a webhook Meta retried hours later must not
    look like a window just opened (selectors.service_window_open).
    """
    phone = from_number if from_number.startswith("+") else f"+{from_number}"
    now = timezone.now()
    inbound, created = InboundMessage.objects.get_or_create(
        provider_message_id=provider_message_id,
        defaults={
            "channel": channel,
            "from_number": phone[:16],
            "text": text[:1000],
            "received_at": min(sent_at, now) if sent_at is not None else now,
        },
    )
    if not created:
        return inbound
    handler = reply_handle(inbound.from_number, inbound.text) or leftover_handle(inbound)
    if handler is not None:
        inbound.handled_by = f"{handler.__module__}.{getattr(handler, '__qualname__', handler)}"[:200]
        inbound.save(update_fields=["handled_by"])
    return inbound
