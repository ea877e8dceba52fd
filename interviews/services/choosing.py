"""The claimant chooses the call, and the service chooses when they do not.

When an officer has accepted the documents the claimant gets a link (claims/services/call_choice.py)
to the branch's free slots, every officer's schedule merged (selectors.branch_free_slots).
They pick a time and WhatsApp video or an ordinary phone call: ``interview_choose``. A
slot too close for two reminders is offered to them, and theirs to take (min_reminders=0).

With no choice after INTERVIEW_CHOOSE_DAYS working days of the branch (counted from the
invitation), the beat sweep ``interviews_auto_book_sweep`` books the
earliest slot that leaves room for the branch's whole reminder plan, and the booking
message says it was chosen for them and how to move it. The officer can still book any
claim from the console (assisted channel), which is ``interview_book``.

Races: the claim row, then the rows of every officer who could take the slot (pk order),
then the interview (booking.py's lock order). Two claimants after one slot take turns on
the officer's row; the second finds it taken and is told to pick another time. A double
submit finds the interview the first one booked and returns it. The sweep takes each
claim with SKIP LOCKED and judges it again under the lock: two sweeps book once.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, ClaimEvent, Status
from claims.services import INVITED_EVENT
from claims.workdays import WorkingDays
from core.batches import id_batches

from ..models import ACTIVE_INTERVIEW_STATUSES, BookedBy, CallChannel, Interview
from ..selectors import branch_free_slots, branch_officers, choosing_since, reminder_offsets, slot_is_free
from .booking import InterviewRefused, book_locked, lock_officers

logger = logging.getLogger(__name__)


def _call_centre_hint() -> str:
    return _("Pilih jam lain, atau telepon %(cc)s.") % {"cc": settings.CALL_CENTRE_NUMBER}


def interview_choose(*, claim: Claim, starts_at: dt.datetime, channel: str) -> Interview:
    """The claimant books the call through their link. A second submit of the same choice returns
    the interview the first one booked."""
    if channel not in CallChannel.values:
        raise InterviewRefused(_("Pilih video call WhatsApp atau telepon biasa."))
    try:
        with transaction.atomic():
            locked = Claim.objects.select_for_update(of=("self",)).select_related("branch").get(pk=claim.pk)
            existing = Interview.objects.filter(claim=locked, status__in=ACTIVE_INTERVIEW_STATUSES).first()
            if existing is not None:
                if existing.starts_at == starts_at:
                    return existing  # the same choice again: a double tap, a reload after a weak signal
                raise InterviewRefused(
                    _("Anda sudah punya jadwal panggilan. Untuk mengubahnya, buka halaman jadwal Anda.")
                )
            if locked.status != Status.IN_REVIEW:
                raise InterviewRefused(
                    _("Klaim ini tidak sedang menunggu jadwal. Cek status klaim, atau telepon %(cc)s.")
                    % {"cc": settings.CALL_CENTRE_NUMBER}
                )
            officers = branch_officers(locked.branch)
            lock_officers(officers)
            officer = _officer_free_at(locked, officers, starts_at)
            if officer is None:
                raise InterviewRefused(_("Jam ini baru saja diambil orang lain.") + " " + _call_centre_hint())
            interview = book_locked(
                claim=locked,
                officer=officer,
                starts_at=starts_at,
                channel=channel,
                by=None,
                booked_by=BookedBy.CLAIMANT,
                min_reminders=0,  # the claimant chose it
            )
    except IntegrityError as exc:
        raise InterviewRefused(_("Jam ini baru saja diambil orang lain.") + " " + _call_centre_hint()) from exc
    logger.info("interview %s chosen by the claimant of claim %s", interview.pk, claim.pk)
    return interview


def _officer_free_at(claim: Claim, officers: list, starts_at: dt.datetime, *, min_reminders: int = 0):
    """The officer to take the call: the claim's own officer when free, else the least busy free one."""
    free = [
        officer
        for officer in officers
        if slot_is_free(branch=claim.branch, officer=officer, starts_at=starts_at, min_reminders=min_reminders)
    ]
    if not free:
        return None
    load = {
        officer.pk: Interview.objects.filter(
            officer=officer, status__in=ACTIVE_INTERVIEW_STATUSES, starts_at__gte=timezone.now()
        ).count()
        for officer in free
    }
    return min(free, key=lambda officer: (officer.pk != claim.assigned_to_id, load[officer.pk], officer.pk))


# --- the sweep ------------------------------------------------------------------------------


def interviews_auto_book_sweep(*, now: dt.datetime | None = None) -> int:
    """The beat sweep: book for every claim whose claimant has not chosen in time. Returns how many."""
    now = now or timezone.now()
    # A first cut in SQL (the latest invitation); _auto_book judges each claim again under its lock.
    since = ClaimEvent.objects.filter(claim=OuterRef("pk"), reason=INVITED_EVENT).order_by("-at").values("at")[:1]
    # N working days span at least N dates; two days of slack for the time of day and the zones.
    slack = dt.timedelta(days=max(settings.INTERVIEW_CHOOSE_DAYS - 2, 0))
    waiting = (
        Claim.objects.filter(status=Status.IN_REVIEW)
        .exclude(Exists(Interview.objects.filter(claim=OuterRef("pk"), status__in=ACTIVE_INTERVIEW_STATUSES)))
        .annotate(since=Subquery(since))
        .filter(since__lt=now - slack)
    )
    booked = 0
    for batch in id_batches(waiting, size=settings.CLAIM_EXPIRY_BATCH):
        booked += sum(_auto_book(claim_id, now=now) for claim_id in batch)
    return booked


def _auto_book(claim_id: int, *, now: dt.datetime) -> int:
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("branch")
            .filter(pk=claim_id, status=Status.IN_REVIEW)
            .first()
        )
        if claim is None or Interview.objects.filter(claim=claim, status__in=ACTIVE_INTERVIEW_STATUSES).exists():
            return 0
        since = choosing_since(claim)
        if since is None:
            return 0
        zone = ZoneInfo(claim.branch.time_zone)
        waited = WorkingDays.for_branch(claim.branch_id).between(
            since.astimezone(zone).date(), now.astimezone(zone).date()
        )
        if waited < settings.INTERVIEW_CHOOSE_DAYS:
            return 0
        # The earliest slot with room for the branch's whole plan of reminders.
        whole_plan = len(reminder_offsets(claim.branch))
        officers = branch_officers(claim.branch)
        lock_officers(officers)
        slots = branch_free_slots(
            branch=claim.branch, count=1, min_reminders=whole_plan, prefer_officer_id=claim.assigned_to_id
        )
        if not slots:
            logger.warning("claim %s: no free slot to book for the claimant", claim.pk)
            return 0
        officer = next(officer for officer in officers if officer.pk == slots[0].officer_ids[0])
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the claim for the next run
                book_locked(
                    claim=claim,
                    officer=officer,
                    starts_at=slots[0].slot.starts_at,
                    channel=CallChannel.WHATSAPP_VIDEO,
                    by=None,
                    booked_by=BookedBy.SERVICE,
                    min_reminders=whole_plan,
                )
        except (InterviewRefused, IntegrityError):
            logger.warning("claim %s: the slot found was taken meanwhile; next run", claim.pk)
            return 0
    logger.info("claim %s: call booked by the service after %d working days without a choice", claim_id, waited)
    return 1
