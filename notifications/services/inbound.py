"""Replies claimants send to our messages."""

import logging
from collections.abc import Callable

from ..models import InboundMessage

logger = logging.getLogger(__name__)

# Replies a claimant may send to a reminder. Other apps append callables(phone, text) ->
# bool to inbound_reply_handlers (interviews registers one in its AppConfig.ready): the
# first to answer True handled the reply.
REPLY_CONFIRM = ("1", "YA")
REPLY_RESCHEDULE = ("2",)
inbound_reply_handlers: list[Callable[[str, str], bool]] = []


def inbound_reply_receive(*, from_number: str, text: str, provider_message_id: str, channel: str = "whatsapp"):
    """Record a claimant's reply once and hand "1"/"YA"/"2" to the registered handlers.

    A replayed webhook finds the stored reply and dispatches nothing again; a handler
    that raises is logged and skipped, so an odd reply never fails the webhook.
    """
    phone = from_number if from_number.startswith("+") else f"+{from_number}"
    inbound, created = InboundMessage.objects.get_or_create(
        provider_message_id=provider_message_id,
        defaults={"channel": channel, "from_number": phone[:16], "text": text[:1000]},
    )
    if not created:
        return inbound
    normalized = text.strip().upper()
    if normalized not in REPLY_CONFIRM + REPLY_RESCHEDULE:
        return inbound
    for handler in list(inbound_reply_handlers):
        try:
            handled = handler(phone, normalized)
        except Exception:
            logger.exception("inbound reply handler %r failed", handler)
            continue
        if handled:
            inbound.handled_by = f"{handler.__module__}.{getattr(handler, '__qualname__', handler)}"[:200]
            inbound.save(update_fields=["handled_by"])
            break
    return inbound
