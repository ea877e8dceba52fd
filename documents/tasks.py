"""Thin tasks: an id in, one service call.

The services queue these tasks and these tasks call the services, so each side imports
the other as a module and looks the name up when it runs: either may be imported first
(the web process starts from the services, the worker from here).
"""

from celery import shared_task

from . import services
from .checks import CheckUnavailable


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(CheckUnavailable,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=12,
)
def document_check_task(document_id: str) -> None:
    """Check one document. A worker killed mid-check gets the message redelivered;
    the service caps how often that may happen for one file. After the last retry the
    document simply stays "checking" and the stuck sweep queues it again later."""
    services.document_check(document_id=document_id)


@shared_task
def documents_requeue_stuck_task() -> None:
    services.documents_requeue_stuck()


@shared_task
def documents_sweep_orphans_task() -> None:
    services.documents_sweep_orphans()


@shared_task
def resumable_uploads_sweep_task() -> None:
    services.resumable_sweep_expired()


@shared_task
def claims_expiry_task() -> int:
    """Beat, daily: drafts and fixes nobody finishes are nudged, then cancelled (services/expiry.py).
    Safe to run twice at once."""
    result = services.claims_expiry_sweep()
    return result.nudged + sum(result.cancelled.values())
