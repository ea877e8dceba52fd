"""The one writer of each status: document_transition and envelope_transition, held to
their tables (documents.models.DOCUMENT_TRANSITIONS and ALLOWED_ENVELOPE_TRANSITIONS)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import (
    ALLOWED_DOCUMENT_TRANSITIONS,
    ALLOWED_ENVELOPE_TRANSITIONS,
    Document,
    DocumentStatus,
    Envelope,
    EnvelopeResolution,
    EnvelopeStatus,
)
from documents.services import (
    DocumentTransitionNotAllowed,
    EnvelopeTransitionNotAllowed,
    document_transition,
    document_upload,
    dropbox_batch_open,
    envelope_open,
    envelope_transition,
)
from tests.factories import make_claim, make_jpeg

pytestmark = pytest.mark.django_db


def _checking_document(branch) -> Document:
    """A fresh upload: "checking", its check queued on a commit that never comes here."""
    claim = make_claim(branch=branch)
    requirement = claim.reason.requirements.filter(required=True).select_related("document_type").first()
    uploaded = SimpleUploadedFile("ktp.jpg", make_jpeg(), content_type="image/jpeg")
    document = document_upload(claim=claim, document_type=requirement.document_type, uploaded=uploaded)
    assert document.status == DocumentStatus.CHECKING
    return document


def _status(document: Document) -> str:
    return Document.objects.values_list("status", flat=True).get(pk=document.pk)


# --- documents ----------------------------------------------------------------------------


def test_a_checking_document_gets_its_verdict_and_the_claim_its_history(branch):
    document = _checking_document(branch)

    document_transition(
        document=document,
        to=DocumentStatus.REJECTED,
        only_from=[DocumentStatus.CHECKING],
        changes={"rejection_code": "virus"},
        event="virus_found",
        note="ktp: file deleted",
    )

    assert _status(document) == DocumentStatus.REJECTED == document.status
    assert Document.objects.get(pk=document.pk).rejection_code == "virus"
    assert document.claim.events.filter(reason="virus_found", note="ktp: file deleted").exists()


def test_no_document_goes_back_to_checking(branch):
    document = _checking_document(branch)
    document_transition(document=document, to=DocumentStatus.ACCEPTED)

    with pytest.raises(DocumentTransitionNotAllowed, match="accepted → checking is not allowed"):
        document_transition(document=document, to=DocumentStatus.CHECKING, event="document_accepted")

    assert _status(document) == DocumentStatus.ACCEPTED
    assert not document.claim.events.filter(reason="document_accepted").exists()


def test_the_table_decides_which_moves_are_allowed(branch, monkeypatch):
    document = _checking_document(branch)
    document_transition(document=document, to=DocumentStatus.ACCEPTED)
    # With "accepted → rejected" taken out of the table, an officer's rejection is refused.
    monkeypatch.setitem(ALLOWED_DOCUMENT_TRANSITIONS, DocumentStatus.ACCEPTED, frozenset({DocumentStatus.ACCEPTED}))

    rejection = {"rejection_code": "officer_expired"}

    with pytest.raises(DocumentTransitionNotAllowed):
        document_transition(document=document, to=DocumentStatus.REJECTED, changes=rejection)

    assert _status(document) == DocumentStatus.ACCEPTED
    monkeypatch.undo()
    document_transition(document=document, to=DocumentStatus.REJECTED, changes=rejection)
    assert _status(document) == DocumentStatus.REJECTED


def test_a_second_verdict_of_the_checks_is_refused_and_the_first_stands(branch):
    document = _checking_document(branch)
    first = Document.objects.get(pk=document.pk)
    second = Document.objects.get(pk=document.pk)
    document_transition(document=first, to=DocumentStatus.ACCEPTED, only_from=[DocumentStatus.CHECKING])

    # Allowed by the table (accepted → rejected), but not from where the checks start.
    with pytest.raises(DocumentTransitionNotAllowed, match="accepted → rejected"):
        document_transition(
            document=second,
            to=DocumentStatus.REJECTED,
            only_from=[DocumentStatus.CHECKING],
            changes={"rejection_code": "image_blurry"},
        )

    assert _status(document) == DocumentStatus.ACCEPTED
    assert Document.objects.get(pk=document.pk).rejection_code == ""


def test_an_officer_verdict_is_refused_while_the_checks_run_and_for_another_claim(branch):
    document = _checking_document(branch)
    verdicts = [DocumentStatus.ACCEPTED, DocumentStatus.REJECTED]
    with pytest.raises(DocumentTransitionNotAllowed, match="checking → accepted"):
        document_transition(document=document, to=DocumentStatus.ACCEPTED, only_from=verdicts)
    document_transition(document=document, to=DocumentStatus.ACCEPTED)

    other_claim = make_claim(branch=branch)
    with pytest.raises(DocumentTransitionNotAllowed):
        document_transition(document=document, to=DocumentStatus.REJECTED, only_from=verdicts, claim=other_claim)
    assert _status(document) == DocumentStatus.ACCEPTED


# --- envelopes ----------------------------------------------------------------------------


def test_an_unmatched_envelope_is_resolved_once(officer):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    envelope = envelope_open(batch=batch, typed_reference="", note="tanpa nomor", by=officer)
    assert envelope.status == EnvelopeStatus.UNMATCHED

    envelope_transition(
        envelope=envelope, to=EnvelopeStatus.RESOLVED, changes={"resolution": EnvelopeResolution.DISPOSED}
    )

    stored = Envelope.objects.get(pk=envelope.pk)
    assert (stored.status, stored.resolution) == (EnvelopeStatus.RESOLVED, EnvelopeResolution.DISPOSED)
    with pytest.raises(EnvelopeTransitionNotAllowed, match="resolved → resolved is not allowed"):
        envelope_transition(
            envelope=envelope, to=EnvelopeStatus.RESOLVED, changes={"resolution": EnvelopeResolution.RETURNED}
        )
    assert Envelope.objects.get(pk=envelope.pk).resolution == EnvelopeResolution.DISPOSED


def test_a_matched_envelope_has_nothing_to_resolve(officer):
    claim = make_claim(branch=officer.branch)
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    envelope = envelope_open(batch=batch, typed_reference=claim.reference, by=officer)
    assert envelope.status == EnvelopeStatus.MATCHED

    with pytest.raises(EnvelopeTransitionNotAllowed, match="matched → resolved"):
        envelope_transition(envelope=envelope, to=EnvelopeStatus.RESOLVED, changes={"claim": None})

    stored = Envelope.objects.get(pk=envelope.pk)
    assert (stored.status, stored.claim_id) == (EnvelopeStatus.MATCHED, claim.pk)


def test_the_envelope_table_decides_which_moves_are_allowed(officer, monkeypatch):
    batch = dropbox_batch_open(branch=officer.branch, by=officer)
    envelope = envelope_open(batch=batch, typed_reference="", note="tanpa nomor", by=officer)
    monkeypatch.setitem(ALLOWED_ENVELOPE_TRANSITIONS, EnvelopeStatus.UNMATCHED, frozenset())

    with pytest.raises(EnvelopeTransitionNotAllowed, match="unmatched → resolved"):
        envelope_transition(envelope=envelope, to=EnvelopeStatus.RESOLVED)

    assert Envelope.objects.get(pk=envelope.pk).status == EnvelopeStatus.UNMATCHED
