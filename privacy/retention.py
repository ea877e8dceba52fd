"""Retention of personal data (UU PDP No. 27/2022): closed claims are kept, the person is not.

Once a claim has been closed (approved, rejected, cancelled) for
PERSONAL_DATA_RETENTION_DAYS, a beat sweep deletes its files (documents, thumbnails,
dropbox scans) and overwrites every field that identifies the claimant or the heir: NIK,
KPJ number, names, date of birth, phones, e-mail, and the free text staff or messages
wrote about them; a number's health and the replies received from it, once no live
claim uses the number any more. What the managers' figures count stays: programme,
reason, branch, channel, statuses, timestamps, rejection codes, reminders and their
delivery states.

Each claim is anonymised in its own transaction under its row lock (skip_locked: two
sweeps never work on the same claim) and marked with anonymised_at, so a second run
does nothing. The access logs are not touched: who looked at what stays accountable.

What is erased, and how, is each app's own declaration (its personal_data.py, see
core/personal_data.py); this module only walks them.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Status
from claims.services import claim_record_event
from core.personal_data import PersonalData

from . import declarations

logger = logging.getLogger(__name__)

CLOSED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.CANCELLED)


@dataclass
class RetentionResult:
    claims: int = 0
    files: int = 0


def claims_due_for_anonymising(*, now: dt.datetime | None = None):
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    return Claim.objects.filter(status__in=CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True)


def claim_anonymise(*, claim_id: int, now: dt.datetime | None = None) -> int | None:
    """Delete the claim's files and personal fields; the number of stored objects deleted,
    or None when the claim is not due (any more) or another sweep holds it."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = (
            claims_due_for_anonymising(now=now).select_for_update(skip_locked=True, of=("self",)).filter(pk=claim_id)
        ).first()
        if claim is None:
            return None
        phones = declarations.claim_phones(claim)
        # Rows kept by phone go with the person, unless another live claim still uses the number.
        gone = phones - declarations.phones_still_used(phones, besides=claim)
        names: list[tuple] = []
        for declaration in declarations.of_claims():
            _erase(declaration, declarations.rows_of_claim(declaration, claim), names)
        for declaration in declarations.of_phones():
            _erase(declaration, declarations.rows_of_phones(declaration, gone), names)
        Claim.objects.filter(pk=claim.pk).update(anonymised_at=now, updated_at=now)
        claim_record_event(claim=claim, reason="anonymised")
        transaction.on_commit(lambda: _delete_stored(claim_id, names))
    logger.info("claim %s anonymised after its retention period (%d stored files deleted)", claim_id, len(names))
    return len(names)


def _erase(declaration: PersonalData, rows, names: list[tuple]) -> None:
    """One declaration's part: note its stored files, then purge, delete or overwrite the rows."""
    for row in rows.only("pk", *declaration.files) if declaration.files else ():
        for name in declaration.files:
            stored = getattr(row, name)
            if stored:
                names.append((stored.storage, stored.name))
    if declaration.purge is not None:
        declaration.purge(rows)
    if declaration.delete:
        rows.delete()
    elif declaration.erase:
        declarations.not_yet_erased(declaration, rows).update(**declaration.erase)


def _delete_stored(claim_id: int, names: list[tuple]) -> None:
    for storage, name in names:
        try:
            storage.delete(name)
        except Exception:  # a missing object is fine; another error: the orphan sweep retries
            logger.warning("claim %s: stored object could not be deleted now", claim_id)


def claims_anonymise_due(*, now: dt.datetime | None = None) -> RetentionResult:
    """The beat sweep: up to PERSONAL_DATA_RETENTION_BATCH claims a run. Safe to run twice at once."""
    result = RetentionResult()
    ids = list(
        claims_due_for_anonymising(now=now)
        .order_by("closed_at", "pk")
        .values_list("pk", flat=True)[: settings.PERSONAL_DATA_RETENTION_BATCH]
    )
    for claim_id in ids:
        files = claim_anonymise(claim_id=claim_id, now=now)
        if files is not None:
            result.claims += 1
            result.files += files
    return result
