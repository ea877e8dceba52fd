import datetime as dt
import threading

import pytest
from django.db import connection

from claims.models import Claim, Status
from interviews.models import Interview, Reminder, ReminderStatus, Schedule
from interviews.services import _reminders_claim_due, reminder_send_claimed, reminders_send_due
from notifications.models import Message, MessageStatus
from tests.console.conftest import make_submitted_claim
from tests.factories import StaffFactory, make_claim

from .conftest import MONDAY, book, local, travel

TUESDAY = MONDAY + dt.timedelta(days=1)


def reminder_messages(claim):
    return Message.objects.filter(claim=claim, template="interview_reminder")


@pytest.mark.django_db
def test_each_reminder_goes_out_at_its_time_once(setup_zone, django_capture_on_commit_callbacks):
    branch, officer, claim = setup_zone("Asia/Jayapura")
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
        assert reminders_send_due().sent == 0

    expected = [(local(branch, MONDAY, 10), "24 jam lagi"), (local(branch, TUESDAY, 8), "2 jam lagi")]
    expected.append((local(branch, TUESDAY, 9, 45), "15 menit lagi"))
    for count, (due_at, time_left) in enumerate(expected, start=1):
        with travel(due_at - dt.timedelta(seconds=1)):
            assert reminders_send_due().sent == 0
        with travel(due_at), django_capture_on_commit_callbacks(execute=True):
            assert reminders_send_due().sent == 1
            assert reminders_send_due().sent == 0  # a second beat in the same minute
        assert reminder_messages(claim).count() == count
        body = reminder_messages(claim).order_by("-id").first().body
        assert time_left in body
        assert "pukul 10.00 WIT" in body
        assert "Rina Wulandari" in body
        assert "/wawancara/cara-kerja/" in body

    for reminder in interview.reminders.all():
        assert reminder.status == ReminderStatus.SENT
        # The provider's message id is on the message the reminder points at.
        assert reminder.message.status == MessageStatus.SENT
        assert reminder.message.provider_message_id == f"outbox-{reminder.message_id}"


@pytest.mark.django_db
def test_a_reminder_falling_in_quiet_hours_waits_until_six_local(make_branch):
    branch = make_branch("Asia/Makassar")
    officer = StaffFactory(branch=branch)
    Schedule.objects.create(branch=branch, day_start=dt.time(8, 0), day_end=dt.time(23, 45), slot_minutes=15)
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
        claim = make_submitted_claim(branch=branch)
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 22))
    day_ahead = interview.reminders.get(offset_minutes=1440)
    assert day_ahead.due_at == local(branch, MONDAY, 22)

    with travel(local(branch, MONDAY, 22)):
        assert reminders_send_due().sent == 0
    day_ahead.refresh_from_db()
    assert day_ahead.status == ReminderStatus.PENDING
    assert day_ahead.due_at == local(branch, TUESDAY, 6)
    with travel(local(branch, TUESDAY, 5, 59)):
        assert reminders_send_due().sent == 0
    with travel(local(branch, TUESDAY, 6)):
        assert reminders_send_due().sent == 1
    assert "16 jam lagi" in reminder_messages(claim).get().body


@pytest.mark.django_db
def test_a_reminder_in_quiet_hours_goes_now_when_the_call_is_close(make_branch):
    branch = make_branch()
    officer = StaffFactory(branch=branch)
    Schedule.objects.create(branch=branch, day_start=dt.time(8, 0), day_end=dt.time(23, 45), slot_minutes=15)
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
        claim = make_submitted_claim(branch=branch)
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, MONDAY, 23, 15))
    with travel(local(branch, MONDAY, 21, 15)):  # the 2 h reminder: in quiet hours, call within 2 h
        assert reminders_send_due().sent == 1
    with travel(local(branch, MONDAY, 23)):
        assert reminders_send_due().sent == 1
    assert "15 menit lagi" in reminder_messages(claim).order_by("-id").first().body
    assert interview.reminders.filter(status=ReminderStatus.SENT).count() == 2


@pytest.mark.django_db
def test_a_stale_reminder_is_skipped_when_the_interview_moved_after_it_was_claimed(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    with travel(local(branch, MONDAY, 10)):
        [(reminder_id, claimed_at)] = _reminders_claim_due(now=local(branch, MONDAY, 10))
        # Moved behind the sweep's back between claiming and sending.
        Interview.objects.filter(pk=interview.pk).update(starts_at=local(branch, TUESDAY, 14))
        reminder = reminder_send_claimed(reminder_id=reminder_id, claimed_at=claimed_at)
    assert reminder.status == ReminderStatus.SKIPPED
    assert reminder.note == "interview moved"
    assert not reminder_messages(claim).exists()


@pytest.mark.django_db
def test_a_reminder_whose_interview_started_is_skipped_and_only_the_closest_late_one_goes(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    with travel(local(branch, TUESDAY, 9, 50)):  # the sweep was down since Monday morning
        result = reminders_send_due()
    assert (result.sent, result.skipped) == (1, 2)
    assert interview.reminders.get(status=ReminderStatus.SENT).offset_minutes == 15
    with travel(local(branch, TUESDAY, 10, 1)):
        Reminder.objects.filter(interview=interview).update(status=ReminderStatus.PENDING)
        result = reminders_send_due()
    assert result.sent == 0
    assert set(interview.reminders.values_list("note", flat=True)) == {"interview already started"}


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_sweep_is_sent_once_after_the_reclaim_delay(setup_zone, settings):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    with travel(local(branch, MONDAY, 10)):
        _reminders_claim_due(now=local(branch, MONDAY, 10))  # claimed, then the process died
        assert reminders_send_due().sent == 0
    with travel(local(branch, MONDAY, 10, 6)):
        assert reminders_send_due().sent == 1
        assert reminders_send_due().sent == 0
    assert reminder_messages(claim).count() == 1
    assert interview.reminders.get(offset_minutes=1440).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_every_reminder_exactly_once(seeded_catalogue, make_branch, settings):
    """Two beats (or a beat and a retry) racing on PostgreSQL: skip_locked splits the rows."""
    settings.INTERVIEW_REMINDER_BATCH = 2
    branch = make_branch()
    due = local(branch, MONDAY, 10)
    reminders = []
    for n in range(8):
        officer = StaffFactory(branch=branch)
        claim = make_claim(branch=branch)
        Claim.objects.filter(pk=claim.pk).update(status=Status.INTERVIEW_SCHEDULED)
        starts = local(branch, TUESDAY, 10) + dt.timedelta(minutes=20 * n)
        interview = Interview.objects.create(
            claim=claim,
            officer=officer,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=20),
            channel="whatsapp_video",
        )
        reminders.append(
            Reminder.objects.create(interview=interview, offset_minutes=1440, for_starts_at=starts, due_at=due)
        )

    barrier, results, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(reminders_send_due())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with travel(due):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert reminders_send_due().sent == 0

    assert not errors
    assert sum(result.sent for result in results) == 8
    assert Message.objects.filter(template="interview_reminder").count() == 8
    for reminder in reminders:
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert Message.objects.filter(claim=reminder.interview.claim, template="interview_reminder").count() == 1
        assert reminder.message.status == MessageStatus.SENT
        assert reminder.message.provider_message_id
