"""Thin Celery tasks of the claims app: ids and plain values in, one service call."""

import datetime as dt
import smtplib

from celery import shared_task

from accounts.models import User


@shared_task
def dashboard_weekly_summary_task() -> int:
    """Beat, Monday morning: one summary task per manager with an e-mail address."""
    from claims.figures.summary import last_week_start, managers_for_summary

    week = last_week_start().isoformat()
    ids = list(managers_for_summary().values_list("pk", flat=True))
    for user_id in ids:
        dashboard_summary_send_task.delay(user_id, week)
    return len(ids)


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=5)
def dashboard_summary_send_task(user_id: int, week_start: str) -> bool:
    from claims.figures.summary import dashboard_summary_send

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    return dashboard_summary_send(user=user, week_start=dt.date.fromisoformat(week_start))


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
