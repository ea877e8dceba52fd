import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .backends import PermanentFailure, TemporaryFailure, get_backend
from .models import Message, MessageChannel, MessageStatus

logger = logging.getLogger(__name__)

REDACTED = "[isi pesan dihapus setelah terkirim]"
REDACTED_UNSENT = "[isi pesan dihapus: tidak dikirim]"
# Stored on the row (data, not UI text), so it reads the same in every console language.
NOT_SENT_CONTACT_VIA_BRANCH = "Tidak dikirim: peserta dihubungi lewat kantor cabang (tidak ada HP yang bisa dipakai)."


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
    from .tasks import message_deliver_task

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
    transaction.on_commit(lambda: message_deliver_task.delay(message.pk))
    return message


def _contact_via_branch(claim) -> bool:
    """Read from the database: the caller's claim object may predate the officer's choice."""
    return type(claim)._default_manager.filter(pk=claim.pk, contact_via_branch=True).exists()


def message_deliver(*, message_id: int) -> Message | None:
    """Hand one queued message to its provider, at most once.

    The row is claimed with a conditional update (queued → sending) before the provider
    is called: a second run of the task finds nothing to claim and does nothing.
    """
    claimed = Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(status=MessageStatus.SENDING)
    if not claimed:
        return None
    message = Message.objects.select_related("claim").get(pk=message_id)
    if message.claim is not None and _contact_via_branch(message.claim):
        # Queued before an officer marked the claim "contact through the branch".
        message.status, message.error = MessageStatus.SKIPPED, NOT_SENT_CONTACT_VIA_BRANCH
        message.save(update_fields=["status", "error"])
        return message
    path, backend = get_backend(message.channel)
    try:
        result = backend.send(
            to=message.to, body=message.body, template=message.template, idempotency_key=str(message.pk)
        )
    except TemporaryFailure:
        # Give the row back so the retry can claim it again.
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(status=MessageStatus.QUEUED)
        raise
    except PermanentFailure as exc:
        message.status, message.error = MessageStatus.FAILED, str(exc)[:300]
        message.save(update_fields=["status", "error"])
        logger.warning("message %s failed permanently", message.pk)
        return message
    message.status = MessageStatus.SENT
    message.backend = path
    message.provider_message_id = result.provider_message_id
    message.sent_at = timezone.now()
    if message.sensitive and not backend.keeps_sensitive_bodies:
        message.body = REDACTED
    message.save(update_fields=["status", "backend", "provider_message_id", "sent_at", "body"])
    return message


__all__ = ["MessageChannel", "message_deliver", "message_send"]
