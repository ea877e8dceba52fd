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
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, ClaimEvent, OneTimeCode, Status
from claims.services import claim_record_event

logger = logging.getLogger(__name__)

CLOSED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.CANCELLED)
# What stays in a field that may not be empty (date of birth), and in the name fields, so a
# person reading the record sees at once that it was anonymised, not lost.
ANONYMISED = "[dihapus]"
ANONYMISED_BIRTH_DATE = dt.date(1900, 1, 1)


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
    from documents.services import documents_purge_for_claim
    from interviews.models import InterviewAttempt
    from notifications.models import InboundMessage, Message, NumberHealth

    now = now or timezone.now()
    with transaction.atomic():
        claim = (
            claims_due_for_anonymising(now=now).select_for_update(skip_locked=True, of=("self",)).filter(pk=claim_id)
        ).first()
        if claim is None:
            return None
        phones = {p for p in (claim.phone, claim.heir_phone) if p}
        files = documents_purge_for_claim(claim=claim)
        Message.objects.filter(claim=claim).update(to="", body=ANONYMISED, error="")
        # A number's health and the replies from it go with the person, unless another live
        # claim still uses the number (its interview confirmations arrive as replies).
        still_used = set(
            Claim.objects.filter(anonymised_at__isnull=True)
            .exclude(pk=claim.pk)
            .filter(Q(phone__in=phones) | Q(heir_phone__in=phones))
            .values_list("phone", "heir_phone")
            .iterator()
        )
        gone = phones - {p for pair in still_used for p in pair}
        NumberHealth.objects.filter(phone__in=gone).delete()
        InboundMessage.objects.filter(from_number__in=gone).delete()
        OneTimeCode.objects.filter(claim=claim).delete()
        InterviewAttempt.objects.filter(interview__claim=claim).update(note="")
        ClaimEvent.objects.filter(claim=claim).exclude(note="").update(note="")
        claim.nik = claim.kpj_number = claim.phone = claim.email = ""
        claim.full_name = ANONYMISED
        claim.date_of_birth = ANONYMISED_BIRTH_DATE
        claim.heir_name = ANONYMISED if claim.heir_name else ""
        claim.heir_nik = claim.heir_phone = ""
        claim.anonymised_at = now
        claim.save(
            update_fields=[
                "nik",
                "kpj_number",
                "phone",
                "email",
                "full_name",
                "date_of_birth",
                "heir_name",
                "heir_nik",
                "heir_phone",
                "anonymised_at",
                "updated_at",
            ]
        )
        claim_record_event(claim=claim, reason="anonymised")
    logger.info("claim %s anonymised after its retention period (%d stored files deleted)", claim_id, files)
    return files


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
