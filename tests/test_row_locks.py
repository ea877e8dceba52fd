"""Row locks take only the row they mean.

PostgreSQL's SELECT … FOR UPDATE locks a row of every table in the join. A claim locked
with its programme and reason joined in also locked the reason row every claim of that
reason shares: document checks finishing side by side queued behind each other, and two
of them taking the shared rows in opposite orders deadlocked (bench/load.py found three
documents left "checking" that way). Locks name their own table (``of=("self",)``), and a
verdict the database failed is retried by the task, not left to the stuck sweep.
"""

import ast
import contextlib
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from claims.models import Status
from documents.checks import CheckUnavailable
from documents.models import Document, DocumentStatus
from documents.services import claim_documents_changed, document_check, document_upload
from tests.documents import corpus
from tests.factories import BranchFactory, make_claim

REPO = Path(__file__).resolve().parent.parent
APPS = ("accounts", "claims", "console", "documents", "interviews", "lapakasik", "notifications")


def _chain(call: ast.Call) -> dict[str, ast.Call]:
    """The method calls of the queryset chain ending in ``call``, by name: ``{"get": …, "select_related": …}``."""
    calls = {}
    node = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.setdefault(node.func.attr, node)
        node = node.func.value
    return calls


def _joined_locks_without_of(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        chain = _chain(node)
        lock = chain.get("select_for_update")
        if lock is None or "select_related" not in chain:
            continue
        if not any(keyword.arg == "of" for keyword in lock.keywords):
            lines.append(node.lineno)
    return sorted(set(lines))  # the calls inside one chain start on its line too


def test_the_guard_finds_a_joined_lock_without_of():
    bad = 'Claim.objects.select_for_update().select_related("reason").get(pk=1)'
    good = 'Claim.objects.select_for_update(of=("self",)).select_related("reason").get(pk=1)'
    assert _joined_locks_without_of(bad) == [1]
    assert _joined_locks_without_of(good) == []
    assert _joined_locks_without_of("Claim.objects.select_for_update().get(pk=1)") == []


def test_no_lock_with_a_join_locks_the_joined_rows_too():
    found = []
    for app in APPS:
        for path in (REPO / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found += [f"{path.relative_to(REPO)}:{line}" for line in _joined_locks_without_of(path.read_text())]
    assert not found, f"select_for_update with select_related must say of=('self',): {found}"


def _other_connection() -> psycopg.Connection:
    """A second session on the test database, as another web process or worker would hold."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=False)


@contextlib.contextmanager
def _lock_timeout(ms: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{int(ms)}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_catalogue")
def test_a_claims_documents_change_waits_for_no_other_claim_of_its_programme_or_reason():
    claim = make_claim(branch=BranchFactory())
    with _other_connection() as other:
        # Another claim's transaction holds the rows every claim of this reason shares.
        other.execute("SELECT 1 FROM claims_programme WHERE id = %s FOR UPDATE", [claim.programme_id])
        other.execute("SELECT 1 FROM claims_claimreason WHERE id = %s FOR UPDATE", [claim.reason_id])
        with _lock_timeout(500):
            # before of=("self",): "lock timeout" after 0.5 s instead of an answer
            changed = claim_documents_changed(claim=claim)
        other.rollback()
    assert (changed.pk, changed.status) == (claim.pk, Status.DRAFT)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_catalogue")
def test_a_verdict_the_database_fails_is_retried_with_the_attempt_given_back():
    claim = make_claim(branch=BranchFactory())
    requirement = claim.reason.requirements.filter(required=True).select_related("document_type").first()
    document = document_upload(
        claim=claim,
        document_type=requirement.document_type,
        uploaded=SimpleUploadedFile("ktp.jpg", corpus.good_jpeg()),
    )
    # Checked already (eager, on commit); start again from "checking" with the clean copy.
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.CHECKING, checked_at=None, check_attempts=0)
    with _other_connection() as other:
        other.execute("SELECT 1 FROM claims_claim WHERE id = %s FOR UPDATE", [claim.pk])
        with _lock_timeout(300), pytest.raises(CheckUnavailable, match="database"):
            document_check(document_id=document.pk)  # the verdict waits for the claim, then times out
        other.rollback()
    document.refresh_from_db()
    assert document.status == DocumentStatus.CHECKING
    assert document.check_attempts == 0

    document = document_check(document_id=document.pk)  # the retry, once the claim is free
    assert document.status == DocumentStatus.ACCEPTED
    assert document.check_attempts == 1
