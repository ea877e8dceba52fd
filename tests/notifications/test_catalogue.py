"""The message catalogue against WhatsApp's published template rules, and its export.

Rules (developers.facebook.com/docs/whatsapp/business-management-api/message-templates and
its authentication-templates pages): a body is fixed text with parameters, never only
parameters, never starting or ending with one, at most 1,024 characters; a footer at most
60; at most 10 buttons, 2 of them URL, quick replies grouped together, button text at most
25; parameter names lowercase [a-z0-9_], an example for each; template names [a-z0-9_] up
to 512; a parameter value holds no newline, tab or run of more than 4 spaces (132018).
AUTHENTICATION templates: WhatsApp writes the body; one OTP copy-code button; expiry 1–90 min.
"""

import io
import json
import re

import pytest
from django.core.management import call_command

from notifications import catalogue
from notifications.catalogue import Link, Text
from notifications.providers.whatsapp.templates import components, registration, registrations
from notifications.sealing import Secret

NAME = re.compile(r"^[a-z0-9_]{1,512}$")
PARAMETER = re.compile(r"\{\{([^}]*)\}\}")
BAD_VALUE = re.compile(r"[\n\t]| {5,}")

TEMPLATES = list(registrations())


def _id(body: dict) -> str:
    return f"{body['name']}:{body['language']}"


def test_every_message_kind_of_the_old_templates_is_in_the_catalogue():
    assert set(catalogue.kinds()) == {
        "claim_approved",
        "claim_cancelled",
        "claim_draft_nudge",
        "claim_fix_nudge",
        "claim_more_documents",
        "claim_needs_fix",
        "claim_rejected",
        "claim_resume_link",
        "claim_resume_reminder",
        "claim_start_code",
        "claim_start_existing",
        "claim_status_reply",
        "claim_status_unknown",
        "claim_submitted",
        "dropbox_cover_sheet",
        "dropbox_received",
        "interview_booked",
        "interview_cancelled",
        "interview_choose",
        "interview_failed",
        "interview_reminder",
        "interview_reschedule_link",
        "one_time_code",
        "phone_confirm_code",
        "reply_call_us",
        "reply_text",
    }
    # Answers inside the customer-service window are free text: never a template to review.
    assert {name for name, kind in catalogue.kinds().items() if kind.free_text} == {
        "claim_status_reply",
        "claim_status_unknown",
        "reply_text",
    }
    names = [_id(body) for body in TEMPLATES]
    assert len(names) == len(set(names)), "two templates share a name and language"


@pytest.mark.parametrize("body", TEMPLATES, ids=_id)
def test_template_follows_whatsapps_format_rules(body):
    assert NAME.match(body["name"])
    assert body["language"] in ("id", "en")
    parts = {component["type"]: component for component in body["components"]}
    buttons = parts.get("BUTTONS", {}).get("buttons", [])
    assert len(buttons) <= 10
    assert all(len(button["text"]) <= 25 for button in buttons), [button["text"] for button in buttons]
    if body["category"] == "AUTHENTICATION":
        assert "text" not in parts["BODY"], "WhatsApp writes an authentication body itself"
        assert 1 <= parts["FOOTER"]["code_expiration_minutes"] <= 90
        assert [(b["type"], b["otp_type"]) for b in buttons] == [("OTP", "COPY_CODE")]
        return
    assert body["category"] == "UTILITY"
    assert body["parameter_format"] == "NAMED"
    text = parts["BODY"]["text"]
    assert len(text) <= 1024
    assert not text.strip().startswith("{{")
    assert not text.strip().endswith("}}")
    assert re.search(r"[A-Za-z]{3}", PARAMETER.sub("", text)), "a body of parameters only"
    names = PARAMETER.findall(text)
    assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in names), names
    examples = {e["param_name"]: e["example"] for e in parts["BODY"]["example"]["body_text_named_params"]}
    assert set(examples) == set(names)
    assert all(value and not BAD_VALUE.search(value) for value in examples.values())
    if "FOOTER" in parts:
        assert len(parts["FOOTER"]["text"]) <= 60
    kinds = [button["type"] for button in buttons]
    assert kinds.count("URL") <= 2
    assert kinds == sorted(kinds, key=lambda kind: kind != "QUICK_REPLY"), "quick replies grouped first"
    for button in buttons:
        if button["type"] == "URL":
            assert button["url"].startswith("https://")
            assert button["url"].endswith("/{{1}}")
            assert button["url"].count("{{") == 1
            assert button["example"][0].startswith(button["url"][: -len("{{1}}")])


@pytest.mark.parametrize("variant", list(catalogue.variants()), ids=lambda variant: variant.name)
def test_sending_a_variant_fills_every_parameter_with_a_clean_value(variant):
    # Values as callers really give them: lists, several lines, runs of spaces, tabs.
    context = {
        key: ["satu\nbaris", "dua\t   \t  tiga"] if key in ("lines", "names", "ready") else f"  {value}\n  lagi\t "
        for key, value in variant.kind.examples.items()
    }
    context.update({key: "ya" if key in variant.on else "" for key in variant.kind.conditions})
    filled = catalogue.fill(variant.kind.name, context)
    assert filled.variant == variant
    for language in catalogue.LANGUAGES:
        for component in components(variant, language, filled.full):
            for parameter in component["parameters"]:
                value = parameter.get("text") or parameter.get("payload")
                assert value, component
                assert not BAD_VALUE.search(value), (component, value)


def test_every_parameter_of_every_kind_has_an_example():
    for kind in catalogue.kinds().values():
        if kind.free_text:
            continue  # no review, no examples
        for variant in kind.variants():
            missing = set(variant.parameters()) - set(kind.examples)
            assert not missing, (variant.name, missing)


def test_sms_text_comes_from_the_same_definition_with_links_written_out(settings):
    settings.PUBLIC_BASE_URL = "https://lapak.example"
    filled = catalogue.fill(
        "claim_resume_link",
        {"reference": "LA-7K3M-Q9XP", "days": 7, "call_centre": "175", "link_path": "/lanjut/t0k3n/"},
    )
    assert filled.sms("id", full=True) == (
        "BPJS Ketenagakerjaan: lanjutkan klaim LA-7K3M-Q9XP dari tautan ini (berlaku 7 hari): "
        "https://lapak.example/lanjut/t0k3n/\n\nJangan bagikan tautan ini. Butuh bantuan? Telepon 175."
    )
    english = filled.sms("en", full=True)
    assert "valid for 7 days" in english
    assert "https://lapak.example/lanjut/t0k3n/" in english


def test_a_variant_per_optional_part():
    booked = {variant.name for variant in catalogue.kind("interview_booked").variants()}
    assert "interview_booked" in booked
    assert "interview_booked_rescheduled_branch_number_chosen_for_you" in booked
    assert len(booked) == 8
    chosen = catalogue.fill("interview_booked", {**catalogue.kind("interview_booked").examples, "branch_number": ""})
    assert chosen.variant.name == "interview_booked"
    assert all(isinstance(part, Text | Link) for part in chosen.variant.parts)


def test_export_prints_one_graph_api_body_a_line_per_template_and_language(settings):
    settings.PUBLIC_BASE_URL = "https://lapak.example"
    out = io.StringIO()
    call_command("whatsapp_templates", "export", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 * len(list(catalogue.variants()))
    bodies = [json.loads(line) for line in lines]
    reminder = next(b for b in bodies if b["name"] == "lapakasik_interview_reminder" and b["language"] == "en")
    assert reminder == registration(catalogue.variant("interview_reminder"), "en")
    assert reminder["components"][0]["text"].startswith("BPJS Ketenagakerjaan: reminder")
    assert reminder["components"][1]["buttons"] == [
        {"type": "QUICK_REPLY", "text": "Yes, I can"},
        {"type": "QUICK_REPLY", "text": "Change the time"},
        {
            "type": "URL",
            "text": "About the video call",
            "url": "https://lapak.example/{{1}}",
            "example": ["https://lapak.example/wawancara/cara-kerja/"],
        },
        {
            "type": "URL",
            "text": "Manage the call",
            "url": "https://lapak.example/{{1}}",
            "example": ["https://lapak.example/wawancara/AbC123xYz/"],
        },
    ]
    code = next(b for b in bodies if b["name"] == "lapakasik_one_time_code" and b["language"] == "id")
    assert code == {
        "name": "lapakasik_one_time_code",
        "language": "id",
        "category": "AUTHENTICATION",
        "components": [
            {"type": "BODY", "add_security_recommendation": True},
            {"type": "FOOTER", "code_expiration_minutes": settings.OTP_TTL_SECONDS // 60},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Salin kode"}]},
        ],
    }


@pytest.mark.parametrize("name", ["one_time_code", "claim_start_code", "claim_start_existing"])
def test_an_sms_code_the_claimant_types_on_our_site_ends_with_the_webotp_line(settings, name):
    """Android Chrome fills the code field by itself when the SMS's last line is "@<our host> #<code>"."""
    settings.PUBLIC_BASE_URL = "https://klaim.example.go.id"
    context = {"reference": "LA-7K3M-Q9XP", "programme": "JHT", "code": Secret("482913"), "minutes": 10}
    filled = catalogue.fill(name, {**context, "call_centre": "175"})

    for language in ("id", "en"):
        text = filled.sms(language, full=True)
        assert text.splitlines()[-1] == "@klaim.example.go.id #482913"
        assert text.splitlines()[-2] == ""
    # What staff may see has neither the code nor the line's code.
    assert "482913" not in filled.sms("id", full=False)


def test_a_code_read_aloud_to_an_officer_has_no_webotp_line(settings):
    settings.PUBLIC_BASE_URL = "https://klaim.example.go.id"
    filled = catalogue.fill(
        "phone_confirm_code",
        {"reference": "LA-7K3M-Q9XP", "code": Secret("482913"), "minutes": 10, "call_centre": "175"},
    )
    assert "@klaim.example.go.id" not in filled.sms("id", full=True)
