"""Replies claimants send to our messages: kept once, then offered to the apps (notifications/replies.py)."""

from ..models import InboundMessage
from ..replies import reply_handle


def inbound_reply_receive(
    *, from_number: str, text: str, provider_message_id: str, channel: str = "whatsapp"
) -> InboundMessage:
    """Record a claimant's reply once and offer it to the registered reply handlers.

    A replayed webhook finds the stored reply and offers nothing again. The handlers get the
    reply as stored (phone in E.164, the text as the claimant wrote it); the one that took
    it is noted on the row, none taking it leaves the reply kept and unhandled.
    """
    phone = from_number if from_number.startswith("+") else f"+{from_number}"
    inbound, created = InboundMessage.objects.get_or_create(
        provider_message_id=provider_message_id,
        defaults={"channel": channel, "from_number": phone[:16], "text": text[:1000]},
    )
    if not created:
        return inbound
    handler = reply_handle(inbound.from_number, inbound.text)
    if handler is not None:
        inbound.handled_by = f"{handler.__module__}.{getattr(handler, '__qualname__', handler)}"[:200]
        inbound.save(update_fields=["handled_by"])
    return inbound
