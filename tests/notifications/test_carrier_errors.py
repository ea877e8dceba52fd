"""Twilio's error codes taken by what they mean (issue 16, point 8): only a wrong number marks
the number "not working"; a phone off for now is tried again; a filtered text is for staff."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import FailureReason, Message, MessageStatus
from notifications.selectors import number_not_working
from tests.provider_server import sign_twilio

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def _sms(capture) -> Message:
    with capture(execute=True):
        message = services.message_send(
            to=PHONE, template="claim_cancelled", context={"reference": "LA-7K3M-Q9XP"}, channel="sms"
        )
    message.refresh_from_db()
    return message


def _callback(client, settings, message: Message, code: str):
    """The status callback Twilio posts for an SMS it could not deliver, signed as Twilio signs."""
    params = {"MessageSid": message.provider_message_id, "MessageStatus": "undelivered", "ErrorCode": code}
    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("webhooks:twilio")
    response = client.post(
        reverse("webhooks:twilio"),
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=sign_twilio(url, params),
    )
    assert response.status_code == 200
    message.refresh_from_db()
    return message


# --- the API's own answer --------------------------------------------------------------


def test_unreachable_answer_is_retried_and_leaves_the_number_alone(provider, django_capture_on_commit_callbacks):
    provider.plan(PHONE, "unreachable")
    message = _sms(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.SENT
    assert len(provider.requests_to("twilio")) == 2
    assert len(provider.deliveries_to(PHONE, "twilio")) == 1
    assert not number_not_working(PHONE)


def test_unreachable_through_every_retry_fails_without_marking_the_number(provider, django_capture_on_commit_callbacks):
    provider.always(PHONE, "unreachable")
    message = _sms(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.FAILED
    assert not number_not_working(PHONE)


def test_carrier_filtered_answer_fails_for_its_content_logged_for_staff(
    provider, django_capture_on_commit_callbacks, caplog
):
    provider.always(PHONE, "carrier_filtered")
    message = _sms(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.CONTENT_FILTERED
    assert "30007" in message.error
    assert len(provider.requests_to("twilio")) == 1  # no retry: the same text would be filtered again
    assert not number_not_working(PHONE)
    assert any("carrier filtered" in record.getMessage() for record in caplog.records)


def test_unknown_handset_answer_marks_the_number_only_the_second_time(provider, django_capture_on_commit_callbacks):
    provider.always(PHONE, "unknown_handset")
    first = _sms(django_capture_on_commit_callbacks)
    assert first.failure_reason == FailureReason.UNKNOWN_HANDSET
    assert not number_not_working(PHONE)
    _sms(django_capture_on_commit_callbacks)
    assert number_not_working(PHONE)


def test_unknown_handset_long_ago_does_not_count(provider, django_capture_on_commit_callbacks, settings):
    provider.always(PHONE, "unknown_handset")
    with time_machine.travel(timezone.now() - timedelta(days=settings.NOTIFICATION_UNKNOWN_HANDSET_DAYS + 1)):
        _sms(django_capture_on_commit_callbacks)
    _sms(django_capture_on_commit_callbacks)
    assert not number_not_working(PHONE)


# --- the asynchronous status callback ---------------------------------------------------


def test_unreachable_callback_sends_a_later_copy_and_leaves_the_number_alone(
    client, provider, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_UNREACHABLE_RETRIES = 1
    message = _sms(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        message = _callback(client, settings, message, "30003")
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.UNREACHABLE
    assert not number_not_working(PHONE)
    copy = message.fallback
    copy.refresh_from_db()
    assert copy.channel == "sms"
    assert copy.status == MessageStatus.SENT
    assert len(provider.deliveries_to(PHONE, "twilio")) == 2
    # The copy unreachable too: no third one past NOTIFICATION_UNREACHABLE_RETRIES.
    with django_capture_on_commit_callbacks(execute=True):
        copy = _callback(client, settings, copy, "30003")
    assert not Message.objects.filter(fallback_for=copy).exists()
    assert not number_not_working(PHONE)


def test_carrier_filtered_callback_fails_for_content_and_leaves_the_number_alone(
    client, provider, settings, django_capture_on_commit_callbacks
):
    message = _callback(client, settings, _sms(django_capture_on_commit_callbacks), "30007")
    assert message.failure_reason == FailureReason.CONTENT_FILTERED
    assert not number_not_working(PHONE)


def test_invalid_number_callback_marks_the_number_not_working(
    client, provider, settings, django_capture_on_commit_callbacks
):
    message = _callback(client, settings, _sms(django_capture_on_commit_callbacks), "21211")
    assert message.failure_reason == FailureReason.INVALID_NUMBER
    assert number_not_working(PHONE)


def test_unknown_handset_callback_marks_the_number_when_repeated(
    client, provider, settings, django_capture_on_commit_callbacks
):
    _callback(client, settings, _sms(django_capture_on_commit_callbacks), "30005")
    assert not number_not_working(PHONE)
    _callback(client, settings, _sms(django_capture_on_commit_callbacks), "30005")
    assert number_not_working(PHONE)


def test_an_unknown_code_says_nothing_about_the_number(client, provider, settings, django_capture_on_commit_callbacks):
    _callback(client, settings, _sms(django_capture_on_commit_callbacks), "30008")
    assert not number_not_working(PHONE)


@pytest.mark.django_db(transaction=True)
def test_stand_in_posts_an_unreachable_callback_to_the_live_app(provider, live_server, settings, seeded_catalogue):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.NOTIFICATION_UNREACHABLE_RETRIES = 1
    sms = Message.objects.create(channel="sms", to=PHONE, template="claim_cancelled", body="Halo")
    services.message_deliver(message_id=sms.pk)
    sms.refresh_from_db()
    assert provider.post_twilio_statuses(sms.provider_message_id, ["undelivered"], error_code="30003") == [200]
    sms.refresh_from_db()
    assert sms.failure_reason == FailureReason.UNREACHABLE
    assert sms.fallback.status == MessageStatus.SENT
    assert not number_not_working(PHONE)
