import datetime as dt

import pytest

from claims.models import NonWorkingDay
from interviews.models import Interview, Schedule, ScheduleBreak
from interviews.selectors import free_slots
from tests.factories import StaffFactory

from .conftest import MONDAY, ZONES, local, travel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ZONES)
def test_free_slots_follow_working_hours_and_skip_the_lunch_break_in_every_zone(make_branch, zone):
    branch = make_branch(zone)
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 12)):
        slots = free_slots(branch=branch, count=30)
    monday = [slot for slot in slots if slot.local.date() == MONDAY]
    # 08:00–12:00 and 13:00–16:00 in 20-minute slots: 12 + 9.
    assert len(monday) == 21
    assert monday[0].starts_at == local(branch, MONDAY, 8)
    assert monday[0].starts_at.tzinfo == dt.UTC
    assert monday[0].local.strftime("%H:%M") == "08:00"
    times = [slot.local.strftime("%H:%M") for slot in monday]
    assert "11:40" in times
    assert "13:00" in times
    assert not any("12:00" <= t < "13:00" for t in times)
    assert times[-1] == "15:40"
    # The stored instant is the local time minus the zone's offset (7, 8 or 9 hours).
    offset = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}[zone]
    assert monday[0].starts_at == dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC) - dt.timedelta(hours=offset)


def test_free_slots_skip_national_and_branch_holidays_but_not_other_branches(make_branch):
    branch, other = make_branch(), make_branch()
    NonWorkingDay.objects.create(date=MONDAY, name="Libur nasional")
    NonWorkingDay.objects.create(date=MONDAY + dt.timedelta(days=1), branch=branch, name="Libur daerah")
    NonWorkingDay.objects.create(date=MONDAY + dt.timedelta(days=2), branch=other, name="Libur cabang lain")
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 12)):
        first = free_slots(branch=branch, count=1)[0]
    assert first.local.date() == MONDAY + dt.timedelta(days=2)


def test_free_slots_skip_cuti_bersama_from_the_holidays_package(make_branch):
    branch = make_branch()
    # 2026: Thursday 24 December is cuti bersama, Friday 25 Christmas: Wednesday's last slot, then Monday.
    with travel(local(branch, dt.date(2026, 12, 23), 17)):
        first = free_slots(branch=branch, count=1)[0]
    assert first.local.date() == dt.date(2026, 12, 28)


def test_free_slots_skip_weekends(make_branch):
    branch = make_branch()
    friday = MONDAY + dt.timedelta(days=4)
    with travel(local(branch, friday, 17)):
        first = free_slots(branch=branch, count=1)[0]
    assert first.local.date() == MONDAY + dt.timedelta(days=7)


def test_free_slots_skip_past_times_and_the_notice_period(make_branch, settings):
    branch = make_branch()
    settings.INTERVIEW_MIN_NOTICE_MINUTES = 60
    with travel(local(branch, MONDAY, 10, 5)):
        first = free_slots(branch=branch, count=1)[0]
    assert first.local.strftime("%H:%M") == "11:20"  # 10:05 + 60 min, next slot boundary


def test_free_slots_skip_slots_booked_for_the_officer(make_branch, settings, setup_zone):
    settings.INTERVIEW_MIN_NOTICE_MINUTES = 0
    branch, officer, claim = setup_zone()
    colleague = StaffFactory(branch=branch)
    Interview.objects.create(
        claim=claim,
        officer=officer,
        starts_at=local(branch, MONDAY, 8),
        ends_at=local(branch, MONDAY, 8, 20),
        channel="whatsapp_video",
    )
    with travel(local(branch, MONDAY, 7)):
        mine = free_slots(branch=branch, officer=officer, count=1)[0]
        theirs = free_slots(branch=branch, officer=colleague, count=1)[0]
        branch_wide = free_slots(branch=branch, count=1)[0]
    assert mine.local.strftime("%H:%M") == "08:20"
    assert theirs.local.strftime("%H:%M") == "08:00"
    assert branch_wide.local.strftime("%H:%M") == "08:20"


def test_an_officers_own_schedule_overrides_the_branch_with_its_own_breaks(make_branch):
    branch = make_branch("Asia/Makassar")
    officer = StaffFactory(branch=branch)
    Schedule.objects.create(branch=branch, day_start=dt.time(7, 30), day_end=dt.time(15, 0), slot_minutes=30)
    own = Schedule.objects.create(
        branch=branch, officer=officer, weekdays="5", day_start=dt.time(9, 0), day_end=dt.time(14, 0), slot_minutes=30
    )
    ScheduleBreak.objects.create(schedule=own, weekday=5, starts=dt.time(11, 0), ends=dt.time(13, 0))  # Friday prayers
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 12)):
        branch_first = free_slots(branch=branch, count=1)[0]
        officer_slots = free_slots(branch=branch, officer=officer, count=20)
    assert branch_first.local.strftime("%a %H:%M") == "Mon 07:30"
    assert {slot.local.strftime("%a") for slot in officer_slots} == {"Fri"}
    friday = [slot.local.strftime("%H:%M") for slot in officer_slots if slot.local.date() == MONDAY + dt.timedelta(4)]
    assert friday == ["09:00", "09:30", "10:00", "10:30", "13:00", "13:30"]
