"""A call nobody answers ends in failed confirmation, with the way back; then the claim ends."""

import datetime as dt

import pytest

from claims.models import CancelReason, Status
from claims.workdays import WorkingDays
from interviews.models import InterviewStatus
from interviews.services import interview_mark_no_answer, interviews_expiry_sweep
from notifications.models import Message

from .conftest import MONDAY, book, local, travel

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


def no_answer(interview, officer, when):
    with travel(when):
        interview.claim.refresh_from_db()
        interview_mark_no_answer(interview=interview, by=officer, claim_version=interview.claim.version)


@pytest.fixture
def unanswered(setup_zone, settings):
    """Three calls on Tuesday nobody answered: the attempts are used up."""
    settings.INTERVIEW_MAX_ATTEMPTS = 3
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    for minute in (0, 20, 40):
        no_answer(interview, officer, local(branch, TUESDAY, 10, minute))
    return branch, claim, interview


def test_used_up_attempts_the_officer_left_open_end_in_failed_confirmation_the_next_working_day(unanswered):
    branch, claim, interview = unanswered
    with travel(local(branch, TUESDAY, 17)):
        interviews_expiry_sweep()  # the same day: the officer may still record it
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    with travel(local(branch, TUESDAY + dt.timedelta(days=1), 9)):
        result = interviews_expiry_sweep()
        interviews_expiry_sweep()  # beat twice: one failure, one message
    claim.refresh_from_db()
    interview.refresh_from_db()
    assert result.failed == 1
    assert (claim.status, interview.status) == (Status.FAILED_CONFIRMATION, InterviewStatus.FAILED)
    [message] = Message.objects.filter(claim=claim, template="interview_failed")
    assert "175" in message.body  # the way back
    assert not interview.reminders.filter(status="pending").exists()


def test_a_failed_confirmation_nobody_books_again_is_cancelled_after_the_working_days(unanswered, settings):
    settings.CLAIM_CONFIRMATION_EXPIRE_DAYS = 10
    branch, claim, _ = unanswered
    wednesday = TUESDAY + dt.timedelta(days=1)
    with travel(local(branch, wednesday, 9)):
        interviews_expiry_sweep()
    calendar = WorkingDays.for_branch(branch)
    # Counted in working days: March 2026 has Nyepi, Eid al-Fitr and their cuti bersama (18–24).
    assert calendar.add(wednesday, 10) == dt.date(2026, 3, 25)
    with travel(local(branch, calendar.add(wednesday, 9), 9)):
        interviews_expiry_sweep()
    claim.refresh_from_db()
    assert claim.status == Status.FAILED_CONFIRMATION
    with travel(local(branch, calendar.add(wednesday, 10), 9)):
        result = interviews_expiry_sweep()
    claim.refresh_from_db()
    assert result.cancelled == 1
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.FAILED_CONFIRMATION)
    with travel(local(branch, calendar.add(wednesday, 11), 9)):
        interviews_expiry_sweep()  # the next day's beat: nothing more
    # Told once why, and how to start again (the failure's own message went out a fortnight before).
    [message] = Message.objects.filter(claim=claim, template="claim_cancelled")
    assert "Alasan: Video call untuk memastikan data Anda belum berhasil" in message.body
    assert "/klaim/baru/" in message.body
    assert "dropbox" in message.body
    assert "175" in message.body
    assert Message.objects.filter(claim=claim, template="interview_failed").count() == 1


def test_attempts_left_keep_the_call_open(setup_zone, settings):
    settings.INTERVIEW_MAX_ATTEMPTS = 3
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    no_answer(interview, officer, local(branch, TUESDAY, 10))
    with travel(local(branch, TUESDAY + dt.timedelta(days=1), 9)):
        interviews_expiry_sweep()
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
