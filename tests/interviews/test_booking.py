import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from claims.models import Status
from interviews import services
from interviews.models import Interview, InterviewStatus, Reminder, ReminderPlan, ReminderStatus
from interviews.selectors import free_slots, interview_token, planned_offsets
from interviews.services import InterviewRefused, interview_cancel, interview_confirm, interview_reschedule
from notifications.models import Message
from tests.messages import claimant_text

from .conftest import BRANCH_NUMBER, MONDAY, ZONES, book, local, travel

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.mark.parametrize(("zone", "label"), list(zip(ZONES, ["WIB", "WITA", "WIT"], strict=True)))
def test_booking_plans_three_reminders_at_the_right_utc_instants_and_sends_one_message(setup_zone, zone, label):
    branch, officer, claim = setup_zone(zone)
    starts_at = local(branch, TUESDAY, 10)
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, starts_at)

    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert interview.starts_at == starts_at
    assert interview.ends_at == starts_at + dt.timedelta(minutes=20)
    reminders = list(interview.reminders.order_by("due_at"))
    assert [r.offset_minutes for r in reminders] == [1440, 120, 15]
    assert [r.due_at for r in reminders] == [
        local(branch, MONDAY, 10),
        local(branch, TUESDAY, 8),
        local(branch, TUESDAY, 9, 45),
    ]
    assert all(r.status == ReminderStatus.PENDING for r in reminders)

    message = Message.objects.get(claim=claim, template="interview_booked")
    assert message.to == claim.contact_phone
    assert f"Selasa, 3 Maret 2026 pukul 10.00 {label}" in message.body
    assert "Rina Wulandari" in message.body
    assert BRANCH_NUMBER in message.body
    assert "e-KTP asli" in message.body
    assert f"/wawancara/{interview_token(interview)}/" in claimant_text(message)
    assert interview_token(interview) not in message.body, "staff never see the claimant's link"
    assert "/wawancara/cara-kerja/" in message.body


def test_a_call_closer_than_the_plan_compresses_it_to_half_way_and_fifteen_minutes(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, MONDAY, 10, 20))  # 80 minutes ahead
    assert sorted((r.offset_minutes for r in interview.reminders.all()), reverse=True) == [40, 15]


def test_a_call_booked_three_hours_ahead_gets_at_least_two_reminders(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 8)):
        interview = book(claim, officer, local(branch, MONDAY, 11))
    offsets = [r.offset_minutes for r in interview.reminders.order_by("due_at")]
    assert len(offsets) >= 2
    assert offsets == [120, 15]
    assert all(r.due_at > local(branch, MONDAY, 8) for r in interview.reminders.all())


def test_a_call_booked_thirty_hours_ahead_gets_the_whole_plan_of_three(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 8)):
        interview = book(claim, officer, local(branch, TUESDAY, 14))
    assert [r.offset_minutes for r in interview.reminders.order_by("due_at")] == [24 * 60, 120, 15]


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        (30 * 60, [1440, 120, 15]),
        (180, [120, 15]),
        (130, [120, 15]),
        (125, [62, 15]),  # 2 h no longer fits with a gap after booking: half-way instead
        (60, [30, 15]),
        (30, [15]),  # too close for two: only a claimant who picks it gets it
    ],
)
def test_the_plan_keeps_what_fits_and_compresses_below_two(lead, expected):
    assert planned_offsets([1440, 120, 15], lead_minutes=lead) == expected


def test_staff_are_not_offered_a_slot_too_close_for_two_reminders_but_the_claimant_is(setup_zone, settings):
    settings.INTERVIEW_MIN_NOTICE_MINUTES = 20
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9, 35)):
        for_staff = free_slots(branch=branch, officer=officer, count=1)[0]
        for_claimant = free_slots(branch=branch, officer=officer, count=1, min_reminders=0)[0]
    # 10:00 is 25 minutes away, 10:20 45: room for one reminder each (15 min before; half-way
    # would come too soon before it). 10:40 leaves room for 32 and 15 minutes before.
    assert for_claimant.local.strftime("%H:%M") == "10:00"
    assert for_staff.local.strftime("%H:%M") == "10:40"


def test_a_branch_plan_of_two_reminders_is_used(setup_zone):
    branch, officer, claim = setup_zone()
    ReminderPlan.objects.create(branch=branch, offsets_minutes=[180, 30])
    with travel(local(branch, MONDAY, 8)):
        interview = book(claim, officer, local(branch, TUESDAY, 9))
    assert sorted(r.offset_minutes for r in interview.reminders.all()) == [30, 180]


@pytest.mark.parametrize("offsets", [[60], [1440, 120, 60, 15], [60, 60], [2]])
def test_a_reminder_plan_needs_two_or_three_distinct_reminders(make_branch, offsets):
    with pytest.raises(ValidationError):
        ReminderPlan.objects.create(branch=make_branch(), offsets_minutes=offsets)


def test_a_slot_that_is_not_free_is_refused(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)), pytest.raises(InterviewRefused):
        book(claim, officer, local(branch, MONDAY, 12, 20))  # lunch break
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert not Interview.objects.exists()


def test_reschedule_replaces_pending_reminders_and_tells_the_new_time(setup_zone):
    branch, officer, claim = setup_zone("Asia/Makassar")
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    with travel(local(branch, MONDAY, 11)):  # the 24 h reminder went out at 10:00
        services.reminders_send_due()
        moved = interview_reschedule(interview=interview, starts_at=local(branch, TUESDAY, 14))
    rows = {(r.offset_minutes, r.status, r.for_starts_at) for r in moved.reminders.all()}
    assert (1440, ReminderStatus.SENT, local(branch, TUESDAY, 10)) in rows
    assert (120, ReminderStatus.CANCELLED, local(branch, TUESDAY, 10)) in rows
    assert (15, ReminderStatus.CANCELLED, local(branch, TUESDAY, 10)) in rows
    pending = moved.reminders.filter(status=ReminderStatus.PENDING)
    assert sorted((r.offset_minutes, r.due_at) for r in pending) == [
        (15, local(branch, TUESDAY, 13, 45)),
        (120, local(branch, TUESDAY, 12)),
        (1440, local(branch, MONDAY, 14)),
    ]
    last = Message.objects.filter(claim=claim, template="interview_booked").order_by("-id").first()
    assert "DIUBAH" in last.body
    assert "pukul 14.00 WITA" in last.body
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert claim.events.filter(reason="interview_rescheduled_by_claimant").exists()


def test_a_failed_reschedule_leaves_the_old_reminders_untouched(setup_zone, monkeypatch):
    """Cancelling the old reminders and planning the new ones is one transaction."""
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))

    def broken(*args, **kwargs):
        raise RuntimeError("message store down")

    monkeypatch.setattr(services.booking, "_tell_claimant", broken)
    with travel(local(branch, MONDAY, 9, 30)), pytest.raises(RuntimeError):
        interview_reschedule(interview=interview, starts_at=local(branch, TUESDAY, 14))
    interview.refresh_from_db()
    assert interview.starts_at == local(branch, TUESDAY, 10)
    assert interview.reminders.filter(status=ReminderStatus.PENDING).count() == 3
    assert interview.reminders.count() == 3


def test_cancel_removes_pending_reminders_and_tells_the_claimant(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
        cancelled = interview_cancel(interview=interview, by=officer, note="petugas sakit")
    assert cancelled.status == InterviewStatus.CANCELLED
    assert set(Reminder.objects.filter(interview=interview).values_list("status", flat=True)) == {
        ReminderStatus.CANCELLED
    }
    assert Message.objects.filter(claim=claim, template="interview_cancelled").count() == 1
    with travel(local(branch, TUESDAY, 9, 50)):
        assert services.reminders_send_due().sent == 0


def test_confirming_a_call_that_was_called_off_tells_the_claimant_it_no_longer_stands(setup_zone):
    """mypy caught it: the refusal called gettext's ``_`` after ``_`` had been rebound to the claim."""
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
        interview_cancel(interview=interview, by=officer)
        with pytest.raises(InterviewRefused, match="Jadwal ini sudah tidak berlaku"):
            interview_confirm(interview=interview)
    interview.refresh_from_db()
    assert (interview.status, interview.claimant_confirmed_at) == (InterviewStatus.CANCELLED, None)


def test_a_claim_cannot_have_two_live_interviews(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        book(claim, officer, local(branch, TUESDAY, 10))
        with pytest.raises(InterviewRefused):
            book(claim, officer, local(branch, TUESDAY, 11))
