"""The dropbox services: switching a claim to paper, batches, envelopes, scans and pages."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from claims.models import CancelReason, Channel, Claim, ClaimReason, Status
from claims.services import claim_cancel
from documents.models import (
    Document,
    DocumentStatus,
    DropboxBatch,
    Envelope,
    EnvelopeResolution,
    EnvelopeStatus,
    ScanPage,
)
from documents.services import (
    IGNORE_PAGE,
    claim_submit,
    claim_switch_to_dropbox,
    document_upload,
    dropbox_batch_close,
    dropbox_batch_open,
    envelope_claim_create,
    envelope_contents_set,
    envelope_match,
    envelope_open,
    envelope_pages_assign,
    envelope_scans_add,
    envelope_set_aside,
)
from notifications.models import Message
from tests.factories import BranchFactory, StaffFactory, claimant_data, make_claim, make_jpeg

from . import jpeg_upload, pdf_page_texts, pdf_upload, required_types

pytestmark = pytest.mark.django_db


def _open_envelope(officer, claim):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    return envelope_open(batch=batch, typed_reference=claim.reference, by=officer)


# --- the claimant switches to paper -----------------------------------------------------


def test_a_draft_switched_to_dropbox_is_submitted_with_documents_missing_and_keeps_its_uploads(branch):
    claim = make_claim(branch=branch)
    first = required_types(claim)[0]
    kept = document_upload(claim=claim, document_type=first, uploaded=jpeg_upload("ktp"))
    with pytest.raises(ValidationError):
        claim_submit(claim=claim)  # the electronic way refuses: documents are missing

    claim = claim_switch_to_dropbox(claim=claim)

    claim.refresh_from_db()
    assert claim.channel == Channel.DROPBOX
    assert claim.status == Status.SUBMITTED  # waits for the envelope
    assert claim.submitted_at is not None
    assert list(claim.documents.all()) == [kept]
    event = claim.events.get(to_status=Status.SUBMITTED)
    assert (event.from_status, event.reason) == (Status.DRAFT, "dropbox_chosen")


def test_the_cover_sheet_message_lists_what_to_put_in_the_envelope_and_goes_out_once(branch):
    claim = make_claim(branch=branch)
    uploaded, *to_send = required_types(claim)
    document_upload(claim=claim, document_type=uploaded, uploaded=jpeg_upload("kartu"))

    claim_switch_to_dropbox(claim=claim)
    claim_switch_to_dropbox(claim=claim)  # a second tap

    message = Message.objects.get(claim=claim, template="dropbox_cover_sheet")
    assert message.to == claim.phone
    assert claim.reference in message.body
    assert f"/klaim/{claim.reference}/dropbox/" in message.body
    assert branch.name in message.body
    for document_type in to_send:
        assert document_type.name in message.body
    assert f"- {uploaded.name}\n" not in message.body  # already uploaded: not asked for again
    assert claim.nik not in message.body


def test_a_claim_waiting_for_a_fix_keeps_its_channel_when_the_claimant_chooses_dropbox(branch):
    claim = make_claim(branch=branch)
    for index, document_type in enumerate(required_types(claim)):
        document_upload(claim=claim, document_type=document_type, uploaded=jpeg_upload(f"dok {index}"))
    claim = claim_submit(claim=claim)
    assert claim.status == Status.CHECKING

    claim = claim_switch_to_dropbox(claim=claim)
    claim_switch_to_dropbox(claim=claim)

    claim.refresh_from_db()
    assert claim.channel == Channel.ELECTRONIC
    assert claim.status == Status.CHECKING
    assert claim.events.filter(reason="dropbox_chosen").count() == 1
    assert Message.objects.filter(claim=claim, template="dropbox_cover_sheet").count() == 1


def test_a_closed_claim_cannot_switch_to_dropbox(branch):
    claim = claim_cancel(claim=make_claim(branch=branch), reason=CancelReason.CLAIMANT_REQUEST)
    with pytest.raises(ValidationError):
        claim_switch_to_dropbox(claim=claim)


# --- batches ----------------------------------------------------------------------------


def test_a_branch_has_one_open_batch_at_a_time(officer):
    colleague = StaffFactory(branch=officer.branch)
    first = dropbox_batch_open(branch=officer.branch, by=officer)
    assert dropbox_batch_open(branch=officer.branch, by=colleague) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        DropboxBatch.objects.create(branch=officer.branch, opened_by=colleague)
    dropbox_batch_close(batch=first, by=officer)
    assert dropbox_batch_open(branch=officer.branch, by=officer) != first


def test_an_officer_cannot_open_another_branchs_dropbox(officer):
    with pytest.raises(ValidationError):
        dropbox_batch_open(branch=BranchFactory(), by=officer)


def test_an_officer_cannot_close_another_branchs_dropbox(officer):
    other = StaffFactory(branch=BranchFactory())
    batch = dropbox_batch_open(branch=other.branch, by=other)
    with pytest.raises(ValidationError):
        dropbox_batch_close(batch=batch, by=officer)
    batch.refresh_from_db()
    assert batch.closed_at is None


def test_a_closed_batch_takes_no_more_envelopes(officer):
    batch = dropbox_batch_close(batch=dropbox_batch_open(branch=officer.branch, by=officer), by=officer)
    with pytest.raises(ValidationError):
        envelope_open(batch=batch, typed_reference="LA-7K3M-Q9XP", by=officer)


# --- matching envelopes -----------------------------------------------------------------


def test_an_envelope_is_matched_by_the_reference_however_it_was_typed(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    typed = claim.reference.lower().replace("-", " ")

    envelope = envelope_open(batch=batch, typed_reference=typed, by=officer)

    assert envelope.status == EnvelopeStatus.MATCHED
    assert envelope.claim == claim
    assert envelope.typed_reference == claim.reference
    assert envelope.number == 1
    assert claim.events.filter(reason="dropbox_envelope").exists()
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED  # nothing scanned yet


def test_an_envelope_for_a_draft_makes_it_a_submitted_dropbox_claim(officer):
    claim = make_claim(branch=officer.branch)
    envelope = _open_envelope(officer, claim)
    claim.refresh_from_db()
    assert envelope.claim == claim
    assert (claim.status, claim.channel) == (Status.SUBMITTED, Channel.DROPBOX)


def test_an_unknown_reference_leaves_the_envelope_unmatched_until_it_is_resolved(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    envelope = envelope_open(batch=batch, typed_reference="LA-XXXX-XXXX", by=officer)
    assert envelope.status == EnvelopeStatus.UNMATCHED
    assert envelope.claim is None
    # Pages can be scanned before the claim is known.
    envelope_scans_add(envelope=envelope, files=[jpeg_upload("ktp")], by=officer)
    assert ScanPage.objects.get(envelope=envelope).claim is None

    with pytest.raises(ValidationError):
        envelope_match(envelope=envelope, typed_reference="LA-YYYY-YYYY", by=officer)
    envelope = envelope_match(envelope=envelope, typed_reference=claim.reference, by=officer)

    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.RESOLVED
    assert envelope.resolution == EnvelopeResolution.REFERENCE
    assert envelope.claim == claim
    assert envelope.resolved_by == officer
    assert envelope.resolved_at
    assert ScanPage.objects.get(envelope=envelope).claim == claim
    with pytest.raises(ValidationError):
        envelope_match(envelope=envelope, typed_reference=claim.reference, by=officer)


def test_an_officer_of_another_branch_cannot_match_the_claim_and_learns_nothing(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    other = StaffFactory(branch=BranchFactory())
    batch = dropbox_batch_open(branch=other.branch, by=other)

    envelope = envelope_open(batch=batch, typed_reference=claim.reference, by=other)
    unknown = envelope_open(batch=batch, typed_reference="LA-XXXX-XXXX", by=other)

    assert envelope.status == unknown.status == EnvelopeStatus.UNMATCHED
    assert envelope.claim is None
    assert not claim.events.filter(reason="dropbox_envelope").exists()
    with pytest.raises(ValidationError) as mine:
        envelope_match(envelope=envelope, typed_reference=claim.reference, by=other)
    with pytest.raises(ValidationError) as made_up:
        envelope_match(envelope=unknown, typed_reference="LA-XXXX-XXXX", by=other)
    assert mine.value.messages == made_up.value.messages


def test_an_unmatched_envelope_is_returned_or_disposed_of_with_a_note(officer):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    envelope = envelope_open(batch=batch, typed_reference="", note="tanpa nomor, tanpa nama", by=officer)
    with pytest.raises(ValidationError):
        envelope_set_aside(envelope=envelope, resolution=EnvelopeResolution.RETURNED, note=" ", by=officer)
    envelope = envelope_set_aside(
        envelope=envelope, resolution=EnvelopeResolution.RETURNED, note="diambil pemiliknya", by=officer
    )
    assert envelope.status == EnvelopeStatus.RESOLVED
    assert envelope.resolution == EnvelopeResolution.RETURNED
    assert envelope.note == "diambil pemiliknya"
    with pytest.raises(ValidationError):
        envelope_scans_add(envelope=envelope, files=[jpeg_upload("x")], by=officer)


def test_an_envelope_without_reference_or_note_is_refused(officer):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    with pytest.raises(ValidationError):
        envelope_open(batch=batch, typed_reference="  ", by=officer)


# --- a claim made from the papers -------------------------------------------------------


def test_a_claim_is_created_from_an_envelope_once_per_form(officer):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()
    token = uuid.uuid4()

    envelope = envelope_claim_create(batch=batch, intake_token=token, reason=reason, data=claimant_data(), by=officer)
    again = envelope_claim_create(batch=batch, intake_token=token, reason=reason, data=claimant_data(), by=officer)

    assert again == envelope
    assert Envelope.objects.count() == 1
    claim = envelope.claim
    assert envelope.status == EnvelopeStatus.MATCHED
    assert envelope.claim_created_here
    assert (claim.channel, claim.status, claim.branch, claim.created_by) == (
        Channel.DROPBOX,
        Status.SUBMITTED,
        officer.branch,
        officer,
    )
    assert not claim.contact_via_branch


def test_a_claim_from_an_envelope_without_a_phone_is_contacted_through_the_branch(officer):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    unmatched = envelope_open(batch=batch, typed_reference="", note="tanpa nomor klaim", by=officer)
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()

    envelope = envelope_claim_create(
        envelope=unmatched, intake_token=uuid.uuid4(), reason=reason, data=claimant_data(phone=""), by=officer
    )

    assert envelope.pk == unmatched.pk
    assert envelope.status == EnvelopeStatus.RESOLVED
    assert envelope.resolution == EnvelopeResolution.NEW_CLAIM
    assert envelope.claim.contact_via_branch
    assert envelope.claim.phone == ""
    assert envelope.claim.events.filter(reason="contact_via_branch").exists()


def test_a_claim_for_an_heir_needs_the_heirs_data(officer):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    reason = ClaimReason.objects.filter(needs_heir=True).first()
    with pytest.raises(ValidationError):
        envelope_claim_create(batch=batch, intake_token=uuid.uuid4(), reason=reason, data=claimant_data(), by=officer)
    assert not Envelope.objects.exists()


def test_papers_for_a_nik_with_an_open_claim_in_the_programme_make_no_second_claim(officer):
    from claims.services import OpenClaimForStaff

    open_claim = make_claim(branch=officer.branch, nik=claimant_data().nik)
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()

    with pytest.raises(OpenClaimForStaff) as refused:
        envelope_claim_create(batch=batch, intake_token=uuid.uuid4(), reason=reason, data=claimant_data(), by=officer)

    assert refused.value.claim == open_claim  # the officer's own branch: named, with a link
    assert open_claim.reference in refused.value.messages[0]
    assert not Envelope.objects.exists()
    assert Claim.objects.count() == 1


# --- scans become documents -------------------------------------------------------------


def test_a_three_page_pdf_assigned_to_two_documents_makes_two_checked_documents(
    officer, django_capture_on_commit_callbacks
):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    ktp, kk = required_types(claim)[1:3]
    envelope_contents_set(envelope=envelope, document_types=[ktp, kk], by=officer)
    assert set(envelope.contents.all()) == {ktp, kk}

    pages = envelope_scans_add(envelope=envelope, files=[pdf_upload("KTP depan", "KTP belakang", "KK")], by=officer)
    assert [(p.page_number, p.source_page, p.content_type) for p in pages] == [
        (1, 1, "application/pdf"),
        (2, 2, "application/pdf"),
        (3, 3, "application/pdf"),
    ]
    assignments = {pages[0].pk: ktp.code, pages[1].pk: ktp.code, pages[2].pk: kk.code}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        documents = envelope_pages_assign(envelope=envelope, assignments=assignments, by=officer)
    assert len(documents) == 2
    assert all(d.status == DocumentStatus.CHECKING and d.uploaded_by == officer for d in documents)
    claim.refresh_from_db()
    assert claim.status == Status.CHECKING

    for callback in callbacks:  # the checks (tasks run eagerly in tests), then the messages
        callback()

    by_type = {d.document_type: d for d in Document.objects.filter(claim=claim)}
    assert by_type[ktp].status == by_type[kk].status == DocumentStatus.ACCEPTED
    assert pdf_page_texts(by_type[ktp].file.read()) == ["KTP depan", "KTP belakang"]
    assert pdf_page_texts(by_type[kk].file.read()) == ["KK"]
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX  # the other required documents are still missing
    assert {p.document for p in ScanPage.objects.filter(envelope=envelope)} == {by_type[ktp], by_type[kk]}


def test_several_photos_of_one_document_make_one_pdf_document(officer, django_capture_on_commit_callbacks):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    kk = required_types(claim)[2]
    pages = envelope_scans_add(
        envelope=envelope, files=[jpeg_upload("KK hal 1", "a.jpg"), jpeg_upload("KK hal 2", "b.jpg")], by=officer
    )
    with django_capture_on_commit_callbacks(execute=True):
        documents = envelope_pages_assign(envelope=envelope, assignments={p.pk: kk.code for p in pages}, by=officer)

    (document,) = documents
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert document.content_type == "application/pdf"
    assert document.details["pages"] == 2
    assert Document.objects.filter(claim=claim).count() == 1


def test_a_single_photo_stays_a_photo_and_gets_the_image_checks(officer, django_capture_on_commit_callbacks):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    (page,) = envelope_scans_add(envelope=envelope, files=[jpeg_upload("kartu peserta")], by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        (document,) = envelope_pages_assign(
            envelope=envelope, assignments={page.pk: required_types(claim)[0].code}, by=officer
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert document.content_type == "image/jpeg"
    assert document.sanitized
    assert document.thumbnail


def test_every_required_document_from_the_envelope_moves_the_claim_to_review(
    officer, django_capture_on_commit_callbacks
):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    types = required_types(claim)
    cover, *pages = envelope_scans_add(
        envelope=envelope,
        files=[jpeg_upload("lembar sampul"), *[jpeg_upload(f"dokumen {t.code}") for t in types]],
        by=officer,
    )
    assignments = {cover.pk: IGNORE_PAGE, **{page.pk: t.code for page, t in zip(pages, types, strict=True)}}
    with django_capture_on_commit_callbacks(execute=True):
        envelope_pages_assign(envelope=envelope, assignments=assignments, by=officer)

    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    cover.refresh_from_db()
    assert cover.ignored
    assert cover.document is None
    assert cover.claim == claim


def test_the_same_file_twice_on_one_claim_is_rejected_as_a_duplicate(officer, django_capture_on_commit_callbacks):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    ektp, kk = required_types(claim)[1:3]
    same = make_jpeg(text="fotokopi yang sama")
    first, second = envelope_scans_add(
        envelope=envelope,
        files=[SimpleUploadedFile("1.jpg", same), SimpleUploadedFile("2.jpg", same)],
        by=officer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        envelope_pages_assign(envelope=envelope, assignments={first.pk: ektp.code}, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        envelope_pages_assign(envelope=envelope, assignments={second.pk: kk.code}, by=officer)

    statuses = {d.document_type: (d.status, d.rejection_code) for d in Document.objects.filter(claim=claim)}
    assert statuses[ektp] == (DocumentStatus.ACCEPTED, "")
    assert statuses[kk] == (DocumentStatus.REJECTED, "duplicate")


def test_we_received_your_documents_goes_out_once_per_envelope(officer, django_capture_on_commit_callbacks):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    ektp, kk = required_types(claim)[1:3]
    first, second = envelope_scans_add(envelope=envelope, files=[jpeg_upload("e-KTP"), jpeg_upload("KK")], by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        envelope_pages_assign(envelope=envelope, assignments={first.pk: ektp.code}, by=officer)
        envelope_pages_assign(envelope=envelope, assignments={second.pk: kk.code}, by=officer)

    (message,) = Message.objects.filter(claim=claim, template="dropbox_received")
    assert claim.reference in message.body
    assert ektp.name in message.body
    assert f"/cek-klaim/?nomor={claim.reference}" in message.body
    envelope.refresh_from_db()
    assert envelope.received_notified_at is not None

    # A second envelope for the same claim is a new delivery: one more message.
    later = _open_envelope(officer, claim)
    (page,) = envelope_scans_add(envelope=later, files=[jpeg_upload("buku tabungan")], by=officer)
    bank_book = next(t for t in required_types(claim) if t.code == "bank_book")
    with django_capture_on_commit_callbacks(execute=True):
        envelope_pages_assign(envelope=later, assignments={page.pk: bank_book.code}, by=officer)
    assert Message.objects.filter(claim=claim, template="dropbox_received").count() == 2


def test_a_batch_keeps_every_pages_link_to_its_claim_and_document(officer, django_capture_on_commit_callbacks):
    first_claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    second_claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    one = envelope_open(batch=batch, typed_reference=first_claim.reference, by=officer)
    two = envelope_open(batch=batch, typed_reference=second_claim.reference, by=officer)
    ektp = required_types(first_claim)[1]
    with django_capture_on_commit_callbacks(execute=True):
        for envelope, text in ((one, "satu"), (two, "dua")):
            pages = envelope_scans_add(envelope=envelope, files=[pdf_upload(f"{text} a", f"{text} b")], by=officer)
            envelope_pages_assign(envelope=envelope, assignments={p.pk: ektp.code for p in pages}, by=officer)
    # Replacing a document later does not break the pages' history.
    document_upload(claim=first_claim, document_type=ektp, uploaded=jpeg_upload("ganti"))

    links = sorted(
        ScanPage.objects.filter(envelope__batch=batch).values_list(
            "envelope__number", "page_number", "claim__reference", "document__claim__reference"
        )
    )
    assert links == [
        (1, 1, first_claim.reference, first_claim.reference),
        (1, 2, first_claim.reference, first_claim.reference),
        (2, 1, second_claim.reference, second_claim.reference),
        (2, 2, second_claim.reference, second_claim.reference),
    ]
    assert all(page.file.read() for page in ScanPage.objects.filter(envelope__batch=batch))


def test_pages_are_assigned_only_once_and_only_to_the_claims_documents(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    (page,) = envelope_scans_add(envelope=envelope, files=[jpeg_upload("x")], by=officer)
    with pytest.raises(ValidationError):
        envelope_pages_assign(envelope=envelope, assignments={page.pk: "death_certificate"}, by=officer)
    envelope_pages_assign(envelope=envelope, assignments={page.pk: required_types(claim)[0].code}, by=officer)
    with pytest.raises(ValidationError):  # nothing left to assign
        envelope_pages_assign(envelope=envelope, assignments={page.pk: required_types(claim)[1].code}, by=officer)
    assert Document.objects.filter(claim=claim).count() == 1


def test_scans_that_are_not_a_pdf_or_a_photo_are_refused(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    with pytest.raises(ValidationError):
        envelope_scans_add(envelope=envelope, files=[SimpleUploadedFile("a.txt", b"hello world")], by=officer)
    with pytest.raises(ValidationError):
        envelope_scans_add(envelope=envelope, files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 broken")], by=officer)
    assert not ScanPage.objects.exists()


def test_a_draft_with_nothing_missing_moves_on_at_once_when_switched(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        for document_type in required_types(claim):
            document_upload(claim=claim, document_type=document_type, uploaded=jpeg_upload(document_type.code))
    claim = claim_switch_to_dropbox(claim=claim)
    assert claim.status == Status.IN_REVIEW
    assert claim.channel == Channel.DROPBOX


def test_services_refuse_an_envelope_of_another_branch(officer):
    claim = claim_switch_to_dropbox(claim=make_claim(branch=officer.branch))
    envelope = _open_envelope(officer, claim)
    other = StaffFactory(branch=BranchFactory())
    for attempt in (
        lambda: envelope_open(batch=envelope.batch, typed_reference=claim.reference, by=other),
        lambda: envelope_scans_add(envelope=envelope, files=[jpeg_upload("x")], by=other),
        lambda: envelope_pages_assign(envelope=envelope, assignments={}, by=other),
        lambda: envelope_contents_set(envelope=envelope, document_types=[], by=other),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert Envelope.objects.count() == 1
    assert not ScanPage.objects.exists()
