"""Reading a message as its claimant gets it, not as staff see it (notifications/sealing.py)."""

from notifications.models import Message
from notifications.sealing import unseal


def claimant_text(message: Message) -> str:
    """The full text handed to the provider: the sealed text while the message is undelivered."""
    message.refresh_from_db()
    return unseal(message.sealed) if message.sealed else message.body
