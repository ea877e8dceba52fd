"""WhatsApp replies to interview messages, through the provider webhook's dispatch."""

import datetime as dt

import pytest

from interviews.models import InterviewStatus
from interviews.services import interview_reply_received
from notifications.models import Message
from notifications.services import inbound_reply_receive

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
