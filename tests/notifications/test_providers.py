"""The provider backends and the delivery service against the local fake provider server."""

import json
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.urls import reverse

from notifications import services, tasks
from notifications.models import FailureReason, Message, MessageChannel, MessageStatus
from notifications.providers.base import PermanentFailure, TemplateMessage, TemporaryFailure
from notifications.providers.gateway.backend import HttpSmsGatewayBackend
from notifications.providers.http import request
from notifications.providers.twilio.backend import TwilioSmsBackend
from notifications.providers.whatsapp.backend import WhatsAppCloudBackend
from notifications.selectors import number_not_working
from tests.provider_server import ACCESS_TOKEN, sign_whatsapp, whatsapp_status_payload

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def _send(capture, *, to=PHONE, channel=None) -> Message:
    with capture(execute=True):
        message = services.message_send(
            to=to, template="claim_cancelled", context={"reference": "LA-7K3M-Q9XP"}, channel=channel
        )
    message.refresh_from_db()
    return message


# A message as delivery hands it to a template backend: the catalogue variant, full values.
CANCELLED = TemplateMessage(
    variant="claim_cancelled_at_request",
    language="id",
    parameters={"reference": "LA-7K3M-Q9XP", "call_centre": "175", "link_path": "/klaim/LA-7K3M-Q9XP/t0k3n/"},
)


def _whatsapp_send(key: str = "1") -> object:
    return WhatsAppCloudBackend().send_template(to=PHONE, template=CANCELLED, idempotency_key=key)


def test_whatsapp_backend_sends_an_approved_template_carrying_our_key(provider):
    result = _whatsapp_send("42")
    request = provider.requests_to("whatsapp")[0]
    assert request["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": PHONE.lstrip("+"),
        "type": "template",
        "template": {
            "name": "lapakasik_claim_cancelled_at_request",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "parameter_name": "reference", "text": "LA-7K3M-Q9XP"},
                        {"type": "text", "parameter_name": "call_centre", "text": "175"},
                    ],
                },
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "0",
                    "parameters": [{"type": "text", "text": "klaim/LA-7K3M-Q9XP/t0k3n/"}],
                },
            ],
        },
        "biz_opaque_callback_data": "42",
    }
    assert result.provider_message_id.startswith("wamid.")


def test_whatsapp_template_name_comes_from_the_mapping_when_set(provider, settings):
    settings.WHATSAPP_TEMPLATE_NAMES = {"claim_cancelled_at_request": "pembatalan_klaim_v2"}
    with pytest.raises(PermanentFailure):  # the stand-in knows no template of that name
        _whatsapp_send()
    assert provider.requests_to("whatsapp")[0]["json"]["template"]["name"] == "pembatalan_klaim_v2"


def test_twilio_backend_posts_the_form_with_basic_auth_key_and_status_callback(provider, settings):
    settings.PUBLIC_BASE_URL = "https://lapak.example"
    result = TwilioSmsBackend().send(to=PHONE, body="Halo", template="claim_cancelled", idempotency_key="7")
    request = provider.requests_to("twilio")[0]
    assert request["form"] == {
        "To": PHONE,
        "From": "+15005550006",
        "Body": "Halo",
        "StatusCallback": "https://lapak.example" + reverse("webhooks:twilio"),
    }
    assert request["headers"]["Idempotency-Key"] == "7"
    assert result.provider_message_id.startswith("SM")


def test_gateway_backend_fills_the_url_template_and_reads_the_id(provider):
    result = HttpSmsGatewayBackend().send(to=PHONE, body="Kode & link", template="x", idempotency_key="9")
    params = provider.requests_to("gateway")[0]["params"]
    assert params == {"user": "lapak", "password": "rahasia", "to": PHONE, "text": "Kode & link", "ref": "9"}
    assert result.provider_message_id.startswith("GW")


def test_gateway_backend_by_post_sends_the_fields_as_a_form(provider, settings):
    settings.SMS_GATEWAY_METHOD = "POST"
    HttpSmsGatewayBackend().send(to=PHONE, body="Halo", template="x", idempotency_key="9")
    assert provider.requests_to("gateway")[0]["params"]["text"] == "Halo"


@pytest.mark.parametrize(
    ("backend", "outcome", "raised", "reason"),
    [
        (WhatsAppCloudBackend, "500", TemporaryFailure, None),
        (WhatsAppCloudBackend, "not_on_whatsapp", PermanentFailure, "not_on_whatsapp"),
        (TwilioSmsBackend, "500", TemporaryFailure, None),
        (TwilioSmsBackend, "invalid_number", PermanentFailure, "invalid_number"),
        (HttpSmsGatewayBackend, "500", TemporaryFailure, None),
        (HttpSmsGatewayBackend, "invalid_number", PermanentFailure, "invalid_number"),
        (TwilioSmsBackend, "timeout", TemporaryFailure, None),
    ],
)
def test_backends_sort_provider_errors_into_retry_or_give_up(provider, backend, outcome, raised, reason):
    provider.plan(PHONE, outcome)
    if backend is WhatsAppCloudBackend:
        send = _whatsapp_send
    else:
        send = partial(backend().send, to=PHONE, body="x", template="claim_cancelled", idempotency_key="1")
    with pytest.raises(raised) as caught:
        send()
    if reason:
        assert caught.value.reason == reason


def test_unreachable_provider_is_a_temporary_failure(provider, settings):
    settings.WHATSAPP_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(TemporaryFailure):
        _whatsapp_send()


def test_whatsapp_5xx_is_retried_then_sent_once(provider, django_capture_on_commit_callbacks):
    provider.plan(PHONE, "500", "500")
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.SENT
    assert len(provider.requests_to("whatsapp")) == 3
    assert [d.provider_id for d in provider.deliveries_to(PHONE)] == [message.provider_message_id]


def test_timeout_is_retried_with_the_same_key_and_the_phone_gets_one_copy(provider, django_capture_on_commit_callbacks):
    # The provider took the first request but answered after the client gave up.
    provider.plan(PHONE, "timeout")
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.SENT
    assert len(provider.requests_to("whatsapp")) == 2
    assert len(provider.deliveries_to(PHONE)) == 1
    assert provider.deliveries_to(PHONE)[0].provider_id == message.provider_message_id


def test_not_on_whatsapp_falls_back_to_one_sms(provider, django_capture_on_commit_callbacks):
    provider.always(PHONE, "not_on_whatsapp")
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.NOT_ON_WHATSAPP
    assert len(provider.requests_to("whatsapp")) == 1  # no retry
    sms = message.fallback
    assert sms.channel == MessageChannel.SMS
    assert sms.status == MessageStatus.SENT
    assert sms.body == message.body
    assert [d.api for d in provider.deliveries_to(PHONE)] == ["twilio"]
    # A second failure report for the WhatsApp message makes no second SMS.
    with django_capture_on_commit_callbacks(execute=True):
        services.message_fail(message_id=message.pk, reason="undeliverable")
    assert Message.objects.filter(fallback_for=message).count() == 1
    assert len(provider.deliveries_to(PHONE)) == 1
    assert not number_not_working(PHONE)


def test_invalid_number_fails_at_once_without_retry(provider, django_capture_on_commit_callbacks):
    provider.always(PHONE, "invalid_number")
    message = _send(django_capture_on_commit_callbacks, channel="sms")
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.INVALID_NUMBER
    assert "21211" in message.error
    assert len(provider.requests_to("twilio")) == 1
    assert number_not_working(PHONE)


def test_number_failing_on_both_channels_is_flagged_not_working(provider, django_capture_on_commit_callbacks):
    provider.always(PHONE, "not_on_whatsapp")
    other = "+6281300000001"
    _send(django_capture_on_commit_callbacks, to=other)
    assert not number_not_working(other)  # WhatsApp failed, the SMS arrived
    provider.plan(PHONE, "not_on_whatsapp", "invalid_number")
    provider.always(PHONE, "ok")
    message = _send(django_capture_on_commit_callbacks)
    assert message.fallback.status == MessageStatus.FAILED
    assert number_not_working(PHONE)


def test_whatsapp_down_through_every_retry_falls_back_to_sms(provider, django_capture_on_commit_callbacks, settings):
    provider.plan(PHONE, *["500"] * (settings.NOTIFICATION_MAX_RETRIES + 1))
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.PROVIDER_UNAVAILABLE
    assert len(provider.requests_to("whatsapp")) == settings.NOTIFICATION_MAX_RETRIES + 1
    assert message.fallback.status == MessageStatus.SENT
    assert not number_not_working(PHONE)  # the provider was down, not the number


def test_retry_countdown_backs_off_with_jitter(settings):
    settings.NOTIFICATION_RETRY_BACKOFF_MAX = 600
    assert all(0 <= tasks.retry_countdown(n) <= 2 ** (n + 1) for n in range(5) for _ in range(20))
    assert max(tasks.retry_countdown(20) for _ in range(50)) <= 600


def _written(channel: str) -> Message:
    """A row as message_send writes it (no secret in it), not yet handed to a task."""
    return Message.objects.create(
        channel=channel,
        to=PHONE,
        template="claim_cancelled",
        template_variant=CANCELLED.variant,
        parameters=CANCELLED.parameters,
        body="Halo",
    )


def _crash_after_the_provider_call(monkeypatch):
    """The worker dies after the provider answered, before the id is written."""

    def die(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(services.delivery, "_record_sent", die)


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_worker_killed_between_provider_call_and_write_is_reconciled_with_one_delivery(
    provider, monkeypatch, channel, django_capture_on_commit_callbacks, settings
):
    message = _written(channel)
    with monkeypatch.context() as patch:
        _crash_after_the_provider_call(patch)
        with pytest.raises(SystemExit):
            services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert not message.provider_message_id
    # A second beat or task run does nothing to a row another run has claimed.
    assert services.message_deliver(message_id=message.pk) is None
    assert services.messages_stuck() == []  # too recent to call stuck
    with time_machine.travel(message.status_changed_at + timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER + 5)):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.messages_reconcile_stuck_task.delay()
        tasks.messages_reconcile_stuck_task.delay()  # the sweep again: nothing left
    message.refresh_from_db()
    api = "whatsapp" if channel == "whatsapp" else "twilio"
    assert len(provider.requests_to(api)) == 2
    deliveries = provider.deliveries_to(PHONE, api)
    assert len(deliveries) == 1
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == deliveries[0].provider_id


def test_status_webhook_with_our_key_settles_a_crashed_send_without_a_resend(provider, client, monkeypatch, settings):
    message = _written("whatsapp")
    with monkeypatch.context() as patch:
        _crash_after_the_provider_call(patch)
        with pytest.raises(SystemExit):
            services.message_deliver(message_id=message.pk)
    wamid = provider.deliveries_to(PHONE)[0].provider_id
    body = json.dumps(whatsapp_status_payload(wamid, "sent", key=str(message.pk))).encode()
    response = client.post(
        reverse("webhooks:whatsapp"),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == wamid
    with time_machine.travel(message.status_changed_at + timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER + 5)):
        tasks.messages_reconcile_stuck_task.delay()
    assert len(provider.requests_to("whatsapp")) == 1


def test_message_stuck_past_the_attempt_limit_fails_and_falls_back(
    provider, settings, django_capture_on_commit_callbacks
):
    message = Message.objects.create(
        channel="whatsapp", to=PHONE, template="claim_cancelled", body="Halo", status=MessageStatus.SENDING, attempts=10
    )
    settings.NOTIFICATION_MAX_ATTEMPTS = 10
    later = message.status_changed_at + timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER + 5)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        services.message_reconcile(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.STUCK
    assert not provider.requests_to("whatsapp")
    assert message.fallback.status == MessageStatus.SENT


@pytest.mark.parametrize("url", ["", "/send?to=1", "graph.facebook.com/v23.0/1/messages"])
def test_a_provider_url_without_a_host_is_a_temporary_failure(url):
    # mypy: http.client was given hostname None; it raised AttributeError, not TemporaryFailure.
    with pytest.raises(TemporaryFailure, match="no host"):
        request("POST", url, headers={})


def test_a_gateway_without_a_url_template_is_retried_not_logged_as_a_backend_bug(settings, caplog):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "gateway", "sms": "gateway"}
    settings.SMS_GATEWAY_URL_TEMPLATE = ""
    message = Message.objects.create(channel="sms", to=PHONE, template="claim_cancelled", body="Halo")
    with pytest.raises(TemporaryFailure, match="no host"):
        services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert not [record for record in caplog.records if "backend raised" in record.getMessage()]
