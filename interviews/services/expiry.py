"""A call nobody answers ends, and so does a claim whose call failed and was never booked again.

DOMAIN.md: every claim ends; a call nobody answers ends, after the attempts, in
failed_confirmation, with the way back. Two steps, each by the daily beat sweep, each
counted in working days of the claim's branch (claims/workdays.py):

- an interview whose attempts are used up (INTERVIEW_MAX_ATTEMPTS unanswered calls, or
  INTERVIEW_ATTEMPT_DAYS since the first) that the officer has not closed one working day
  after the last try is closed by the service: failed confirmation, reason "not answered
  after every attempt", and the claimant gets the failure's message with the way back
  (reply, call 175, or the branch books again);
- a claim left in failed_confirmation CLAIM_CONFIRMATION_EXPIRE_DAYS working days without a
  new booking is cancelled with the reason ``failed_confirmation`` (its message says how to
  start again: claims.services.claim_cancel).

Safe to run twice at once: each claim is taken with SELECT … FOR UPDATE SKIP LOCKED and
judged again under its lock.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from claims.models import CancelReason, Claim, ClaimEvent, Status
from claims.services import claim_cancel
from claims.workdays import WorkingDays
from core.batches import id_batches

from ..models import ACTIVE_INTERVIEW_STATUSES, AttemptOutcome, FailReason, Interview, InterviewAttempt
from ..selectors import interview_attempt_summary
from .outcomes import interview_fail

logger = logging.getLogger(__name__)


@dataclass
class InterviewExpiryResult:
    failed: int = 0
    cancelled: int = 0


def interviews_expiry_sweep(*, now: dt.datetime | None = None) -> InterviewExpiryResult:
    """The beat sweep; it goes through every candidate, CLAIM_EXPIRY_BATCH a query."""
    now = now or timezone.now()
    result = InterviewExpiryResult()
    unanswered = (
        Interview.objects.filter(status__in=ACTIVE_INTERVIEW_STATUSES, claim__status=Status.INTERVIEW_SCHEDULED)
        .filter(attempts__outcome=AttemptOutcome.NO_ANSWER)
        .distinct()
    )
    for batch in id_batches(unanswered, size=settings.CLAIM_EXPIRY_BATCH):
        result.failed += sum(_fail_if_used_up(interview_id, now=now) for interview_id in batch)
    since = (
        ClaimEvent.objects.filter(claim=OuterRef("pk"), to_status=Status.FAILED_CONFIRMATION)
        .order_by("-at")
        .values("at")[:1]
    )
    # N working days span at least N dates; two days of slack for the time of day and the zones.
    slack = dt.timedelta(days=max(settings.CLAIM_CONFIRMATION_EXPIRE_DAYS - 2, 0))
    failed = (
        Claim.objects.filter(status=Status.FAILED_CONFIRMATION)
        .annotate(since=Subquery(since))
        .filter(since__lt=now - slack)
    )
    for batch in id_batches(failed, size=settings.CLAIM_EXPIRY_BATCH):
        result.cancelled += sum(_cancel_if_never_rebooked(claim_id, now=now) for claim_id in batch)
    return result


def _local(instant: dt.datetime, claim: Claim) -> dt.date:
    return instant.astimezone(ZoneInfo(claim.branch.time_zone)).date()


def _fail_if_used_up(interview_id: int, *, now: dt.datetime) -> int:
    with transaction.atomic():
        interview = (
            Interview.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=interview_id, status__in=ACTIVE_INTERVIEW_STATUSES)
            .first()
        )
        if interview is None:
            return 0
        claim = (
            Claim.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("branch")
            .filter(pk=interview.claim_id)
        )
        locked_claim = claim.first()
        if locked_claim is None or locked_claim.status != Status.INTERVIEW_SCHEDULED:
            return 0
        summary = interview_attempt_summary(interview, now=now)
        last_try = (
            InterviewAttempt.objects.filter(interview=interview).order_by("-at").values_list("at", flat=True).first()
        )
        calendar = WorkingDays.for_branch(locked_claim.branch_id)
        if not summary.propose_failure or last_try is None:
            return 0
        if calendar.between(_local(last_try, locked_claim), _local(now, locked_claim)) < 1:
            return 0  # the officer has the rest of the day to record it
        interview_fail(claim=locked_claim, interview=interview, reason=FailReason.NO_ANSWER_ALL_ATTEMPTS, note="expiry")
    logger.info("interview %s closed by the expiry sweep: not answered after every attempt", interview_id)
    return 1


def _cancel_if_never_rebooked(claim_id: int, *, now: dt.datetime) -> int:
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("branch")
            .filter(pk=claim_id, status=Status.FAILED_CONFIRMATION)
            .first()
        )
        if claim is None:
            return 0
        since = (
            ClaimEvent.objects.filter(claim=claim, to_status=Status.FAILED_CONFIRMATION)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if since is None:
            return 0
        waited = WorkingDays.for_branch(claim.branch_id).between(_local(since, claim), _local(now, claim))
        if waited < settings.CLAIM_CONFIRMATION_EXPIRE_DAYS:
            return 0
        claim_cancel(claim=claim, reason=CancelReason.FAILED_CONFIRMATION, note="expiry")
    logger.info("claim %s cancelled by the expiry sweep: failed confirmation never booked again", claim_id)
    return 1
