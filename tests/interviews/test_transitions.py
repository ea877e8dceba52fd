"""interview_transition, reminder_transition and reminders_transition: the tables have the last word.

Rows are put in a starting status with a queryset update: that places a fixture, it is not
a move under test.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from claims.models import ClaimEvent
from interviews.models import (
    ALLOWED_INTERVIEW_TRANSITIONS,
    ALLOWED_REMINDER_TRANSITIONS,
    CallChannel,
    Interview,
    InterviewStatus,
    Reminder,
    ReminderStatus,
)
from interviews.services import (
    InterviewTransitionNotAllowed,
    ReminderTransitionNotAllowed,
    interview_transition,
    reminder_transition,
    reminders_transition,
)
from tests.factories import BranchFactory, StaffFactory, make_claim

pytestmark = pytest.mark.django_db

STARTS = dt.datetime(2026, 3, 3, 3, 0, tzinfo=dt.UTC)
OFFSETS = [1440, 120, 60, 30, 15]


def make_interview() -> Interview:
    branch = BranchFactory()
    return Interview.objects.create(
        claim=make_claim(branch=branch),
        officer=StaffFactory(branch=branch),
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(minutes=20),
        channel=CallChannel.WHATSAPP_VIDEO,
    )


def make_reminders(interview: Interview, count: int = 1) -> list[Reminder]:
    return [
        Reminder.objects.create(
            interview=interview,
            offset_minutes=offset,
            for_starts_at=interview.starts_at,
            due_at=interview.starts_at - dt.timedelta(minutes=offset),
        )
        for offset in OFFSETS[:count]
    ]


def place(row: Interview | Reminder, status: str) -> None:
    type(row).objects.filter(pk=row.pk).update(status=status)
    row.refresh_from_db()


def stored_status(row: Interview | Reminder) -> str:
    return type(row).objects.values_list("status", flat=True).get(pk=row.pk)


# --- interviews -----------------------------------------------------------------------


def test_interview_transition_makes_exactly_the_moves_of_its_table():
    interview = make_interview()
    for from_status in InterviewStatus.values:
        for to in InterviewStatus.values:
            place(interview, from_status)
            if to in ALLOWED_INTERVIEW_TRANSITIONS[from_status]:
                interview_transition(interview=interview, to=InterviewStatus(to))
                assert stored_status(interview) == to
            else:
                with pytest.raises(InterviewTransitionNotAllowed):
                    interview_transition(interview=interview, to=InterviewStatus(to))
                assert stored_status(interview) == from_status


def test_a_finished_interview_cannot_be_booked_again_and_leaves_no_event():
    interview = make_interview()
    place(interview, InterviewStatus.DONE)
    events = ClaimEvent.objects.filter(claim=interview.claim).count()
    with pytest.raises(InterviewTransitionNotAllowed, match="done → booked is not allowed") as refused:
        interview_transition(interview=interview, to=InterviewStatus.BOOKED, event="interview_rescheduled")
    assert (refused.value.from_status, refused.value.to_status) == (InterviewStatus.DONE, InterviewStatus.BOOKED)
    assert stored_status(interview) == InterviewStatus.DONE
    assert ClaimEvent.objects.filter(claim=interview.claim).count() == events


def test_confirming_saves_the_fields_of_the_move_and_records_the_event():
    interview = make_interview()
    officer = interview.officer
    confirmed_at = STARTS - dt.timedelta(hours=3)
    interview_transition(
        interview=interview,
        to=InterviewStatus.CONFIRMED,
        by=officer,
        event="interview_confirmed",
        note="lewat tautan",
        claimant_confirmed_at=confirmed_at,
    )
    interview.refresh_from_db()
    assert (interview.status, interview.claimant_confirmed_at) == (InterviewStatus.CONFIRMED, confirmed_at)
    event = ClaimEvent.objects.filter(claim=interview.claim).latest("pk")
    assert (event.reason, event.note, event.actor) == ("interview_confirmed", "lewat tautan", officer)


def test_interview_transition_checks_the_stored_status_not_a_stale_copy():
    """A copy read before another transaction cancelled the call still says "booked"."""
    interview = make_interview()
    Interview.objects.filter(pk=interview.pk).update(status=InterviewStatus.CANCELLED)
    assert interview.status == InterviewStatus.BOOKED
    with pytest.raises(InterviewTransitionNotAllowed):
        interview_transition(interview=interview, to=InterviewStatus.CONFIRMED)
    assert stored_status(interview) == InterviewStatus.CANCELLED


# --- reminders, one at a time ----------------------------------------------------------


def test_reminder_transition_makes_exactly_the_moves_of_its_table():
    [reminder] = make_reminders(make_interview())
    for from_status in ReminderStatus.values:
        for to in ReminderStatus.values:
            place(reminder, from_status)
            if to in ALLOWED_REMINDER_TRANSITIONS[from_status]:
                assert reminder_transition(reminder=reminder, to=ReminderStatus(to)).status == to
                assert stored_status(reminder) == to
            else:
                with pytest.raises(ReminderTransitionNotAllowed):
                    reminder_transition(reminder=reminder, to=ReminderStatus(to))
                assert stored_status(reminder) == from_status


def test_a_sent_reminder_is_never_claimed_again():
    [reminder] = make_reminders(make_interview())
    place(reminder, ReminderStatus.SENT)
    with pytest.raises(ReminderTransitionNotAllowed, match=f"reminder {reminder.pk}: sent → claimed"):
        reminder_transition(reminder=reminder, to=ReminderStatus.CLAIMED, claimed_at=STARTS)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.claimed_at) == (ReminderStatus.SENT, None)


def test_claiming_one_reminder_saves_its_fields():
    [reminder] = make_reminders(make_interview())
    moved = reminder_transition(
        reminder=reminder, to=ReminderStatus.CLAIMED, claimed_at=STARTS, attempts=F("attempts") + 1
    )
    assert moved.status == ReminderStatus.CLAIMED
    moved.refresh_from_db()
    assert (moved.status, moved.claimed_at, moved.attempts) == (ReminderStatus.CLAIMED, STARTS, 1)


# --- reminders in batches ---------------------------------------------------------------


def test_a_batch_refuses_a_move_out_of_a_final_status_before_writing_anything():
    reminders = make_reminders(make_interview(), 2)
    place(reminders[1], ReminderStatus.SENT)
    with pytest.raises(ReminderTransitionNotAllowed, match="sent → pending"):
        reminders_transition(
            reminders=Reminder.objects.filter(pk__in=[r.pk for r in reminders]),
            from_statuses=(ReminderStatus.PENDING, ReminderStatus.SENT),
            to=ReminderStatus.PENDING,
            note="retry",
        )
    assert [stored_status(r) for r in reminders] == [ReminderStatus.PENDING, ReminderStatus.SENT]
    assert not Reminder.objects.exclude(note="").exists()


def test_a_batch_moves_only_the_rows_still_in_its_source_statuses():
    """The conditional UPDATE: a reminder sent meanwhile is not cancelled."""
    interview = make_interview()
    pending, claimed, sent = make_reminders(interview, 3)
    place(claimed, ReminderStatus.CLAIMED)
    place(sent, ReminderStatus.SENT)
    moved = reminders_transition(
        reminders=Reminder.objects.filter(interview=interview),
        from_statuses=(ReminderStatus.PENDING, ReminderStatus.CLAIMED),
        to=ReminderStatus.CANCELLED,
        note="interview cancelled",
    )
    assert moved == 2
    assert [stored_status(r) for r in (pending, claimed, sent)] == [
        ReminderStatus.CANCELLED,
        ReminderStatus.CANCELLED,
        ReminderStatus.SENT,
    ]


def test_a_batch_of_rows_refuses_one_not_in_the_statuses_it_was_told():
    pending, sent = make_reminders(make_interview(), 2)
    place(sent, ReminderStatus.SENT)
    with pytest.raises(ReminderTransitionNotAllowed, match=f"reminder {sent.pk}: sent → claimed"):
        reminders_transition(
            reminders=[pending, sent], from_statuses=(ReminderStatus.PENDING,), to=ReminderStatus.CLAIMED
        )
    assert [stored_status(r) for r in (pending, sent)] == [ReminderStatus.PENDING, ReminderStatus.SENT]


@pytest.mark.parametrize("size", [1, 5])
def test_a_batch_is_one_update_whatever_its_size_and_the_rows_follow_in_memory(size):
    """bench/reminders.py sends 10,000 a minute: no query and no lock per row."""
    reminders = make_reminders(make_interview(), size)
    for n, reminder in enumerate(reminders):
        reminder.due_at = STARTS - dt.timedelta(hours=n + 1)
    with CaptureQueriesContext(connection) as queries:
        moved = reminders_transition(
            reminders=reminders,
            from_statuses=(ReminderStatus.PENDING,),
            to=ReminderStatus.PENDING,
            per_row=["due_at"],
            note="quiet hours",
        )
    assert moved == size
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith('UPDATE "interviews_reminder"')
    for n, reminder in enumerate(reminders):
        assert reminder.note == "quiet hours"
        reminder.refresh_from_db()
        assert (reminder.due_at, reminder.note) == (STARTS - dt.timedelta(hours=n + 1), "quiet hours")
