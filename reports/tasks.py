"""Thin Celery tasks of the reports app: ids and plain values in, one service call."""

import datetime as dt
import smtplib

from celery import shared_task

from accounts.models import User

from .figures import summary


@shared_task
def dashboard_weekly_summary_task() -> int:
    """Beat, Monday morning: one summary task per manager with an e-mail address."""
    week = summary.last_week_start().isoformat()
    ids = list(summary.managers_for_summary().values_list("pk", flat=True))
    for user_id in ids:
        dashboard_summary_send_task.delay(user_id, week)
    return len(ids)


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=5)
def dashboard_summary_send_task(user_id: int, week_start: str) -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    return summary.dashboard_summary_send(user=user, week_start=dt.date.fromisoformat(week_start))
