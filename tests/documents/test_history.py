"""Document history: a replaced document is kept as "replaced", never deleted while the
claim lives (DOMAIN.md), and everything that asks for "the claim's document of a type"
sees only the current one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import CancelReason, Claim, Status
from claims.selectors import claim_timeline
from claims.services import claim_cancel
from claims.timeline import DOCUMENT_REPLACED
from documents.models import Document, DocumentStatus
from documents.selectors import claim_checklist, claim_current_documents, claim_missing_requirements
from documents.services import claim_submit, document_check, document_remove, document_upload
from documents.storage import documents_storage
from privacy.retention import claims_anonymise_due
from tests.documents import corpus
from tests.factories import make_claim, make_jpeg, open_claim_in

pytestmark = pytest.mark.django_db


def _required_types(claim):
    return [r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")]


def _upload(claim, document_type, content: bytes, name: str = "foto-ktp-siti.jpg") -> Document:
    return document_upload(claim=claim, document_type=document_type, uploaded=SimpleUploadedFile(name, content))


def _upload_checked(claim, document_type, content: bytes, *, capture, name: str = "foto-ktp-siti.jpg") -> Document:
    with capture(execute=True):
        document = _upload(claim, document_type, content, name)
    document.refresh_from_db()
    return document


def test_replacing_a_draft_document_keeps_the_rejected_one_as_replaced(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    document_type = _required_types(claim)[0]
    blurred = _upload_checked(claim, document_type, corpus.blurred_jpeg(), capture=django_capture_on_commit_callbacks)
    assert (blurred.status, blurred.rejection_code) == (DocumentStatus.REJECTED, "image_blurry")

    good = _upload_checked(claim, document_type, corpus.good_jpeg(), capture=django_capture_on_commit_callbacks)

    blurred.refresh_from_db()
    assert blurred.status == DocumentStatus.REPLACED
    assert blurred.rejection_code == "image_blurry"  # what the re-upload figure counts
    assert blurred.file
    assert documents_storage().exists(blurred.file.name)
    assert good.status == DocumentStatus.ACCEPTED
    assert claim_current_documents(claim) == {document_type.pk: good}
    event = claim.events.get(reason=DOCUMENT_REPLACED)
    assert event.note == document_type.code


def test_replacing_a_document_after_submitting_marks_the_previous_one_replaced(
    branch, django_capture_on_commit_callbacks
):
    claim = make_claim(branch=branch)
    types = _required_types(claim)
    with django_capture_on_commit_callbacks(execute=True):
        first = _upload(claim, types[0], corpus.dark_jpeg())
        for index, document_type in enumerate(types[1:]):
            _upload(claim, document_type, make_jpeg(text=f"dokumen {index}"))
        claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX

    _upload_checked(claim, types[0], corpus.good_jpeg(), capture=django_capture_on_commit_callbacks)

    first.refresh_from_db()
    assert first.status == DocumentStatus.REPLACED
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert claim.documents.exclude(status=DocumentStatus.REPLACED).count() == len(types)


def test_rejected_files_replaced_before_submitting_do_not_hold_the_claim_back(
    branch, django_capture_on_commit_callbacks
):
    claim = make_claim(branch=branch)
    types = _required_types(claim)
    for document_type in types:
        _upload_checked(claim, document_type, corpus.blurred_jpeg(), capture=django_capture_on_commit_callbacks)
    assert len(claim_missing_requirements(claim)) == len(types)
    for index, document_type in enumerate(types):
        _upload_checked(
            claim, document_type, make_jpeg(text=f"bagus {index}"), capture=django_capture_on_commit_callbacks
        )

    assert claim_missing_requirements(claim) == []
    assert all(item.document.status == DocumentStatus.ACCEPTED for item in claim_checklist(claim) if item.document)
    with django_capture_on_commit_callbacks(execute=True):
        claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert claim.documents.filter(status=DocumentStatus.REPLACED).count() == len(types)


def test_a_file_replaced_while_still_being_checked_keeps_replaced_and_its_late_verdict_is_dropped(branch):
    claim = make_claim(branch=branch)
    document_type = _required_types(claim)[0]
    first = _upload(claim, document_type, make_jpeg(text="pertama"))  # its check never ran
    second = _upload(claim, document_type, make_jpeg(text="kedua"))

    assert document_check(document_id=first.pk) is None
    first.refresh_from_db()
    assert first.status == DocumentStatus.REPLACED
    assert document_check(document_id=second.pk).status == DocumentStatus.ACCEPTED


def test_the_same_file_as_a_replaced_document_of_another_type_is_not_a_duplicate(
    branch, django_capture_on_commit_callbacks
):
    claim = make_claim(branch=branch)
    ktp, other = _required_types(claim)[:2]
    photo = make_jpeg(text="foto ktp")
    # The KTP photo first sent for the wrong requirement, then that requirement sent again.
    _upload_checked(claim, other, photo, capture=django_capture_on_commit_callbacks)
    _upload_checked(claim, other, make_jpeg(text="yang benar"), capture=django_capture_on_commit_callbacks)

    document = _upload_checked(claim, ktp, photo, capture=django_capture_on_commit_callbacks)

    assert (document.status, document.rejection_code) == (DocumentStatus.ACCEPTED, "")


def test_a_replaced_document_cannot_be_removed_but_the_current_one_can(branch):
    claim = make_claim(branch=branch)
    document_type = _required_types(claim)[0]
    first = _upload(claim, document_type, make_jpeg(text="pertama"))
    second = _upload(claim, document_type, make_jpeg(text="kedua"))
    first.refresh_from_db()

    with pytest.raises(ValidationError, match="sudah diganti"):
        document_remove(document=first)
    document_remove(document=second)

    assert list(claim.documents.values_list("pk", "status")) == [(first.pk, DocumentStatus.REPLACED)]
    assert claim_current_documents(claim) == {}


def test_the_claimants_timeline_says_what_was_replaced_without_the_file_name(branch):
    claim = make_claim(branch=branch)
    document_type = _required_types(claim)[0]
    _upload(claim, document_type, make_jpeg(text="pertama"), name="siti-aminah-ktp.jpg")
    _upload(claim, document_type, make_jpeg(text="kedua"), name="siti-aminah-ktp-baru.jpg")

    titles = [entry.title for entry in claim_timeline(claim)]
    assert f"{document_type.name} diganti" in titles

    client = Client()
    open_claim_in(client, claim)
    page = client.get(reverse("portal:status", args=[claim.reference])).content.decode()
    assert f"{document_type.name} diganti" in page
    assert "siti-aminah" not in page


def test_a_replaced_documents_file_is_purged_with_the_claim(settings, branch, django_capture_on_commit_callbacks):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    claim = make_claim(branch=branch)
    document_type = _required_types(claim)[0]
    old = _upload_checked(claim, document_type, corpus.good_jpeg(), capture=django_capture_on_commit_callbacks)
    _upload_checked(claim, document_type, make_jpeg(text="baru"), capture=django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.status == DocumentStatus.REPLACED
    stored = [name for name in (old.file.name, old.thumbnail.name) if name]
    assert stored
    assert all(documents_storage().exists(name) for name in stored)
    claim_cancel(claim=claim, reason=CancelReason.CLAIMANT_REQUEST)
    Claim.objects.filter(pk=claim.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        claims_anonymise_due()

    assert not any(documents_storage().exists(name) for name in stored)
    old.refresh_from_db()
    assert (old.file.name, old.original_name, old.status) == ("", "", DocumentStatus.REPLACED)
