import logging
import random

from celery import Task, shared_task
from django.conf import settings

from . import services
from .providers.base import TemporaryFailure

logger = logging.getLogger(__name__)


def retry_countdown(retries: int) -> int:
    """Exponential back-off with full jitter (as Celery's retry_backoff + retry_jitter)."""
    return random.randint(0, min(settings.NOTIFICATION_RETRY_BACKOFF_MAX, 2 ** (retries + 1)))


@shared_task(bind=True, acks_late=True, max_retries=None)
def message_deliver_task(self: Task, message_id: int) -> None:
    """Deliver one message; a provider that stays down hands the message to the fallback channel.

    Retries are explicit rather than autoretry_for: after the last one the message must be
    failed (so WhatsApp falls back to SMS), which autoretry cannot do.

    Run in process with errors propagating (development: CELERY_TASK_ALWAYS_EAGER), a retry
    is not scheduled but raised, out of the on-commit hook and through the claimant's own
    request as a 500, for a provider's 429 or 5xx the claim had nothing to do with. There
    the message is left "queued" (message_deliver gave it back) for the reconcile sweep
    (messages_unpublished), and a warning says so.
    """
    try:
        services.message_deliver(message_id=message_id)
    except TemporaryFailure as exc:
        if self.request.is_eager and self.app.conf.task_eager_propagates:
            logger.warning("message %s: provider busy (%s), left queued for the reconcile sweep", message_id, exc)
            return
        if self.request.retries >= settings.NOTIFICATION_MAX_RETRIES:
            services.message_retries_exhausted(message_id=message_id)
            return
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(acks_late=True)
def messages_deliver_task(message_ids: list[int]) -> None:
    """Deliver a batch of messages written together (the reminder sweep). A message that met
    a temporary failure goes on alone, through message_deliver_task and its retries."""
    for message_id in services.messages_deliver(message_ids=message_ids):
        message_deliver_task.apply_async((message_id,), countdown=retry_countdown(0))


@shared_task(acks_late=True)
def message_reconcile_task(message_id: int) -> None:
    services.message_reconcile(message_id=message_id)


@shared_task
def messages_reconcile_stuck_task() -> None:
    """Beat, every minute: messages a dead worker left "sending", and messages whose delivery
    could not be queued (Redis was down). Safe to run twice."""
    for message_id in services.messages_stuck():
        message_reconcile_task.delay(message_id)
    for message_id in services.messages_unpublished():
        message_deliver_task.delay(message_id)
