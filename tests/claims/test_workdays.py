"""Working days (DOMAIN.md): Monday–Friday, minus national holidays and cuti bersama, minus the branch's closures."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from claims.models import Claim, NonWorkingDay
from claims.selectors import claim_decision_due
from claims.workdays import WorkingDays
from tests.factories import BranchFactory, make_claim

MONDAY = dt.date(2026, 11, 2)  # November 2026 has no national holiday
NATION = WorkingDays()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (MONDAY, MONDAY, 0),  # same day
        (MONDAY, MONDAY + dt.timedelta(days=1), 1),  # Monday → Tuesday
        (MONDAY, MONDAY + dt.timedelta(days=4), 4),  # Monday → Friday
        (MONDAY, MONDAY + dt.timedelta(days=7), 5),  # a whole week
        (MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(days=6), 0),  # Friday → Sunday
        (MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(days=7), 1),  # Friday → Monday
        (MONDAY + dt.timedelta(days=6), MONDAY + dt.timedelta(days=7), 1),  # Sunday → Monday
        (MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=16), 10),  # Wednesday, two weeks on
        (MONDAY + dt.timedelta(days=3), MONDAY, 0),  # the end before the start
    ],
)
def test_working_days_count_monday_to_friday(start, end, expected):
    assert NATION.between(start, end) == expected


def test_christmas_and_its_cuti_bersama_are_not_working_days():
    # 2026: Thursday 24 December is cuti bersama (the government category), Friday 25 Christmas.
    assert not NATION.is_working_day(dt.date(2026, 12, 24))
    assert not NATION.is_working_day(dt.date(2026, 12, 25))
    assert NATION.between(dt.date(2026, 12, 23), dt.date(2026, 12, 28)) == 1  # only Monday the 28th
    assert NATION.add(dt.date(2026, 12, 23), 1) == dt.date(2026, 12, 28)


def test_eid_al_fitr_and_its_week_of_collective_leave_are_skipped():
    # 2026: 20–24 March (Friday to Tuesday) are Eid al-Fitr and cuti bersama; 19 March is Nyepi.
    assert NATION.add(dt.date(2026, 3, 18), 1) == dt.date(2026, 3, 25)


@pytest.mark.django_db
def test_a_branch_closure_counts_for_that_branch_only():
    branch, other = BranchFactory(), BranchFactory()
    NonWorkingDay.objects.create(date=MONDAY + dt.timedelta(days=1), branch=branch, name="Banjir")
    calendars = WorkingDays.for_branches([branch.pk, other.pk])
    assert calendars[branch.pk].between(MONDAY, MONDAY + dt.timedelta(days=4)) == 3
    assert calendars[other.pk].between(MONDAY, MONDAY + dt.timedelta(days=4)) == 4


@pytest.mark.django_db
def test_a_national_day_off_added_by_hand_counts_for_every_branch():
    branch = BranchFactory()
    NonWorkingDay.objects.create(date=MONDAY + dt.timedelta(days=2), name="Pemungutan suara")
    assert not WorkingDays.for_branch(branch).is_working_day(MONDAY + dt.timedelta(days=2))
    assert not WorkingDays.for_branch(None).is_working_day(MONDAY + dt.timedelta(days=2))


@pytest.mark.django_db
def test_the_decision_is_due_target_working_days_after_submission_in_the_branchs_calendar(settings):
    settings.CLAIM_SERVICE_TARGET_DAYS = 5
    branch = BranchFactory(time_zone="Asia/Jakarta")
    claim = make_claim(branch=branch)
    assert claim_decision_due(claim) is None
    submitted = dt.datetime(2026, 12, 21, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # Monday before Christmas
    Claim.objects.filter(pk=claim.pk).update(submitted_at=submitted)
    claim.refresh_from_db()
    # Tue 22, Wed 23, (Thu 24 cuti bersama, Fri 25 Christmas), Mon 28, Tue 29, Wed 30.
    assert claim_decision_due(claim) == dt.date(2026, 12, 30)
    NonWorkingDay.objects.create(date=dt.date(2026, 12, 29), branch=branch, name="Pindah kantor")
    assert claim_decision_due(claim) == dt.date(2026, 12, 31)
