"""The checks' verdict and a claimant replacing the same file take their locks in one order.

Found by the real-worker test under load: the verdict wrote the document's row, then
waited for the claim's row, while an upload replacing that file held the claim's row and
waited for the document's. PostgreSQL then kills one of them (deadlock detected).
"""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction

from claims.models import Claim
from documents.models import Document, DocumentStatus
from documents.services import document_check, document_upload
from tests.factories import BranchFactory, make_claim, make_jpeg

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]


def _wait_until_blocked(errors: list, timeout: float = 10.0) -> None:
    """Until another session of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction PostgreSQL keeps one snapshot of its activity views.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError(f"the verdict never waited for the claim's lock: {errors}")


def test_replacing_a_draft_file_while_its_verdict_is_written_does_not_deadlock(monkeypatch):
    # Tasks run in process in tests; here the worker's run is the thread below, so the
    # upload's hand-off to the broker is held back (it is the edge, not the code tested).
    monkeypatch.setattr("documents.services.uploads.document_check_enqueue", lambda document_id: None)
    claim = make_claim(branch=BranchFactory())
    ktp = claim.reason.requirements.filter(required=True).first().document_type
    first = document_upload(claim=claim, document_type=ktp, uploaded=SimpleUploadedFile("a.jpg", make_jpeg(text="a")))
    errors: list[BaseException] = []

    def verdict() -> None:
        try:
            document_check(document_id=first.pk)
        except BaseException as error:  # noqa: BLE001 (reported to the test below)
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        # The upload's first step: the claim's row, held while the old file's row is written.
        Claim.objects.select_for_update().get(pk=claim.pk)
        checker = threading.Thread(target=verdict)
        checker.start()
        _wait_until_blocked(errors)
        second = document_upload(
            claim=claim, document_type=ktp, uploaded=SimpleUploadedFile("b.jpg", make_jpeg(text="b"))
        )
    checker.join(timeout=30)

    assert not checker.is_alive()
    assert errors == []
    current = Document.objects.filter(claim=claim, document_type=ktp).exclude(status="replaced")
    assert list(current.values_list("pk", flat=True)) == [second.pk]
    assert current.get().status == DocumentStatus.CHECKING
