"""The reminder sweep claims and settles whole batches: its query count does not grow with the batch."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Status
from interviews.models import Interview, Reminder, ReminderStatus
from interviews.services import reminders_send_due
from tests.factories import StaffFactory, make_claim

from .conftest import MONDAY, local, travel

TUESDAY = MONDAY + dt.timedelta(days=1)


def _due_reminders(branch, count: int, *, due: dt.datetime, start: int = 0) -> list[Reminder]:
    """``count`` interviews, each with one due 24 h reminder (rows written directly, as bench/reminders.py does)."""
    reminders = []
    for n in range(start, start + count):
        claim = make_claim(branch=branch)
        Claim.objects.filter(pk=claim.pk).update(status=Status.INTERVIEW_SCHEDULED)
        starts = local(branch, TUESDAY, 10) + dt.timedelta(minutes=20 * n)
        interview = Interview.objects.create(
            claim=claim,
            officer=StaffFactory(branch=branch),
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=20),
            channel="whatsapp_video",
        )
        reminders.append(
            Reminder.objects.create(interview=interview, offset_minutes=1440, for_starts_at=starts, due_at=due)
        )
    return reminders


def _sweep_queries(branch, count: int, *, due: dt.datetime, start: int) -> list[str]:
    reminders = _due_reminders(branch, count, due=due, start=start)
    with travel(due), CaptureQueriesContext(connection) as queries:
        assert reminders_send_due().sent == count
    assert all(r.status == ReminderStatus.SENT for r in Reminder.objects.filter(pk__in=[r.pk for r in reminders]))
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_the_sweep_sends_a_batch_of_six_with_the_queries_of_a_batch_of_one(make_branch, settings):
    settings.INTERVIEW_REMINDER_BATCH = 50
    branch = make_branch()
    due = local(branch, MONDAY, 10)
    one = _sweep_queries(branch, 1, due=due, start=0)
    six = _sweep_queries(branch, 6, due=due, start=1)
    assert len(six) == len(one), "\n".join(six)
