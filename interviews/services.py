"""Every write about interviews: booking, moving, cancelling, the claimant's answers, and reminders.

Lock order everywhere: claim row, then interview row, then reminder rows. The reminder
sweep takes the same order, so a reschedule and a sweep wait for each other instead of
deadlocking.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Claim, Status
from claims.services import (
    OfficerActionRefused,
    claim_lock_for_change,
    claim_record_event,
    claim_touch,
    claim_transition,
)
from notifications.services import message_send

from .models import (
    ACTIVE_INTERVIEW_STATUSES,
    AttemptOutcome,
    CallChannel,
    FailReason,
    IdentityCheck,
    Interview,
    InterviewAttempt,
    InterviewStatus,
    Reminder,
    ReminderStatus,
)
from .selectors import (
    branch_zone,
    interview_attempt_summary,
    interview_token,
    local_time_text,
    reminder_offsets,
    slot_is_free,
    zone_label,
)

logger = logging.getLogger(__name__)

LIVE_REMINDER_STATUSES = (ReminderStatus.PENDING, ReminderStatus.CLAIMED)
# Statuses a claim may be booked from (the lifecycle table has the final word).
BOOKABLE_CLAIM_STATUSES = frozenset({Status.IN_REVIEW, Status.FAILED_CONFIRMATION})


class InterviewRefused(OfficerActionRefused):
    """A booking or a change that cannot be done now; ``message`` is for the person, in their language."""


# --- messages -------------------------------------------------------------------------


def _officer_name(officer) -> str:
    return officer.get_full_name() or officer.username


def _message_context(interview: Interview) -> dict:
    claim = interview.claim
    branch = claim.branch
    with translation.override(claim.language):
        ready = [
            requirement.document_type.localized("name")
            for requirement in claim.reason.requirements.select_related("document_type")
            if requirement.required
        ]
        channel = str(CallChannel(interview.channel).label)
    return {
        "reference": claim.reference,
        "when": local_time_text(interview.starts_at, branch, language=claim.language),
        "zone": zone_label(branch),
        "officer_name": _officer_name(interview.officer),
        "branch_name": branch.name,
        "branch_number": branch.whatsapp_number,
        "channel": channel,
        "is_phone_call": interview.channel == CallChannel.PHONE_CALL,
        "ready": ready,
        "link_path": reverse("interviews:claimant", args=[interview_token(interview)]),
        "explainer_path": reverse("interviews:how_it_works"),
    }


def _tell_claimant(interview: Interview, template: str, **extra) -> object:
    claim = interview.claim
    return message_send(
        to=claim.contact_phone,
        template=template,
        context={**_message_context(interview), **extra},
        claim=claim,
        language=claim.language,
    )


# --- reminders ------------------------------------------------------------------------


def _plan_reminders(interview: Interview, *, now: dt.datetime) -> list[Reminder]:
    """One row per offset of the branch's plan; an offset already in the past is left out."""
    rows = []
    for offset in reminder_offsets(interview.claim.branch):
        due_at = interview.starts_at - dt.timedelta(minutes=offset)
        if due_at <= now:
            continue
        rows.append(
            Reminder(interview=interview, offset_minutes=offset, for_starts_at=interview.starts_at, due_at=due_at)
        )
    return Reminder.objects.bulk_create(rows)


def _cancel_live_reminders(interview: Interview, *, note: str) -> int:
    """Pending (and claimed-but-unsent) reminders die with the change, in the caller's transaction."""
    return Reminder.objects.filter(interview=interview, status__in=LIVE_REMINDER_STATUSES).update(
        status=ReminderStatus.CANCELLED, note=note
    )


# --- booking --------------------------------------------------------------------------


def interview_book(
    *,
    claim: Claim,
    officer,
    starts_at: dt.datetime,
    channel: CallChannel = CallChannel.WHATSAPP_VIDEO,
    by,
    claim_version: int,
) -> Interview:
    """Book a call in a free slot: the claim moves to interview_scheduled, reminders are planned
    as rows, and the claimant gets one message with the time, the caller and their link."""
    if channel not in CallChannel.values:
        raise InterviewRefused(_("Pilih cara panggilan."))
    try:
        with transaction.atomic():
            locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
            if locked.status not in BOOKABLE_CLAIM_STATUSES:
                raise InterviewRefused(_("Klaim ini tidak sedang menunggu jadwal video call."))
            if Interview.objects.filter(claim=locked, status__in=ACTIVE_INTERVIEW_STATUSES).exists():
                raise InterviewRefused(_("Klaim ini sudah punya jadwal video call."))
            slot = slot_is_free(branch=locked.branch, officer=officer, starts_at=starts_at)
            if slot is None:
                raise InterviewRefused(_("Jam ini sudah tidak tersedia. Pilih jam lain."))
            locked = claim_transition(
                claim=locked, to=Status.INTERVIEW_SCHEDULED, by=by, reason="interview_booked", note=slot.value
            )
            interview = Interview.objects.create(
                claim=locked,
                officer=officer,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                channel=channel,
                created_by=by,
            )
            _plan_reminders(interview, now=timezone.now())
            _tell_claimant(interview, "interview_booked", rescheduled=False)
            claim_touch(claim=locked, by=by)
    except IntegrityError as exc:
        # Another booking took this officer's slot (or this claim) a moment ago.
        raise InterviewRefused(_("Jam ini baru saja diambil. Pilih jam lain.")) from exc
    logger.info("interview %s booked for claim %s", interview.pk, locked.pk)
    return interview


def _lock(interview: Interview, *, by=None, claim_version: int | None = None) -> tuple[Claim, Interview]:
    """Claim first, then the interview (the module's lock order)."""
    if by is not None and claim_version is not None:
        claim = claim_lock_for_change(claim=interview.claim, by=by, claim_version=claim_version)
    else:
        claim = Claim.objects.select_for_update().get(pk=interview.claim_id)
    locked = Interview.objects.select_for_update().select_related("officer").get(pk=interview.pk)
    locked.claim = claim
    return claim, locked


def interview_reschedule(
    *, interview: Interview, starts_at: dt.datetime, by=None, claim_version: int | None = None
) -> Interview:
    """Move the call to another free slot of the same officer, in one transaction: the pending
    reminders are cancelled, new ones planned, and the claimant is told the new time.

    ``by`` None is the claimant through their link.
    """
    try:
        with transaction.atomic():
            claim, locked = _lock(interview, by=by, claim_version=claim_version)
            if not locked.is_active:
                raise InterviewRefused(_("Jadwal ini sudah tidak berlaku."))
            if locked.starts_at == starts_at:
                return locked
            slot = slot_is_free(
                branch=claim.branch, officer=locked.officer, starts_at=starts_at, exclude_interview_id=locked.pk
            )
            if slot is None:
                raise InterviewRefused(_("Jam ini sudah tidak tersedia. Pilih jam lain."))
            _cancel_live_reminders(locked, note="rescheduled")
            locked.starts_at, locked.ends_at = slot.starts_at, slot.ends_at
            # A confirmation was for the old time.
            locked.status, locked.claimant_confirmed_at = InterviewStatus.BOOKED, None
            locked.reschedule_count += 1
            locked.save(update_fields=["starts_at", "ends_at", "status", "claimant_confirmed_at", "reschedule_count"])
            claim = claim_transition(
                claim=claim,
                to=Status.INTERVIEW_SCHEDULED,
                by=by,
                reason="interview_rescheduled" if by is not None else "interview_rescheduled_by_claimant",
                note=slot.value,
            )
            locked.claim = claim
            _plan_reminders(locked, now=timezone.now())
            _tell_claimant(locked, "interview_booked", rescheduled=True)
            if by is not None:
                claim_touch(claim=claim, by=by)
    except IntegrityError as exc:
        raise InterviewRefused(_("Jam ini baru saja diambil. Pilih jam lain.")) from exc
    logger.info("interview %s moved", locked.pk)
    return locked


def interview_cancel(*, interview: Interview, by=None, claim_version: int | None = None, note: str = "") -> Interview:
    """Call off the interview: pending reminders are cancelled in the same transaction and the
    claimant is told. The claim stays interview_scheduled until a new booking or a decision."""
    with transaction.atomic():
        claim, locked = _lock(interview, by=by, claim_version=claim_version)
        if not locked.is_active:
            return locked
        _cancel_live_reminders(locked, note="interview cancelled")
        locked.status = InterviewStatus.CANCELLED
        locked.save(update_fields=["status"])
        claim_record_event(claim=claim, reason="interview_cancelled", note=(note or "").strip(), by=by)
        if claim.is_open:
            _tell_claimant(locked, "interview_cancelled")
        if by is not None and claim_version is not None:
            claim_touch(claim=claim, by=by)
    logger.info("interview %s cancelled", locked.pk)
    return locked


# --- the claimant's answers through their link -----------------------------------------


def interview_confirm(*, interview: Interview) -> Interview:
    """'Ya, saya siap': a second tap changes nothing."""
    with transaction.atomic():
        claim, locked = _lock(interview)
        if not locked.is_active:
            raise InterviewRefused(_("Jadwal ini sudah tidak berlaku."))
        if locked.status == InterviewStatus.CONFIRMED:
            return locked
        locked.status, locked.claimant_confirmed_at = InterviewStatus.CONFIRMED, timezone.now()
        locked.save(update_fields=["status", "claimant_confirmed_at"])
        claim_record_event(claim=claim, reason="interview_confirmed")
    return locked


def interview_request_phone_call(*, interview: Interview) -> Interview:
    """The claimant asks for an ordinary phone call instead of WhatsApp video (no data, no smartphone)."""
    with transaction.atomic():
        claim, locked = _lock(interview)
        if not locked.is_active:
            raise InterviewRefused(_("Jadwal ini sudah tidak berlaku."))
        if locked.channel == CallChannel.PHONE_CALL:
            return locked
        locked.channel, locked.phone_call_requested = CallChannel.PHONE_CALL, True
        locked.save(update_fields=["channel", "phone_call_requested"])
        claim_record_event(claim=claim, reason="interview_phone_call_requested")
    return locked


# --- the reminder sweep ---------------------------------------------------------------


def _in_quiet_hours(local: dt.datetime) -> bool:
    start, end = settings.INTERVIEW_QUIET_START_HOUR, settings.INTERVIEW_QUIET_END_HOUR
    return local.hour >= start or local.hour < end


def _quiet_hours_end(local: dt.datetime) -> dt.datetime:
    """The next end of quiet hours (06:00 local) after ``local``."""
    end = local.replace(hour=settings.INTERVIEW_QUIET_END_HOUR, minute=0, second=0, microsecond=0)
    return end if end > local else end + dt.timedelta(days=1)


def _reminders_claim_due(*, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """Claim a small batch of due reminders and commit: (id, claimed_at) of each claimed row.

    ``skip_locked``: rows another sweep is claiming right now are simply not ours. A reminder
    falling in quiet hours is pushed to 06:00 local instead (still pending), unless the call
    is close. A claim that never turned into a send (the process died) is taken again after
    INTERVIEW_REMINDER_RECLAIM_AFTER: safe, because a send writes the message and marks the
    reminder sent in one transaction.
    """
    reclaim_before = now - dt.timedelta(seconds=settings.INTERVIEW_REMINDER_RECLAIM_AFTER)
    override = dt.timedelta(minutes=settings.INTERVIEW_QUIET_OVERRIDE_MINUTES)
    claimed = []
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(status=ReminderStatus.PENDING, due_at__lte=now)
                | Q(status=ReminderStatus.CLAIMED, claimed_at__lt=reclaim_before)
            )
            .select_related("interview__claim__branch")
            .order_by("due_at", "pk")[: settings.INTERVIEW_REMINDER_BATCH]
        )
        for reminder in rows:
            interview = reminder.interview
            if reminder.attempts >= settings.INTERVIEW_REMINDER_MAX_ATTEMPTS:
                reminder.status, reminder.note = ReminderStatus.SKIPPED, "too many attempts"
                reminder.save(update_fields=["status", "note"])
                logger.warning("reminder %s given up after %s attempts", reminder.pk, reminder.attempts)
                continue
            local_now = now.astimezone(branch_zone(interview.claim.branch))
            if _in_quiet_hours(local_now) and interview.starts_at - now > override:
                reminder.status, reminder.due_at = ReminderStatus.PENDING, _quiet_hours_end(local_now)
                reminder.save(update_fields=["status", "due_at"])
                continue
            reminder.status, reminder.claimed_at = ReminderStatus.CLAIMED, now
            reminder.attempts += 1
            reminder.save(update_fields=["status", "claimed_at", "attempts"])
            claimed.append((reminder.pk, now))
    return claimed


def _stale_reason(reminder: Reminder, interview: Interview, claim: Claim, now: dt.datetime) -> str:
    """Why a claimed reminder must not go out after all, or "" (re-checked under the locks)."""
    if not interview.is_active:
        return "interview not active"
    if interview.starts_at != reminder.for_starts_at:
        return "interview moved"
    if interview.starts_at <= now:
        return "interview already started"
    if claim.status != Status.INTERVIEW_SCHEDULED:
        return "claim not waiting for the call"
    # A later reminder is also due (the sweep was down, or quiet hours pushed this one):
    # one message, the nearest, is enough.
    closer = Reminder.objects.filter(
        interview=interview,
        for_starts_at=reminder.for_starts_at,
        offset_minutes__lt=reminder.offset_minutes,
        due_at__lte=now,
        status__in=(ReminderStatus.PENDING, ReminderStatus.CLAIMED, ReminderStatus.SENT),
    )
    if closer.exists():
        return "superseded by a closer reminder"
    return ""


def time_left_text(delta: dt.timedelta, *, language: str = "id") -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    with translation.override(language):
        if minutes >= 90:
            return _("%(hours)s jam lagi") % {"hours": round(minutes / 60)}
        return _("%(minutes)s menit lagi") % {"minutes": minutes}


def reminder_send_claimed(*, reminder_id: int, claimed_at: dt.datetime) -> Reminder | None:
    """Send one reminder this sweep claimed, or skip it when it went stale; None when it is not ours.

    The message row and the reminder's "sent" are written in one transaction, under the
    reminder's row lock and only while it still carries our claim: the same reminder can
    never produce two messages. The provider is called by the message's own delivery task
    once this commits (at most once, see notifications.services.message_deliver).
    """
    claim_id, interview_id = (
        Reminder.objects.filter(pk=reminder_id).values_list("interview__claim_id", "interview_id").get()
    )
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        interview = Interview.objects.select_for_update().select_related("officer").get(pk=interview_id)
        interview.claim = claim
        reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.status != ReminderStatus.CLAIMED or reminder.claimed_at != claimed_at:
            return None
        now = timezone.now()
        reason = _stale_reason(reminder, interview, claim, now)
        if reason:
            reminder.status, reminder.note = ReminderStatus.SKIPPED, reason
            reminder.save(update_fields=["status", "note"])
            logger.info("reminder %s skipped: %s", reminder.pk, reason)
            return reminder
        message = _tell_claimant(
            interview,
            "interview_reminder",
            time_left=time_left_text(interview.starts_at - now, language=claim.language),
        )
        reminder.status, reminder.message, reminder.sent_at = ReminderStatus.SENT, message, now
        reminder.save(update_fields=["status", "message", "sent_at"])
    return reminder


@dataclass
class SweepResult:
    sent: int = 0
    skipped: int = 0


def reminders_send_due(*, now: dt.datetime | None = None) -> SweepResult:
    """The beat sweep: claim due reminders in small batches, then send each. Safe to run twice at once."""
    result = SweepResult()
    while True:
        batch = _reminders_claim_due(now=now or timezone.now())
        if not batch:
            return result
        for reminder_id, claimed_at in batch:
            reminder = reminder_send_claimed(reminder_id=reminder_id, claimed_at=claimed_at)
            if reminder is None:
                continue
            if reminder.status == ReminderStatus.SENT:
                result.sent += 1
            else:
                result.skipped += 1


# --- WhatsApp replies -----------------------------------------------------------------


def interview_reply_received(phone: str, text: str) -> bool:
    """A claimant's reply to an interview message: "1"/"YA" confirms, "2" asks to move it.

    Registered with notifications.services.inbound_reply_handlers (InterviewsConfig.ready).
    The reply belongs to the next active interview of a claim whose messages go to this
    phone; for "2" the claimant gets the link where they pick another free slot.
    """
    from notifications.services import REPLY_CONFIRM, REPLY_RESCHEDULE

    interview = (
        Interview.objects.filter(status__in=ACTIVE_INTERVIEW_STATUSES, starts_at__gt=timezone.now())
        .filter(Q(claim__heir_phone=phone) | Q(claim__heir_phone="", claim__phone=phone))
        .select_related("claim__branch", "claim__reason", "officer")
        .order_by("starts_at")
        .first()
    )
    if interview is None:
        return False
    if text in REPLY_CONFIRM:
        interview_confirm(interview=interview)
        return True
    if text in REPLY_RESCHEDULE:
        _tell_claimant(interview, "interview_reschedule_link")
        return True
    return False


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


def _clean_checks(checks) -> list[str]:
    return [value for value in IdentityCheck.values if value in set(checks or ())]


def interview_mark_confirmed(*, interview: Interview, checks: list[str], note: str = "", by, claim_version: int):
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
        locked.status = InterviewStatus.DONE
        locked.save(update_fields=["status"])
        claim = claim_transition(
            claim=claim, to=Status.INTERVIEW_DONE, by=by, reason="interview_done", note=_note(note)
        )
        claim_touch(claim=claim, by=by)
    logger.info("interview %s done: identity confirmed", locked.pk)
    return locked


def interview_mark_no_answer(*, interview: Interview, checks: list[str] = (), note: str = "", by, claim_version: int):
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
    *, interview: Interview, reason: str, checks: list[str] = (), note: str = "", by, claim_version: int
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
        _cancel_live_reminders(locked, note="failed confirmation")
        locked.status = InterviewStatus.FAILED
        locked.save(update_fields=["status"])
        claim = claim_transition(claim=claim, to=Status.FAILED_CONFIRMATION, by=by, reason=reason, note=_note(note))
        locked.claim = claim
        with translation.override(claim.language):
            explanation = str(FAIL_EXPLANATIONS[FailReason(reason)])
        _tell_claimant(locked, "interview_failed", explanation=explanation)
        claim_touch(claim=claim, by=by)
    logger.info("interview %s: failed confirmation (%s)", locked.pk, reason)
    return locked
