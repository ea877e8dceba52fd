"""Thin Celery tasks of the claims app: ids and plain values in, one service call."""

from celery import shared_task

from . import services


@shared_task
def claims_resume_reminders_task() -> int:
    """Beat, every five minutes: one "finish your claim" reminder to each unfinished claim that is due.

    Safe to run twice at once (see claims.services.resume.resume_reminders_send).
    """
    return services.resume_reminders_send()
