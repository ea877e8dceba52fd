"""Thin Celery tasks of the privacy app."""

from celery import shared_task

from . import retention


@shared_task
def claims_anonymise_due_task() -> int:
    """Beat, daily: closed claims past PERSONAL_DATA_RETENTION_DAYS lose their files and
    personal fields. Safe to run twice at once (see privacy.retention)."""
    return retention.claims_anonymise_due().claims
