"""Every write to a claim: intake, the lifecycle, cancellation."""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import message_send

from ..models import (
    ALLOWED_TRANSITIONS,
    Branch,
    CancelReason,
    Channel,
    Claim,
    ClaimEvent,
    ClaimReason,
    Status,
)
from ..selectors import claim_checklist, claim_missing_requirements

logger = logging.getLogger(__name__)


class TransitionNotAllowed(Exception):
    def __init__(self, claim: Claim, to: str):
        super().__init__(f"claim {claim.pk}: {claim.status} → {to} is not allowed")
        self.from_status, self.to_status = claim.status, to


@dataclass(frozen=True)
class ClaimantData:
    """What a claimant tells about themselves, already validated and normalised."""

    nik: str
    kpj_number: str
    full_name: str
    date_of_birth: dt.date
    phone: str
    email: str = ""
    heir_name: str = ""
    heir_nik: str = ""
    heir_relation: str = ""
    heir_phone: str = ""


def claim_create(
    *,
    intake_token: uuid.UUID,
    reason: ClaimReason,
    branch: Branch,
    data: ClaimantData,
    channel: Channel = Channel.ELECTRONIC,
    language: str = "id",
    by=None,
) -> Claim:
    """Create a draft claim, once per intake form: the same token posted twice gives the same claim."""
    existing = Claim.objects.filter(intake_token=intake_token).first()
    if existing is not None:
        return existing
    if reason.needs_heir and not (data.heir_name and data.heir_nik and data.heir_relation and data.heir_phone):
        raise ValidationError(_("Data ahli waris wajib diisi untuk klaim ini."))
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                intake_token=intake_token,
                programme=reason.programme,
                reason=reason,
                branch=branch,
                channel=channel,
                language=language,
                **data.__dict__,
            )
            ClaimEvent.objects.create(claim=claim, actor=by, from_status="", to_status=Status.DRAFT)
    except IntegrityError:
        # A concurrent post of the same form won the race: its claim is ours.
        return Claim.objects.get(intake_token=intake_token)
    logger.info("claim %s created (draft)", claim.pk)
    return claim


def claim_transition(*, claim: Claim, to: Status, by=None, reason: str = "", note: str = "") -> Claim:
    """The only writer of Claim.status: lock, check the table, save, record, in one transaction."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if to not in ALLOWED_TRANSITIONS[locked.status]:
            raise TransitionNotAllowed(locked, to)
        now = timezone.now()
        from_status = locked.status
        locked.status = to
        locked.version += 1
        fields = ["status", "version", "updated_at"]
        if to == Status.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = now
            fields.append("submitted_at")
        if to == Status.CANCELLED:
            locked.cancel_reason = reason
            fields.append("cancel_reason")
        if to in (Status.APPROVED, Status.REJECTED, Status.CANCELLED):
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        ClaimEvent.objects.create(
            claim=locked, at=now, actor=by, from_status=from_status, to_status=to, reason=reason, note=note[:500]
        )
    logger.info("claim %s: %s → %s", locked.pk, from_status, to)
    return locked


def claim_submit(*, claim: Claim, by=None) -> Claim:
    """Send a draft in. Refused while a required document is missing; a second submit changes nothing."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != Status.DRAFT:
            return claim
        missing = claim_missing_requirements(claim)
        if missing:
            names = ", ".join(requirement.document_type.localized("name") for requirement in missing)
            raise ValidationError(_("Dokumen ini belum diunggah: %(names)s.") % {"names": names}, code="missing")
        claim = claim_transition(claim=claim, to=Status.SUBMITTED, by=by)
        claim = claim_documents_changed(claim=claim)
        message_send(
            to=claim.contact_phone,
            template="claim_submitted",
            context={
                "reference": claim.reference,
                "programme": claim.programme.code,
                "status_path": f"{reverse('portal:status_start')}?nomor={claim.reference}",
            },
            claim=claim,
            language=claim.language,
        )
    return claim


def claim_cancel(*, claim: Claim, reason: CancelReason, by=None, note: str = "") -> Claim:
    """Cancel an open claim with a reason code. Cancelling a cancelled claim changes nothing."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status == Status.CANCELLED:
            return claim
        claim = claim_transition(claim=claim, to=Status.CANCELLED, by=by, reason=reason, note=note)
        if reason == CancelReason.CLAIMANT_REQUEST:
            message_send(
                to=claim.contact_phone,
                template="claim_cancelled",
                context={"reference": claim.reference},
                claim=claim,
                language=claim.language,
            )
    return claim


# Where a submitted claim stands follows from its documents' verdicts.
DOCUMENT_DRIVEN_STATUSES = frozenset({Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX})


def claim_documents_changed(*, claim: Claim) -> Claim:
    """Recompute a submitted claim's status from its current documents.

    Any document still being checked → "checking" (and nothing is said yet: the batch is
    not complete). Otherwise any rejected or missing required document → "needs_fix",
    and the claimant gets ONE message listing everything to redo that they were not yet
    told about. Otherwise every required document is accepted → "in_review".
    Runs under the claim's row lock, so two verdicts finishing together send one message.
    """
    from documents.models import DocumentStatus

    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).select_related("programme", "reason").get(pk=claim.pk)
        if claim.status not in DOCUMENT_DRIVEN_STATUSES:
            return claim
        if (
            claim.channel == Channel.DROPBOX
            and claim.status == Status.SUBMITTED
            and not claim.envelopes.exists()
            and claim_missing_requirements(claim)
        ):
            return claim  # the paper is on its way: nothing to judge before the envelope is opened
        items = claim_checklist(claim)
        documents = [item.document for item in items if item.document is not None]
        if any(document.status == DocumentStatus.CHECKING for document in documents):
            target = Status.CHECKING
        elif any(not item.done for item in items if item.requirement.required) or any(
            document.status == DocumentStatus.REJECTED for document in documents
        ):
            target = Status.NEEDS_FIX
        else:
            target = Status.IN_REVIEW
        # The lifecycle passes through "checking" on the way to a verdict: submitted →
        # checking, and needs_fix → checking when an officer's decisions complete the claim.
        if target != claim.status and target not in ALLOWED_TRANSITIONS[claim.status]:
            claim = claim_transition(claim=claim, to=Status.CHECKING)
        if target != claim.status:
            claim = claim_transition(claim=claim, to=target)
        if target == Status.NEEDS_FIX:
            claim_send_fix_list(claim, items)
    return claim


def claim_send_fix_list(claim: Claim, items) -> None:
    """Tell the claimant, in one message, every rejected document they were not told about yet.

    The one path for automatic and officer rejections alike; callers hold the claim's lock.
    """
    from documents.checks.codes import fix_hint
    from documents.models import Document, DocumentStatus

    rejected = [
        item.document
        for item in items
        if item.document is not None
        and item.document.status == DocumentStatus.REJECTED
        and item.document.fix_notified_at is None
    ]
    if not rejected:
        return
    with translation.override(claim.language):
        lines = [f"- {document.document_type.localized('name')}: {fix_hint(document)}" for document in rejected]
    Document.objects.filter(pk__in=[document.pk for document in rejected]).update(fix_notified_at=timezone.now())
    message_send(
        to=claim.contact_phone,
        template="claim_needs_fix",
        context={
            "reference": claim.reference,
            "lines": lines,
            "link_path": f"{reverse('portal:status_start')}?nomor={claim.reference}",
        },
        claim=claim,
        language=claim.language,
    )


def claim_record_event(*, claim: Claim, reason: str, note: str = "", by=None) -> ClaimEvent:
    """Something worth keeping on the claim's history that does not change its status."""
    return ClaimEvent.objects.create(
        claim=claim, actor=by, from_status=claim.status, to_status=claim.status, reason=reason, note=note[:500]
    )
