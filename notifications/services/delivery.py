"""Handing written messages to their provider: at most once, then falling back or reconciling."""

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..holds import held_claims
from ..models import (
    NUMBER_REASONS,
    FailureReason,
    Message,
    MessageChannel,
    MessageStatus,
    NumberHealth,
)
from ..providers.base import BaseBackend, PermanentFailure, SendResult, TemplateMessage, TemporaryFailure
from ..registry import backend_for
from ..sealing import SealBroken, Sealed, unseal_message
from .sending import _deliver_on_commit
from .templates import template_statuses_approved
from .transitions import message_transition, messages_transition

logger = logging.getLogger(__name__)


def message_deliver(*, message_id: int) -> Message | None:
    """Hand one queued message to its provider, at most once.

    The row is claimed with a conditional update (queued → sending) before the provider
    is called: a second run of the task finds nothing to claim and does nothing. A worker
    killed between the provider call and the write leaves the row "sending"; the
    reconcile sweep resends it with the same idempotency key.
    """
    claimed = messages_transition(
        messages=Message.objects.filter(pk=message_id),
        from_statuses=(MessageStatus.QUEUED,),
        to=MessageStatus.SENDING,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    if _held([message]) or _not_approved([message]):
        return Message.objects.get(pk=message_id)
    return _hand_to_provider(message)


def messages_deliver(*, message_ids: list[int]) -> list[int]:
    """Deliver a batch of queued messages; the ids that met a temporary failure are returned.

    The same at-most-once rule as message_deliver, with the database work done a batch at a
    time: the rows are claimed together (skip_locked: a row another worker is claiming is
    theirs), the provider calls run side by side on NOTIFICATION_SEND_CONCURRENCY threads
    (network only: the threads never touch the database), and each answer is recorded on
    its row. A message met by a temporary failure is back in "queued" and its caller
    retries it on its own.
    """
    with transaction.atomic():
        claimed = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, status=MessageStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        messages_transition(
            messages=Message.objects.filter(pk__in=claimed),
            from_statuses=(MessageStatus.QUEUED,),
            to=MessageStatus.SENDING,
            attempts=F("attempts") + 1,
        )
    messages = list(Message.objects.filter(pk__in=claimed))
    held = _held(messages)
    messages = [message for message in messages if message.pk not in held]
    not_approved = _not_approved(messages)
    messages = [message for message in messages if message.pk not in not_approved]
    retry = []
    for sent in _send_side_by_side(messages):
        try:
            _settle(*sent)
        except TemporaryFailure:
            retry.append(sent[0].pk)
    return retry


@cache
def _pool(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="provider")


# What one provider call came to: the row, the provider's name, its backend, and its answer
# or the failure (any other exception a backend raises is turned into a TemporaryFailure).
Sent = tuple[Message, str, BaseBackend, SendResult | TemporaryFailure | PermanentFailure]


def _full_content(message: Message) -> Sealed:
    """What the provider gets: the stored body and parameters, or for a message holding a
    secret the sealed full ones (the stored ones have the secret redacted, notifications/sealing.py)."""
    if not message.sensitive:
        return Sealed(text=message.body, parameters=message.parameters)
    if not message.sealed:
        raise PermanentFailure("the sealed text is gone: the claimant asks for a new code or link")
    try:
        return unseal_message(message.sealed)
    except SealBroken as exc:
        raise PermanentFailure(str(exc)) from exc


def _full_text(message: Message) -> str:
    return _full_content(message).text


def _send_one(message: Message) -> Sent:
    """Call the provider for one claimed row; the answer, or the failure, is returned, not raised.

    A backend that sends templates (WhatsApp) gets the catalogue variant and its full
    parameters; the others get the text.
    """
    name, backend = backend_for(message.channel)
    try:
        content = _full_content(message)
        if message.free_text:
            # An answer inside WhatsApp's customer-service window (or any SMS answer): free text.
            result = backend.send_text(to=message.to, body=content.text, idempotency_key=message.idempotency_key)
        elif backend.sends_templates:
            if not message.template_variant or content.parameters is None:
                raise PermanentFailure("written before the template catalogue: no template to send")
            result = backend.send_template(
                to=message.to,
                template=TemplateMessage(
                    variant=message.template_variant, language=message.language, parameters=content.parameters
                ),
                idempotency_key=message.idempotency_key,
            )
        else:
            result = backend.send(
                to=message.to,
                body=content.text,
                template=message.template,
                idempotency_key=message.idempotency_key,
            )
    except (TemporaryFailure, PermanentFailure) as exc:
        return message, name, backend, exc
    except Exception as exc:  # a backend bug must not leave the rest of a batch "sending"
        logger.exception("message %s: backend raised", message.pk)
        return message, name, backend, TemporaryFailure(type(exc).__name__)
    return message, name, backend, result


def _settle(
    message: Message, provider: str, backend: BaseBackend, outcome: SendResult | TemporaryFailure | PermanentFailure
) -> Message:
    """Record one provider answer on its row. A temporary failure gives the row back
    ("queued", for the retry) and is raised again; a permanent one fails the message."""
    if isinstance(outcome, TemporaryFailure):
        _give_back(message)
        raise outcome
    if isinstance(outcome, PermanentFailure):
        logger.warning("message %s failed permanently (%s)", message.pk, outcome.reason)
        return message_fail(message_id=message.pk, reason=outcome.reason, error=str(outcome))
    # The outbox and console providers (development only: prod.py refuses them) deliver into
    # the outbox itself, so there the row shows the full text once "sent".
    full_body = _full_text(message) if message.sensitive and backend.keeps_sensitive_bodies else None
    return _record_sent(message, provider=provider, result=outcome, full_body=full_body)


def _send_side_by_side(messages: list[Message]) -> Iterable[Sent]:
    concurrency = settings.NOTIFICATION_SEND_CONCURRENCY
    if len(messages) < 2 or concurrency < 2:
        return map(_send_one, messages)
    return _pool(concurrency).map(_send_one, messages)


def _held(messages: list[Message]) -> set[int]:
    """Claimed rows whose claim was held after they were written (notifications/holds.py): not
    sent, "skipped" with the reason. Returns their ids."""
    holds = held_claims({message.claim_id for message in messages if message.claim_id is not None})
    skipped = set()
    for message in messages:
        if message.claim_id in holds:
            message_transition(message=message, to=MessageStatus.SKIPPED, error=holds[message.claim_id])
            skipped.add(message.pk)
    return skipped


def _not_approved(messages: list[Message]) -> set[int]:
    """Claimed rows whose WhatsApp template WhatsApp has not approved (TemplateStatus): failed
    with that reason, so the one SMS copy of message_fail goes instead. Returns their ids.

    Only a backend that needs approved templates asks (the real WhatsApp one): the outbox
    and console providers of development treat every template as approved. Checked here,
    before the provider threads, which never touch the database.
    """
    # Free text (an answer inside the customer-service window) is no template: nothing to approve.
    candidates = [
        message for message in messages if message.channel == MessageChannel.WHATSAPP and not message.free_text
    ]
    if not candidates:
        return set()
    _name, backend = backend_for(MessageChannel.WHATSAPP)
    if not backend.needs_approved_templates:
        return set()
    wanted = {(backend.template_name(message.template_variant), message.language) for message in candidates}
    approved = template_statuses_approved(wanted)
    failed = set()
    for message in candidates:
        key = (backend.template_name(message.template_variant), message.language)
        if message.template_variant and key not in approved:
            logger.info("message %s: template %s (%s) not approved: by SMS", message.pk, *key)
            message_fail(
                message_id=message.pk,
                reason=FailureReason.TEMPLATE_NOT_APPROVED,
                error=f"WhatsApp template {key[0]} ({key[1]}) not approved",
            )
            failed.add(message.pk)
    return failed


def _give_back(message: Message) -> None:
    """Back to "queued", so the retry can claim the row again."""
    message_transition(message=message, to=MessageStatus.QUEUED, from_statuses=(MessageStatus.SENDING,))


def _hand_to_provider(message: Message) -> Message:
    """Call the backend for a row this run has claimed ("sending")."""
    return _settle(*_send_one(message))


def _record_sent(message: Message, *, provider: str, result: SendResult, full_body: str | None) -> Message:
    """Write what the provider answered. A status webhook may already have moved the row on.

    The usual case, the row still "sending" as we left it, is one conditional UPDATE; only
    when a webhook came first is the row read under its lock and merged. The sealed text is
    wiped by the move (transitions.py); ``full_body``: the development outbox's own copy.
    """
    now = timezone.now()
    changes = {
        "backend": provider,
        "provider_message_id": result.provider_message_id,
        "sent_at": now,
        "status_changed_at": now,
    }
    if full_body is not None:
        changes["body"] = full_body
    if messages_transition(
        messages=Message.objects.filter(pk=message.pk, provider_message_id=""),
        from_statuses=(MessageStatus.SENDING,),
        to=MessageStatus.SENT,
        **changes,
    ):
        message.status = MessageStatus.SENT
        for name, value in changes.items():
            setattr(message, name, value)
        return message
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        merged: dict[str, Any] = {
            "backend": provider,
            "provider_message_id": message.provider_message_id or result.provider_message_id,
            "sent_at": message.sent_at or now,
        }
        if full_body is not None:
            merged["body"] = full_body
        if message.status == MessageStatus.SENDING:
            message_transition(message=message, to=MessageStatus.SENT, status_changed_at=now, **merged)
        else:
            for name, value in merged.items():
                setattr(message, name, value)
            message.save(update_fields=list(merged))
    return message


# WhatsApp failures that say nothing about the number: ours (a template not approved) or
# the provider's (unavailable, no answer).
NOT_THE_NUMBER = (FailureReason.TEMPLATE_NOT_APPROVED, FailureReason.PROVIDER_UNAVAILABLE, FailureReason.STUCK)


def message_fail(*, message_id: int, reason: str, error: str = "") -> Message:
    """Mark a message failed (if it may still fail), then try the fallback channel once.

    A WhatsApp failure of any kind gets one SMS copy. An SMS failure is taken by its meaning:
    the phone unreachable for now is tried again later, a text the carrier filtered is logged
    for staff, and only a failure that says the number is wrong (an unknown handset: said
    twice) marks the number "not working".
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        sealed = message.sealed  # the move wipes it; an SMS copy carries it on
        if not message_transition(
            message=message, to=MessageStatus.FAILED, failure_reason=reason, error=(error or reason)[:300]
        ):
            return message
        if message.channel == MessageChannel.WHATSAPP:
            if reason not in NOT_THE_NUMBER:
                NumberHealth.objects.update_or_create(
                    phone=message.to, defaults={"whatsapp_failed_at": timezone.now(), "updated_at": timezone.now()}
                )
            _fallback_to_sms(message, sealed=sealed)
        elif reason == FailureReason.UNREACHABLE:
            _retry_later(message, sealed=sealed)
        elif reason == FailureReason.CONTENT_FILTERED:
            # Staff see it in the outbox with its reason; the number is fine.
            logger.warning("message %s (%s): the carrier filtered its text: %s", message.pk, message.template, error)
        elif reason in NUMBER_REASONS or (reason == FailureReason.UNKNOWN_HANDSET and _unknown_handset_before(message)):
            number_health_set(message.to, not_working=True, reason=reason)
    return message


def _unknown_handset_before(message: Message) -> bool:
    """Another SMS to this number met "unknown handset" within NOTIFICATION_UNKNOWN_HANDSET_DAYS."""
    since = timezone.now() - timedelta(days=settings.NOTIFICATION_UNKNOWN_HANDSET_DAYS)
    return (
        Message.objects.filter(
            to=message.to,
            channel=MessageChannel.SMS,
            failure_reason=FailureReason.UNKNOWN_HANDSET,
            status_changed_at__gte=since,
        )
        .exclude(pk=message.pk)
        .exists()
    )


def _retry_later(message: Message, *, sealed: str) -> Message | None:
    """A new copy of an SMS that met an unreachable phone, due NOTIFICATION_UNREACHABLE_RETRY_AFTER
    seconds later, at most NOTIFICATION_UNREACHABLE_RETRIES times along one chain of copies.

    The copy is written "queued" with its due time as status_changed_at, so the sweep for
    unpublished messages (messages_unpublished) waits for it too when the broker is away.
    """
    copies, earlier = 0, message
    while earlier.fallback_for_id is not None and earlier.channel == MessageChannel.SMS:
        earlier = Message.objects.get(pk=earlier.fallback_for_id)
        copies += earlier.channel == MessageChannel.SMS
    if copies >= settings.NOTIFICATION_UNREACHABLE_RETRIES or (message.sensitive and not sealed):
        logger.info("message %s: phone unreachable, no more copies", message.pk)
        return None
    delay = settings.NOTIFICATION_UNREACHABLE_RETRY_AFTER
    retry = _sms_copy(message, sealed=sealed, status_changed_at=timezone.now() + timedelta(seconds=delay))
    if retry is not None:
        transaction.on_commit(partial(_deliver_later, retry.pk, delay))
    return retry


def _deliver_later(message_id: int, delay: int) -> None:
    from .. import tasks

    try:
        tasks.message_deliver_task.apply_async((message_id,), countdown=delay)
    except Exception:  # kombu raises several kinds when Redis is away: the sweep queues it
        logger.warning("message %s: broker unavailable, the reconcile sweep will queue it", message_id)


def _fallback_to_sms(message: Message, *, sealed: str) -> Message | None:
    """One SMS copy of a failed WhatsApp message (the one-to-one link makes it once)."""
    if message.sensitive and not sealed:
        # The sealed text was wiped once WhatsApp had it: the claimant asks for a new code instead.
        logger.info("message %s failed after its sealed text was wiped: no SMS copy", message.pk)
        return None
    fallback = _sms_copy(message, sealed=sealed)
    if fallback is not None:
        _deliver_on_commit(fallback.pk)
    return fallback


def _sms_copy(message: Message, *, sealed: str, **fields) -> Message | None:
    """The SMS copy of ``message`` (a fallback, or a later try), once: the one-to-one
    ``fallback_for`` refuses a second copy of the same message (None)."""
    try:
        with transaction.atomic():
            return Message.objects.create(
                claim_id=message.claim_id,
                channel=MessageChannel.SMS,
                to=message.to,
                template=message.template,
                template_variant=message.template_variant,
                language=message.language,
                parameters=message.parameters,
                body=message.body,
                sensitive=message.sensitive,
                sealed=sealed,
                free_text=message.free_text,
                fallback_for=message,
                **fields,
            )
    except IntegrityError:
        return None


def message_retries_exhausted(*, message_id: int) -> Message:
    """The provider stayed unreachable through every retry: fail, so the fallback channel takes over."""
    return message_fail(
        message_id=message_id, reason=FailureReason.PROVIDER_UNAVAILABLE, error="provider unavailable after retries"
    )


def messages_stuck(*, now: datetime | None = None) -> list[int]:
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER)
    return list(
        Message.objects.filter(status=MessageStatus.SENDING, status_changed_at__lt=cutoff).values_list("pk", flat=True)[
            :200
        ]
    )


def messages_unpublished(*, now: datetime | None = None) -> list[int]:
    """Messages still "queued" longer than any retry waits: their delivery task was never
    published (the broker was down when they were written: core.queue.publish gave up).
    Each is claimed by moving its timestamp, so two sweeps queue it once."""
    now = now or timezone.now()
    wait = settings.NOTIFICATION_STUCK_AFTER + settings.NOTIFICATION_RETRY_BACKOFF_MAX
    cutoff = now - timedelta(seconds=wait)
    candidates = Message.objects.filter(status=MessageStatus.QUEUED, status_changed_at__lt=cutoff)
    return [
        pk
        for pk in candidates.values_list("pk", flat=True)[:200]
        if Message.objects.filter(pk=pk, status=MessageStatus.QUEUED, status_changed_at__lt=cutoff).update(
            status_changed_at=now
        )
    ]


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


def number_health_set(phone: str, *, not_working: bool, reason: str, whatsapp_works: bool = False) -> None:
    defaults = {"not_working": not_working, "reason": reason, "updated_at": timezone.now()}
    if whatsapp_works:  # a WhatsApp message reached it: codes go by WhatsApp again
        defaults["whatsapp_failed_at"] = None
    NumberHealth.objects.update_or_create(phone=phone, defaults=defaults)
