"""The interview admin shows the status; only interview_transition() moves it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import CallChannel, Interview, InterviewStatus, Reminder, ReminderStatus
from tests.factories import BranchFactory, StaffFactory, make_claim

pytestmark = pytest.mark.django_db


def test_the_admin_cannot_move_an_interview_to_another_status(admin_client):
    branch = BranchFactory()
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    interview = Interview.objects.create(
        claim=make_claim(branch=branch),
        officer=StaffFactory(branch=branch),
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=20),
        channel=CallChannel.WHATSAPP_VIDEO,
    )
    Reminder.objects.create(
        interview=interview, offset_minutes=120, for_starts_at=starts, due_at=starts - dt.timedelta(hours=2)
    )
    local_starts, local_ends = timezone.localtime(starts), timezone.localtime(interview.ends_at)
    form = {
        "claim": interview.claim_id,
        "officer": interview.officer_id,
        "starts_at_0": f"{local_starts:%Y-%m-%d}",
        "starts_at_1": f"{local_starts:%H:%M:%S}",
        "ends_at_0": f"{local_ends:%Y-%m-%d}",
        "ends_at_1": f"{local_ends:%H:%M:%S}",
        "channel": CallChannel.WHATSAPP_VIDEO,
        "status": InterviewStatus.DONE,
        "reschedule_count": 0,
        "created_by": "",
        "reminders-TOTAL_FORMS": 1,
        "reminders-INITIAL_FORMS": 1,
        "reminders-MIN_NUM_FORMS": 0,
        "reminders-MAX_NUM_FORMS": 1000,
        "reminders-0-id": interview.reminders.get().pk,
        "reminders-0-interview": interview.pk,
    }
    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    assert str(InterviewStatus.BOOKED.label) in admin_client.get(url).content.decode()

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED
    assert interview.reminders.get().status == ReminderStatus.PENDING
