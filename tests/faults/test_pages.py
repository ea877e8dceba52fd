"""The error pages on their own, and the sweep that queues messages Redis could not take."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lapakasik.faults import server_error
from notifications.models import Message, MessageStatus
from notifications.services import message_send, messages_unpublished
from tests.factories import make_claim

from .pages import NEVER_SHOWN


def test_500_page_renders_without_any_context_as_djangos_own_handler_would():
    with translation.override("id"):
        body = render_to_string("500.html")
    assert "Maaf, terjadi kesalahan" in body
    assert "Telepon 175" in body
    assert 'href="/"' in body


def test_an_ordinary_error_gets_the_plain_500_page_in_english_without_its_details(rf):
    with translation.override("en"):
        try:
            raise ValueError("NIK 3174011205900003 in settings.SECRET_KEY")
        except ValueError:
            response = server_error(rf.get("/klaim/baru/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in body
    assert "Call 175" in body
    assert 'lang="en"' in body
    assert "3174011205900003" not in body
    assert "ValueError" not in body
    for leak in NEVER_SHOWN:
        assert leak not in body, leak


@pytest.mark.django_db
def test_messages_redis_never_took_are_queued_once_by_the_sweep_and_retries_are_left_alone(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_STUCK_AFTER = 120
    settings.NOTIFICATION_RETRY_BACKOFF_MAX = 600
    claim = make_claim()
    with django_capture_on_commit_callbacks(execute=False):  # the publish never happened
        orphan = message_send(to=claim.contact_phone, template="claim_cancelled", context={"reference": "X"})
        waiting = message_send(to=claim.contact_phone, template="claim_cancelled", context={"reference": "Y"})
    now = timezone.now()
    Message.objects.filter(pk=orphan.pk).update(status_changed_at=now - dt.timedelta(seconds=721))
    # Given back 10 minutes ago: its own retry (at most NOTIFICATION_RETRY_BACKOFF_MAX) may still come.
    Message.objects.filter(pk=waiting.pk).update(status_changed_at=now - dt.timedelta(seconds=600))

    assert messages_unpublished(now=now) == [orphan.pk]
    assert messages_unpublished(now=now) == [], "a second sweep queues nothing again"
    assert Message.objects.get(pk=orphan.pk).status == MessageStatus.QUEUED
