"""Redis (the Celery broker) killed and restarted empty while a claimant uploads and submits.

The private Redis of tests/faults/conftest.py, with a real worker on it. Redis runs
without persistence, so what it held when it died is gone, as after the worst restart.
The claimant must not notice: every upload answers as usual and is stored, the claim is
sent in, and once Redis is back the beat sweeps (documents-requeue-stuck,
notifications-reconcile-stuck; published here as beat publishes them) queue what could
not be queued. The worker is started with DOCUMENT_CHECK_STUCK_AFTER and
NOTIFICATION_STUCK_AFTER of 1 s and NOTIFICATION_RETRY_BACKOFF_MAX of 0 (a message is
"unpublished" once it waited longer than both) instead of minutes: the worker's clock
cannot be moved, and the meaning ("older than the limit") is the same.
"""

import hashlib
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from claims.models import Status
from documents.models import Document, DocumentStatus
from documents.tasks import documents_requeue_stuck_task
from notifications.models import Message, MessageStatus
from notifications.tasks import messages_reconcile_stuck_task
from tests.factories import BranchFactory, make_claim, make_jpeg, open_claim_in
from tests.worker import wait_for

from .conftest import elapsed, start_worker, worker_storage_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]

# The upload page must answer promptly while Redis is down (CELERY_TASK_PUBLISH_RETRY_POLICY).
PAGE_LIMIT_SECONDS = 5


@pytest.fixture
def worker(private_broker, clamd, settings):
    process = start_worker(
        "redis",
        private_broker,
        ANTIVIRUS_BACKEND="documents.checks.antivirus.ClamdScanner",
        CLAMD_SOCKET=clamd.socket_path,
        DOCUMENT_CHECK_STUCK_AFTER="1",
        NOTIFICATION_STUCK_AFTER="1",
        NOTIFICATION_RETRY_BACKOFF_MAX="0",
        **worker_storage_env(settings),
    )
    yield process
    process.stop()


def _upload(client, claim, type_code: str, content: bytes):
    began = time.monotonic()
    response = client.post(
        reverse("portal:document", args=[claim.reference, type_code]),
        {"file": SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg")},
    )
    assert elapsed(began) < PAGE_LIMIT_SECONDS
    return response


def _stored_sha256(document: Document) -> str:
    with document.file.open("rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def test_redis_restarted_during_uploads_loses_nothing_and_checks_everything_once(worker, private_broker):
    claim = make_claim(branch=BranchFactory())
    client = Client(raise_request_exception=False)
    open_claim_in(client, claim)
    types = [r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")]
    contents = {t.code: make_jpeg(text=f"dokumen {t.code}") for t in types}
    first, *rest = types

    assert _upload(client, claim, first.code, contents[first.code]).status_code == 302
    wait_for(
        lambda: Document.objects.filter(claim=claim, status=DocumentStatus.ACCEPTED).exists(),
        timeout=20,
        what="the first verdict, Redis up",
    )

    private_broker.stop()
    try:
        for document_type in rest:
            response = _upload(client, claim, document_type.code, contents[document_type.code])
            assert response.status_code == 302, response.content.decode()[:500]
            assert response["Location"] == reverse("portal:checklist", args=[claim.reference])
        # The upload itself is kept, byte for byte, waiting for its check.
        waiting = list(Document.objects.filter(claim=claim, status=DocumentStatus.CHECKING))
        assert len(waiting) == len(rest)
        for document in waiting:
            content = contents[document.document_type.code]
            assert document.sha256 == hashlib.sha256(content).hexdigest() == _stored_sha256(document)
        assert client.get(reverse("portal:checklist", args=[claim.reference])).status_code == 200
        # Sending the claim in needs no broker either: the message about it waits.
        response = client.post(reverse("portal:submit", args=[claim.reference]))
        assert response.status_code == 302, response.content.decode()[:500]
        assert response["Location"] == reverse("portal:submitted", args=[claim.reference])
        assert client.get(response["Location"]).status_code == 200
    finally:
        private_broker.start()  # empty: nothing published before the crash survived it
    claim.refresh_from_db()
    assert claim.status == Status.CHECKING
    submitted = Message.objects.get(claim=claim, template="claim_submitted")
    assert submitted.status == MessageStatus.QUEUED

    time.sleep(1.1)  # past the worker's 1 s "stuck" limits
    documents_requeue_stuck_task.apply_async()
    messages_reconcile_stuck_task.apply_async()

    def all_checked():
        return not Document.objects.filter(claim=claim, status=DocumentStatus.CHECKING).exists()

    wait_for(all_checked, timeout=30, what="every document checked after the restart")
    for document in Document.objects.filter(claim=claim):
        assert document.status == DocumentStatus.ACCEPTED, document.rejection_code
        assert document.sha256 == hashlib.sha256(contents[document.document_type.code]).hexdigest()
        assert document.check_attempts == 1
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW

    def delivered():
        submitted.refresh_from_db()
        return submitted.status == MessageStatus.SENT

    wait_for(delivered, timeout=15, what="the claim_submitted message, queued again by the sweep")
    assert submitted.attempts == 1
    assert Message.objects.filter(claim=claim, template="claim_submitted").count() == 1
    assert not Message.objects.filter(claim=claim).exclude(status=MessageStatus.SENT).exists()
