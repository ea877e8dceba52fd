"""What every provider backend is and answers: the interface the delivery service calls."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class PermanentFailure(Exception):
    """The provider will never accept this message (for example an invalid number): do not retry.

    `reason` is a FailureReason value (not_on_whatsapp, invalid_number, rejected…) so the
    service can choose the fallback channel.
    """

    def __init__(self, message: str, *, reason: str = "rejected"):
        super().__init__(message)
        self.reason = reason


class TemporaryFailure(Exception):
    """The provider could not take the message now (5xx, timeout, no connection): retry later."""


class BaseBackend:
    # A backend that really hands messages to someone keeps no secret (a code) after sending.
    keeps_sensitive_bodies = False

    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        raise NotImplementedError

    def send_text(self, *, to: str, body: str, idempotency_key: str) -> SendResult:
        """Free text (Message.free_text): an answer inside WhatsApp's customer-service window.
        A channel without templates (SMS, the development outboxes) sends it as any message."""
        return self.send(to=to, body=body, template="reply_text", idempotency_key=idempotency_key)
