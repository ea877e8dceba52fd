import logging

from ...registry import provider_register
from ..base import BaseBackend, SendResult

logger = logging.getLogger(__name__)


@provider_register("outbox")
class OutboxBackend(BaseBackend):
    """Development: nothing leaves the machine. The message row is the outbox staff can open."""

    keeps_sensitive_bodies = True

    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        # The body may hold a code or a name: the log line names the message, not its content.
        logger.info("outbox: message %s (%s) kept in the outbox", idempotency_key, template)
        return SendResult(provider_message_id=f"outbox-{idempotency_key}")
