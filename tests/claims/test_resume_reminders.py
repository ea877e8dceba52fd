"""One reminder, 24 h after the last "finish later" link, for a claim still in draft."""

import re
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import CancelReason, Claim, Status
from claims.services import claim_cancel, claim_transition, resume_link_send, resume_reminders_send
from claims.services.resume import LINK_TEMPLATE, REMINDER_TEMPLATE
from notifications.models import Message
from tests.factories import make_claim
from tests.messages import claimant_text

HOURS = settings.CLAIM_RESUME_REMINDER_HOURS


def _link_sent_hours_ago(claim: Claim, hours: float) -> None:
    message = resume_link_send(claim=claim)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def _reminders(claim: Claim):
    return Message.objects.filter(claim=claim, template=REMINDER_TEMPLATE)


@pytest.mark.django_db
def test_one_reminder_with_a_fresh_working_link_a_day_after_the_link(branch):
    claim = make_claim(branch=branch)
    _link_sent_hours_ago(claim, HOURS - 1)
    assert resume_reminders_send() == 0, "not before 24 h"

    now = timezone.now() + timedelta(hours=1, minutes=1)
    assert resume_reminders_send(now=now) == 1
    reminder = _reminders(claim).get()
    assert reminder.to == claim.contact_phone
    assert reminder.sensitive
    assert "belum selesai dan belum dikirim" in reminder.body
    assert claim.reference in reminder.body
    path = re.search(r"/lanjut/\S+/", claimant_text(reminder)).group(0)
    assert Client().get(path)["Location"] == reverse("portal:resume", args=[claim.reference])

    # Exactly one, ever: later sweeps, even days later, send nothing more.
    for later in (now, now + timedelta(minutes=5), now + timedelta(days=2)):
        assert resume_reminders_send(now=later) == 0
    assert _reminders(claim).count() == 1


@pytest.mark.django_db
def test_reminder_counts_from_the_latest_link(branch):
    claim = make_claim(branch=branch)
    _link_sent_hours_ago(claim, HOURS + 5)
    _link_sent_hours_ago(claim, HOURS - 3)  # asked again since: remind a day after that one
    assert resume_reminders_send() == 0
    assert resume_reminders_send(now=timezone.now() + timedelta(hours=3, minutes=1)) == 1


@pytest.mark.django_db
def test_no_reminder_for_a_claim_sent_cancelled_without_a_link_or_long_forgotten(branch):
    submitted, cancelled, no_link, old = (make_claim(branch=branch) for _ in range(4))
    for claim in (submitted, cancelled):
        _link_sent_hours_ago(claim, HOURS + 1)
    claim_transition(claim=submitted, to=Status.SUBMITTED)
    claim_cancel(claim=cancelled, reason=CancelReason.CLAIMANT_REQUEST)
    Claim.objects.filter(pk=no_link.pk).update(created_at=timezone.now() - timedelta(days=2))
    _link_sent_hours_ago(old, settings.CLAIM_RESUME_LINK_DAYS * 24 + 1)

    assert resume_reminders_send() == 0
    assert not Message.objects.filter(template=REMINDER_TEMPLATE).exists()


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep(branch):
    from claims.tasks import claims_resume_reminders_task
    from lapakasik.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["claims-resume-reminders"]
    assert entry["task"] == claims_resume_reminders_task.name
    assert entry["schedule"] <= 600
    assert entry["task"] in app.tasks
    claim = make_claim(branch=branch)
    _link_sent_hours_ago(claim, HOURS + 1)
    claims_resume_reminders_task.delay()
    assert _reminders(claim).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_catalogue")
def test_a_sweep_skips_a_claim_another_sweep_holds_then_the_claim_gets_one_reminder(branch):
    claim = make_claim(branch=branch)
    _link_sent_hours_ago(claim, HOURS + 1)
    locked, release = threading.Event(), threading.Event()

    def other_sweep_holds_the_row():
        try:
            with transaction.atomic():
                Claim.objects.select_for_update().get(pk=claim.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=other_sweep_holds_the_row)
    holder.start()
    assert locked.wait(10)
    try:
        assert resume_reminders_send() == 0, "a locked claim is skipped, not waited for"
    finally:
        release.set()
        holder.join()
    assert resume_reminders_send() == 1
    assert resume_reminders_send() == 0
    assert _reminders(claim).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_catalogue")
def test_two_sweeps_at_once_send_one_reminder_per_claim(branch):
    claims = [make_claim(branch=branch) for _ in range(12)]
    for claim in claims:
        _link_sent_hours_ago(claim, HOURS + 1)
    barrier, counts, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            barrier.wait(10)
            counts.append(resume_reminders_send())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sum(counts) == len(claims)
    for claim in claims:
        assert _reminders(claim).count() == 1, claim.reference
    assert Message.objects.filter(template=LINK_TEMPLATE).count() == len(claims)
