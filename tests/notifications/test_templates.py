"""Template messages end to end against the local WhatsApp stand-in: what is sent, what is kept
for staff, the review status (sync, webhook) and the SMS for a template not approved."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from notifications import services
from notifications.models import FailureReason, Message, MessageChannel, MessageStatus, TemplateStatus
from notifications.providers.whatsapp.templates import registrations
from notifications.registry import _backend
from notifications.sealing import HIDDEN, Secret
from tests.messages import claimant_parameters, templates_approved
from tests.provider_server import sign_whatsapp, whatsapp_template_status_payload

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"
TOKEN = "Zq9xT0k3nAbC"

REMINDER = {
    "reference": "LA-7K3M-Q9XP",
    "time_left": "besok",
    "when": "Selasa, 3 Maret 2026 pukul 10.00 WIB",
    "channel": "Video call WhatsApp",
    "officer_name": "Rina  Wulandari\n",  # as typed in the admin: sending cleans it
    "branch_number": "+62215550175",
    "link_path": Secret.path(f"/wawancara/{TOKEN}/"),
    "explainer_path": "/wawancara/cara-kerja/",
}


def _send(capture, template: str, context: dict, **kwargs) -> Message:
    with capture(execute=True):
        message = services.message_send(to=PHONE, template=template, context=context, **kwargs)
    message.refresh_from_db()
    return message


def test_reminder_goes_as_its_template_with_named_parameters_and_its_buttons(
    provider, django_capture_on_commit_callbacks
):
    message = _send(django_capture_on_commit_callbacks, "interview_reminder", REMINDER)
    assert message.status == MessageStatus.SENT
    [request] = provider.requests_to("whatsapp")
    assert request["json"]["template"] == {
        "name": "lapakasik_interview_reminder_branch_number",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "parameter_name": "time_left", "text": "besok"},
                    {"type": "text", "parameter_name": "reference", "text": "LA-7K3M-Q9XP"},
                    {"type": "text", "parameter_name": "when", "text": "Selasa, 3 Maret 2026 pukul 10.00 WIB"},
                    {"type": "text", "parameter_name": "channel", "text": "Video call WhatsApp"},
                    {"type": "text", "parameter_name": "officer_name", "text": "Rina Wulandari"},
                    {"type": "text", "parameter_name": "branch_number", "text": "+62215550175"},
                ],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": "1"}],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "1",
                "parameters": [{"type": "payload", "payload": "2"}],
            },
            {
                "type": "button",
                "sub_type": "url",
                "index": "2",
                "parameters": [{"type": "text", "text": "wawancara/cara-kerja/"}],
            },
            {
                "type": "button",
                "sub_type": "url",
                "index": "3",
                "parameters": [{"type": "text", "text": f"wawancara/{TOKEN}/"}],
            },
        ],
    }
    [delivery] = provider.deliveries_to(PHONE)
    assert delivery.text.startswith("BPJS Ketenagakerjaan: pengingat, besok petugas akan menghubungi Anda")
    assert delivery.text.endswith(f"/wawancara/{TOKEN}/")
    # What staff see: the variant, the values, the link redacted; the token nowhere.
    assert message.template == "interview_reminder"
    assert message.template_variant == "interview_reminder_branch_number"
    assert message.parameters["link_path"] == f"/wawancara/{HIDDEN}/"
    assert message.parameters["officer_name"] == "Rina Wulandari"
    assert TOKEN not in message.body
    assert TOKEN not in json.dumps(message.parameters)
    assert message.sealed == ""  # wiped once WhatsApp had it


def test_english_claimant_gets_the_english_template(provider, django_capture_on_commit_callbacks):
    message = _send(django_capture_on_commit_callbacks, "interview_reminder", REMINDER, language="en")
    [request] = provider.requests_to("whatsapp")
    assert request["json"]["template"]["language"] == {"code": "en"}
    assert message.language == "en"
    assert provider.deliveries_to(PHONE)[0].text.startswith("BPJS Ketenagakerjaan: reminder, besok")


def test_one_time_code_goes_as_the_authentication_template_with_its_copy_code_button(
    provider, django_capture_on_commit_callbacks
):
    context = {"reference": "LA-7K3M-Q9XP", "code": Secret("482913"), "minutes": 10}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.message_send(to=PHONE, template="one_time_code", context=context)
    # Before delivery: staff see the code nowhere, the sealed parameters hold it.
    message.refresh_from_db()
    assert message.parameters["code"] == HIDDEN
    assert "482913" not in message.body
    assert "482913" not in json.dumps(message.parameters)
    assert claimant_parameters(message)["code"] == "482913"
    for callback in callbacks:
        callback()
    [request] = provider.requests_to("whatsapp")
    assert request["json"]["template"] == {
        "name": "lapakasik_one_time_code",
        "language": {"code": "id"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "482913"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "482913"}]},
        ],
    }
    assert provider.deliveries_to(PHONE)[0].text == "*482913* adalah kode verifikasi Anda."


def test_a_template_not_approved_goes_by_sms_with_the_full_text(provider, django_capture_on_commit_callbacks):
    templates_approved(except_variants=("interview_reminder_branch_number",))
    TemplateStatus.objects.create(name="lapakasik_interview_reminder_branch_number", language="id", status="PAUSED")
    message = _send(django_capture_on_commit_callbacks, "interview_reminder", REMINDER)
    assert message.channel == MessageChannel.WHATSAPP
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == FailureReason.TEMPLATE_NOT_APPROVED
    assert not provider.requests_to("whatsapp"), "WhatsApp is never asked to send a template it has not approved"
    sms = message.fallback
    assert sms.channel == MessageChannel.SMS
    assert sms.status == MessageStatus.SENT
    [delivery] = provider.deliveries_to(PHONE, "twilio")
    assert f"/wawancara/{TOKEN}/" in delivery.text
    assert "Waktu: Selasa, 3 Maret 2026 pukul 10.00 WIB" in delivery.text


def test_a_template_never_synced_is_not_approved_either(provider, django_capture_on_commit_callbacks):
    TemplateStatus.objects.all().delete()
    message = _send(django_capture_on_commit_callbacks, "interview_cancelled", {"reference": "LA-1", "when": "besok"})
    assert message.failure_reason == FailureReason.TEMPLATE_NOT_APPROVED
    assert message.fallback.status == MessageStatus.SENT


def test_development_providers_treat_every_template_as_approved(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "outbox", "sms": "outbox"}
    _backend.cache_clear()
    assert not TemplateStatus.objects.exists()
    message = _send(django_capture_on_commit_callbacks, "interview_cancelled", {"reference": "LA-1", "when": "besok"})
    assert message.status == MessageStatus.SENT
    assert message.channel == MessageChannel.WHATSAPP


def test_sync_reads_every_page_of_template_reviews(provider, settings):
    TemplateStatus.objects.all().delete()
    provider.state.templates.clear()
    bodies = list(registrations())
    provider.register_templates(bodies[:40])
    provider.register_templates(bodies[40:41], status="REJECTED")
    provider.register_templates(bodies[41:42], status="PENDING")
    provider.state.page_size = 25  # the Graph API pages; so must the sync
    out = io.StringIO()
    call_command("whatsapp_templates", "sync", stdout=out)
    assert "42 template statuses recorded" in out.getvalue()
    assert len([r for r in provider.requests_to("whatsapp_templates") if "query" in r]) == 2
    assert TemplateStatus.objects.count() == 42
    rejected = TemplateStatus.objects.get(name=bodies[40]["name"], language=bodies[40]["language"])
    assert rejected.status == "REJECTED"
    assert rejected.reason == "INVALID_FORMAT"
    assert TemplateStatus.objects.get(name=bodies[41]["name"], language=bodies[41]["language"]).status == "PENDING"
    assert TemplateStatus.objects.filter(status="APPROVED").count() == 40


def _post(client, payload: dict):
    body = json.dumps(payload).encode()
    return client.post(
        reverse("webhooks:whatsapp"),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
    )


def test_template_status_webhook_records_whatsapps_later_decisions(provider, client):
    name = "lapakasik_claim_approved"
    assert _post(client, whatsapp_template_status_payload(name, "id", "PAUSED")).status_code == 200
    assert TemplateStatus.objects.get(name=name, language="id").status == "PAUSED"
    assert TemplateStatus.objects.get(name=name, language="en").status == "APPROVED"  # the other language stays
    response = _post(client, whatsapp_template_status_payload(name, "id", "REJECTED", reason="INCORRECT_CATEGORY"))
    assert response.status_code == 200
    row = TemplateStatus.objects.get(name=name, language="id")
    assert (row.status, row.reason) == ("REJECTED", "INCORRECT_CATEGORY")
    _post(client, whatsapp_template_status_payload(name, "id", "APPROVED"))
    assert TemplateStatus.objects.get(name=name, language="id").status == "APPROVED"


@pytest.mark.parametrize(
    "value",
    [
        {"event": "APPROVED"},  # no name
        {"event": "SOMETHING_NEW", "message_template_name": "x", "message_template_language": "id"},
        {"event": ["APPROVED"], "message_template_name": "x", "message_template_language": "id"},
        "APPROVED",
    ],
)
def test_template_status_webhook_of_an_unknown_shape_is_skipped_and_answered_200(provider, client, value, caplog):
    payload = whatsapp_template_status_payload("x", "id", "APPROVED")
    payload["entry"][0]["changes"][0]["value"] = value
    count = TemplateStatus.objects.count()
    assert _post(client, payload).status_code == 200
    assert TemplateStatus.objects.count() == count
    assert not TemplateStatus.objects.filter(name="x").exists()
    assert "template status update not understood" in caplog.text
