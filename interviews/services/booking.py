"""Booking, moving and cancelling interviews, the claimant's answers, and their messages.

Lock order everywhere: claim row, then interview row, then reminder rows. The reminder
sweep takes the same order, so a reschedule and a sweep wait for each other instead of
deadlocking.
"""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.models import Claim, Status
from claims.services import (
    OfficerActionRefused,
    claim_lock_for_change,
    claim_record_event,
    claim_touch,
    claim_transition,
)
from notifications.sealing import Secret
from notifications.services import message_send

from ..models import (
    ACTIVE_INTERVIEW_STATUSES,
    BookedBy,
    CallChannel,
    Interview,
    InterviewStatus,
    Reminder,
    ReminderStatus,
)
from ..selectors import (
    MIN_REMINDERS,
    interview_token,
    local_time_text,
    planned_offsets,
    reminder_offsets,
    slot_is_free,
    zone_label,
)
from .transitions import interview_transition, reminders_transition

logger = logging.getLogger(__name__)

LIVE_REMINDER_STATUSES = (ReminderStatus.PENDING, ReminderStatus.CLAIMED)
# Statuses a claim may be booked from (the lifecycle table has the final word).
BOOKABLE_CLAIM_STATUSES = frozenset({Status.IN_REVIEW, Status.FAILED_CONFIRMATION})


class InterviewRefused(OfficerActionRefused):
    """A booking or a change that cannot be done now; ``message`` is for the person, in their language."""


# --- messages -------------------------------------------------------------------------


def _officer_name(officer) -> str:
    return officer.get_full_name() or officer.username


def _message_context(interview: Interview, *, with_ready: bool = True) -> dict:
    """What the interview messages say. ``with_ready``: the documents to have at hand, which the
    booking message lists and the reminders (sent by the thousand) do not."""
    claim = interview.claim
    branch = claim.branch
    with translation.override(claim.language):
        ready = [
            requirement.document_type.localized("name")
            for requirement in (claim.reason.requirements.select_related("document_type") if with_ready else ())
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
        # The interview page acts for the claimant: staff see the message without it.
        "link_path": Secret.path(reverse("portal:interview", args=[interview_token(interview)])),
        "explainer_path": reverse("portal:interview_how_it_works"),
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
    """One row per reminder of the branch's plan, compressed when the call is closer than the
    plan allows (selectors.planned_offsets): every call gets at least two when it can."""
    lead = (interview.starts_at - now).total_seconds() / 60
    offsets = planned_offsets(reminder_offsets(interview.claim.branch), lead_minutes=lead)
    return Reminder.objects.bulk_create(
        [
            Reminder(
                interview=interview,
                offset_minutes=offset,
                for_starts_at=interview.starts_at,
                due_at=interview.starts_at - dt.timedelta(minutes=offset),
            )
            for offset in offsets
        ]
    )


def _cancel_live_reminders(interview: Interview, *, note: str) -> int:
    """Pending (and claimed-but-unsent) reminders die with the change, in the caller's transaction."""
    return reminders_transition(
        reminders=Reminder.objects.filter(interview=interview),
        from_statuses=LIVE_REMINDER_STATUSES,
        to=ReminderStatus.CANCELLED,
        note=note,
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
    as rows, and the claimant gets one message with the time, the caller and their link.

    The officer's way (console, and the assisted channel on the phone); the claimant's own
    choice and the service's are choosing.py, through the same ``book_locked``."""
    if channel not in CallChannel.values:
        raise InterviewRefused(_("Pilih cara panggilan."))
    try:
        with transaction.atomic():
            locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
            lock_officers([officer])
            interview = book_locked(
                claim=locked, officer=officer, starts_at=starts_at, channel=channel, by=by, booked_by=BookedBy.OFFICER
            )
            claim_touch(claim=interview.claim, by=by)
    except IntegrityError as exc:
        # Another booking took this officer's slot (or this claim) a moment ago.
        raise InterviewRefused(_("Jam ini baru saja diambil. Pilih jam lain.")) from exc
    logger.info("interview %s booked for claim %s", interview.pk, claim.pk)
    return interview


def lock_officers(officers) -> None:
    """Lock the officers' rows, in pk order, after the claim's (the module's lock order).

    Two claims booking the same officer at once (two claimants, one slot) then take turns:
    the second sees the first's interview when it checks the slot. The unique constraint on
    (officer, starts_at) stays as the last guard."""
    ids = sorted({officer.pk for officer in officers})
    list(get_user_model().objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


BOOKED_REASONS = {
    BookedBy.OFFICER: "interview_booked",
    BookedBy.CLAIMANT: "interview_chosen_by_claimant",
    BookedBy.SERVICE: "interview_booked_by_service",
}


def book_locked(
    *,
    claim: Claim,
    officer,
    starts_at: dt.datetime,
    channel: str,
    by,
    booked_by: BookedBy,
    min_reminders: int = MIN_REMINDERS,
) -> Interview:
    """The booking itself, for a caller holding the claim's and the officer's locks in a transaction."""
    if claim.status not in BOOKABLE_CLAIM_STATUSES:
        raise InterviewRefused(_("Klaim ini tidak sedang menunggu jadwal video call."))
    if Interview.objects.filter(claim=claim, status__in=ACTIVE_INTERVIEW_STATUSES).exists():
        raise InterviewRefused(_("Klaim ini sudah punya jadwal video call."))
    slot = slot_is_free(branch=claim.branch, officer=officer, starts_at=starts_at, min_reminders=min_reminders)
    if slot is None:
        raise InterviewRefused(_("Jam ini sudah tidak tersedia. Pilih jam lain."))
    claim = claim_transition(
        claim=claim, to=Status.INTERVIEW_SCHEDULED, by=by, reason=BOOKED_REASONS[booked_by], note=slot.value
    )
    interview = Interview.objects.create(
        claim=claim,
        officer=officer,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        channel=channel,
        phone_call_requested=booked_by == BookedBy.CLAIMANT and channel == CallChannel.PHONE_CALL,
        booked_by=booked_by,
        created_by=by,
    )
    _plan_reminders(interview, now=timezone.now())
    _tell_claimant(interview, "interview_booked", rescheduled=False, chosen_for_you=booked_by == BookedBy.SERVICE)
    return interview


def _lock(interview: Interview, *, by=None, claim_version: int | None = None) -> tuple[Claim, Interview]:
    """Claim first, then the interview (the module's lock order)."""
    if by is not None and claim_version is not None:
        claim = claim_lock_for_change(claim=interview.claim, by=by, claim_version=claim_version)
    else:
        claim = Claim.objects.select_for_update().get(pk=interview.claim_id)
    locked = Interview.objects.select_for_update(of=("self",)).select_related("officer").get(pk=interview.pk)
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
                branch=claim.branch,
                officer=locked.officer,
                starts_at=starts_at,
                exclude_interview_id=locked.pk,
                # The claimant may pick a call closer than two reminders allow: they chose it.
                min_reminders=0 if by is None else MIN_REMINDERS,
            )
            if slot is None:
                raise InterviewRefused(_("Jam ini sudah tidak tersedia. Pilih jam lain."))
            _cancel_live_reminders(locked, note="rescheduled")
            locked = interview_transition(
                interview=locked,
                to=InterviewStatus.BOOKED,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                claimant_confirmed_at=None,  # a confirmation was for the old time
                reschedule_count=locked.reschedule_count + 1,
            )
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
        locked = interview_transition(
            interview=locked,
            to=InterviewStatus.CANCELLED,
            by=by,
            event="interview_cancelled",
            note=(note or "").strip(),
        )
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
        locked = _lock(interview)[1]
        if not locked.is_active:
            raise InterviewRefused(_("Jadwal ini sudah tidak berlaku."))
        if locked.status == InterviewStatus.CONFIRMED:
            return locked
        locked = interview_transition(
            interview=locked,
            to=InterviewStatus.CONFIRMED,
            event="interview_confirmed",
            claimant_confirmed_at=timezone.now(),
        )
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
