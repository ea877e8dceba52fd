"""The claimant's side of the dropbox, through the Django test client."""

import re

import pytest
import segno
from django.test import Client
from django.urls import reverse

from claims.models import Channel, Status
from documents.services import document_upload
from notifications.models import Message
from portal.views_dropbox import reference_qr_svg
from tests.factories import make_claim, open_claim_in

from . import jpeg_upload, required_types

pytestmark = pytest.mark.django_db

LINK = "Saya tidak bisa mengunggah sekarang"


def _svg(html: str) -> str:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "the cover sheet has an inline SVG QR code"
    return match.group(0)


def test_checklist_and_document_pages_offer_the_dropbox(client: Client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    offer = reverse("portal:dropbox_offer", args=[claim.reference])
    checklist = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert LINK in checklist
    assert offer in checklist
    type_code = required_types(claim)[0].code
    document = client.get(reverse("portal:document", args=[claim.reference, type_code])).content.decode()
    assert LINK in document
    assert offer in document


def test_claimant_switches_to_dropbox_and_gets_a_cover_sheet_with_a_qr_of_the_reference_only(client: Client, branch):
    branch.address = "Jl. Gatot Subroto No. 79"
    branch.save()
    claim = make_claim(branch=branch)
    uploaded, *to_send = required_types(claim)
    document_upload(claim=claim, document_type=uploaded, uploaded=jpeg_upload("kartu"))
    open_claim_in(client, claim)

    page = client.get(reverse("portal:dropbox_offer", args=[claim.reference]))
    assert page.status_code == 200
    assert to_send[0].name in page.content.decode()
    response = client.post(reverse("portal:dropbox_offer", args=[claim.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dropbox_cover", args=[claim.reference])

    claim.refresh_from_db()
    assert (claim.channel, claim.status) == (Channel.DROPBOX, Status.SUBMITTED)
    assert claim.documents.count() == 1

    html = client.get(response["Location"]).content.decode()
    assert claim.reference in html
    assert branch.name in html
    assert branch.address in html
    assert "Tulis nomor klaim di amplop" in html
    assert "data-print" in html
    assert "css/cover." in html
    for document_type in to_send:
        assert document_type.name in html
    svg = _svg(html)
    assert svg == str(reference_qr_svg(claim.reference))
    # The QR holds the reference and nothing else: the same matrix segno makes from it alone.
    assert segno.make_qr(claim.reference, error="m").svg_inline(scale=4, omitsize=True).split("<path")[1] in svg
    for personal in (claim.nik, claim.kpj_number, claim.full_name, claim.phone, claim.phone[3:]):
        assert personal not in svg

    message = Message.objects.get(claim=claim, template="dropbox_cover_sheet")
    assert claim.reference in message.body
    assert reverse("portal:dropbox_cover", args=[claim.reference]) in message.body
    assert all(document_type.name in message.body for document_type in to_send)


def test_choosing_dropbox_again_goes_straight_to_the_cover_sheet(client: Client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    offer = reverse("portal:dropbox_offer", args=[claim.reference])
    client.post(offer)
    assert client.get(offer)["Location"] == reverse("portal:dropbox_cover", args=[claim.reference])
    client.post(offer)
    assert Message.objects.filter(claim=claim, template="dropbox_cover_sheet").count() == 1


def test_cover_sheet_of_a_claim_that_did_not_choose_dropbox_sends_to_the_offer(client: Client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    response = client.get(reverse("portal:dropbox_cover", args=[claim.reference]))
    assert response["Location"] == reverse("portal:dropbox_offer", args=[claim.reference])


def test_cover_sheet_without_the_claim_in_this_browser_asks_for_the_code_and_reveals_nothing(branch):
    claim = make_claim(branch=branch)
    owner = Client()
    open_claim_in(owner, claim)
    owner.post(reverse("portal:dropbox_offer", args=[claim.reference]))

    stranger = Client()
    known = stranger.get(reverse("portal:dropbox_cover", args=[claim.reference]))
    unknown = stranger.get(reverse("portal:dropbox_cover", args=["LA-XXXX-XXXX"]))
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == f"{reverse('portal:status_start')}?nomor={claim.reference}"
    assert unknown["Location"] == f"{reverse('portal:status_start')}?nomor=LA-XXXX-XXXX"
    assert stranger.get(reverse("portal:dropbox_cover", args=["bukan-nomor"])).status_code == 404
    assert stranger.post(reverse("portal:dropbox_offer", args=[claim.reference])).status_code == 404


def test_cover_sheet_is_readable_on_a_small_phone(client: Client, branch):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    client.post(reverse("portal:dropbox_offer", args=[claim.reference]))
    html = client.get(reverse("portal:dropbox_cover", args=[claim.reference])).content.decode()
    svg = _svg(html)
    # No fixed size on the SVG: CSS scales it to the screen (max 13rem) and to 42 mm on paper.
    assert "viewBox" in svg
    assert "width=" not in svg.split(">", 1)[0]
    assert 'name="viewport"' in html


def test_a_closed_claim_is_not_offered_the_dropbox(client: Client, branch):
    from claims.models import CancelReason
    from claims.services import claim_cancel

    claim = claim_cancel(claim=make_claim(branch=branch), reason=CancelReason.CLAIMANT_REQUEST)
    open_claim_in(client, claim)
    response = client.post(reverse("portal:dropbox_offer", args=[claim.reference]))
    assert response["Location"] == reverse("portal:status", args=[claim.reference])
    claim.refresh_from_db()
    assert claim.channel == Channel.ELECTRONIC
