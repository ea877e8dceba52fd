"""Claims in review in branches of the three zones, and a clock parked on a known week.

Monday 2 March 2026 is an ordinary working day everywhere; every test moves time with
time-machine, never by sleeping.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from claims.models import Branch
from interviews.models import CallChannel
from interviews.services import interview_book
from tests.console.conftest import make_accepted_claim
from tests.factories import BranchFactory, StaffFactory

MONDAY = dt.date(2026, 3, 2)
ZONES = [Branch.Zone.WIB, Branch.Zone.WITA, Branch.Zone.WIT]
BRANCH_NUMBER = "+6221500910"


def local(branch: Branch, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time at the branch, as the UTC instant stored in the database."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(branch.time_zone)).astimezone(dt.UTC)


def travel(instant: dt.datetime):
    return time_machine.travel(instant, tick=False)


@pytest.fixture
def make_branch(db):
    def _make(zone: str = Branch.Zone.WIB, **kwargs) -> Branch:
        return BranchFactory(time_zone=zone, whatsapp_number=BRANCH_NUMBER, **kwargs)

    return _make


@pytest.fixture
def setup_zone(make_branch):
    """(branch, officer, claim in review with its documents accepted by the officer, so the claimant
    is invited to choose the call) in one zone, made on the Sunday before MONDAY (08:00 local)."""

    def _setup(zone: str = Branch.Zone.WIB):
        branch = make_branch(zone)
        officer = StaffFactory(branch=branch, first_name="Rina", last_name="Wulandari")
        with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
            claim = make_accepted_claim(branch=branch, officer=officer)
        return branch, officer, claim

    return _setup


def book(claim, officer, starts_at, channel=CallChannel.WHATSAPP_VIDEO):
    claim.refresh_from_db()
    return interview_book(
        claim=claim, officer=officer, starts_at=starts_at, channel=channel, by=officer, claim_version=claim.version
    )
