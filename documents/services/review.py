"""An officer's verdict on documents, after the automatic checks.

The officer may overrule an automatic rejection or reject a document the checks let
through, with a reason from ``rejections.OFFICER_REJECTIONS``. Rejections reach the
claimant the way automatic ones do: one message per batch, listing what to redo, with
the link (``progress.claim_send_fix_list``). The console posts every
decision of its page at once, so a session of several rejections is one message.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, Status
from claims.selectors import call_choice_invited_at
from claims.services import (
    OfficerActionRefused,
    call_choice_invite,
    claim_lock_for_change,
    claim_touch,
    claim_transition,
)

from ..models import Document, DocumentStatus
from ..rejections import OFFICER_REJECTION_NEEDS_NOTE, OFFICER_REJECTIONS
from ..selectors import claim_checklist, claim_current_documents
from .progress import DOCUMENT_DRIVEN_STATUSES, claim_documents_changed, claim_send_fix_list
from .transitions import DocumentTransitionNotAllowed, document_transition

logger = logging.getLogger(__name__)

# Where an officer's verdict on a document still means something for the claim.
REVIEW_STATUSES = frozenset({*DOCUMENT_DRIVEN_STATUSES, Status.IN_REVIEW})


@dataclass(frozen=True)
class ReviewDecision:
    document: Document
    accept: bool
    reason: str = ""
    note: str = ""


def _validate(decision: ReviewDecision) -> None:
    if decision.accept:
        return
    if decision.reason not in OFFICER_REJECTIONS:
        raise ValidationError(_("Pilih alasan penolakan dokumen."), code="reason")
    if decision.reason in OFFICER_REJECTION_NEEDS_NOTE and not decision.note.strip():
        raise ValidationError(_("Tulis catatan untuk alasan lainnya."), code="note")


def documents_review(*, claim: Claim, decisions: list[ReviewDecision], by, claim_version: int) -> Claim:
    """Apply an officer's verdicts on documents of one claim, then move the claim once.

    Only the current document of its type, with a verdict of the checks (not still
    "checking"), is reviewed; the row is written with a conditional update under the
    claim's lock. A claim "in_review" with a rejection goes back to "needs_fix"; a claim
    still driven by its documents is recomputed (all accepted → "in_review"). Either way
    the claimant gets one message listing every rejection not yet told.
    """
    if not decisions:
        raise ValidationError(_("Belum ada keputusan dokumen yang dipilih."), code="empty")
    for decision in decisions:
        _validate(decision)
    if len({decision.document.pk for decision in decisions}) != len(decisions):
        raise ValidationError(_("Satu dokumen hanya boleh diputuskan sekali."), code="twice")
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        if locked.status not in REVIEW_STATUSES:
            raise OfficerActionRefused(_("Dokumen klaim dengan status ini tidak bisa diperiksa lagi."))
        current = claim_current_documents(locked)
        for decision in decisions:
            _review_one(locked, current, decision, by)
        if locked.status == Status.IN_REVIEW and any(not decision.accept for decision in decisions):
            locked = claim_transition(claim=locked, to=Status.NEEDS_FIX, by=by, reason="documents_rejected")
            claim_send_fix_list(locked, claim_checklist(locked))
        elif locked.status in DOCUMENT_DRIVEN_STATUSES:
            # Passes through "checking" on its own when the acceptances complete a claim.
            locked = claim_documents_changed(claim=locked)
        _invite_when_all_accepted(locked)
        locked = claim_touch(claim=locked, by=by)
    logger.info("claim %s: %d documents reviewed by user %s", locked.pk, len(decisions), by.pk)
    return locked


def _invite_when_all_accepted(claim: Claim) -> None:
    """Every required document accepted by an officer: the claimant is invited to choose the call
    (once per time the claim reached in_review)."""
    if claim.status != Status.IN_REVIEW or call_choice_invited_at(claim) is not None:
        return
    items = claim_checklist(claim)
    required = [item for item in items if item.requirement.required]
    if all(item.document is not None and item.document.accepted_by_officer for item in required):
        call_choice_invite(claim=claim)


def _review_one(claim: Claim, current: dict[int, Document], decision: ReviewDecision, by) -> None:
    document = current.get(decision.document.document_type_id)
    name = decision.document.document_type.localized("name")
    if decision.document.claim_id != claim.pk or document is None or document.pk != decision.document.pk:
        raise OfficerActionRefused(
            _("Peserta sudah mengganti dokumen %(name)s. Muat ulang halaman, lalu periksa lagi.") % {"name": name}
        )
    if document.status == DocumentStatus.CHECKING:
        raise OfficerActionRefused(_("Dokumen %(name)s masih diperiksa otomatis. Tunggu sebentar.") % {"name": name})
    if decision.accept and not document.sanitized:
        # Nothing that passed the file checks is kept (broken file, virus): there is nothing to accept.
        raise OfficerActionRefused(
            _("Dokumen %(name)s tidak bisa diterima: berkasnya tidak lolos pemeriksaan berkas.") % {"name": name}
        )
    changes: dict[str, object] = {"reviewed_at": timezone.now(), "reviewed_by": by}
    if decision.accept:
        to = DocumentStatus.ACCEPTED
        changes |= {"rejection_code": "", "rejection_note": ""}
        note = f"{document.document_type.code}: accepted"
        if document.status == DocumentStatus.REJECTED:
            note += f" (was {document.rejection_code})"
    else:
        to = DocumentStatus.REJECTED
        changes |= {
            "rejection_code": decision.reason,
            "rejection_note": decision.note.strip()[:300],
            # Not yet told: the next fix list carries it.
            "fix_notified_at": None,
        }
        note = f"{document.document_type.code}: {decision.reason}"
    try:
        # Never from "checking": the verdict of a run still going on is the checks' to give.
        document_transition(
            document=document,
            to=to,
            only_from=[DocumentStatus.ACCEPTED, DocumentStatus.REJECTED],
            changes=changes,
            claim=claim,
            event="document_accepted" if decision.accept else "document_rejected",
            note=note,
            by=by,
        )
    except DocumentTransitionNotAllowed:
        raise OfficerActionRefused(
            _("Dokumen %(name)s baru saja berubah. Muat ulang halaman.") % {"name": name}
        ) from None


def document_review(
    *, document: Document, accept: bool, reason: str = "", note: str = "", by, claim_version: int
) -> Claim:
    """One document's verdict: a batch of one."""
    return documents_review(
        claim=document.claim,
        decisions=[ReviewDecision(document=document, accept=accept, reason=reason, note=note)],
        by=by,
        claim_version=claim_version,
    )
