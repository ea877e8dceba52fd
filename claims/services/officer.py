"""What branch staff do to a claim in the console.

Every change here starts the same way (``claim_lock_for_change``): lock the claim row,
refuse the change when the claim moved on since the officer's page was loaded (the
form carries ``Claim.version``: a stale edit), and refuse it while another officer
holds a live assignment. It ends the same way (``claim_touch``): the version goes up so
other open pages become stale, and the actor's hold is refreshed. Status changes go
through ``claim_transition`` only.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.staff import is_manager

from ..models import OPEN_STATUSES, Claim, ClaimDataAccess, DocumentType, Status
from .lifecycle import claim_transition
from .messaging import claim_notify, claim_status_path

logger = logging.getLogger(__name__)


class RejectReason(models.TextChoices):
    """Why an officer turns a claim down. Sent to the claimant; "other" needs a note."""

    INELIGIBLE = "ineligible", gettext_lazy("Tidak memenuhi syarat")
    DATA_MISMATCH = "data_mismatch", gettext_lazy("Data tidak sesuai dengan dokumen")
    DUPLICATE = "duplicate", gettext_lazy("Klaim ganda")
    OTHER = "other", gettext_lazy("Lainnya")


# What the claimant reads about each reason, in plain words.
REJECT_EXPLANATIONS = {
    RejectReason.INELIGIBLE: gettext_lazy("Klaim Anda belum memenuhi syarat program ini."),
    RejectReason.DATA_MISMATCH: gettext_lazy("Data di klaim tidak sama dengan data di dokumen atau data kepesertaan."),
    RejectReason.DUPLICATE: gettext_lazy("Klaim yang sama sudah pernah diajukan."),
    RejectReason.OTHER: gettext_lazy("Lihat catatan petugas."),
}


# DOMAIN.md, no decision without the call: before the video call confirmed the claimant
# (interview_done) a claim may be turned down only for these, which need no call to see.
REJECT_BEFORE_CALL = frozenset({RejectReason.INELIGIBLE, RejectReason.DUPLICATE})


def reject_reasons_allowed(claim: Claim) -> list[RejectReason]:
    """The reasons a claim in its current status may be rejected with (the console offers only these)."""
    if claim.status == Status.INTERVIEW_DONE:
        return list(RejectReason)
    return [reason for reason in RejectReason if reason in REJECT_BEFORE_CALL]


class OfficerActionRefused(Exception):
    """A console action that cannot be done now; ``message`` is for the officer, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleEdit(OfficerActionRefused):
    """The claim changed after the officer's page was loaded: their form speaks of an older claim."""

    def __init__(self, claim: Claim, changed_by: str):
        super().__init__(
            _("Klaim ini baru saja diubah oleh %(name)s. Muat ulang halaman, lalu periksa lagi.") % {"name": changed_by}
        )
        self.claim = claim
        self.changed_by = changed_by


class ClaimHeld(OfficerActionRefused):
    """Another officer holds a live assignment on the claim."""

    def __init__(self, claim: Claim):
        since = timezone.localtime(claim.assigned_at).strftime("%H:%M")
        super().__init__(
            _("Klaim ini sedang ditangani oleh %(name)s sejak pukul %(since)s.")
            % {"name": claim.assigned_to, "since": since}
        )
        self.holder = claim.assigned_to


# --- assignment -----------------------------------------------------------------------


def assignment_lapse() -> timedelta:
    return timedelta(minutes=settings.CLAIM_ASSIGNMENT_LAPSE_MINUTES)


def claim_holder(claim: Claim, *, now: datetime | None = None):
    """Who holds the claim now, or None: the hold lapses after CLAIM_ASSIGNMENT_LAPSE_MINUTES quiet."""
    if claim.assigned_to_id is None or claim.assigned_at is None:
        return None
    if claim.assigned_at < (now or timezone.now()) - assignment_lapse():
        return None
    return claim.assigned_to


def _held_by_other(claim: Claim, user) -> bool:
    holder = claim_holder(claim)
    return holder is not None and holder.pk != user.pk


def _last_changed_by(claim: Claim) -> str:
    """Whose change made the form stale: the latest event's actor, or the system."""
    event = claim.events.select_related("actor").order_by("-at", "-id").first()
    if event is not None and event.actor is not None:
        return str(event.actor)
    return _("sistem")


def claim_lock_for_change(*, claim: Claim, by, claim_version: int, take_over: bool = False) -> Claim:
    """Lock the claim for an officer's change; call inside ``transaction.atomic``.

    Raises StaleEdit when the claim's version is not the one the form was built from,
    and ClaimHeld while someone else's hold is live (managers may take over).
    """
    locked = Claim.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=claim.pk)
    if locked.version != claim_version:
        raise StaleEdit(locked, _last_changed_by(locked))
    if _held_by_other(locked, by) and not (take_over and is_manager(by)):
        raise ClaimHeld(locked)
    return locked


def claim_touch(*, claim: Claim, by) -> Claim:
    """After an officer's change: a new version (other open pages go stale), and their hold refreshed.

    A claim the change has closed is nobody's to hold any more.
    """
    now = timezone.now()
    still_open = Claim.objects.filter(pk=claim.pk).values_list("status", flat=True).get() in OPEN_STATUSES
    Claim.objects.filter(pk=claim.pk).update(
        version=F("version") + 1,
        assigned_to=by if still_open else None,
        assigned_at=now if still_open else None,
        updated_at=now,
    )
    return Claim.objects.select_related("assigned_to").get(pk=claim.pk)


def claim_take(*, claim: Claim, by, claim_version: int) -> Claim:
    """ "Saya tangani": the officer holds the claim until they release it or stay quiet too long.

    Refused while someone else's hold is live; a branch (or higher) manager may take over.
    Taking does not change the version: it changes nobody's view of the claim itself.
    """
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version, take_over=True)
        if not locked.is_open or locked.status == Status.DRAFT:
            raise OfficerActionRefused(_("Klaim ini tidak sedang menunggu petugas."))
        previous = claim_holder(locked)
        locked.assigned_to, locked.assigned_at = by, timezone.now()
        locked.save(update_fields=["assigned_to", "assigned_at"])
    if previous is not None and previous.pk != by.pk:
        logger.info("claim %s taken over by user %s from user %s", locked.pk, by.pk, previous.pk)
    return locked


def claim_release(*, claim: Claim, by) -> Claim:
    """Let go of a claim. Someone else's live hold is released only by a manager."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=claim.pk)
        if locked.assigned_to_id is None:
            return locked
        if _held_by_other(locked, by) and not is_manager(by):
            raise ClaimHeld(locked)
        locked.assigned_to, locked.assigned_at = None, None
        locked.save(update_fields=["assigned_to", "assigned_at"])
    return locked


# --- personal data --------------------------------------------------------------------


def claim_reveal_nik(*, claim: Claim, by, ip: str, user_agent: str) -> ClaimDataAccess:
    """Record that a member of staff is shown the full NIK (UU PDP: every look is accounted for)."""
    access = ClaimDataAccess.objects.create(
        claim=claim,
        user=by,
        what=ClaimDataAccess.What.NIK,
        ip_address=ip or None,
        user_agent=(user_agent or "")[:200],
    )
    logger.info("claim %s: full NIK shown to user %s", claim.pk, by.pk)
    return access


# --- decisions ------------------------------------------------------------------------


def claim_request_documents(
    *, claim: Claim, document_types: list[DocumentType], note: str = "", by, claim_version: int
) -> Claim:
    """Ask the claimant for more documents: the claim waits for them ("needs_fix") and they are told once.

    The types come from the claim's own requirements (the claimant can only upload those).
    """
    note = (note or "").strip()
    if not document_types and not note:
        raise ValidationError(_("Pilih dokumen yang diminta atau tulis catatan untuk peserta."), code="empty")
    allowed = set(claim.reason.requirements.values_list("document_type_id", flat=True))
    if any(document_type.pk not in allowed for document_type in document_types):
        raise ValidationError(_("Dokumen ini tidak diperlukan untuk klaim ini."), code="not_required")
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        codes = ", ".join(document_type.code for document_type in document_types)
        locked = claim_transition(
            claim=locked,
            to=Status.NEEDS_FIX,
            by=by,
            reason="more_documents",
            note=" — ".join(filter(None, [codes, note])),
        )
        claim_notify(
            claim=locked,
            template="claim_more_documents",
            context={
                "link_path": claim_status_path(locked),
                "names": [document_type.localized("name") for document_type in document_types],
                "note": note,
            },
        )
        locked = claim_touch(claim=locked, by=by)
    return locked
