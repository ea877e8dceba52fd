from celery import shared_task

from .backends import TemporaryFailure
from .services import message_deliver


@shared_task(acks_late=True, autoretry_for=(TemporaryFailure,), retry_backoff=True, retry_jitter=True, max_retries=6)
def message_deliver_task(message_id: int) -> None:
    message_deliver(message_id=message_id)
