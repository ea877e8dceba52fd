"""Save and finish later: the link by WhatsApp/SMS, opening it, and the "I can't upload now" choices."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import CancelReason, Claim, Status
from claims.services import claim_cancel, claim_transition, resume_link_send
from claims.services.resume import LINK_TEMPLATE, resume_token
from documents.services import document_upload
from notifications.models import Message
from tests.dropbox import jpeg_upload, required_types
from tests.factories import VALID_NIK, make_claim, open_claim_in
from tests.messages import claimant_text

pytestmark = pytest.mark.django_db


def _ask_for_link(client: Client, claim: Claim):
    return client.post(reverse("portal:resume_later", args=[claim.reference]))


def _link_path(message: Message) -> str:
    text = claimant_text(message)
    match = re.search(r"(https?://\S+/lanjut/\S+/)", text)
    assert match, text
    url = urlsplit(match.group(1))
    assert f"{url.scheme}://{url.netloc}" == settings.PUBLIC_BASE_URL
    return url.path


def _sent_link(claim: Claim) -> str:
    return _link_path(Message.objects.filter(claim=claim, template=LINK_TEMPLATE).latest("created_at"))


def test_link_goes_to_the_claims_phone_and_brings_another_phone_to_the_first_missing_document(client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)

    response = _ask_for_link(client, claim)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:resume_later", args=[claim.reference]) + "?terkirim=1"
    page = client.get(response["Location"]).content.decode()
    assert "Tautan sudah dikirim" in page
    assert "berakhiran 7890" in page

    message = Message.objects.get(claim=claim, template=LINK_TEMPLATE)
    assert message.to == claim.contact_phone
    assert message.channel == "whatsapp"
    assert message.sensitive, "the link opens the claim, like a one-time code: staff never see it"
    assert claim.reference in message.body
    assert "7 hari" in message.body
    path = _link_path(message)
    # Nothing personal in the address: no NIK, phone, name or even the claim number.
    for personal in (VALID_NIK, claim.phone, claim.phone.lstrip("+"), "Siti", "Aminah", claim.reference):
        assert personal not in path

    # Another phone, no session: the link opens the claim at its first missing document.
    other = Client()
    assert other.get(reverse("portal:checklist", args=[claim.reference])).status_code == 404
    opened = other.get(path)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("portal:resume", args=[claim.reference])
    assert "no-store" in opened["Cache-Control"] or "max-age=0" in opened["Cache-Control"]
    first, second, *_ = required_types(claim)
    response = other.get(opened["Location"])
    assert response["Location"] == reverse("portal:document", args=[claim.reference, first.code])
    assert other.get(reverse("portal:checklist", args=[claim.reference])).status_code == 200

    # Exactly where they were: with the first document uploaded, the next one.
    document_upload(claim=claim, document_type=first, uploaded=jpeg_upload("kartu"))
    response = other.get(other.get(path)["Location"])
    assert response["Location"] == reverse("portal:document", args=[claim.reference, second.code])


def test_resume_goes_to_check_and_send_when_nothing_is_missing_and_to_status_after(client, branch):
    claim = make_claim(branch=branch)
    for index, document_type in enumerate(required_types(claim)):
        document_upload(claim=claim, document_type=document_type, uploaded=jpeg_upload(f"dok-{index}"))
    open_claim_in(client, claim)
    resume = reverse("portal:resume", args=[claim.reference])
    assert client.get(resume)["Location"] == reverse("portal:submit", args=[claim.reference])
    claim_transition(claim=claim, to=Status.SUBMITTED)
    assert client.get(resume)["Location"] == reverse("portal:status", args=[claim.reference])


def test_link_works_again_and_again_until_it_expires(branch):
    claim = make_claim(branch=branch)
    resume_link_send(claim=claim)
    path = _sent_link(claim)
    phone = Client()
    # A weak connection: the same link opened three times, on two phones.
    for browser in (phone, phone, Client()):
        assert browser.get(path)["Location"] == reverse("portal:resume", args=[claim.reference])

    with time_machine.travel(timezone.now() + timedelta(days=settings.CLAIM_RESUME_LINK_DAYS, minutes=1)):
        expired = Client().get(path)
    assert expired.status_code == 410
    html = expired.content.decode()
    assert "sudah kedaluwarsa" in html
    assert f"{reverse('portal:status_start')}?nomor={claim.reference}" in html, "offers the one-time code instead"


def test_link_stops_working_once_the_claim_is_sent(branch):
    claim = make_claim(branch=branch)
    resume_link_send(claim=claim)
    path = _sent_link(claim)
    phone = Client()
    phone.get(path)
    claim_transition(claim=claim, to=Status.SUBMITTED)

    stranger = Client().get(path)
    assert stranger.status_code == 410
    assert "Klaim ini sudah dikirim" in stranger.content.decode()
    # A phone that already holds the claim simply sees its status.
    assert phone.get(path)["Location"] == reverse("portal:status", args=[claim.reference])


def test_link_stops_working_once_the_claim_is_cancelled(branch):
    claim = make_claim(branch=branch)
    resume_link_send(claim=claim)
    path = _sent_link(claim)
    claim_cancel(claim=claim, reason=CancelReason.CLAIMANT_REQUEST)
    response = Client().get(path)
    assert response.status_code == 410
    assert "sudah dibatalkan" in response.content.decode()
    assert reverse("portal:checklist", args=[claim.reference]) not in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, other: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token, other: signing.TimestampSigner(salt="claims.api-token").sign(token.split(":")[0]),
        lambda token, other: resume_token(other).split(":")[0] + ":" + token.split(":", 1)[1],
        lambda token, other: "abc",
    ],
    ids=["bad-signature", "other-salt", "other-claim-id", "garbage"],
)
def test_forged_link_opens_nothing(branch, tamper):
    claim, other = make_claim(branch=branch), make_claim(branch=branch)
    token = resume_token(claim)
    browser = Client()
    response = browser.get(reverse("portal:resume_open", args=[tamper(token, other)]))
    assert response.status_code == 404
    assert "Tautan ini tidak berlaku" in response.content.decode()
    for target in (claim, other):
        assert browser.get(reverse("portal:checklist", args=[target.reference])).status_code == 404


def test_link_sent_to_an_old_number_dies_when_the_number_changes(branch):
    claim = make_claim(branch=branch)
    path = reverse("portal:resume_open", args=[resume_token(claim)])
    Claim.objects.filter(pk=claim.pk).update(phone="+6285600001111")
    assert Client().get(path).status_code == 404


def test_link_sending_is_limited_per_claim_with_a_clear_message(client, branch):
    claim, neighbour = make_claim(branch=branch), make_claim(branch=branch)
    open_claim_in(client, claim)
    for _ in range(settings.CLAIM_RESUME_LINK_LIMIT):
        assert _ask_for_link(client, claim).status_code == 302
    refused = _ask_for_link(client, claim)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert f"Tautan sudah dikirim {settings.CLAIM_RESUME_LINK_LIMIT} kali dalam satu jam" in html
    assert re.search(r"Coba lagi (\d+) menit lagi", html)
    assert Message.objects.filter(claim=claim, template=LINK_TEMPLATE).count() == settings.CLAIM_RESUME_LINK_LIMIT

    # Another claim is not held back, and an hour later this one may ask again.
    resume_link_send(claim=neighbour)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.CLAIM_RESUME_LINK_WINDOW + 60)):
        assert _ask_for_link(client, claim).status_code == 302


def test_no_link_for_a_claim_that_is_no_longer_a_draft_or_has_no_phone(client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    Claim.objects.filter(pk=claim.pk).update(contact_via_branch=True)
    response = _ask_for_link(client, claim)
    assert response.status_code == 400
    assert "tidak punya nomor HP" in response.content.decode()
    assert not Message.objects.filter(claim=claim, template=LINK_TEMPLATE).exists()

    claim_transition(claim=claim, to=Status.SUBMITTED)
    assert _ask_for_link(client, claim)["Location"] == reverse("portal:status", args=[claim.reference])


def test_link_message_in_english_for_an_english_claim(branch):
    claim = make_claim(branch=branch)
    Claim.objects.filter(pk=claim.pk).update(language="en")
    claim.refresh_from_db()
    message = resume_link_send(claim=claim)
    assert "continue claim" in message.body
    assert "valid for 7 days" in message.body
    assert "Do not share this link" in message.body


def test_a_stranger_cannot_ask_for_a_link(branch):
    claim = make_claim(branch=branch)
    assert _ask_for_link(Client(), claim).status_code == 404
    assert not Message.objects.filter(claim=claim).exists()


def test_document_page_offers_finish_later_and_dropbox_below_the_upload(client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    code = required_types(claim)[0].code
    html = client.get(reverse("portal:document", args=[claim.reference, code])).content.decode()
    choices = html[html.index('<details class="cant">') :]
    assert html.index("data-upload") < html.index('<details class="cant">'), "below the upload form"
    assert "Saya tidak bisa mengunggah sekarang" in choices
    assert f'action="{reverse("portal:resume_later", args=[claim.reference])}"' in choices
    assert reverse("portal:dropbox_offer", args=[claim.reference]) in choices

    # From the document page, one tap sends the link.
    response = client.post(reverse("portal:resume_later", args=[claim.reference]))
    assert response.status_code == 302
    assert Message.objects.filter(claim=claim, template=LINK_TEMPLATE).count() == 1


def test_intake_steps_say_nothing_is_saved_before_the_claim_exists(client, branch):
    html = client.get(reverse("portal:start_programme")).content.decode()
    assert "Belum tersimpan sampai Anda memasukkan kode yang kami kirim ke HP" in html
    checklist_claim = make_claim(branch=branch)
    open_claim_in(client, checklist_claim)
    html = client.get(reverse("portal:checklist", args=[checklist_claim.reference])).content.decode()
    assert reverse("portal:resume_later", args=[checklist_claim.reference]) in html
