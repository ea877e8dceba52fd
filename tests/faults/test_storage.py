"""The S3 endpoint down for a while (moto's server stopped, then started on the same port).

The issue asks for 30 s; the outage here lasts OUTAGE_SECONDS (5 s) to keep the test
bounded. Nothing in the application counts the length of an outage: the worker's check
retries with back-off (CheckUnavailable) and the beat sweep requeues what is left, the
upload page answers 503 at once. So 5 s exercises the same paths as 30 s: a check that
meets the outage more than once, a claimant who tries during it, and recovery after it.
"""

import hashlib
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import Document, DocumentStatus
from documents.tasks import documents_requeue_stuck_task
from tests.factories import BranchFactory, make_claim, make_jpeg, open_claim_in
from tests.s3 import BUCKET, s3_client
from tests.worker import wait_for

from .conftest import elapsed, start_worker, worker_storage_env
from .pages import assert_friendly_503

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue"), pytest.mark.s3]

OUTAGE_SECONDS = 5


def _upload(client, claim, type_code: str, content: bytes):
    return client.post(
        reverse("portal:document", args=[claim.reference, type_code]),
        {"file": SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg")},
    )


def test_s3_down_checks_wait_uploads_get_the_503_page_and_everything_finishes_once_it_is_back(
    settings, outage_s3, private_broker, clamd
):
    claim = make_claim(branch=BranchFactory())
    client = Client(raise_request_exception=False)
    open_claim_in(client, claim)
    first, second = [
        r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")[:2]
    ]
    content_a, content_b = make_jpeg(text="sebelum gangguan"), make_jpeg(text="saat gangguan")

    # Stored and queued while S3 is up; no worker yet, so its check will meet the outage.
    assert _upload(client, claim, first.code, content_a).status_code == 302
    document_a = Document.objects.get(claim=claim, document_type=first)
    stored = s3_client(outage_s3.endpoint).get_object(Bucket=BUCKET, Key=document_a.file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(content_a).hexdigest() == document_a.sha256

    outage_s3.stop()
    down_since = time.monotonic()
    worker = start_worker(
        "s3",
        private_broker,
        ANTIVIRUS_BACKEND="documents.checks.antivirus.ClamdScanner",
        CLAMD_SOCKET=clamd.socket_path,
        DOCUMENT_CHECK_STUCK_AFTER="1",
        **worker_storage_env(settings, outage_s3),
    )
    try:
        wait_for(lambda: "Retry in" in worker.log(), timeout=15, what="the check to meet the outage and retry")
        document_a.refresh_from_db()
        # Not the file's fault: no verdict, and the attempt is given back (a retry may be under way).
        assert document_a.status == DocumentStatus.CHECKING
        assert document_a.check_attempts <= 1

        response = _upload(client, claim, second.code, content_b)
        body = assert_friendly_503(response)
        assert "Berkas yang Anda pilih belum terkirim" in body
        assert not Document.objects.filter(claim=claim, document_type=second).exists()
        # Pages that do not read the storage work as usual.
        assert client.get(reverse("portal:checklist", args=[claim.reference])).status_code == 200

        time.sleep(max(0.0, OUTAGE_SECONDS - elapsed(down_since)))
        outage_s3.start()
        documents_requeue_stuck_task.apply_async()  # as beat does every minute

        def checked():
            document_a.refresh_from_db()
            return document_a.status != DocumentStatus.CHECKING

        wait_for(checked, timeout=20, what="the first document's verdict after the outage")
        assert document_a.status == DocumentStatus.ACCEPTED
        assert document_a.check_attempts == 1

        # The claimant tries again, as the page said.
        assert _upload(client, claim, second.code, content_b).status_code == 302
        document_b = Document.objects.get(claim=claim, document_type=second)
        wait_for(
            lambda: Document.objects.filter(pk=document_b.pk, status=DocumentStatus.ACCEPTED).exists(),
            timeout=20,
            what="the second document's verdict",
        )
    finally:
        worker.stop()
    for document, content in ((document_a, content_a), (document_b, content_b)):
        document.refresh_from_db()
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.file.storage.exists(document.file.name), "the checked copy is stored"
    assert not Document.objects.filter(claim=claim, status=DocumentStatus.CHECKING).exists()
