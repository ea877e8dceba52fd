"""The background checks of an uploaded document, and the sweeps that keep them honest.

A document is stored as "checking"; ``document_check`` gives it exactly one verdict.
It may run more than once for the same document (a redelivered task, the stuck sweep,
a retry): the verdict is written with a conditional update (``WHERE status =
'checking'``), so only the first run to finish counts and the others throw their work
away. A run that cannot finish because a check could not run (clamd down) or the database
failed it raises ``CheckUnavailable`` and the document stays "checking" until a later run
can: nothing is ever accepted unscanned. A file that kills the worker again and again is
rejected after ``DOCUMENT_CHECK_MAX_ATTEMPTS`` started runs that never finished.
"""

import contextlib
import logging
from datetime import timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from claims.models import Claim
from core.queue import publish

from .. import tasks
from ..checks import Candidate, CheckRejected, CheckUnavailable, run_checks
from ..models import Document, DocumentStatus, ScanPage, new_document_key, new_thumbnail_key
from ..pipeline import check_config
from ..storage import documents_storage
from .progress import claim_documents_changed
from .transitions import DocumentTransitionNotAllowed, document_transition

logger = logging.getLogger(__name__)


def document_check_enqueue(document_id) -> None:
    """Queue the check; when the broker is down the upload still stands and the stuck sweep queues it later."""
    # tasks.py imports the services too: the task is looked up on the module when queued.
    publish(tasks.document_check_task, str(document_id), sweep="the stuck-document sweep")


def document_check(*, document_id) -> Document | None:
    """Run every check on one document and record its verdict, once."""
    started = Document.objects.filter(pk=document_id, status=DocumentStatus.CHECKING).update(
        check_attempts=F("check_attempts") + 1
    )
    if not started:
        return None  # a verdict exists already: this run is a repeat
    document = Document.objects.select_related("claim").get(pk=document_id)
    try:
        return _check(document)
    except CheckUnavailable:
        # Not the file's fault: give the attempt back and let the task retry later.
        _give_back_attempt(document)
        raise
    except OperationalError as exc:
        # The database failed this run (a deadlock, a lock or statement timeout, a dropped
        # connection): the verdict was rolled back and the file is not to blame. Give the
        # attempt back if the database answers, and let the task retry in seconds rather
        # than leave the document to the stuck sweep (DOCUMENT_CHECK_STUCK_AFTER).
        with contextlib.suppress(DatabaseError):
            _give_back_attempt(document)
        raise CheckUnavailable(f"database: {exc.__class__.__name__}") from exc


def _check(document: Document) -> Document | None:
    """One started run: the checks, then the verdict."""
    if document.check_attempts > settings.DOCUMENT_CHECK_MAX_ATTEMPTS:
        logger.error(
            "document %s: %d runs never finished; rejecting as unreadable", document.pk, document.check_attempts - 1
        )
        return _record_verdict(document, code="unreadable", candidate=None)
    candidate = Candidate(content=b"", name=document.original_name)
    try:
        candidate.content = _read(document)
        run_checks(candidate, check_config())
        _reject_duplicate(document)
    except CheckRejected as rejection:
        logger.info("document %s rejected: %s", document.pk, rejection.code)
        candidate.details.update(rejection.details)
        return _record_verdict(document, code=rejection.code, candidate=candidate)
    return _record_verdict(document, code="", candidate=candidate)


def _give_back_attempt(document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(check_attempts=F("check_attempts") - 1)


def _read(document: Document) -> bytes:
    """The uploaded bytes; a storage that cannot answer now is a reason to retry, not to reject."""
    try:
        with document.file.open("rb") as stored:
            return stored.read()
    except FileNotFoundError:
        raise CheckRejected("unreadable", reason="stored file missing") from None
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise CheckRejected("unreadable", reason="stored file missing") from None
        raise CheckUnavailable(f"storage: {exc}") from exc
    except (BotoCoreError, OSError) as exc:
        raise CheckUnavailable(f"storage: {exc}") from exc


def _reject_duplicate(document: Document) -> None:
    """The same file already stands for another document of this claim."""
    others = Document.objects.filter(claim_id=document.claim_id, sha256=document.sha256).exclude(pk=document.pk)
    # A rejected or replaced file stands for nothing any more.
    others = others.exclude(document_type_id=document.document_type_id).exclude(
        status__in=(DocumentStatus.REJECTED, DocumentStatus.REPLACED)
    )
    if others.exists():
        raise CheckRejected("duplicate")


def _record_verdict(document: Document, *, code: str, candidate: Candidate | None) -> Document | None:
    storage = documents_storage()
    clean = candidate.clean if candidate is not None else None
    thumbnail = candidate.thumbnail if candidate is not None else None
    new_file = new_thumbnail = ""
    if clean is not None:
        new_file = storage.save(new_document_key(document, ""), ContentFile(clean))
    if thumbnail is not None:
        new_thumbnail = storage.save(new_thumbnail_key(document, ""), ContentFile(thumbnail))
    virus = code == "virus"  # the infected file is deleted below, and the claim says so
    changes: dict[str, Any] = {
        "rejection_code": code,
        "checked_at": timezone.now(),
        "details": candidate.details if candidate is not None else {},
    }
    if candidate is not None and candidate.content_type:
        changes["content_type"] = candidate.clean_content_type or candidate.content_type
    if clean is not None:
        changes["file"] = new_file
        changes["size"] = len(clean)
    if new_thumbnail:
        changes["thumbnail"] = new_thumbnail
    # Served only when what is in `file` passed the file checks: the clean copy, or a checked PDF.
    changes["sanitized"] = bool(new_file) or (not code and candidate is not None)
    if code and not new_file:
        changes["file"] = ""  # a rejected original (broken, wrong type, infected) is not kept
    replaced_name = document.file.name
    with transaction.atomic():
        # The claim's row first, as every writer of a claim's documents takes it (an upload
        # replacing this very file holds it while it writes the old row): the other order
        # deadlocks with a claimant replacing the file while it is checked.
        Claim.objects.select_for_update(of=("self",)).filter(pk=document.claim_id).first()
        try:
            # Only from "checking": of two runs of one document, the first to finish counts.
            document_transition(
                document=document,
                to=DocumentStatus.REJECTED if code else DocumentStatus.ACCEPTED,
                only_from=[DocumentStatus.CHECKING],
                changes=changes,
                event="virus_found" if virus else "",
                note=f"{document.document_type_id}: file deleted" if virus else "",
            )
        except DocumentTransitionNotAllowed:
            # Another run gave the verdict first: throw this run's copies away.
            transaction.on_commit(lambda: _delete_names(new_file, new_thumbnail))
            return None
        if changes.get("file", replaced_name) != replaced_name:
            transaction.on_commit(lambda: _delete_names(replaced_name))
        claim_documents_changed(claim=Claim.objects.get(pk=document.claim_id))
    document.refresh_from_db()
    logger.info("document %s: %s", document.pk, document.status)
    return document


def _delete_names(*names: str) -> None:
    storage = documents_storage()
    for name in names:
        if name:
            storage.delete(name)


# --- sweeps (Celery beat) ---------------------------------------------------------------


def documents_requeue_stuck(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Queue again every document still "checking" long after it was last queued."""
    if older_than is None:
        older_than = timedelta(seconds=settings.DOCUMENT_CHECK_STUCK_AFTER)
    cutoff = timezone.now() - older_than
    stuck = list(
        Document.objects.filter(status=DocumentStatus.CHECKING, check_queued_at__lt=cutoff)
        .order_by("check_queued_at")
        .values_list("pk", flat=True)[:limit]
    )
    for document_id in stuck:
        # Conditional, so two sweeps at once queue it once.
        if Document.objects.filter(pk=document_id, check_queued_at__lt=cutoff).update(check_queued_at=timezone.now()):
            document_check_enqueue(document_id)
    if stuck:
        logger.info("requeued %d documents stuck in checking", len(stuck))
    return len(stuck)


def documents_sweep_orphans(*, min_age: timedelta | None = None, months: int = 2) -> int:
    """Delete stored files no document refers to (left by uploads whose transaction rolled back).

    Only files older than ``min_age`` go, so an upload between its storage write and
    its database commit is never touched. Keys are partitioned by month: the sweep
    walks the current and previous months only.
    """
    if min_age is None:
        min_age = timedelta(seconds=settings.DOCUMENT_ORPHAN_MIN_AGE)
    storage = documents_storage()
    now = timezone.now()
    removed = 0
    for prefix in _month_prefixes(now, months):
        try:
            _, names = storage.listdir(prefix)
        except FileNotFoundError:
            continue
        keys = [f"{prefix}/{name}" for name in names]
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            referenced = set(Document.objects.filter(file__in=batch).values_list("file", flat=True))
            referenced |= set(Document.objects.filter(thumbnail__in=batch).values_list("thumbnail", flat=True))
            referenced |= set(ScanPage.objects.filter(file__in=batch).values_list("file", flat=True))
            for key in batch:
                if key in referenced:
                    continue
                if now - storage.get_modified_time(key) < min_age:
                    continue
                storage.delete(key)
                removed += 1
    if removed:
        logger.info("removed %d orphaned document files", removed)
    return removed


def _month_prefixes(now, months: int) -> list[str]:
    prefixes = []
    year, month = now.year, now.month
    for _ in range(months):
        for top in ("documents", "thumbnails", "scans"):
            prefixes.append(f"{top}/{year:04d}/{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return prefixes
