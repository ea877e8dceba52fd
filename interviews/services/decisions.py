"""The officer's decision on a claim, and what it does to the call.

Approving, rejecting and cancelling close the claim; a closed claim has no call left to
make, so its active interview (with its pending reminders) is called off in the same
transaction. They live here, above claims/, because the decision follows the interview:
claims/ knows nothing of interviews.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from claims.models import ALLOWED_TRANSITIONS, CancelReason, Claim, Status
from claims.selectors import claim_payment_due
from claims.services import (
    REJECT_EXPLANATIONS,
    ClaimTransitionNotAllowed,
    RejectReason,
    claim_cancel,
    claim_lock_for_change,
    claim_notify,
    claim_status_path,
    claim_touch,
    claim_transition,
    reject_reasons_allowed,
)

from ..selectors import interview_active_for_claim
from .booking import interview_cancel


def _interview_call_off(claim: Claim, *, by) -> None:
    """A closed claim has no call left to make: its active interview (and the interview's pending
    reminders) are cancelled in the caller's transaction. The claim is closed by now, so the
    claimant gets the decision's message only, not a second one about the call."""
    interview = interview_active_for_claim(claim)
    if interview is not None:
        interview_cancel(interview=interview, by=by, note=claim.status)


def _pay_by(claim: Claim) -> str:
    """The last working day of the programme's payment days from the approval, at the claim's branch."""
    day = claim_payment_due(claim)
    assert day is not None  # called once the claim is approved
    with translation.override(claim.language):
        return dateformat.format(day, "l, j F Y")


def claim_approve(*, claim: Claim, by, claim_version: int) -> Claim:
    """Approve after the call (the table allows it from interview_done only); the claimant is told
    when the money comes, where to follow it and whom to call."""
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        locked = claim_transition(claim=locked, to=Status.APPROVED, by=by)
        with translation.override(locked.language):
            programme = locked.programme.localized("name")
        claim_notify(
            claim=locked,
            template="claim_approved",
            context={
                "link_path": claim_status_path(locked),
                "programme": programme,
                "payment_days": locked.programme.payment_days,
                "pay_by": _pay_by(locked),
            },
        )
        _interview_call_off(locked, by=by)
        locked = claim_touch(claim=locked, by=by)
    return locked


def claim_reject(*, claim: Claim, reason: RejectReason, note: str = "", by, claim_version: int) -> Claim:
    """Turn the claim down with a reason from the fixed list; the claimant is told why.

    DOMAIN.md, no decision without the call: before the call (any status but interview_done)
    only ``ineligible`` or ``duplicate`` may be the reason; it is judged under the claim's lock.
    """
    note = (note or "").strip()
    if reason not in RejectReason.values:
        raise ValidationError(_("Pilih alasan penolakan."), code="reason")
    if reason == RejectReason.OTHER and not note:
        raise ValidationError(_("Tulis catatan untuk alasan lainnya."), code="note")
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        rejectable = Status.REJECTED in ALLOWED_TRANSITIONS[locked.status]
        if rejectable and RejectReason(reason) not in reject_reasons_allowed(locked):
            raise ValidationError(
                _(
                    "Sebelum video call, klaim hanya bisa ditolak karena tidak memenuhi syarat atau klaim ganda. "
                    "Untuk alasan lain, jadwalkan video call dulu."
                ),
                code="before_call",
            )
        locked = claim_transition(claim=locked, to=Status.REJECTED, by=by, reason=reason, note=note)
        claim_notify(
            claim=locked,
            template="claim_rejected",
            context={
                "link_path": claim_status_path(locked),
                "explanation": str(REJECT_EXPLANATIONS[RejectReason(reason)]),
                "note": note,
            },
        )
        _interview_call_off(locked, by=by)
        locked = claim_touch(claim=locked, by=by)
    return locked


def claim_cancel_by_staff(*, claim: Claim, reason: CancelReason, note: str = "", by, claim_version: int) -> Claim:
    """Cancel from the console, always with a reason code (DOMAIN: every cancellation has one)."""
    if reason not in CancelReason.values:
        raise ValidationError(_("Pilih alasan pembatalan."), code="reason")
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        if locked.status == Status.CANCELLED:
            raise ClaimTransitionNotAllowed(locked, Status.CANCELLED)
        locked = claim_cancel(claim=locked, reason=CancelReason(reason), by=by, note=(note or "").strip())
        _interview_call_off(locked, by=by)
        locked = claim_touch(claim=locked, by=by)
    return locked
