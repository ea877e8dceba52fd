"""Reading a message as its claimant gets it, not as staff see it (notifications/sealing.py)."""

from notifications.models import Message
from notifications.sealing import unseal


def claimant_text(message: Message) -> str:
    """The full text handed to the provider: the sealed text while the message is undelivered."""
    message.refresh_from_db()
    return unseal(message.sealed) if message.sealed else message.body


START_TEMPLATES = ("claim_start_code", "claim_start_existing")


def start_messages(to: str | None = None):
    """The start codes sent (claims/services/start.py), newest first; to one phone if given."""
    messages = Message.objects.filter(template__in=START_TEMPLATES)
    if to is not None:
        messages = messages.filter(to=to)
    return messages.order_by("-created_at", "-id")


def start_code(to: str | None = None) -> str:
    """The six digits of the newest start code, as the claimant reads them."""
    import re

    return re.search(r"\b\d{6}\b", claimant_text(start_messages(to).first())).group()
