"""Thin Celery tasks of the claims app: ids and plain values in, one service call."""

from celery import shared_task

from . import access, services


@shared_task
def claims_resume_reminders_task() -> int:
    """Beat, every five minutes: one "finish your claim" reminder to each unfinished claim that is due.

    Safe to run twice at once (see claims.services.resume.resume_reminders_send).
    """
    return services.resume_reminders_send()


@shared_task
def one_time_code_send_task(reference: str, request_id: str) -> None:
    """A claimant asked for a code (claims.access.one_time_code_request): send it, if the
    reference is a claim's. Runs after the answer, so the answer cannot tell which."""
    access.one_time_code_send(reference=reference, request_id=request_id)


@shared_task
def claim_start_code_send_task(start_id: str, request_id: str) -> None:
    """A start (or its resend) wants a code (claims/services/start.py): send it to the phone
    just typed or to the open claim's phone on file. Runs after the answer, so the answer
    cannot tell which."""
    services.start.claim_start_code_send(start_id=start_id, request_id=request_id)


@shared_task
def claim_starts_purge_task() -> int:
    """Beat, hourly: starts older than a day go (claims.services.start.claim_starts_purge)."""
    return services.start.claim_starts_purge()
