"""Claimants' replies no interview took (issue 16, point 7): WhatsApp's customer-service window,
"STATUS"/"CEK"/the reference answered by itself, everything else filed in the branch's inbox.
Through the signed WhatsApp webhook and the provider stand-in."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimReply, Status
from claims.services import claim_transition
from notifications.models import InboundMessage
from notifications.selectors import service_window_open
from notifications.services import inbound_reply_receive
from tests.factories import make_claim
from tests.provider_server import sign_whatsapp, whatsapp_reply_payload

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"  # the claimant's, tests.factories.claimant_data


def _submitted(**kwargs) -> Claim:
    return claim_transition(claim=make_claim(**kwargs), to=Status.SUBMITTED)


def _whatsapp(client, capture, text: str, *, wamid: str = "wamid.IN1", phone: str = PHONE, sent_at=None):
    body = json.dumps(whatsapp_reply_payload(phone.lstrip("+"), text, wamid, sent_at=sent_at)).encode()
    with capture(execute=True):
        response = client.post(
            reverse("webhooks:whatsapp"),
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
        )
    assert response.status_code == 200
    return InboundMessage.objects.get(provider_message_id=wamid)


def _answers(provider, phone: str = PHONE, api: str = "whatsapp"):
    return provider.deliveries_to(phone, api)


# --- the window -----------------------------------------------------------------------


def test_a_whatsapp_reply_opens_the_window_for_its_number_until_it_expires(client, provider, settings):
    assert not service_window_open(PHONE)
    inbound_reply_receive(from_number=PHONE, text="halo", provider_message_id="wamid.W1")
    assert service_window_open(PHONE)
    assert not service_window_open("+6281300000009")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFICATION_SERVICE_WINDOW + 1)):
        assert not service_window_open(PHONE)


def test_an_sms_reply_opens_no_whatsapp_window(db):
    inbound_reply_receive(from_number=PHONE, text="halo", provider_message_id="SM.W2", channel="sms")
    assert not service_window_open(PHONE)


def test_the_window_runs_from_the_claimants_own_time_not_a_late_webhook(
    client, provider, django_capture_on_commit_callbacks
):
    sent = timezone.now() - timedelta(hours=25)
    inbound = _whatsapp(client, django_capture_on_commit_callbacks, "halo", sent_at=sent.timestamp())
    assert abs(inbound.received_at - sent) < timedelta(seconds=1)
    assert not service_window_open(PHONE)


# --- status questions answered by themselves ------------------------------------------------


@pytest.mark.parametrize("text", ["STATUS", " cek\n", "Cek Status"])
def test_status_question_inside_the_window_gets_the_status_in_plain_words_as_free_text(
    client, provider, django_capture_on_commit_callbacks, text
):
    claim = _submitted()
    inbound = _whatsapp(client, django_capture_on_commit_callbacks, text)
    [answer] = _answers(provider)
    assert answer.kind == "text"
    assert claim.reference in answer.text
    assert "Klaim sudah kami terima" in answer.text  # claims/timeline.py, as the status page says it
    # Nothing personal beyond the reference.
    assert "Siti" not in answer.text
    assert claim.nik not in answer.text
    assert claim.kpj_number not in answer.text
    assert inbound.handled_by.endswith("claim_reply_received")
    assert not ClaimReply.objects.exists()


def test_the_claims_reference_asks_for_its_status(client, provider, django_capture_on_commit_callbacks):
    claim = _submitted()
    _whatsapp(client, django_capture_on_commit_callbacks, claim.reference.lower().replace("-", " "))
    [answer] = _answers(provider)
    assert claim.reference in answer.text


def test_the_answer_is_in_english_for_a_claim_made_in_english(client, provider, django_capture_on_commit_callbacks):
    claim = _submitted()
    Claim.objects.filter(pk=claim.pk).update(language="en")
    _whatsapp(client, django_capture_on_commit_callbacks, "STATUS")
    [answer] = _answers(provider)
    assert f"claim {claim.reference}" in answer.text
    assert "We have received your claim" in answer.text


def test_several_open_claims_are_each_listed_by_reference(client, provider, django_capture_on_commit_callbacks):
    first = _submitted(programme="JHT")
    second = _submitted(programme="JKK")
    _whatsapp(client, django_capture_on_commit_callbacks, "CEK")
    [answer] = _answers(provider)
    assert first.reference in answer.text
    assert second.reference in answer.text


def test_a_number_with_no_claim_is_told_to_call_175(client, provider, django_capture_on_commit_callbacks):
    _whatsapp(client, django_capture_on_commit_callbacks, "STATUS", phone="+6281300000009")
    [answer] = _answers(provider, "+6281300000009")
    assert "tidak menemukan klaim" in answer.text
    assert "175" in answer.text


def test_the_reference_of_a_claim_of_another_number_reveals_nothing(
    client, provider, django_capture_on_commit_callbacks
):
    claim = _submitted()
    _whatsapp(client, django_capture_on_commit_callbacks, claim.reference, phone="+6281300000009")
    assert not _answers(provider, "+6281300000009")
    reply = ClaimReply.objects.get()
    assert reply.claim is None  # the inbox of national staff, not the claim's branch


def test_a_status_question_whose_window_has_closed_goes_to_the_inbox_unanswered(
    client, provider, django_capture_on_commit_callbacks
):
    claim = _submitted()
    sent = timezone.now() - timedelta(hours=25)
    _whatsapp(client, django_capture_on_commit_callbacks, "STATUS", sent_at=sent.timestamp())
    assert not _answers(provider)
    assert ClaimReply.objects.get().claim == claim


def test_status_answers_are_limited_per_number(client, provider, settings, django_capture_on_commit_callbacks):
    settings.CLAIM_STATUS_REPLY_LIMIT = 2
    _submitted()
    for n in range(3):
        _whatsapp(client, django_capture_on_commit_callbacks, "STATUS", wamid=f"wamid.L{n}")
    assert len(_answers(provider)) == 2
    assert ClaimReply.objects.count() == 1  # the third: to a person, not answered by itself


def test_status_by_sms_is_answered_by_sms(provider, django_capture_on_commit_callbacks):
    claim = _submitted()
    with django_capture_on_commit_callbacks(execute=True):
        inbound_reply_receive(from_number=PHONE, text="STATUS", provider_message_id="SM.IN1", channel="sms")
    [answer] = _answers(provider, api="twilio")
    assert claim.reference in answer.text
    assert not _answers(provider)


# --- everything else: the inbox -------------------------------------------------------------


def test_any_other_reply_is_filed_in_the_inbox_of_the_newest_open_claim(
    client, provider, django_capture_on_commit_callbacks
):
    older = _submitted(programme="JHT")
    claim_transition(claim=older, to=Status.CANCELLED, reason="claimant_request")
    newer = _submitted(programme="JKK")
    inbound = _whatsapp(client, django_capture_on_commit_callbacks, "Dana saya kapan cair, Pak?")
    reply = ClaimReply.objects.get()
    assert reply.claim == newer
    assert reply.inbound == inbound
    assert not reply.answered
    assert inbound.handled_by == ""  # waiting for a person
    assert not _answers(provider)


def test_an_interview_answer_is_still_the_interviews(client, provider, django_capture_on_commit_callbacks):
    _submitted()
    _whatsapp(client, django_capture_on_commit_callbacks, "2")
    # No interview to move: the reply is nobody's but a person's.
    assert ClaimReply.objects.count() == 1
