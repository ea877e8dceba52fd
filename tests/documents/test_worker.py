"""The document checks end to end with real parts: a Celery worker process fed by Redis,
a clamd started for the session, and storage in S3 (moto's server on loopback).

Tests here are transactional: the worker is another process and sees committed rows only.
"""

import io

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from claims.models import ClaimEvent, Status
from documents.models import Document, DocumentStatus
from documents.services import claim_submit, document_upload
from notifications.models import Message
from tests.documents import corpus
from tests.factories import BranchFactory, make_claim, make_jpeg
from tests.s3 import BUCKET, s3_environment
from tests.slow_proxy import SlowProxy
from tests.worker import WorkerProcess, purge_broker, require_redis, wait_for, worker_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]

VERDICT_TIMEOUT = 30


@pytest.fixture(scope="module")
def broker():
    require_redis()
    purge_broker()


def _start_worker(name: str, clamd_env: dict, s3_endpoint: str) -> WorkerProcess:
    env = worker_env(
        ANTIVIRUS_BACKEND="documents.checks.antivirus.ClamdScanner",
        **clamd_env,
        **s3_environment(s3_endpoint),
    )
    try:
        return WorkerProcess(name, env).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def worker(broker, clamd, s3_endpoint):
    """One worker per test, so a test that starts its own worker has the queue to itself."""
    process = _start_worker("checks", {"CLAMD_SOCKET": clamd.socket_path}, s3_endpoint)
    yield process
    process.stop()


@pytest.fixture
def real_queue(settings, s3, clamd, monkeypatch):
    """This test process publishes to Redis instead of running tasks itself; same S3 and clamd as the worker."""
    clamd.use(settings)
    settings.ANTIVIRUS_BACKEND = "documents.checks.antivirus.ClamdScanner"
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    return s3


def _upload(claim, document_type, content: bytes, name: str = "foto.jpg") -> Document:
    return document_upload(claim=claim, document_type=document_type, uploaded=SimpleUploadedFile(name, content))


def _verdict(document: Document, timeout: float = VERDICT_TIMEOUT) -> Document:
    def done():
        document.refresh_from_db()
        return document.status != DocumentStatus.CHECKING

    wait_for(done, timeout=timeout, what=f"a verdict on document {document.pk}")
    return document


def _required_types(claim):
    return [r.document_type for r in claim.reason.requirements.filter(required=True).select_related("document_type")]


def test_worker_checks_uploads_and_tells_the_claimant_once(worker, real_queue):
    claim = make_claim(branch=BranchFactory())
    types = _required_types(claim)
    documents = [_upload(claim, document_type, make_jpeg(text=f"dokumen {n}")) for n, document_type in enumerate(types)]
    documents[0] = _upload(claim, types[0], corpus.jpeg_with_eicar(), "ktp.jpg")
    documents[1] = _upload(claim, types[1], corpus.black_jpeg(), "kk.jpg")
    claim = claim_submit(claim=claim)
    assert claim.status == Status.CHECKING

    for document in documents:
        _verdict(document)
    infected, dark, *good = documents
    assert infected.rejection_code == "virus"
    assert not infected.file
    assert ClaimEvent.objects.filter(claim=claim, reason="virus_found").count() == 1
    assert dark.rejection_code == "image_too_dark"
    for document in good:
        assert document.status == DocumentStatus.ACCEPTED
        assert document.sanitized
        stored = real_queue.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read()
        with Image.open(io.BytesIO(stored)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()

    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX
    message = wait_for(
        lambda: Message.objects.filter(claim=claim, template="claim_needs_fix").first(), timeout=10, what="message"
    )
    assert Message.objects.filter(claim=claim, template="claim_needs_fix").count() == 1
    assert "virus" in message.body
    assert "Foto terlalu gelap" in message.body


def _accepted(claim, document_type, content: bytes) -> Document:
    """A document already through its checks: the setup of a test about another one."""
    from django.core.files.base import ContentFile

    document = Document(
        claim=claim,
        document_type=document_type,
        content_type="image/jpeg",
        size=len(content),
        sha256=f"{document_type.pk:064d}",
        status=DocumentStatus.ACCEPTED,
        sanitized=True,
    )
    document.file.save("ready", ContentFile(content), save=False)
    document.save()
    return document


def test_worker_killed_mid_check_gives_one_verdict_and_one_message(broker, clamd, s3_endpoint, real_queue):
    # clamd's answer is held back 3 s: time to SIGKILL the pool process in the middle of the scan.
    proxy = SlowProxy(("127.0.0.1", clamd.tcp_port), delay=3.0)
    clamd_env = {"CLAMD_SOCKET": "", "CLAMD_HOST": "127.0.0.1", "CLAMD_PORT": str(proxy.port)}
    process = _start_worker("killed", clamd_env, s3_endpoint)
    try:
        claim = make_claim(branch=BranchFactory())
        victim_type, *other_types = _required_types(claim)
        for n, document_type in enumerate(other_types):
            _accepted(claim, document_type, make_jpeg(text=f"dokumen {n}"))
        victim = _upload(claim, victim_type, corpus.black_jpeg(), "ktp.jpg")
        claim = claim_submit(claim=claim)
        wait_for(lambda: proxy.connections >= 1, timeout=20, what="the scan to start")
        process.kill_pool_child()

        victim = _verdict(victim, timeout=60)
        assert victim.rejection_code == "image_too_dark"
        assert victim.check_attempts == 2, "one run killed, one finished"
        assert proxy.connections == 2
        claim.refresh_from_db()
        assert claim.status == Status.NEEDS_FIX
        wait_for(lambda: Message.objects.filter(claim=claim, template="claim_needs_fix").exists(), timeout=10)
        assert Message.objects.filter(claim=claim, template="claim_needs_fix").count() == 1
    finally:
        process.stop()
        proxy.close()


def test_clamd_down_documents_wait_then_pass_when_it_is_back(worker, real_queue, clamd):
    claim = make_claim(branch=BranchFactory())
    clamd.stop()
    try:
        document = _upload(claim, _required_types(claim)[0], make_jpeg(text="menunggu"))
        with pytest.raises(AssertionError):
            _verdict(document, timeout=4)
        document.refresh_from_db()
        assert document.status == DocumentStatus.CHECKING
        assert not document.sanitized
    finally:
        clamd.start()
    document = _verdict(document, timeout=60)
    assert document.status == DocumentStatus.ACCEPTED
