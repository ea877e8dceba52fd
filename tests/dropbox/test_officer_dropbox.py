"""The officer's side of the dropbox (/petugas/dropbox/), through the Django test client."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Channel, Claim, ClaimReason, Status
from documents.models import Document, DocumentStatus, DropboxBatch, Envelope, EnvelopeStatus, ScanPage
from documents.services import claim_switch_to_dropbox
from notifications.models import Message
from tests.factories import VALID_DOB, BranchFactory, StaffFactory, make_claim

from . import jpeg_upload, pdf_upload, required_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(officer) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def _open_batch(console: Client) -> DropboxBatch:
    response = console.post(reverse("console:dropbox_batch_open"))
    assert response.status_code == 302
    batch = DropboxBatch.objects.get()
    assert response["Location"] == reverse("console:dropbox_batch", args=[batch.pk])
    return batch


def _add_envelope(console: Client, batch: DropboxBatch, reference: str, note: str = "") -> Envelope:
    response = console.post(
        reverse("console:dropbox_envelope_add", args=[batch.pk]), {"reference": reference, "note": note}
    )
    assert response.status_code == 302, response.content.decode()
    envelope = Envelope.objects.latest("pk")
    assert response["Location"] == reverse("console:dropbox_envelope", args=[envelope.pk])
    return envelope


def test_dropbox_pages_are_for_staff_only_and_never_cached(client: Client, console: Client, officer):
    batch = _open_batch(console)
    for name, args in (("console:dropbox_home", []), ("console:dropbox_batch", [batch.pk])):
        assert client.get(reverse(name, args=args)).status_code == 302  # to the login page
        page = console.get(reverse(name, args=args))
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
    assert client.post(reverse("console:dropbox_batch_open")).status_code == 302
    assert DropboxBatch.objects.count() == 1


def test_officer_opens_an_envelope_ticks_its_contents_and_scans_it_into_checked_documents(
    console: Client, officer, django_capture_on_commit_callbacks
):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    batch = _open_batch(console)
    page = console.get(reverse("console:dropbox_batch", args=[batch.pk])).content.decode()
    assert "data-qrscan" in page
    assert "js/qrscan.js" in page

    envelope = _add_envelope(console, batch, claim.reference.lower().replace("-", ""))
    assert envelope.status == EnvelopeStatus.MATCHED
    assert envelope.claim == claim

    ektp, kk = required_types(claim)[1:3]
    response = console.post(
        reverse("console:dropbox_envelope_contents", args=[envelope.pk]), {"contents": [ektp.code, kk.code]}
    )
    assert response.status_code == 302
    assert set(envelope.contents.all()) == {ektp, kk}

    response = console.post(
        reverse("console:dropbox_envelope_scans", args=[envelope.pk]),
        {"scans": [pdf_upload("e-KTP depan", "e-KTP belakang", "Kartu Keluarga")]},
    )
    assert response.status_code == 302
    pages = list(ScanPage.objects.filter(envelope=envelope).order_by("page_number"))
    assert len(pages) == 3

    html = console.get(reverse("console:dropbox_envelope", args=[envelope.pk])).content.decode()
    assert claim.reference in html
    assert f'name="page_{pages[2].pk}"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(
            reverse("console:dropbox_envelope_assign", args=[envelope.pk]),
            {f"page_{pages[0].pk}": ektp.code, f"page_{pages[1].pk}": ektp.code, f"page_{pages[2].pk}": kk.code},
        )
    assert response.status_code == 302

    documents = {d.document_type: d for d in Document.objects.filter(claim=claim)}
    assert set(documents) == {ektp, kk}
    assert all(d.status == DocumentStatus.ACCEPTED and d.uploaded_by == officer for d in documents.values())
    assert [p.document for p in ScanPage.objects.filter(envelope=envelope).order_by("page_number")] == [
        documents[ektp],
        documents[ektp],
        documents[kk],
    ]
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX  # moved on from "submitted"; the rest is still missing
    assert Message.objects.filter(claim=claim, template="dropbox_received").count() == 1

    html = console.get(reverse("console:dropbox_envelope", args=[envelope.pk])).content.decode()
    assert "Dokumen dari amplop ini" in html
    assert 'name="page_' not in html


def test_an_assignment_of_nothing_is_refused_with_a_message(console: Client, officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _add_envelope(console, _open_batch(console), claim.reference)
    console.post(reverse("console:dropbox_envelope_scans", args=[envelope.pk]), {"scans": [jpeg_upload("a")]})
    response = console.post(reverse("console:dropbox_envelope_assign", args=[envelope.pk]), {})
    assert response.status_code == 400
    assert "Pilih dokumen untuk setiap halaman dulu." in response.content.decode()


def test_unknown_reference_goes_to_the_unmatched_list_and_is_resolved_there(console: Client, officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    batch = _open_batch(console)
    envelope = _add_envelope(console, batch, "LA-XXXX-XXXX")
    assert envelope.status == EnvelopeStatus.UNMATCHED

    listing = console.get(reverse("console:dropbox_unmatched")).content.decode()
    assert "LA-XXXX-XXXX" in listing
    assert reverse("console:dropbox_envelope", args=[envelope.pk]) in listing

    match_url = reverse("console:dropbox_envelope_match", args=[envelope.pk])
    assert console.post(match_url, {"reference": "LA-YYYY-YYYY"}).status_code == 400
    response = console.post(match_url, {"reference": claim.reference})
    assert response.status_code == 302
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.RESOLVED
    assert envelope.claim == claim
    assert "LA-XXXX-XXXX" not in console.get(reverse("console:dropbox_unmatched")).content.decode()


def test_an_unmatched_envelope_can_be_returned_with_a_note(console: Client, officer):
    envelope = _add_envelope(console, _open_batch(console), "", note="amplop tanpa nomor")
    response = console.post(
        reverse("console:dropbox_envelope_set_aside", args=[envelope.pk]), {"resolution": "returned", "note": ""}
    )
    assert response.status_code == 400
    response = console.post(
        reverse("console:dropbox_envelope_set_aside", args=[envelope.pk]),
        {"resolution": "returned", "note": "diambil kembali oleh peserta"},
    )
    assert response["Location"] == reverse("console:dropbox_unmatched")
    envelope.refresh_from_db()
    assert (envelope.status, envelope.resolution) == (EnvelopeStatus.RESOLVED, "returned")


def test_an_officer_of_another_branch_cannot_match_the_claim_and_nothing_is_revealed(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    other = StaffFactory(branch=BranchFactory())
    console = Client()
    console.force_login(other)
    batch = _open_batch(console)

    add = reverse("console:dropbox_envelope_add", args=[batch.pk])
    told = []
    for reference in (claim.reference, "LA-XXXX-XXXX"):  # another branch's claim, then a made-up number
        told.append(console.get(console.post(add, {"reference": reference})["Location"]).content.decode())
    first, second = Envelope.objects.order_by("number")
    assert first.status == second.status == EnvelopeStatus.UNMATCHED
    assert first.claim is None
    for page in told:
        assert "Nomor klaim tidak ditemukan di kantor cabang ini" in page
        for personal in (claim.full_name, claim.nik, claim.get_status_display(), claim.programme.name):
            assert personal not in page
    refused = console.post(reverse("console:dropbox_envelope_match", args=[first.pk]), {"reference": claim.reference})
    assert refused.status_code == 400
    assert claim.full_name not in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED
    assert not claim.envelopes.exists()

    # Nor can they open the first branch's batch or envelopes.
    home = Client()
    home.force_login(officer)
    own_batch = _open_batch_for(home)
    own_envelope = _add_envelope(home, own_batch, claim.reference)
    assert console.get(reverse("console:dropbox_batch", args=[own_batch.pk])).status_code == 404
    assert console.get(reverse("console:dropbox_envelope", args=[own_envelope.pk])).status_code == 404
    assert console.post(reverse("console:dropbox_envelope_scans", args=[own_envelope.pk])).status_code == 404


def _open_batch_for(console: Client) -> DropboxBatch:
    response = console.post(reverse("console:dropbox_batch_open"))
    return DropboxBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_officer_creates_a_claim_from_an_envelope_without_a_reference(console: Client, officer):
    batch = _open_batch(console)
    url = reverse("console:dropbox_batch_new_claim", args=[batch.pk])
    form = console.get(url)
    token = form.context["claim_form"]["intake_token"].value()
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()
    data = {
        "intake_token": token,
        "reason": reason.pk,
        "nik": "3174 0112 0590 0003",
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": "",
        "email": "",
    }
    bad = console.post(url, {**data, "nik": "123"})
    assert bad.status_code == 400
    assert not Claim.objects.exists()

    response = console.post(url, data)
    assert response.status_code == 302
    again = console.post(url, data)  # a double click: the same claim and envelope
    assert again["Location"] == response["Location"]

    claim = Claim.objects.get()
    envelope = Envelope.objects.get()
    assert envelope.claim == claim
    assert envelope.claim_created_here
    assert envelope.status == EnvelopeStatus.MATCHED
    assert (claim.channel, claim.status, claim.created_by, claim.branch) == (
        Channel.DROPBOX,
        Status.SUBMITTED,
        officer,
        officer.branch,
    )
    assert claim.nik == "3174011205900003"
    assert claim.contact_via_branch


def test_officer_settles_an_unmatched_envelope_by_creating_the_claim(console: Client, officer):
    envelope = _add_envelope(console, _open_batch(console), "", note="tanpa nomor klaim")
    url = reverse("console:dropbox_envelope_new_claim", args=[envelope.pk])
    token = console.get(url).context["claim_form"]["intake_token"].value()
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()
    response = console.post(
        url,
        {
            "intake_token": token,
            "reason": reason.pk,
            "nik": "3174011205900003",
            "kpj_number": "12345678901",
            "full_name": "Siti Aminah",
            "date_of_birth": VALID_DOB.isoformat(),
            "phone": "0812-3456-7890",
        },
    )
    assert response["Location"] == reverse("console:dropbox_envelope", args=[envelope.pk])
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.RESOLVED
    assert envelope.resolution == "new_claim"
    assert envelope.claim.phone == "+6281234567890"
    assert not envelope.claim.contact_via_branch


def test_a_claim_for_an_heir_from_an_envelope_asks_for_the_heir(console: Client, officer):
    batch = _open_batch(console)
    url = reverse("console:dropbox_batch_new_claim", args=[batch.pk])
    token = console.get(url).context["claim_form"]["intake_token"].value()
    reason = ClaimReason.objects.filter(needs_heir=True).first()
    base = {
        "intake_token": token,
        "reason": reason.pk,
        "nik": "3174011205900003",
        "kpj_number": "12345678901",
        "full_name": "Almarhum Budi",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": "",
    }
    assert console.post(url, base).status_code == 400
    heir = {
        "heir_name": "Siti Aminah",
        "heir_nik": "3273015506850002",
        "heir_relation": "spouse",
        "heir_phone": "0857-1234-5678",
    }
    assert console.post(url, {**base, **heir}).status_code == 302
    claim = Claim.objects.get()
    assert claim.heir_name == "Siti Aminah"
    assert claim.contact_phone == "+6285712345678"


def test_several_images_for_one_document_through_the_page(console: Client, officer, django_capture_on_commit_callbacks):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _add_envelope(console, _open_batch(console), claim.reference)
    kk = required_types(claim)[2]
    console.post(
        reverse("console:dropbox_envelope_scans", args=[envelope.pk]),
        {"scans": [jpeg_upload("KK 1", "kk1.jpg"), jpeg_upload("KK 2", "kk2.jpg"), jpeg_upload("sampul", "s.jpg")]},
    )
    one, two, cover = ScanPage.objects.filter(envelope=envelope).order_by("page_number")
    with django_capture_on_commit_callbacks(execute=True):
        console.post(
            reverse("console:dropbox_envelope_assign", args=[envelope.pk]),
            {f"page_{one.pk}": kk.code, f"page_{two.pk}": kk.code, f"page_{cover.pk}": "-"},
        )
    (document,) = Document.objects.filter(claim=claim)
    assert document.status == DocumentStatus.ACCEPTED
    assert document.details["pages"] == 2
    cover.refresh_from_db()
    assert cover.ignored
