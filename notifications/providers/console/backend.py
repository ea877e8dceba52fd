import sys

from core.masking import mask_phone

from ...registry import provider_register
from ..base import SendResult
from ..outbox.backend import OutboxBackend


@provider_register("console")
class ConsoleBackend(OutboxBackend):
    """Development: print each message to the terminal (like Django's console e-mail backend).

    The row stays in the outbox page too. Never configure this in production: the
    terminal would hold one-time codes.
    """

    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        result = super().send(to=to, body=body, template=template, idempotency_key=idempotency_key)
        sys.stdout.write(f"\n--- message {idempotency_key} ({template}) to {mask_phone(to)} ---\n{body}\n---\n")
        sys.stdout.flush()
        return result
