import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .backends import PermanentFailure, SendResult, TemporaryFailure, get_backend
from .models import (
    NUMBER_REASONS,
    FailureReason,
    InboundMessage,
    Message,
    MessageChannel,
    MessageStatus,
    NumberHealth,
    ProviderEvent,
    allows_transition,
)

logger = logging.getLogger(__name__)

REDACTED = "[isi pesan dihapus setelah terkirim]"
REDACTED_UNSENT = "[isi pesan dihapus: tidak dikirim]"
# Stored on the row (data, not UI text), so it reads the same in every console language.
NOT_SENT_CONTACT_VIA_BRANCH = "Tidak dikirim: peserta dihubungi lewat kantor cabang (tidak ada HP yang bisa dipakai)."

# Replies a claimant may send to a reminder. Other apps append callables(phone, text) ->
# bool to inbound_reply_handlers (interviews registers one in its AppConfig.ready): the
# first to answer True handled the reply.
REPLY_CONFIRM = ("1", "YA")
REPLY_RESCHEDULE = ("2",)
inbound_reply_handlers: list[Callable[[str, str], bool]] = []


def message_send(
    *,
    to: str,
    template: str,
    context: dict,
    claim=None,
    language: str = "id",
    sensitive: bool = False,
    channel: str | None = None,
) -> Message:
    """Write the message, then deliver it in the background once the transaction commits."""
    with translation.override(language):
        body = render_to_string(
            f"notifications/messages/{template}.txt",
            {**context, "call_centre": settings.CALL_CENTRE_NUMBER, "base_url": settings.PUBLIC_BASE_URL},
        ).strip()
    # No working phone: the row stays so the outbox shows what was not sent and why; a
    # code in it is blanked, as nobody will ever receive it.
    skipped = claim is not None and _contact_via_branch(claim)
    message = Message.objects.create(
        claim=claim,
        channel=channel or settings.NOTIFICATION_DEFAULT_CHANNEL,
        to=to,
        template=template,
        body=REDACTED_UNSENT if skipped and sensitive else body,
        sensitive=sensitive,
        status=MessageStatus.SKIPPED if skipped else MessageStatus.QUEUED,
        error=NOT_SENT_CONTACT_VIA_BRANCH if skipped else "",
    )
    if skipped:
        logger.info("message %s not sent: claim %s is contacted through the branch", message.pk, claim.pk)
        return message
    _deliver_on_commit(message.pk)
    return message


def _deliver_on_commit(message_id: int) -> None:
    from .tasks import message_deliver_task

    transaction.on_commit(lambda: message_deliver_task.delay(message_id))


def _contact_via_branch(claim) -> bool:
    """Read from the database: the caller's claim object may predate the officer's choice."""
    return type(claim)._default_manager.filter(pk=claim.pk, contact_via_branch=True).exists()


def message_deliver(*, message_id: int) -> Message | None:
    """Hand one queued message to its provider, at most once.

    The row is claimed with a conditional update (queued → sending) before the provider
    is called: a second run of the task finds nothing to claim and does nothing. A worker
    killed between the provider call and the write leaves the row "sending"; the
    reconcile sweep resends it with the same idempotency key.
    """
    claimed = Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENDING, status_changed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    message = Message.objects.select_related("claim").get(pk=message_id)
    if message.claim is not None and _contact_via_branch(message.claim):
        # Queued before an officer marked the claim "contact through the branch".
        message.status, message.error = MessageStatus.SKIPPED, NOT_SENT_CONTACT_VIA_BRANCH
        message.status_changed_at = timezone.now()
        message.save(update_fields=["status", "error", "status_changed_at"])
        return message
    return _hand_to_provider(message)


def _hand_to_provider(message: Message) -> Message:
    """Call the backend for a row this run has claimed ("sending")."""
    path, backend = get_backend(message.channel)
    try:
        result = backend.send(
            to=message.to, body=message.body, template=message.template, idempotency_key=message.idempotency_key
        )
    except TemporaryFailure:
        # Give the row back so the retry can claim it again.
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.QUEUED, status_changed_at=timezone.now()
        )
        raise
    except PermanentFailure as exc:
        logger.warning("message %s failed permanently (%s)", message.pk, exc.reason)
        return message_fail(message_id=message.pk, reason=exc.reason, error=str(exc))
    return _record_sent(message, path=path, result=result, blank_body=not backend.keeps_sensitive_bodies)


def _record_sent(message: Message, *, path: str, result: SendResult, blank_body: bool) -> Message:
    """Write what the provider answered. A status webhook may already have moved the row on."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        fields = ["backend", "provider_message_id", "sent_at"]
        message.backend = path
        message.provider_message_id = message.provider_message_id or result.provider_message_id
        message.sent_at = message.sent_at or timezone.now()
        if message.status == MessageStatus.SENDING:
            message.status, message.status_changed_at = MessageStatus.SENT, timezone.now()
            fields += ["status", "status_changed_at"]
        if message.sensitive and blank_body:
            message.body = REDACTED
            fields.append("body")
        message.save(update_fields=fields)
    return message


def message_fail(*, message_id: int, reason: str, error: str = "") -> Message:
    """Mark a message failed (if it may still fail), then try the fallback channel once.

    A WhatsApp failure of any kind gets one SMS copy; an SMS failure that says something
    about the number marks the number "not working".
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if not allows_transition(message.status, MessageStatus.FAILED):
            return message
        message.status, message.status_changed_at = MessageStatus.FAILED, timezone.now()
        message.failure_reason, message.error = reason, (error or reason)[:300]
        message.save(update_fields=["status", "status_changed_at", "failure_reason", "error"])
        if message.channel == MessageChannel.WHATSAPP:
            _fallback_to_sms(message)
        elif reason in NUMBER_REASONS:
            _number_health_set(message.to, not_working=True, reason=reason)
    return message


def _fallback_to_sms(message: Message) -> Message | None:
    """One SMS copy of a failed WhatsApp message (the one-to-one link makes it once)."""
    if message.body in (REDACTED, REDACTED_UNSENT):
        # A code was blanked once WhatsApp had it: the claimant asks for a new code instead.
        logger.info("message %s failed after its code was blanked: no SMS copy", message.pk)
        return None
    try:
        with transaction.atomic():
            fallback = Message.objects.create(
                claim=message.claim,
                channel=MessageChannel.SMS,
                to=message.to,
                template=message.template,
                body=message.body,
                sensitive=message.sensitive,
                fallback_for=message,
            )
    except IntegrityError:
        return None
    _deliver_on_commit(fallback.pk)
    return fallback


def message_retries_exhausted(*, message_id: int) -> Message:
    """The provider stayed unreachable through every retry: fail, so the fallback channel takes over."""
    return message_fail(
        message_id=message_id, reason=FailureReason.PROVIDER_UNAVAILABLE, error="provider unavailable after retries"
    )


def messages_stuck(*, now=None) -> list[int]:
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER)
    return list(
        Message.objects.filter(status=MessageStatus.SENDING, status_changed_at__lt=cutoff).values_list("pk", flat=True)[
            :200
        ]
    )


def message_reconcile(*, message_id: int) -> Message | None:
    """Finish a message left "sending" by a worker that died mid-send.

    The resend carries the same idempotency key: a provider that honours it (our
    Twilio-compatible and gateway backends) answers with the first message's id and
    sends nothing new. For WhatsApp, a status webhook carrying our key in
    biz_opaque_callback_data has usually recorded the id already, so the row is no
    longer "sending" and nothing is resent. Two sweeps never resend together: the row
    is re-claimed by a conditional update on its old timestamp.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER)
    claimed = Message.objects.filter(pk=message_id, status=MessageStatus.SENDING, status_changed_at__lt=cutoff).update(
        status_changed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    if message.attempts > settings.NOTIFICATION_MAX_ATTEMPTS:
        return message_fail(message_id=message_id, reason=FailureReason.STUCK, error="no answer from the provider")
    logger.info("message %s was left sending: resending with the same idempotency key", message_id)
    try:
        return _hand_to_provider(message)
    except TemporaryFailure:
        # _hand_to_provider gave the row back ("queued"): queue the ordinary task again.
        _deliver_on_commit(message_id)
        return None


# Status webhooks ----------------------------------------------------------------------


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
        if not allows_transition(message.status, status):
            return message
        message.status, message.status_changed_at = status, timezone.now()
        fields = ["status", "status_changed_at"]
        if status == MessageStatus.SENT and message.sent_at is None:
            message.sent_at = timezone.now()
            fields.append("sent_at")
        message.save(update_fields=fields)
        if status in (MessageStatus.DELIVERED, MessageStatus.READ):
            _number_health_set(message.to, not_working=False, reason="")
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


def _number_health_set(phone: str, *, not_working: bool, reason: str) -> None:
    NumberHealth.objects.update_or_create(
        phone=phone, defaults={"not_working": not_working, "reason": reason, "updated_at": timezone.now()}
    )


# Inbound replies ----------------------------------------------------------------------


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


__all__ = [
    "MessageChannel",
    "inbound_reply_handlers",
    "inbound_reply_receive",
    "message_deliver",
    "message_fail",
    "message_reconcile",
    "message_send",
    "message_status_report",
]
