"""What every provider backend is and answers: the interface the delivery service calls."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateMessage:
    """A message as a template (notifications/catalogue): the variant's name, the language,
    and the full parameter values (secrets included: for the provider call only)."""

    variant: str
    language: str
    parameters: dict[str, str]


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
    # A backend that sends approved templates (WhatsApp) is called with send_template, and
    # one that needs them approved makes delivery check TemplateStatus first.
    sends_templates = False
    needs_approved_templates = False

    def template_name(self, variant: str) -> str:
        return variant

    def send_template(self, *, to: str, template: TemplateMessage, idempotency_key: str) -> SendResult:
        raise NotImplementedError

    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        raise NotImplementedError

    def send_text(self, *, to: str, body: str, idempotency_key: str) -> SendResult:
        """Free text (Message.free_text): an answer inside WhatsApp's customer-service window.
        A channel without templates (SMS, the development outboxes) sends it as any message."""
        return self.send(to=to, body=body, template="reply_text", idempotency_key=idempotency_key)
