"""What the officer records after a call, and what it does to the claim."""

import datetime as dt

import pytest

from claims.models import CancelReason, ClaimEvent, Status
from claims.services import RejectReason, StaleEdit
from interviews.models import (
    AttemptOutcome,
    FailReason,
    IdentityCheck,
    InterviewAttempt,
    InterviewStatus,
    ReminderStatus,
)
from interviews.selectors import interview_attempt_summary
from interviews.services import (
    InterviewRefused,
    claim_approve,
    claim_cancel_by_staff,
    claim_reject,
    interview_mark_confirmed,
    interview_mark_failed,
    interview_mark_no_answer,
    interview_move_on_request,
)
from notifications.models import Message

from .conftest import MONDAY, book, local, travel

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)
ALL_CHECKS = list(IdentityCheck.values)


@pytest.fixture
def booked(setup_zone):
    """A call booked on Monday for Tuesday 10:00 WITA; tests act at the call's time unless they move."""
    branch, officer, claim = setup_zone("Asia/Makassar")
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    return branch, officer, claim, interview


def version(claim) -> int:
    claim.refresh_from_db()
    return claim.version


def test_confirmed_with_the_full_checklist_makes_the_claim_ready_for_decision(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_confirmed(
            interview=interview, checks=ALL_CHECKS, note="Cocok semua", by=officer, claim_version=version(claim)
        )
    claim.refresh_from_db()
    interview.refresh_from_db()
    assert claim.status == Status.INTERVIEW_DONE
    assert interview.status == InterviewStatus.DONE
    attempt = InterviewAttempt.objects.get(interview=interview)
    assert (attempt.outcome, attempt.checks, attempt.note, attempt.by) == (
        AttemptOutcome.CONFIRMED,
        ALL_CHECKS,
        "Cocok semua",
        officer,
    )
    assert not interview.reminders.filter(status=ReminderStatus.PENDING).exists()
    # Ready for decision: the officer can now approve.
    claim_approve(claim=claim, by=officer, claim_version=version(claim))
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED


def test_confirmed_without_every_identity_check_is_refused(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)), pytest.raises(InterviewRefused):
        interview_mark_confirmed(interview=interview, checks=ALL_CHECKS[:-1], by=officer, claim_version=version(claim))
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert not InterviewAttempt.objects.exists()


def test_no_answer_is_logged_and_the_interview_stays(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_no_answer(interview=interview, note="Nada sibuk", by=officer, claim_version=version(claim))
    claim.refresh_from_db()
    interview.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert interview.is_active
    attempt = InterviewAttempt.objects.get(interview=interview)
    assert attempt.outcome == AttemptOutcome.NO_ANSWER
    assert attempt.note == "Nada sibuk"
    assert ClaimEvent.objects.filter(claim=claim, reason="interview_no_answer", note__startswith="1/3").exists()


def test_after_max_attempts_failure_is_proposed_and_no_more_no_answers_are_taken(booked, settings):
    branch, officer, claim, interview = booked
    settings.INTERVIEW_MAX_ATTEMPTS = 3
    for hour in (10, 11, 13):
        with travel(local(branch, TUESDAY, hour, 5)):
            assert not interview_attempt_summary(interview).propose_failure
            interview_mark_no_answer(interview=interview, by=officer, claim_version=version(claim))
    summary = interview_attempt_summary(interview)
    assert summary.no_answer == 3
    assert summary.propose_failure
    with travel(local(branch, TUESDAY, 14)), pytest.raises(InterviewRefused):
        interview_mark_no_answer(interview=interview, by=officer, claim_version=version(claim))
    assert InterviewAttempt.objects.filter(interview=interview).count() == 3


def test_failure_is_proposed_once_the_attempt_days_have_passed(booked, settings):
    branch, officer, claim, interview = booked
    settings.INTERVIEW_ATTEMPT_DAYS = 3
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_no_answer(interview=interview, by=officer, claim_version=version(claim))
    assert not interview_attempt_summary(
        interview, now=local(branch, TUESDAY + dt.timedelta(days=2), 10)
    ).propose_failure
    assert interview_attempt_summary(interview, now=local(branch, TUESDAY + dt.timedelta(days=3), 11)).propose_failure


@pytest.mark.parametrize("reason", FailReason.values)
def test_failed_confirmation_moves_the_claim_and_tells_the_way_back(booked, reason):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_failed(
            interview=interview, reason=reason, note="Catatan petugas", by=officer, claim_version=version(claim)
        )
    claim.refresh_from_db()
    interview.refresh_from_db()
    assert claim.status == Status.FAILED_CONFIRMATION
    assert interview.status == InterviewStatus.FAILED
    assert not interview.reminders.filter(status=ReminderStatus.PENDING).exists()
    attempt = InterviewAttempt.objects.get(interview=interview)
    assert (attempt.outcome, attempt.reason) == (AttemptOutcome.FAILED, reason)
    assert claim.events.filter(to_status=Status.FAILED_CONFIRMATION, reason=reason).exists()

    message = Message.objects.get(claim=claim, template="interview_failed")
    assert message.to == claim.contact_phone
    body = message.body
    assert claim.reference in body
    assert "belum ditolak" in body
    assert "balas pesan ini" in body
    assert "telepon 175" in body
    assert branch.name in body
    assert "/wawancara/cara-kerja/" in body
    assert "Catatan petugas" not in body  # the officer's note stays inside


def test_failed_confirmation_message_explains_identity_mismatch(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_failed(
            interview=interview, reason=FailReason.IDENTITY_MISMATCH, by=officer, claim_version=version(claim)
        )
    body = Message.objects.get(claim=claim, template="interview_failed").body
    assert "Data diri saat panggilan belum sama dengan dokumen Anda." in body


def test_after_failed_confirmation_the_branch_can_book_again(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_failed(
            interview=interview,
            reason=FailReason.NO_ANSWER_ALL_ATTEMPTS,
            by=officer,
            claim_version=version(claim),
        )
        again = book(claim, officer, local(branch, TUESDAY + dt.timedelta(days=1), 10))
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert again.pk != interview.pk
    assert again.is_active


def test_claimant_asked_to_reschedule_moves_the_call_and_logs_the_request(booked):
    branch, officer, claim, interview = booked
    new_start = local(branch, TUESDAY + dt.timedelta(days=1), 9)
    with travel(local(branch, TUESDAY, 10, 5)):
        moved = interview_move_on_request(
            interview=interview, starts_at=new_start, note="Sedang di jalan", by=officer, claim_version=version(claim)
        )
    assert moved.starts_at == new_start
    assert moved.is_active
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    attempt = InterviewAttempt.objects.get(interview=interview)
    assert (attempt.outcome, attempt.note) == (AttemptOutcome.RESCHEDULE, "Sedang di jalan")
    assert Message.objects.filter(claim=claim, template="interview_booked").count() == 2


@pytest.mark.parametrize(
    "record",
    [
        lambda i, o, v: interview_mark_confirmed(interview=i, checks=ALL_CHECKS, by=o, claim_version=v),
        lambda i, o, v: interview_mark_no_answer(interview=i, by=o, claim_version=v),
        lambda i, o, v: interview_mark_failed(interview=i, reason="bad_connection", by=o, claim_version=v),
    ],
    ids=["confirmed", "no_answer", "failed"],
)
def test_an_outcome_from_a_stale_page_is_refused(booked, record):
    branch, officer, claim, interview = booked
    stale = version(claim)
    with travel(local(branch, TUESDAY, 10, 5)):
        interview_mark_no_answer(interview=interview, by=officer, claim_version=stale)
        with pytest.raises(StaleEdit):
            record(interview, officer, stale)
    assert InterviewAttempt.objects.filter(interview=interview).count() == 1


@pytest.mark.parametrize(
    "close",
    [
        lambda c, o: claim_cancel_by_staff(
            claim=c, reason=CancelReason.CLAIMANT_REQUEST, by=o, claim_version=version(c)
        ),
        lambda c, o: claim_cancel_by_staff(claim=c, reason=CancelReason.DUPLICATE, by=o, claim_version=version(c)),
    ],
    ids=["claimant_request", "duplicate"],
)
def test_closing_the_claim_cancels_the_interview_and_its_pending_reminders(booked, close):
    branch, officer, claim, interview = booked
    assert interview.reminders.filter(status=ReminderStatus.PENDING).count() == 3
    with travel(local(branch, MONDAY, 10)):
        close(claim, officer)
    interview.refresh_from_db()
    claim.refresh_from_db()
    assert claim.status == Status.CANCELLED
    assert interview.status == InterviewStatus.CANCELLED
    assert not interview.reminders.filter(status=ReminderStatus.PENDING).exists()
    # The claim is closed: no "your call is cancelled, a new time will follow" message.
    assert not Message.objects.filter(claim=claim, template="interview_cancelled").exists()


def test_reject_and_approve_call_off_an_interview_still_active(booked):
    """Approve and reject run from in_review or interview_done; a claim re-opened for review
    with a live interview (data repaired by hand) still loses the call with the decision."""
    branch, officer, claim, interview = booked
    type(claim).objects.filter(pk=claim.pk).update(status=Status.IN_REVIEW)
    with travel(local(branch, MONDAY, 10)):
        claim_reject(claim=claim, reason=RejectReason.INELIGIBLE, by=officer, claim_version=version(claim))
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED
    assert not interview.reminders.filter(status=ReminderStatus.PENDING).exists()
