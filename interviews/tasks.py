from celery import shared_task

from .services import interviews_auto_book_sweep, interviews_expiry_sweep, reminders_send_due


@shared_task(acks_late=True)
def reminders_send_due_task() -> None:
    """Beat, every minute ("interviews-send-reminders"). Two runs at once send nothing twice."""
    reminders_send_due()


@shared_task
def interviews_expiry_task() -> int:
    """Beat, daily: calls nobody answered end in failed confirmation, and failed confirmations
    never booked again are cancelled (services/expiry.py). Safe to run twice at once."""
    result = interviews_expiry_sweep()
    return result.failed + result.cancelled


@shared_task
def interviews_auto_book_task() -> int:
    """Beat, hourly: claims whose claimant did not choose the call in INTERVIEW_CHOOSE_DAYS working
    days get the earliest slot with the whole reminder plan (services/choosing.py). Safe to run twice."""
    return interviews_auto_book_sweep()
