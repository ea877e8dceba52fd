"""Reads for interviews: free slots, schedules, the plan of reminders, times in the branch's zone."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Count, Q
from django.utils import dateformat, timezone, translation

from claims.models import Branch, Claim
from claims.selectors import call_choice_invited_at
from claims.workdays import WorkingDays
from core.staff import Role

from .models import (
    ACTIVE_INTERVIEW_STATUSES,
    DEFAULT_REMINDER_OFFSETS,
    AttemptOutcome,
    Interview,
    InterviewAttempt,
    ReminderPlan,
    Schedule,
    ScheduleBreak,
)


def branch_zone(branch: Branch) -> ZoneInfo:
    return ZoneInfo(branch.time_zone)


def zone_label(branch: Branch) -> str:
    """WIB, WITA or WIT: what people in Indonesia write after a time."""
    return Branch.Zone(branch.time_zone).label


def local_time_text(instant: dt.datetime, branch: Branch, *, language: str = "id") -> str:
    """'Senin, 9 Maret 2026 pukul 10.00 WITA' — in the branch's zone, in the reader's language."""
    local = instant.astimezone(branch_zone(branch))
    with translation.override(language):
        day = dateformat.format(local, "l, j F Y")
        word = translation.gettext("pukul")
    return f"{day} {word} {local:%H.%M} {zone_label(branch)}"


@dataclass(frozen=True)
class DefaultBreak:
    weekday: int | None
    starts: dt.time
    ends: dt.time


def schedule_for(branch: Branch, officer=None) -> tuple[Schedule, list]:
    """The officer's own schedule at this branch, else the branch's, else the defaults (unsaved)."""
    schedules = Schedule.objects.filter(branch=branch).filter(Q(officer__isnull=True) | Q(officer=officer))
    chosen = None
    for schedule in schedules:
        if officer is not None and schedule.officer_id == officer.pk:
            chosen = schedule
            break
        chosen = chosen or schedule
    if chosen is None:
        default = Schedule(branch=branch, slot_minutes=settings.INTERVIEW_SLOT_MINUTES)
        return default, [DefaultBreak(weekday=None, starts=dt.time(12, 0), ends=dt.time(13, 0))]
    return chosen, list(ScheduleBreak.objects.filter(schedule=chosen))


def reminder_offsets(branch: Branch) -> list[int]:
    """The branch's plan: minutes before the call, largest first."""
    plan = ReminderPlan.objects.filter(branch=branch).first()
    offsets = plan.offsets_minutes if plan is not None else DEFAULT_REMINDER_OFFSETS
    return sorted(offsets, reverse=True)


# DOMAIN.md: 2–3 reminders before each call is what made calls work in 2020. Every call gets
# at least this many after its booking message ...
MIN_REMINDERS = 2
# ... the last of a compressed plan comes this long before the call ...
LAST_REMINDER_MINUTES = 15
# ... and no reminder comes sooner than this after the one before (or after the booking).
REMINDER_GAP_MINUTES = 10


def planned_offsets(offsets: list[int], *, lead_minutes: float) -> list[int]:
    """The minutes before the call to remind at, for a call ``lead_minutes`` after the booking.

    The plan's offsets that still lie ahead, when that is at least MIN_REMINDERS. A call
    closer than the plan allows compresses it: what is left, half-way to the call, and
    LAST_REMINDER_MINUTES before it, each at least REMINDER_GAP_MINUTES from the next.
    Booked 30 h ahead on the default plan: 24 h, 2 h, 15 min. Booked 80 min ahead: 40 and 15.
    A call too close even for that gets what fits (it is offered only to a claimant who
    picks it: free_slots' ``min_reminders``).
    """
    latest = lead_minutes - REMINDER_GAP_MINUTES
    ahead = [offset for offset in sorted(set(offsets), reverse=True) if offset <= latest]
    if len(ahead) >= MIN_REMINDERS:
        return ahead
    last = min([*offsets, LAST_REMINDER_MINUTES])
    wanted = sorted({*ahead, int(lead_minutes // 2), last}, reverse=True)
    spaced: list[int] = []
    for offset in wanted:
        if last <= offset <= latest and (not spaced or spaced[-1] - offset >= REMINDER_GAP_MINUTES):
            spaced.append(offset)
    return spaced


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime  # UTC
    local: dt.datetime  # the start in the branch's zone

    @property
    def value(self) -> str:
        """What a form posts: the UTC instant, unambiguous."""
        return self.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_slot_value(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _busy_intervals(branch: Branch, officer, since: dt.datetime, until: dt.datetime, exclude_interview_id=None):
    interviews = Interview.objects.filter(status__in=ACTIVE_INTERVIEW_STATUSES, starts_at__lt=until, ends_at__gt=since)
    # An officer's calls anywhere keep them busy; without an officer the branch takes one call at a time.
    interviews = interviews.filter(officer=officer) if officer is not None else interviews.filter(claim__branch=branch)
    if exclude_interview_id is not None:
        interviews = interviews.exclude(pk=exclude_interview_id)
    return list(interviews.values_list("starts_at", "ends_at"))


def free_slots(
    *,
    branch: Branch,
    officer=None,
    start: dt.datetime | None = None,
    count: int = 8,
    exclude_interview_id: int | None = None,
    min_reminders: int = MIN_REMINDERS,
) -> list[Slot]:
    """The first ``count`` free slots from ``start`` (never earlier than now plus the notice period)
    that leave room for ``min_reminders`` reminders (planned_offsets): staff and the service
    book only those; the claimant, who chooses, is offered closer ones too (``min_reminders=0``).

    Walks the branch's local days (zoneinfo, so the arithmetic stays right even though
    WIB/WITA/WIT have no daylight saving), skipping the days the schedule does not work and
    every day that is not a working day (claims/workdays.py: weekends, national holidays,
    cuti bersama, the branch's closures), breaks, and slots already taken by an active interview.
    """
    now = timezone.now()
    earliest = now + dt.timedelta(minutes=settings.INTERVIEW_MIN_NOTICE_MINUTES)
    if start is not None and start > earliest:
        earliest = start
    zone = branch_zone(branch)
    schedule, breaks = schedule_for(branch, officer)
    slot = dt.timedelta(minutes=schedule.slot_minutes)
    first_day = earliest.astimezone(zone).date()
    last_day = first_day + dt.timedelta(days=settings.INTERVIEW_BOOKING_HORIZON_DAYS)
    calendar = WorkingDays.for_branch(branch)
    plan = reminder_offsets(branch)
    busy = _busy_intervals(
        branch,
        officer,
        dt.datetime.combine(first_day, dt.time.min, tzinfo=zone),
        dt.datetime.combine(last_day, dt.time.max, tzinfo=zone),
        exclude_interview_id,
    )
    found: list[Slot] = []
    day = first_day
    while day <= last_day and len(found) < count:
        if schedule.works_on(day) and calendar.is_working_day(day):
            day_breaks = [
                (dt.datetime.combine(day, b.starts, tzinfo=zone), dt.datetime.combine(day, b.ends, tzinfo=zone))
                for b in breaks
                if b.weekday in (None, day.isoweekday())
            ]
            cursor = dt.datetime.combine(day, schedule.day_start, tzinfo=zone)
            day_end = dt.datetime.combine(day, schedule.day_end, tzinfo=zone)
            while cursor + slot <= day_end and len(found) < count:
                end = cursor + slot
                in_break = next((b_end for b_start, b_end in day_breaks if cursor < b_end and end > b_start), None)
                if in_break is not None:
                    cursor = in_break  # slots start again when the break ends
                    continue
                taken = any(cursor < b_end and end > b_start for b_start, b_end in busy)
                if cursor >= earliest and not taken and _room_for(cursor, now, plan, min_reminders):
                    found.append(
                        Slot(starts_at=cursor.astimezone(dt.UTC), ends_at=end.astimezone(dt.UTC), local=cursor)
                    )
                cursor = end
        day += dt.timedelta(days=1)
    return found


def _room_for(starts: dt.datetime, now: dt.datetime, plan: list[int], min_reminders: int) -> bool:
    if min_reminders <= 0:
        return True
    lead = (starts - now).total_seconds() / 60
    return len(planned_offsets(plan, lead_minutes=lead)) >= min_reminders


def slot_is_free(
    *,
    branch: Branch,
    officer,
    starts_at: dt.datetime,
    exclude_interview_id: int | None = None,
    min_reminders: int = MIN_REMINDERS,
):
    """The slot starting exactly at ``starts_at``, when it is one of the free ones; else None."""
    slots = free_slots(
        branch=branch,
        officer=officer,
        start=starts_at,
        count=1,
        exclude_interview_id=exclude_interview_id,
        min_reminders=min_reminders,
    )
    return slots[0] if slots and slots[0].starts_at == starts_at else None


# --- the claimant chooses: every officer of the branch -------------------------------------


def branch_officers(branch: Branch) -> list:
    """The officers who take the branch's calls, in a fixed order (the order their rows are locked in)."""
    return list(
        get_user_model().objects.filter(branch=branch, role=Role.OFFICER, is_active=True, is_staff=True).order_by("pk")
    )


@dataclass(frozen=True)
class BranchSlot:
    """A time at least one officer of the branch is free, and who (preferred first)."""

    slot: Slot
    officer_ids: tuple[int, ...]

    @property
    def value(self) -> str:
        return self.slot.value

    @property
    def local(self) -> dt.datetime:
        return self.slot.local


def branch_free_slots(
    *,
    branch: Branch,
    count: int,
    min_reminders: int = MIN_REMINDERS,
    prefer_officer_id: int | None = None,
    start: dt.datetime | None = None,
) -> list[BranchSlot]:
    """The first ``count`` times any officer of the branch is free (each one's own schedule and
    calls), earliest first. ``prefer_officer_id`` (the claim's officer) comes first among those
    free at a time; the others by how few calls they have ahead, so the work is shared."""
    officers = branch_officers(branch)
    ahead = Interview.objects.filter(
        officer__in=officers, status__in=ACTIVE_INTERVIEW_STATUSES, starts_at__gte=timezone.now()
    )
    load = {row["officer"]: row["n"] for row in ahead.values("officer").annotate(n=Count("pk"))}
    by_start: dict[dt.datetime, tuple[Slot, list[int]]] = {}
    for officer in officers:
        for slot in free_slots(branch=branch, officer=officer, count=count, min_reminders=min_reminders, start=start):
            by_start.setdefault(slot.starts_at, (slot, []))[1].append(officer.pk)
    result = []
    for starts_at in sorted(by_start)[:count]:
        slot, ids = by_start[starts_at]
        ids.sort(key=lambda pk: (pk != prefer_officer_id, load.get(pk, 0), pk))
        result.append(BranchSlot(slot=slot, officer_ids=tuple(ids)))
    return result


def choosing_since(claim: Claim) -> dt.datetime | None:
    """When the claimant was invited to choose the call (an officer accepted the documents): the
    choosing clock starts there; None while no invitation stands."""
    return call_choice_invited_at(claim)


def choose_deadline(claim: Claim) -> dt.date | None:
    """The last local day the claimant may choose; the sweep books for them after it."""
    since = choosing_since(claim)
    if since is None:
        return None
    calendar = WorkingDays.for_branch(claim.branch_id)
    return calendar.add(since.astimezone(branch_zone(claim.branch)).date(), settings.INTERVIEW_CHOOSE_DAYS)


def interview_active_for_claim(claim) -> Interview | None:
    return Interview.objects.filter(claim=claim, status__in=ACTIVE_INTERVIEW_STATUSES).select_related("officer").first()


# --- the claimant's link ---------------------------------------------------------------

TOKEN_SALT = "interviews.claimant-link"


def interview_token(interview: Interview) -> str:
    """The claimant's link token: the interview id, signed. No name, phone or NIK in it."""
    return signing.Signer(salt=TOKEN_SALT).sign(str(interview.pk))


def interview_for_token(token: str) -> Interview | None:
    """The interview behind a link, or None: forged, unknown, cancelled, or past its use
    (INTERVIEW_LINK_GRACE_MINUTES after the call ends)."""
    try:
        interview_id = int(signing.Signer(salt=TOKEN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    interview = (
        Interview.objects.filter(pk=interview_id, status__in=ACTIVE_INTERVIEW_STATUSES)
        .select_related("claim__branch", "officer")
        .first()
    )
    if interview is None:
        return None
    if interview.ends_at + dt.timedelta(minutes=settings.INTERVIEW_LINK_GRACE_MINUTES) < timezone.now():
        return None
    return interview


# --- the officer's interview page -------------------------------------------------------


@dataclass(frozen=True)
class AttemptSummary:
    no_answer: int
    first_no_answer_at: dt.datetime | None
    max_attempts: int
    attempt_days: int
    propose_failure: bool


def interview_attempt_summary(interview: Interview, *, now: dt.datetime | None = None) -> AttemptSummary:
    """How many calls went unanswered, and whether the attempts are used up: INTERVIEW_MAX_ATTEMPTS
    of them, or INTERVIEW_ATTEMPT_DAYS days since the first (the page then proposes failure)."""
    times = list(
        InterviewAttempt.objects.filter(interview=interview, outcome=AttemptOutcome.NO_ANSWER)
        .order_by("at")
        .values_list("at", flat=True)
    )
    first = times[0] if times else None
    max_attempts, days = settings.INTERVIEW_MAX_ATTEMPTS, settings.INTERVIEW_ATTEMPT_DAYS
    too_long = first is not None and (now or timezone.now()) - first >= dt.timedelta(days=days)
    return AttemptSummary(
        no_answer=len(times),
        first_no_answer_at=first,
        max_attempts=max_attempts,
        attempt_days=days,
        propose_failure=len(times) >= max_attempts or too_long,
    )


def interview_for_page(claim) -> Interview | None:
    """The interview the officer's page is about: the active one, else the latest."""
    interviews = Interview.objects.filter(claim=claim).select_related("officer")
    return (
        interviews.filter(status__in=ACTIVE_INTERVIEW_STATUSES).first()
        or interviews.order_by("-created_at", "-pk").first()
    )


def interview_attempts(interview: Interview) -> list[InterviewAttempt]:
    return list(InterviewAttempt.objects.filter(interview=interview).select_related("by").order_by("at", "pk"))
