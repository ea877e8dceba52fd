"""The check service, the verdicts and what they do to the claim (tasks run in process here;
tests/documents/test_worker.py runs the same against a real worker, clamd and S3)."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from claims.models import Status
from documents.models import Document, DocumentStatus
from documents.services import (
    claim_submit,
    document_check,
    document_upload,
    documents_requeue_stuck,
    documents_sweep_orphans,
)
from documents.storage import documents_storage
from notifications.models import Message
from tests.documents import corpus
from tests.factories import make_claim, make_jpeg, open_claim_in

pytestmark = pytest.mark.django_db


def _required_types(claim):
    return [r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")]


def _upload(claim, document_type, content: bytes, name: str = "foto.jpg") -> Document:
    return document_upload(claim=claim, document_type=document_type, uploaded=SimpleUploadedFile(name, content))


def _upload_checked(claim, document_type, content, name="foto.jpg", *, capture) -> Document:
    with capture(execute=True):
        document = _upload(claim, document_type, content, name)
    document.refresh_from_db()
    return document


def test_good_photo_is_accepted_and_only_its_clean_copy_is_kept(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    raw = corpus.good_jpeg()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = _upload(claim, _required_types(claim)[0], raw)
        raw_name = document.file.name
    assert callbacks, "the check is queued on commit"
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert document.sanitized
    assert document.file.name != raw_name
    assert not documents_storage().exists(raw_name)
    clean = document.file.read()
    assert clean != raw
    assert document.content_type == "image/jpeg"
    assert document.size == len(clean)
    with Image.open(io.BytesIO(clean)) as image:
        assert not image.getexif()
    assert document.thumbnail
    assert document.checked_at


def test_document_is_not_served_before_its_check(branch):
    claim = make_claim(branch=branch)
    document = _upload(claim, _required_types(claim)[0], corpus.good_jpeg())  # the check is not run
    client = Client()
    open_claim_in(client, claim)
    assert client.get(reverse("portal:checklist", args=[claim.reference])).status_code == 200
    assert client.get(reverse("documents:file", args=[document.pk])).status_code == 404
    document_check(document_id=document.pk)
    assert client.get(reverse("documents:file", args=[document.pk])).status_code == 200


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (corpus.good_png, "ktp.jpg", "extension_mismatch"),
        (corpus.html_page, "surat.pdf", "type_not_allowed"),
        (corpus.black_jpeg, "gelap.jpg", "image_too_dark"),
        (corpus.blurred_jpeg, "kabur.jpg", "image_blurry"),
        (corpus.truncated_jpeg, "potong.jpg", "image_broken"),
        (corpus.encrypted_pdf, "kunci.pdf", "pdf_encrypted"),
    ],
)
def test_bad_file_is_rejected_with_its_fix_hint(branch, django_capture_on_commit_callbacks, make, name, code):
    claim = make_claim(branch=branch)
    document = _upload_checked(
        claim, _required_types(claim)[0], make(), name, capture=django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.REJECTED
    assert document.rejection_code == code


def test_virus_is_rejected_the_file_deleted_and_the_claim_told(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        document = _upload(claim, _required_types(claim)[0], corpus.jpeg_with_eicar())
        raw_name = document.file.name
    document.refresh_from_db()
    assert document.rejection_code == "virus"
    assert not document.file
    assert not document.sanitized
    assert not documents_storage().exists(raw_name)
    assert claim.events.filter(reason="virus_found").exists()


def test_same_file_for_two_documents_is_flagged_as_duplicate(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    first_type, second_type = _required_types(claim)[:2]
    content = corpus.good_jpeg()
    _upload_checked(claim, first_type, content, capture=django_capture_on_commit_callbacks)
    second = _upload_checked(claim, second_type, content, capture=django_capture_on_commit_callbacks)
    assert second.rejection_code == "duplicate"


def test_running_the_check_twice_gives_one_verdict(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    document = _upload(claim, _required_types(claim)[0], corpus.good_jpeg())
    first = document_check(document_id=document.pk)
    name_after_first = Document.objects.get(pk=document.pk).file.name
    assert first is not None
    assert first.status == DocumentStatus.ACCEPTED
    assert document_check(document_id=document.pk) is None
    assert Document.objects.get(pk=document.pk).file.name == name_after_first


def test_a_file_that_keeps_killing_the_worker_is_rejected_not_retried_forever(branch, settings):
    claim = make_claim(branch=branch)
    document = _upload(claim, _required_types(claim)[0], corpus.good_jpeg())
    # Three runs started and never finished (the worker was killed each time).
    Document.objects.filter(pk=document.pk).update(check_attempts=settings.DOCUMENT_CHECK_MAX_ATTEMPTS)
    document = document_check(document_id=document.pk)
    assert document.status == DocumentStatus.REJECTED
    assert document.rejection_code == "unreadable"


def test_unavailable_antivirus_keeps_the_document_checking(branch, settings):
    settings.ANTIVIRUS_BACKEND = "documents.checks.antivirus.ClamdScanner"
    settings.CLAMD_SOCKET = "/nonexistent/clamd.sock"
    claim = make_claim(branch=branch)
    document = _upload(claim, _required_types(claim)[0], corpus.good_jpeg())
    from documents.checks import CheckUnavailable

    with pytest.raises(CheckUnavailable):
        document_check(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.CHECKING
    assert document.check_attempts == 0


# --- what the verdicts do to a submitted claim ------------------------------------------


def _submitted_claim_with_documents(branch, capture, contents: dict[int, bytes]):
    """Upload every required document (index → bytes; the rest good), checks NOT yet run, then submit."""
    claim = make_claim(branch=branch)
    documents = []
    for index, document_type in enumerate(_required_types(claim)):
        content = contents.get(index) or make_jpeg(text=f"dokumen {index}")
        documents.append(_upload(claim, document_type, content))
    claim = claim_submit(claim=claim)
    return claim, documents


def test_all_documents_accepted_moves_the_claim_to_review(branch, django_capture_on_commit_callbacks):
    claim, documents = _submitted_claim_with_documents(branch, django_capture_on_commit_callbacks, {})
    assert claim.status == Status.CHECKING
    for document in documents:
        document_check(document_id=document.pk)
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert not Message.objects.filter(claim=claim, template="claim_needs_fix").exists()


def test_rejections_send_one_message_per_batch_listing_what_to_redo(branch, django_capture_on_commit_callbacks):
    claim, documents = _submitted_claim_with_documents(
        branch, django_capture_on_commit_callbacks, {0: corpus.black_jpeg(), 2: corpus.blurred_jpeg()}
    )
    for document in documents[:-1]:
        document_check(document_id=document.pk)
        claim.refresh_from_db()
        assert claim.status == Status.CHECKING, "no message while the batch is still being checked"
        assert not Message.objects.filter(claim=claim, template="claim_needs_fix").exists()
    document_check(document_id=documents[-1].pk)
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX
    message = Message.objects.get(claim=claim, template="claim_needs_fix")
    assert "Foto terlalu gelap" in message.body
    assert "Foto kabur" in message.body
    assert documents[0].document_type.name in message.body
    assert f"?nomor={claim.reference}" in message.body

    # The claimant replaces one: the claim is checked again; no message until that batch ends.
    with django_capture_on_commit_callbacks(execute=False):
        replacement = _upload(claim, documents[0].document_type, make_jpeg(text="pengganti"))
    claim.refresh_from_db()
    assert claim.status == Status.CHECKING
    document_check(document_id=replacement.pk)
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX  # the blurred one is still to redo
    # Already told about the blurred one: no second message for it.
    assert Message.objects.filter(claim=claim, template="claim_needs_fix").count() == 1


def test_claimant_sees_the_fix_hint_on_the_checklist(client, branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    open_claim_in(client, claim)
    _upload_checked(claim, _required_types(claim)[0], corpus.black_jpeg(), capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert "Foto terlalu gelap. Ambil ulang di tempat yang terang." in page
    assert 'http-equiv="refresh"' not in page
    _upload(claim, _required_types(claim)[1], corpus.good_jpeg())
    page = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert 'http-equiv="refresh"' in page  # "sedang diperiksa" updates itself


# --- sweeps -----------------------------------------------------------------------------


def test_stuck_documents_are_queued_again(branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    document = _upload(claim, _required_types(claim)[0], corpus.good_jpeg())  # never queued (broker was down)
    assert documents_requeue_stuck(older_than=timedelta(minutes=5)) == 0
    Document.objects.filter(pk=document.pk).update(check_queued_at=timezone.now() - timedelta(minutes=10))
    assert documents_requeue_stuck(older_than=timedelta(minutes=5)) == 1  # runs in process here
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED


def test_orphan_sweep_removes_only_old_unreferenced_files(branch):
    claim = make_claim(branch=branch)
    kept = _upload(claim, _required_types(claim)[0], corpus.good_jpeg())
    storage = documents_storage()
    now = timezone.now()
    old_orphan = storage.save(f"documents/{now:%Y/%m}/{'a' * 32}", ContentFile(b"rolled back"))
    young_orphan = storage.save(f"documents/{now:%Y/%m}/{'b' * 32}", ContentFile(b"being committed"))
    two_hours_ago = time.time() - 7200
    for name in (old_orphan, kept.file.name):
        os.utime(storage.path(name), (two_hours_ago, two_hours_ago))
    assert documents_sweep_orphans(min_age=timedelta(hours=1)) == 1
    assert not storage.exists(old_orphan)
    assert storage.exists(young_orphan)
    assert storage.exists(kept.file.name)
