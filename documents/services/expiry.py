"""Claims waiting for the claimant's documents end, nudged first (DOMAIN.md: every claim ends).

Two kinds of claim wait for the claimant: a draft nobody finishes, and a claim sent back
for a fix ("needs_fix"). Each is nudged, once every NUDGE_DAYS working days of its branch
in which the claimant did nothing, at most twice; and it is cancelled EXPIRE_DAYS working
days after the claimant's last move:

- a draft: nudged with a fresh finish-later link (CLAIM_DRAFT_NUDGE_DAYS), cancelled
  ``expired`` after CLAIM_DRAFT_EXPIRE_DAYS;
- a fix: nudged with what is still missing (CLAIM_FIX_NUDGE_DAYS), cancelled after
  CLAIM_FIX_EXPIRE_DAYS: ``upload_failed`` when the last try at a missing document was
  refused by the automatic checks, ``incomplete_documents`` otherwise.

The claimant's last move is the latest of: the claim made (a draft) or sent back (a fix),
and a document uploaded. Each nudge is a line on the claim's history (``draft_nudged``,
``fix_nudged``), which is also how the sweep knows how many went out since that move.
The cancellation's message to the claimant (why, and how to start again) is
claims.services.claim_cancel's.

The beat sweep is safe to run twice at once: each claim is taken with SELECT … FOR UPDATE
SKIP LOCKED and judged again under its lock.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import dateformat, timezone, translation

from claims.models import CancelReason, Claim, ClaimEvent, Status
from claims.services import claim_cancel, claim_notify, claim_record_event, claim_status_path, resume_link_nudge
from claims.workdays import WorkingDays
from core.batches import id_batches

from ..checks.codes import REJECTION_CODES
from ..models import Document, DocumentStatus
from ..rejections import fix_hint
from ..selectors import claim_checklist

logger = logging.getLogger(__name__)

NUDGES = 2
DRAFT_NUDGED = "draft_nudged"
FIX_NUDGED = "fix_nudged"


@dataclass(frozen=True)
class Stage:
    status: Status
    nudge_event: str
    nudge_days: int
    expire_days: int


def _stages() -> dict[str, Stage]:
    return {
        Status.DRAFT: Stage(
            Status.DRAFT, DRAFT_NUDGED, settings.CLAIM_DRAFT_NUDGE_DAYS, settings.CLAIM_DRAFT_EXPIRE_DAYS
        ),
        Status.NEEDS_FIX: Stage(
            Status.NEEDS_FIX, FIX_NUDGED, settings.CLAIM_FIX_NUDGE_DAYS, settings.CLAIM_FIX_EXPIRE_DAYS
        ),
    }


@dataclass
class ExpiryResult:
    nudged: int = 0
    cancelled: dict[str, int] = field(default_factory=dict)


def _with_last_move(claims: QuerySet[Claim]) -> QuerySet[Any]:  # annotated: django-stubs cannot see last_move
    """Annotate ``last_move``: the claimant's latest move (see the module's docstring)."""
    latest_upload = (
        Document.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(at=Max("created_at"))
    )
    sent_back = (
        ClaimEvent.objects.filter(claim=OuterRef("pk"), to_status=Status.NEEDS_FIX)
        .exclude(from_status=Status.NEEDS_FIX)
        .order_by()
        .values("claim")
        .annotate(at=Max("at"))
    )
    return claims.annotate(
        last_move=Greatest(
            F("created_at"),
            Coalesce(Subquery(latest_upload.values("at")), F("created_at")),
            Coalesce(Subquery(sent_back.values("at")), F("created_at")),
            output_field=DateTimeField(),
        )
    )


def _candidates(now: dt.datetime) -> QuerySet[Any]:
    """Claims that may be due: waiting for the claimant about as many calendar days as the
    shortest nudge period (N working days span at least N dates; two days of slack cover
    the time of day and the zones). Each is judged exactly under its lock."""
    shortest = min(stage.nudge_days for stage in _stages().values())
    return _with_last_move(Claim.objects.filter(status__in=list(_stages()))).filter(
        last_move__lt=now - dt.timedelta(days=max(shortest - 2, 0))
    )


def claims_expiry_sweep(*, now: dt.datetime | None = None) -> ExpiryResult:
    """The beat sweep: every claim due a nudge or its end, CLAIM_EXPIRY_BATCH claims a query."""
    now = now or timezone.now()
    result = ExpiryResult()
    for batch in id_batches(_candidates(now), size=settings.CLAIM_EXPIRY_BATCH):
        calendars = WorkingDays.for_branches(Claim.objects.filter(pk__in=batch).values_list("branch_id", flat=True))
        for claim_id in batch:
            _expire_one(claim_id, now=now, calendars=calendars, result=result)
    return result


def _expire_one(claim_id: int, *, now: dt.datetime, calendars: dict[int, WorkingDays], result: ExpiryResult) -> None:
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("branch", "programme", "reason")
            .filter(pk=claim_id, status__in=list(_stages()))
            .first()
        )
        if claim is None:
            return  # another sweep holds it, or the claimant moved it on
        # Read under the lock: an upload that committed before it counts.
        last_move: dt.datetime = (
            _with_last_move(Claim.objects.filter(pk=claim.pk)).values_list("last_move", flat=True).get()
        )
        stage = _stages()[claim.status]
        zone = ZoneInfo(claim.branch.time_zone)
        calendar = calendars.get(claim.branch_id) or WorkingDays.for_branch(claim.branch_id)
        waited = calendar.between(last_move.astimezone(zone).date(), now.astimezone(zone).date())
        if waited >= stage.expire_days:
            reason = _cancel_reason(claim)
            claim_cancel(claim=claim, reason=reason, note="expiry")
            result.cancelled[reason] = result.cancelled.get(reason, 0) + 1
            logger.info("claim %s cancelled by the expiry sweep (%s, %s)", claim.pk, stage.status, reason)
            return
        nudges = claim.events.filter(reason=stage.nudge_event, at__gt=last_move).count()
        if nudges < NUDGES and waited >= stage.nudge_days * (nudges + 1):
            closes_on = calendar.add(last_move.astimezone(zone).date(), stage.expire_days)
            _nudge(claim, stage, closes_on=closes_on)
            result.nudged += 1


def _cancel_reason(claim: Claim) -> CancelReason:
    if claim.status == Status.DRAFT:
        return CancelReason.EXPIRED
    missing = [item for item in claim_checklist(claim) if item.requirement.required and not item.done]
    refused = [item.document for item in missing if item.document is not None]
    last_try = max(refused, key=lambda document: document.created_at, default=None)
    if (
        last_try is not None
        and last_try.status == DocumentStatus.REJECTED
        and last_try.rejection_code in REJECTION_CODES
    ):
        return CancelReason.UPLOAD_FAILED
    return CancelReason.INCOMPLETE_DOCUMENTS


def _nudge(claim: Claim, stage: Stage, *, closes_on: dt.date) -> None:
    with translation.override(claim.language):
        closes = dateformat.format(closes_on, "l, j F Y")
        if stage.status == Status.DRAFT:
            resume_link_nudge(claim=claim, closes_on=closes)
        else:
            missing = [item for item in claim_checklist(claim) if item.requirement.required and not item.done]
            lines = [
                f"- {item.requirement.document_type.localized('name')}"
                + (f": {fix_hint(item.document)}" if item.document is not None else "")
                for item in missing
            ]
            claim_notify(
                claim=claim,
                template="claim_fix_nudge",
                context={"lines": lines, "closes_on": closes, "link_path": claim_status_path(claim)},
            )
    claim_record_event(claim=claim, reason=stage.nudge_event, note=f"closes {closes_on.isoformat()}")
    logger.info("claim %s nudged (%s)", claim.pk, stage.status)
