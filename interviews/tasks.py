from celery import shared_task

from .services import reminders_send_due


@shared_task(acks_late=True)
def reminders_send_due_task() -> None:
    """Beat, every minute ("interviews-send-reminders"). Two runs at once send nothing twice."""
    reminders_send_due()
