"""Outcomes of the call, recorded from the officer's interview page."""

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Claim, Status
from claims.services import (
    claim_record_event,
    claim_touch,
    claim_transition,
)

from ..models import (
    AttemptOutcome,
    FailReason,
    IdentityCheck,
    Interview,
    InterviewAttempt,
    InterviewStatus,
)
from ..selectors import (
    interview_attempt_summary,
)
from .booking import (
    InterviewRefused,
    _cancel_live_reminders,
    _lock,
    _tell_claimant,
    interview_reschedule,
)
from .transitions import interview_transition

logger = logging.getLogger(__name__)

# --- outcomes of the call (the officer's interview page) --------------------------------

# What the claimant reads about why the call did not confirm them, in plain words.
FAIL_EXPLANATIONS = {
    FailReason.NO_ANSWER_ALL_ATTEMPTS: gettext_lazy("Kami sudah menelepon beberapa kali, tetapi tidak tersambung."),
    FailReason.IDENTITY_MISMATCH: gettext_lazy("Data diri saat panggilan belum sama dengan dokumen Anda."),
    FailReason.DID_NOT_UNDERSTAND: gettext_lazy("Cara video call belum jelas. Petugas bisa menjelaskannya lagi."),
    FailReason.BAD_CONNECTION: gettext_lazy("Sambungan terputus atau tidak jelas."),
    FailReason.NO_DEVICE: gettext_lazy("Belum ada HP untuk video call. Telepon biasa atau datang ke kantor juga bisa."),
}


def _note(note: str) -> str:
    return (note or "").strip()[:500]


def _lock_for_outcome(interview: Interview, *, by, claim_version: int) -> tuple[Claim, Interview]:
    """Lock as every outcome needs it: the form's version must still be the claim's, the call still on."""
    claim, locked = _lock(interview, by=by, claim_version=claim_version)
    if not locked.is_active or claim.status != Status.INTERVIEW_SCHEDULED:
        raise InterviewRefused(_("Video call ini sudah tidak berlaku."))
    return claim, locked


def _clean_checks(checks: Sequence[str] | None) -> list[str]:
    return [value for value in IdentityCheck.values if value in set(checks or ())]


def interview_mark_confirmed(*, interview: Interview, checks: Sequence[str], note: str = "", by, claim_version: int):
    """Identity confirmed on the call: the interview is done and the claim is ready for a decision.

    Every item of the identity checklist must be ticked: a confirmation is the agency's word
    that the person on the call is the claimant.
    """
    checks = _clean_checks(checks)
    if len(checks) != len(IdentityCheck.values):
        raise InterviewRefused(_("Centang semua pemeriksaan identitas sebelum menyatakan terkonfirmasi."))
    with transaction.atomic():
        claim, locked = _lock_for_outcome(interview, by=by, claim_version=claim_version)
        InterviewAttempt.objects.create(
            interview=locked, by=by, outcome=AttemptOutcome.CONFIRMED, checks=checks, note=_note(note)
        )
        _cancel_live_reminders(locked, note="interview done")
        locked = interview_transition(interview=locked, to=InterviewStatus.DONE)
        claim = claim_transition(
            claim=claim, to=Status.INTERVIEW_DONE, by=by, reason="interview_done", note=_note(note)
        )
        claim_touch(claim=claim, by=by)
    logger.info("interview %s done: identity confirmed", locked.pk)
    return locked


def interview_mark_no_answer(
    *, interview: Interview, checks: Sequence[str] = (), note: str = "", by, claim_version: int
):
    """Nobody answered: the attempt is kept and the interview stays on for another try.

    Refused once the attempts are used up (INTERVIEW_MAX_ATTEMPTS, or INTERVIEW_ATTEMPT_DAYS
    after the first): the officer records a failed confirmation instead.
    """
    with transaction.atomic():
        claim, locked = _lock_for_outcome(interview, by=by, claim_version=claim_version)
        summary = interview_attempt_summary(locked)
        if summary.propose_failure:
            raise InterviewRefused(_("Percobaan panggilan sudah habis. Catat konfirmasi gagal (tidak diangkat)."))
        attempt = InterviewAttempt.objects.create(
            interview=locked, by=by, outcome=AttemptOutcome.NO_ANSWER, checks=_clean_checks(checks), note=_note(note)
        )
        claim_record_event(
            claim=claim,
            reason="interview_no_answer",
            note=f"{summary.no_answer + 1}/{settings.INTERVIEW_MAX_ATTEMPTS} {_note(note)}".strip(),
            by=by,
        )
        claim_touch(claim=claim, by=by)
    logger.info("interview %s: no answer (attempt %s)", locked.pk, attempt.pk)
    return attempt


def interview_move_on_request(
    *, interview: Interview, starts_at: dt.datetime, note: str = "", by, claim_version: int
) -> Interview:
    """The claimant asked on the call for another time: the request is logged and the call moved
    (interview_reschedule: new reminders, a message with the new time) in one transaction."""
    with transaction.atomic():
        moved = interview_reschedule(interview=interview, starts_at=starts_at, by=by, claim_version=claim_version)
        InterviewAttempt.objects.create(interview=moved, by=by, outcome=AttemptOutcome.RESCHEDULE, note=_note(note))
    return moved


def interview_mark_failed(
    *, interview: Interview, reason: str, checks: Sequence[str] = (), note: str = "", by, claim_version: int
) -> Interview:
    """Failed confirmation: the claim moves to failed_confirmation and the claimant is told why,
    with the way back (reply, call the call centre, or visit the branch; the branch books anew)."""
    if reason not in FailReason.values:
        raise InterviewRefused(_("Pilih alasan konfirmasi gagal."))
    with transaction.atomic():
        claim, locked = _lock_for_outcome(interview, by=by, claim_version=claim_version)
        InterviewAttempt.objects.create(
            interview=locked,
            by=by,
            outcome=AttemptOutcome.FAILED,
            reason=reason,
            checks=_clean_checks(checks),
            note=_note(note),
        )
        locked = interview_fail(claim=claim, interview=locked, reason=FailReason(reason), note=_note(note), by=by)
        claim_touch(claim=locked.claim, by=by)
    logger.info("interview %s: failed confirmation (%s)", locked.pk, reason)
    return locked


def interview_fail(*, claim: Claim, interview: Interview, reason: FailReason, note: str = "", by=None) -> Interview:
    """The call is over without a confirmation: its reminders go, the claim moves to
    failed_confirmation, and the claimant is told why with the way back. Callers hold the
    claim's and the interview's locks (the officer's outcome, or the expiry sweep's, by=None)."""
    _cancel_live_reminders(interview, note="failed confirmation")
    interview = interview_transition(interview=interview, to=InterviewStatus.FAILED)
    claim = claim_transition(claim=claim, to=Status.FAILED_CONFIRMATION, by=by, reason=reason, note=note)
    interview.claim = claim
    with translation.override(claim.language):
        explanation = str(FAIL_EXPLANATIONS[reason])
    _tell_claimant(interview, "interview_failed", explanation=explanation)
    return interview
