"""Provider webhooks, signed exactly as each provider signs them."""

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from notifications import replies, services
from notifications.models import InboundMessage, Message, MessageStatus, ProviderEvent
from notifications.selectors import number_not_working
from tests.provider_server import (
    GATEWAY_SECRET,
    sign_twilio,
    sign_whatsapp,
    whatsapp_reply_payload,
    whatsapp_status_payload,
)

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def _message(*, channel="whatsapp", status=MessageStatus.SENT, provider_id="wamid.A1") -> Message:
    return Message.objects.create(
        channel=channel,
        to=PHONE,
        template="claim_cancelled",
        body="Halo",
        status=status,
        provider_message_id=provider_id,
    )


def _post_whatsapp(client, payload: dict, *, signature: str | None = None):
    body = json.dumps(payload).encode()
    return client.post(
        reverse("webhooks:whatsapp"),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature if signature is not None else sign_whatsapp(body),
    )


def _status(client, status: str, provider_id="wamid.A1", **kwargs):
    return _post_whatsapp(client, whatsapp_status_payload(provider_id, status, **kwargs))


def test_whatsapp_verification_echoes_the_challenge_for_our_token(client, provider):
    url = reverse("webhooks:whatsapp")
    ok = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "fake-verify-token", "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200
    assert ok.content == b"1158201444"
    wrong = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert wrong.status_code == 403


def test_forged_whatsapp_signature_is_refused(client, provider):
    message = _message()
    response = _post_whatsapp(client, whatsapp_status_payload("wamid.A1", "read"), signature="sha256=" + "0" * 64)
    assert response.status_code == 403
    unsigned = client.post(reverse("webhooks:whatsapp"), "{}", content_type="application/json")
    assert unsigned.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_webhook_without_a_configured_secret_refuses_everything(client, provider, settings):
    settings.WHATSAPP_APP_SECRET = ""
    body = b"{}"
    response = client.post(
        reverse("webhooks:whatsapp"),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body, secret=""),
    )
    assert response.status_code == 403


def test_webhooks_take_post_only(client, provider):
    assert client.get(reverse("webhooks:twilio")).status_code == 405
    assert client.get(reverse("webhooks:gateway")).status_code == 405


def test_statuses_move_forward_and_a_replay_changes_nothing(client, provider):
    message = _message()
    assert _status(client, "delivered").status_code == 200
    message.refresh_from_db()
    changed_at = message.status_changed_at
    assert message.status == MessageStatus.DELIVERED
    assert _status(client, "delivered").status_code == 200
    message.refresh_from_db()
    assert message.status_changed_at == changed_at
    assert ProviderEvent.objects.filter(message=message).count() == 1


def test_read_arriving_before_sent_ends_at_read(client, provider):
    message = _message(status=MessageStatus.SENDING, provider_id="")
    for status in ("read", "delivered", "sent"):
        _status(client, status, key=str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.READ
    assert message.provider_message_id == "wamid.A1"


def test_failed_after_delivered_is_ignored(client, provider):
    message = _message()
    _status(client, "delivered")
    _status(client, "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert not Message.objects.filter(fallback_for=message).exists()


def test_failed_status_falls_back_to_one_sms_even_when_replayed(client, provider, django_capture_on_commit_callbacks):
    message = _message()
    errors = [{"code": 131026, "title": "Message undeliverable"}]
    with django_capture_on_commit_callbacks(execute=True):
        _status(client, "failed", errors=errors)
        _status(client, "failed", errors=errors)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == "not_on_whatsapp"
    assert message.fallback.status == MessageStatus.SENT
    assert len(provider.deliveries_to(PHONE, "twilio")) == 1


def test_status_for_an_unknown_message_is_accepted_and_ignored(client, provider):
    assert _status(client, "read", provider_id="wamid.someone-else").status_code == 200


def _post_twilio(client, settings, params: dict, *, signature: str | None = None):
    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("webhooks:twilio")
    return client.post(
        reverse("webhooks:twilio"),
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature if signature is not None else sign_twilio(url, params),
    )


def test_twilio_receipt_signed_as_twilio_moves_the_status(client, provider, settings):
    message = _message(channel="sms", provider_id="SM000001")
    params = {"MessageSid": "SM000001", "MessageStatus": "delivered", "AccountSid": "AC0", "To": PHONE}
    assert _post_twilio(client, settings, params).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_forged_twilio_signature_is_refused(client, provider, settings):
    message = _message(channel="sms", provider_id="SM000001")
    params = {"MessageSid": "SM000001", "MessageStatus": "delivered"}
    assert _post_twilio(client, settings, params, signature="bm90IHR3aWxpbw==").status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_undelivered_sms_to_an_invalid_number_marks_the_number_not_working(client, provider, settings):
    _message(channel="sms", provider_id="SM000002")
    params = {"MessageSid": "SM000002", "MessageStatus": "undelivered", "ErrorCode": "21211"}
    _post_twilio(client, settings, params)
    assert number_not_working(PHONE)
    # A later message that reaches the phone clears the flag.
    _message(channel="whatsapp", provider_id="wamid.B2")
    _status(client, "delivered", provider_id="wamid.B2")
    assert not number_not_working(PHONE)


def _post_gateway(client, payload: dict, *, secret=GATEWAY_SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("webhooks:gateway"), body, content_type="application/json", HTTP_X_LAPAKASIK_SIGNATURE=signature
    )


def test_gateway_receipt_is_verified_by_our_shared_secret(client, provider):
    message = _message(channel="sms", provider_id="GW000001")
    assert _post_gateway(client, {"id": "GW000001", "status": "delivered"}, secret="wrong").status_code == 403
    assert _post_gateway(client, {"id": "GW000001", "ref": str(message.pk), "status": "delivered"}).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


@pytest.fixture
def handlers():
    calls = []

    def interviews_handler(phone, text):
        calls.append((phone, text))
        return True

    def broken_handler(phone, text):
        raise RuntimeError("bug in another app")

    registered = list(replies.reply_handlers)
    replies.reply_handlers[:] = [broken_handler, interviews_handler]
    yield calls
    # Put back what the apps registered (interviews' handler), for the tests that follow.
    replies.reply_handlers[:] = registered


@pytest.mark.parametrize("text", [" ya ", "1", "2", "Ya\n", "siapa ini?"])
def test_every_reply_reaches_the_registered_handlers_once_as_received(client, provider, handlers, text):
    response = _post_whatsapp(client, whatsapp_reply_payload("6281234567890", text, "wamid.IN1"))
    assert response.status_code == 200
    # What a reply means is the handlers' business: notifications passes it on as written.
    assert handlers == [(PHONE, text)]
    inbound = InboundMessage.objects.get()
    assert inbound.from_number == PHONE
    assert inbound.text == text
    assert inbound.handled_by.endswith("interviews_handler")
    # The same webhook again: recorded once, dispatched once.
    _post_whatsapp(client, whatsapp_reply_payload("6281234567890", text, "wamid.IN1"))
    assert len(handlers) == 1
    assert InboundMessage.objects.count() == 1


def test_a_reply_no_handler_takes_is_recorded_and_unhandled(client, provider, handlers):
    replies.reply_handlers[:] = [lambda phone, text: False]
    response = _post_whatsapp(client, whatsapp_reply_payload("6281234567890", "siapa ini?", "wamid.IN2"))
    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.text == "siapa ini?"
    assert inbound.handled_by == ""


def test_the_first_handler_to_take_a_reply_ends_the_dispatch(client, provider, handlers):
    later = []
    replies.reply_handlers.append(lambda phone, text: later.append(text) or True)
    _post_whatsapp(client, whatsapp_reply_payload("6281234567890", "2", "wamid.IN3"))
    assert handlers == [(PHONE, "2")]
    assert later == []


@pytest.mark.django_db(transaction=True)
def test_fake_provider_posts_signed_statuses_to_the_live_app_out_of_order(
    provider, live_server, settings, seeded_catalogue
):
    settings.PUBLIC_BASE_URL = live_server.url
    message = Message.objects.create(
        channel="whatsapp",
        to=PHONE,
        template="claim_cancelled",
        template_variant="claim_cancelled_at_request",
        parameters={"reference": "LA-7K3M-Q9XP", "call_centre": "175", "link_path": "/cek-klaim/"},
        body="Halo",
    )
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    webhook = live_server.url + reverse("webhooks:whatsapp")
    assert (
        provider.post_whatsapp_statuses(webhook, message.provider_message_id, ["read", "sent", "delivered"])
        == [200] * 3
    )
    assert provider.post_whatsapp_statuses(webhook, message.provider_message_id, ["read"]) == [200]  # replay
    message.refresh_from_db()
    assert message.status == MessageStatus.READ

    sms = Message.objects.create(channel="sms", to=PHONE, template="claim_cancelled", body="Halo")
    services.message_deliver(message_id=sms.pk)
    sms.refresh_from_db()
    assert provider.post_twilio_statuses(sms.provider_message_id, ["sent", "delivered"]) == [200, 200]
    sms.refresh_from_db()
    assert sms.status == MessageStatus.DELIVERED


# --- signed bodies of a shape we do not know: skipped, logged, answered 200 (never 500) ----

_ENVELOPE = {"object": "whatsapp_business_account"}
ODD_WHATSAPP_BODIES = [
    {"entry": "x"},
    {"entry": ["x", 1, None]},
    {"entry": {"changes": []}},
    {"entry": [{"changes": "x"}]},
    {"entry": [{"changes": ["x"]}]},
    {"entry": [{"changes": [{"value": "x"}]}]},
    {"entry": [{"changes": [{"value": {"statuses": ["x"]}}]}]},
    {"entry": [{"changes": [{"value": {"statuses": "x"}}]}]},
    {"entry": [{"changes": [{"value": {"statuses": [{"status": ["read"], "id": "wamid.A1"}]}}]}]},
    {"entry": [{"changes": [{"value": {"statuses": [{"status": "read", "id": {"x": 1}}]}}]}]},
    {"entry": [{"changes": [{"value": {"messages": ["x"]}}]}]},
    {
        "entry": [
            {"changes": [{"value": {"messages": [{"id": "wamid.IN9", "from": "62812", "type": "text", "text": "hi"}]}}]}
        ]
    },
    {"entry": [{"changes": [{"value": {"messages": [{"id": "w" * 300, "from": "62812", "type": "text"}]}}]}]},
    {"entry": [{"changes": [{"value": {"messages": [{"id": ["w"], "from": {"x": 1}}]}}]}]},
]


def _post_whatsapp_raw(client, payload) -> object:
    body = json.dumps(payload).encode()
    return client.post(
        reverse("webhooks:whatsapp"),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
    )


@pytest.mark.parametrize("payload", [{**_ENVELOPE, **body} for body in ODD_WHATSAPP_BODIES] + [["x"], "x", 3])
def test_signed_whatsapp_body_of_an_unexpected_shape_is_skipped_and_answered_200(client, provider, payload):
    message = _message()

    response = _post_whatsapp_raw(client, payload)

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert not ProviderEvent.objects.exists()


def test_a_whatsapp_entry_we_understand_still_counts_beside_ones_we_do_not(client, provider, caplog):
    message = _message()
    good = whatsapp_status_payload("wamid.A1", "delivered")
    good["entry"] = ["x", {"changes": ["x", {"value": "x"}]}, *good["entry"]]
    good["entry"][-1]["changes"][0]["value"]["statuses"].insert(0, "x")

    assert _post_whatsapp_raw(client, good).status_code == 200

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert "not objects: skipped" in caplog.text


def test_a_text_reply_whose_text_is_not_an_object_is_kept_without_text(client, provider):
    payload = {**_ENVELOPE, **ODD_WHATSAPP_BODIES[11]}

    assert _post_whatsapp_raw(client, payload).status_code == 200

    assert InboundMessage.objects.get(provider_message_id="wamid.IN9").text == ""


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"MessageSid": "SM000001"},
        {"MessageStatus": "delivered"},
        {"MessageSid": "SM000001", "MessageStatus": "queued"},
        {"MessageSid": "SM000001", "MessageStatus": "failed", "ErrorCode": "x" * 50},
        {"MessageSid": "S" * 300, "MessageStatus": "delivered"},
    ],
)
def test_signed_twilio_callback_of_an_unexpected_shape_is_answered_200(client, provider, settings, params):
    _message(channel="sms", provider_id="SM000009")

    assert _post_twilio(client, settings, params).status_code == 200


def _post_gateway_raw(client, payload):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(GATEWAY_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("webhooks:gateway"), body, content_type="application/json", HTTP_X_LAPAKASIK_SIGNATURE=signature
    )


@pytest.mark.parametrize(
    "payload",
    [
        ["x"],
        "x",
        {"status": ["delivered"], "id": "GW000001"},
        {"status": "delivered", "id": {"x": 1}},
        {"status": "delivered", "id": ["GW000001"]},
        {"status": "delivered", "id": "G" * 300},
    ],
)
def test_signed_gateway_receipt_of_an_unexpected_shape_changes_nothing_and_is_answered_200(client, provider, payload):
    message = _message(channel="sms", provider_id="GW000001")

    assert _post_gateway_raw(client, payload).status_code == 200

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert not ProviderEvent.objects.filter(message=message).exists()


def test_a_failure_report_with_errors_of_an_unexpected_shape_still_fails_the_message_as_undeliverable(
    client, provider, django_capture_on_commit_callbacks
):
    whatsapp = _message()
    sms = _message(channel="sms", provider_id="GW000001")
    failed = {"status": "failed", "id": "wamid.A1", "errors": 7}
    with django_capture_on_commit_callbacks(execute=True):
        odd = {**_ENVELOPE, "entry": [{"changes": [{"value": {"statuses": [failed]}}]}]}
        assert _post_whatsapp_raw(client, odd).status_code == 200
        assert _post_gateway_raw(client, {"status": "failed", "id": "GW000001", "reason": {"x": 1}}).status_code == 200
    for message in (whatsapp, sms):
        message.refresh_from_db()
        assert message.status == MessageStatus.FAILED
        assert message.failure_reason == "undeliverable"
