"""WhatsApp replies to interview messages, through the provider webhook's dispatch."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from interviews.models import InterviewStatus
from interviews.services import interview_reply_received
from notifications import catalogue
from notifications.models import Message
from notifications.providers.whatsapp.templates import components
from notifications.services import inbound_reply_receive
from tests.provider_server import (
    APP_SECRET,
    sign_whatsapp,
    whatsapp_button_payload,
    whatsapp_interactive_payload,
)

from .conftest import MONDAY, book, local, travel

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 8)):
        interview = book(claim, officer, local(branch, MONDAY + dt.timedelta(days=1), 10))
    return branch, claim, interview


@pytest.mark.parametrize("text", ["YA", "ya ", " Ya\n", "1"])
def test_reply_ya_or_1_confirms_the_interview(booked, text):
    branch, claim, interview = booked
    with travel(local(branch, MONDAY, 9)):
        inbound = inbound_reply_receive(from_number=claim.contact_phone[1:], text=text, provider_message_id="wamid.in1")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CONFIRMED
    assert inbound.handled_by.endswith("interview_reply_received")


def test_reply_2_sends_the_link_to_choose_another_slot(booked):
    branch, claim, interview = booked
    with travel(local(branch, MONDAY, 9)):
        inbound_reply_receive(from_number=claim.contact_phone, text="2", provider_message_id="wamid.in2")
    message = Message.objects.get(claim=claim, template="interview_reschedule_link")
    assert "/wawancara/" in message.body
    assert claim.reference in message.body
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED


def test_replayed_reply_is_handled_once(booked):
    branch, claim, _ = booked
    with travel(local(branch, MONDAY, 9)):
        for _ in range(2):
            inbound_reply_receive(from_number=claim.contact_phone, text="2", provider_message_id="wamid.same")
    assert Message.objects.filter(claim=claim, template="interview_reschedule_link").count() == 1


def test_reply_from_a_number_without_an_interview_is_recorded_and_ignored(booked):
    branch, claim, interview = booked
    with travel(local(branch, MONDAY, 9)):
        inbound = inbound_reply_receive(from_number="+6289999999999", text="YA", provider_message_id="wamid.x")
    assert inbound.handled_by == ""
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED


@pytest.mark.parametrize("text", ["siapa ini?", "3", "ya ya", ""])
def test_a_reply_that_answers_nothing_is_recorded_and_left_unhandled(booked, text):
    branch, claim, interview = booked
    with travel(local(branch, MONDAY, 9)):
        inbound = inbound_reply_receive(from_number=claim.contact_phone, text=text, provider_message_id="wamid.q")
    assert inbound.handled_by == ""
    assert inbound.text == text
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED
    assert not Message.objects.filter(claim=claim, template="interview_reschedule_link").exists()


def test_the_interview_handler_tells_its_own_words_from_others_without_a_query(booked, django_assert_num_queries):
    _, claim, _ = booked
    with django_assert_num_queries(0):
        assert interview_reply_received(claim.contact_phone, "siapa ini?") is False


# --- the buttons of the WhatsApp templates ---------------------------------------------


def _quick_reply_payload(message: Message, title: str) -> str:
    """The payload the booking message's button titled ``title`` carries, as WhatsApp was told."""
    variant = catalogue.variant(message.template_variant)
    buttons = [c for c in components(variant, "id", message.parameters) if c.get("sub_type") == "quick_reply"]
    titles = [reply.text for reply in variant.replies]
    return buttons[titles.index(title)]["parameters"][0]["payload"]


def _post_signed(client, payload: dict) -> int:
    body = json.dumps(payload).encode()
    return client.post(
        reverse("webhooks:whatsapp"),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
    ).status_code


@pytest.fixture
def whatsapp_secret(settings):
    settings.WHATSAPP_APP_SECRET = APP_SECRET


def test_tapping_ya_saya_bisa_on_the_booking_message_confirms_the_interview(booked, client, whatsapp_secret):
    branch, claim, interview = booked
    message = Message.objects.get(claim=claim, template="interview_booked")
    payload = _quick_reply_payload(message, "Ya, saya bisa")
    with travel(local(branch, MONDAY, 9)):
        status = _post_signed(
            client, whatsapp_button_payload(claim.contact_phone[1:], payload, "Ya, saya bisa", "wamid.btn1")
        )
    assert status == 200
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CONFIRMED


def test_tapping_ganti_jadwal_sends_the_link_to_choose_another_slot(booked, client, whatsapp_secret):
    branch, claim, interview = booked
    message = Message.objects.get(claim=claim, template="interview_booked")
    payload = _quick_reply_payload(message, "Ganti jadwal")
    with travel(local(branch, MONDAY, 9)):
        _post_signed(client, whatsapp_button_payload(claim.contact_phone[1:], payload, "Ganti jadwal", "wamid.btn2"))
    assert Message.objects.filter(claim=claim, template="interview_reschedule_link").count() == 1
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.BOOKED


@pytest.mark.parametrize(("reply_id", "confirmed"), [("1", True), ("2", False)])
def test_an_interactive_button_reply_means_what_typing_its_id_means(
    booked, client, whatsapp_secret, reply_id, confirmed
):
    branch, claim, interview = booked
    with travel(local(branch, MONDAY, 9)):
        _post_signed(client, whatsapp_interactive_payload(claim.contact_phone[1:], reply_id, "Pilih", "wamid.ia1"))
    interview.refresh_from_db()
    assert (interview.status == InterviewStatus.CONFIRMED) is confirmed
    moved = Message.objects.filter(claim=claim, template="interview_reschedule_link").exists()
    assert moved is not confirmed
