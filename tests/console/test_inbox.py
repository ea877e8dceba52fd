"""The branch's inbox of claimants' replies (/petugas/balasan/): scoped like the queue, answered
as free text inside WhatsApp's window and with the template outside it, flagged in the queue
after a working day (issue 16, point 7). Answers reach the provider stand-in."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from claims.models import Claim, ClaimReply, Status
from claims.services import claim_transition
from core.staff import Role
from notifications.services import inbound_reply_receive
from tests.factories import BranchFactory, StaffFactory, make_claim

from .conftest import staff_client

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
FRIDAY_10 = dt.datetime(2026, 11, 6, 10, 0, tzinfo=JAKARTA)
PHONE = "+6281234567890"


def _in_review(branch, **kwargs) -> Claim:
    claim = make_claim(branch=branch, **kwargs)
    for status in (Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW):
        claim = claim_transition(claim=claim, to=status)
    return claim


def _reply(text: str, *, phone: str = PHONE, wamid: str = "wamid.R1", channel: str = "whatsapp") -> ClaimReply:
    inbound = inbound_reply_receive(from_number=phone, text=text, provider_message_id=wamid, channel=channel)
    return ClaimReply.objects.get(inbound=inbound)


def test_an_officer_sees_only_the_replies_of_their_branch_masked(branch, officer):
    claim = _in_review(branch)
    other = _in_review(BranchFactory(), phone="+6281300000002", nik="3174011205900011")
    _reply("Kapan dana cair?")
    _reply("Dari cabang lain", phone=other.phone, wamid="wamid.R2")
    _reply("Salah sambung", phone="+6281399999999", wamid="wamid.R3")
    page = staff_client(officer).get(reverse("console:inbox")).content.decode()
    assert "Kapan dana cair?" in page
    assert claim.reference in page
    assert "+62 812-****-890" in page
    assert PHONE not in page
    assert "Dari cabang lain" not in page
    assert other.reference not in page
    assert "Salah sambung" not in page  # no claim: national staff only


def test_national_staff_also_see_replies_with_no_claim(branch):
    _reply("Salah sambung", phone="+6281399999999")
    national = StaffFactory(role=Role.NATIONAL, branch=None)
    page = staff_client(national).get(reverse("console:inbox")).content.decode()
    assert "Salah sambung" in page
    assert "Tanpa klaim" in page


def test_answer_inside_the_window_reaches_the_provider_as_free_text(
    branch, officer, provider, django_capture_on_commit_callbacks
):
    claim = _in_review(branch)
    reply = _reply("Kapan dana cair?")
    client = staff_client(officer)
    assert 'name="text"' in client.get(reverse("console:inbox")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:inbox_answer", args=[reply.pk]), {"text": "Minggu ini, Bu."})
    assert response.status_code == 302
    [sent] = provider.deliveries_to(PHONE, "whatsapp")
    assert sent.kind == "text"
    assert sent.text == "Minggu ini, Bu."
    reply.refresh_from_db()
    assert reply.answered_by == officer
    assert reply.answered_at is not None
    assert reply.answer.claim == claim
    assert reply.answer.free_text
    assert "Kapan dana cair?" not in client.get(reverse("console:inbox")).content.decode()


def test_outside_the_window_the_answer_is_the_call_us_template(
    branch, officer, provider, settings, django_capture_on_commit_callbacks
):
    claim = _in_review(branch)
    with time_machine.travel(FRIDAY_10):
        reply = _reply("Kapan dana cair?")
    client = staff_client(officer)
    with time_machine.travel(FRIDAY_10 + dt.timedelta(days=2)):
        page = client.get(reverse("console:inbox")).content.decode()
        assert 'name="text"' not in page
        assert "answer-template" in page
        # Free text written anyway is refused, not dropped or sent.
        client.post(reverse("console:inbox_answer", args=[reply.pk]), {"text": "Halo"})
        assert not provider.deliveries_to(PHONE)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("console:inbox_answer", args=[reply.pk]), {"text": ""})
    [request] = provider.requests_to("whatsapp")
    assert request["json"]["type"] == "template"
    # The variant naming the claim, its link a URL button (notifications/catalogue).
    assert request["json"]["template"]["name"] == "lapakasik_reply_call_us_reference"
    [button] = [c for c in request["json"]["template"]["components"] if c["type"] == "button"]
    assert button["sub_type"] == "url"
    [sent] = provider.deliveries_to(PHONE, "whatsapp")
    assert claim.reference in sent.text
    assert settings.CALL_CENTRE_NUMBER in sent.text
    reply.refresh_from_db()
    assert reply.answered


def test_an_sms_reply_is_answered_in_free_text_by_sms_even_days_later(
    branch, officer, provider, django_capture_on_commit_callbacks
):
    _in_review(branch)
    with time_machine.travel(FRIDAY_10):
        reply = _reply("Kapan dana cair?", wamid="SM.R1", channel="sms")
    with time_machine.travel(FRIDAY_10 + dt.timedelta(days=3)), django_capture_on_commit_callbacks(execute=True):
        staff_client(officer).post(reverse("console:inbox_answer", args=[reply.pk]), {"text": "Minggu ini, Bu."})
    [sent] = provider.deliveries_to(PHONE, "twilio")
    assert sent.text == "Minggu ini, Bu."


def test_a_reply_answered_twice_sends_once(branch, officer, provider, django_capture_on_commit_callbacks):
    _in_review(branch)
    reply = _reply("Kapan dana cair?")
    url = reverse("console:inbox_answer", args=[reply.pk])
    other = StaffFactory(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(officer).post(url, {"text": "Minggu ini."})
        response = staff_client(other).post(url, {"text": "Besok."}, follow=True)
    assert "sudah dijawab petugas lain" in response.content.decode()
    assert len(provider.deliveries_to(PHONE)) == 1


def test_a_reply_of_another_branch_cannot_be_answered(branch, officer):
    other = _in_review(BranchFactory(), phone="+6281300000002", nik="3174011205900011")
    reply = _reply("Halo", phone=other.phone)
    assert (
        staff_client(officer).post(reverse("console:inbox_answer", args=[reply.pk]), {"text": "x"}).status_code == 404
    )


def test_a_reply_unanswered_for_a_working_day_is_flagged_in_the_queue(branch, officer):
    claim = _in_review(branch)
    with time_machine.travel(FRIDAY_10):
        _reply("Kapan dana cair?")
    client = staff_client(officer)
    # Friday 10:00 to Monday 09:59: less than a working day (the weekend does not count).
    with time_machine.travel(FRIDAY_10 + dt.timedelta(days=2, hours=23, minutes=59)):
        page = client.get(reverse("console:queue")).content.decode()
    assert claim.reference in page
    assert "Balasan menunggu" not in page
    assert "1 balasan peserta belum dijawab" in page
    with time_machine.travel(FRIDAY_10 + dt.timedelta(days=3)):
        page = client.get(reverse("console:queue")).content.decode()
        assert "Balasan menunggu" in page
        assert "late-reply" in client.get(reverse("console:inbox")).content.decode()
