"""A number WhatsApp failed gets its next one-time code straight by SMS (issue 16, point 4):
the failure answered at once or reported after "sent"; a WhatsApp message delivered to the
number later sends codes by WhatsApp again. Against the local provider stand-in."""

import json

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import FailureReason, Message, MessageChannel, MessageStatus, NumberHealth
from notifications.sealing import Secret
from tests.provider_server import sign_whatsapp, whatsapp_status_payload

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def _code(capture) -> Message:
    with capture(execute=True):
        message = services.message_send(
            to=PHONE,
            template="one_time_code",
            context={"reference": "LA-7K3M-Q9XP", "code": Secret("482913"), "minutes": 10},
        )
    message.refresh_from_db()
    return message


def _reminder(capture) -> Message:
    with capture(execute=True):
        message = services.message_send(to=PHONE, template="claim_cancelled", context={"reference": "LA-7K3M-Q9XP"})
    message.refresh_from_db()
    return message


def _report(client, capture, message: Message, status: str, errors=None) -> None:
    body = json.dumps(whatsapp_status_payload(message.provider_message_id, status, errors=errors)).encode()
    with capture(execute=True):
        response = client.post(
            reverse("webhooks:whatsapp"),
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
        )
    assert response.status_code == 200


def test_after_whatsapp_failed_for_a_number_its_next_code_goes_straight_by_sms(
    provider, django_capture_on_commit_callbacks
):
    provider.plan(PHONE, "not_on_whatsapp")
    first = _code(django_capture_on_commit_callbacks)
    assert first.channel == MessageChannel.WHATSAPP
    assert first.status == MessageStatus.FAILED
    assert first.fallback.channel == MessageChannel.SMS  # the SMS copy, as before
    assert NumberHealth.objects.get(phone=PHONE).whatsapp_failed_at is not None
    asked = len(provider.requests_to("whatsapp"))

    second = _code(django_capture_on_commit_callbacks)

    assert second.channel == MessageChannel.SMS
    assert second.status == MessageStatus.SENT
    assert len(provider.requests_to("whatsapp")) == asked  # WhatsApp not even tried
    assert provider.deliveries_to(PHONE)[-1].text.endswith("#482913")
    # Other messages still try WhatsApp: one delivered there is how the number comes back.
    assert _reminder(django_capture_on_commit_callbacks).channel == MessageChannel.WHATSAPP


def test_a_failure_reported_after_sent_is_remembered_too(provider, client, django_capture_on_commit_callbacks):
    first = _code(django_capture_on_commit_callbacks)
    assert (first.channel, first.status) == (MessageChannel.WHATSAPP, MessageStatus.SENT)

    errors = [{"code": 131026, "title": "Message undeliverable", "message": "Message undeliverable"}]
    _report(client, django_capture_on_commit_callbacks, first, "failed", errors=errors)

    first.refresh_from_db()
    assert first.status == MessageStatus.FAILED
    assert _code(django_capture_on_commit_callbacks).channel == MessageChannel.SMS


def test_a_whatsapp_message_delivered_to_the_number_sends_codes_by_whatsapp_again(
    provider, client, django_capture_on_commit_callbacks
):
    provider.plan(PHONE, "not_on_whatsapp")
    _code(django_capture_on_commit_callbacks)
    reminder = _reminder(django_capture_on_commit_callbacks)
    assert reminder.status == MessageStatus.SENT

    _report(client, django_capture_on_commit_callbacks, reminder, "delivered")

    assert NumberHealth.objects.get(phone=PHONE).whatsapp_failed_at is None
    assert _code(django_capture_on_commit_callbacks).channel == MessageChannel.WHATSAPP


def test_a_template_not_approved_says_nothing_about_the_number(provider, django_capture_on_commit_callbacks):
    message = _reminder(django_capture_on_commit_callbacks)
    services.message_fail(message_id=message.pk, reason=FailureReason.TEMPLATE_NOT_APPROVED)

    assert not NumberHealth.objects.filter(phone=PHONE, whatsapp_failed_at__isnull=False).exists()
    assert _code(django_capture_on_commit_callbacks).channel == MessageChannel.WHATSAPP
