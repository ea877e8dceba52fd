"""Thin Celery tasks of the claims app: ids and plain values in, one service call."""

from celery import shared_task


@shared_task
def claims_resume_reminders_task() -> int:
    """Beat, every five minutes: one "finish your claim" reminder to each unfinished claim that is due.

    Safe to run twice at once (see claims.services.resume.resume_reminders_send).
    """
    from claims.services import resume_reminders_send

    return resume_reminders_send()


@shared_task
def claims_anonymise_due_task() -> int:
    """Beat, daily: closed claims past PERSONAL_DATA_RETENTION_DAYS lose their files and
    personal fields. Safe to run twice at once (see claims.services.retention)."""
    from claims.services import claims_anonymise_due

    return claims_anonymise_due().claims
