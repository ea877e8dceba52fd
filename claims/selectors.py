"""Reads of claims and the catalogue that are more than a get_object_or_404."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.fields import blind_index_of
from core.staff import in_staff_scope

from .access import session_claim_ids
from .models import (
    OPEN_STATUSES,
    Branch,
    Claim,
    ClaimReason,
    ClaimReply,
    DocumentRequirement,
    DocumentType,
    Programme,
    Status,
)
from .timeline import DOCUMENT_REPLACED, explain
from .workdays import WorkingDays


def programmes_active() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True)


def reasons_for_programme(programme: Programme) -> QuerySet[ClaimReason]:
    return programme.reasons.filter(is_active=True)


def requirements_for_reason(reason: ClaimReason) -> QuerySet[DocumentRequirement]:
    return reason.requirements.select_related("document_type")


def branches_search(query: str, *, limit: int = 30) -> QuerySet[Branch]:
    branches = Branch.objects.filter(is_active=True).select_related("region")
    # PostgreSQL refuses a NUL byte in a query; nobody types one.
    query = (query or "").replace("\x00", "").strip()
    if query:
        branches = branches.filter(
            Q(city__icontains=query) | Q(name__icontains=query) | Q(region__name__icontains=query)
        )
    return branches[:limit]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    text: str


def claim_timeline(claim: Claim) -> list[TimelineEntry]:
    """The claim's history in plain words, oldest first.

    Notes that did not change the status (a virus found, an officer's decision on one
    document) are for staff; the claimant's timeline shows the steps, and which
    document they replaced ("Foto KTP diganti": the type only, never the file's name).
    """
    events = list(claim.events.all())
    codes = {event.note for event in events if event.reason == DOCUMENT_REPLACED}
    types = {doctype.code: doctype for doctype in DocumentType.objects.filter(code__in=codes)} if codes else {}
    entries = []
    for event in events:
        if event.reason == DOCUMENT_REPLACED:
            doctype = types.get(event.note)
            name = doctype.localized("name") if doctype is not None else _("Dokumen")
            entries.append(
                TimelineEntry(
                    at=event.at,
                    title=_("%(document)s diganti") % {"document": name},
                    text=_("Anda mengirim berkas pengganti. Berkas yang lama tetap kami simpan sebagai riwayat."),
                )
            )
        elif event.from_status != event.to_status:
            entries.append(
                TimelineEntry(
                    at=event.at, title=event.get_to_status_display(), text=explain(event.to_status, event.reason)
                )
            )
    return entries


def branches_for_staff(user) -> QuerySet[Branch]:
    """The branches one member of staff works for: the scope of claims_for_staff, as branches."""
    return in_staff_scope(Branch.objects.all(), user)


def claims_for_staff(user) -> QuerySet[Claim]:
    """The claims one member of staff may see: their branch, their region, or all of them.

    Every staff page and API view starts from this queryset, so a claim outside the
    user's scope is simply not found (404), never "forbidden".
    """
    return in_staff_scope(Claim.objects.all(), user, to_branch="branch__")


def claim_open_for_nik(nik: str, programme_id: int) -> Claim | None:
    """The open claim of this NIK in this programme, if any (one per NIK and programme:
    claims/services/start.py). An heir's claim is filed under the deceased worker's NIK."""
    return claims_with_nik(nik).filter(programme_id=programme_id, status__in=OPEN_STATUSES).order_by("pk").first()


def claims_of_session(session) -> QuerySet[Claim]:
    """The claims this browser created or opened with a one-time code."""
    return Claim.objects.filter(pk__in=session_claim_ids(session)).select_related("programme", "reason", "branch")


def claim_from_intake(session, intake_token: str | None) -> Claim | None:
    """The claim an intake form already created in this browser (the same form posted twice)."""
    if not intake_token:
        return None
    try:
        return claims_of_session(session).filter(intake_token=intake_token).first()
    except ValidationError:  # not a UUID
        return None


def claim_decision_due(claim: Claim, *, calendar: WorkingDays | None = None) -> date | None:
    """The day a decision is due: CLAIM_SERVICE_TARGET_DAYS working days of the claim's branch after
    the day it was submitted (local to the branch); None before it is submitted."""
    if claim.submitted_at is None:
        return None
    submitted = claim.submitted_at.astimezone(ZoneInfo(claim.branch.time_zone)).date()
    calendar = calendar or WorkingDays.for_branch(claim.branch_id)
    return calendar.add(submitted, settings.CLAIM_SERVICE_TARGET_DAYS)


def claim_payment_due(claim: Claim, *, calendar: WorkingDays | None = None) -> date | None:
    """The last day the money of an approved claim may take: the programme's payment days, in
    working days of the claim's branch, after the day it was approved (local to the branch)."""
    approved_at = claim.events.filter(to_status=Status.APPROVED).order_by("at").values_list("at", flat=True).first()
    if claim.status != Status.APPROVED or approved_at is None:
        return None
    approved = approved_at.astimezone(ZoneInfo(claim.branch.time_zone)).date()
    calendar = calendar or WorkingDays.for_branch(claim.branch_id)
    return calendar.add(approved, claim.programme.payment_days)


def call_choice_invited_at(claim: Claim) -> datetime | None:
    """When the claimant was last invited to choose the call, if that was after the claim last
    reached in_review (a fix since then needs a new officer's review, then a new invitation)."""
    from .services.call_choice import INVITED_EVENT

    # Notes on the claim (a document accepted, the invitation itself) go from in_review to in_review.
    reached = claim.events.filter(to_status=Status.IN_REVIEW).exclude(from_status=Status.IN_REVIEW).order_by("-at")
    since = reached.values_list("at", flat=True).first()
    invited = claim.events.filter(reason=INVITED_EVENT).order_by("-at").values_list("at", flat=True).first()
    if invited is None or since is None or invited < since:
        return None
    return invited


def claims_with_nik(nik: str) -> QuerySet[Claim]:
    """Claims whose claimant NIK is this one, through its blind index (the NIK is encrypted).

    Every index key listed is looked up, so a claim is found while the index key is rotated."""
    return Claim.objects.filter(nik_index__in=blind_index_of(Claim, "nik").index.candidates(nik))


def contact_phone_q(phone: str, *, prefix: str = "") -> Q:
    """Claims whose messages go to this number (Claim.contact_phone: the heir's, else the claimant's),
    through the phone blind index; ``prefix`` is the path to the claim ("claim__")."""
    candidates = blind_index_of(Claim, "phone").index.candidates(phone)
    return Q(**{f"{prefix}heir_phone_index__in": candidates}) | Q(
        **{f"{prefix}heir_phone_index": "", f"{prefix}phone_index__in": candidates}
    )


# --- the branch's inbox of replies ----------------------------------------------------------


def replies_for_staff(user) -> QuerySet[ClaimReply]:
    """Unanswered replies in the inbox, oldest first, scoped like the queue: through the claim's
    branch. Replies from a number with no claim have no branch: national staff see those."""
    replies = ClaimReply.objects.filter(answered_at=None)
    return (
        in_staff_scope(replies, user, to_branch="claim__branch__")
        .select_related("inbound", "claim__branch")
        .order_by("received_at", "pk")
    )


def reply_answer_due(reply: ClaimReply, *, calendar: WorkingDays | None = None) -> datetime:
    """When an unanswered reply is flagged: CLAIM_REPLY_ANSWER_DAYS working days after it came,
    at the same hour, in its claim's branch calendar and time zone (the national calendar in
    Jakarta time for a reply with no claim)."""
    branch = reply.claim.branch if reply.claim is not None else None
    zone = ZoneInfo(branch.time_zone if branch else settings.TIME_ZONE)
    received = reply.received_at.astimezone(zone)
    calendar = calendar or WorkingDays.for_branch(branch)
    day = calendar.add(received.date(), settings.CLAIM_REPLY_ANSWER_DAYS)
    return datetime.combine(day, time(received.hour, received.minute, received.second), tzinfo=zone)


def claims_with_late_replies(claims: list[Claim], *, now: datetime, calendars: dict[int, WorkingDays]) -> set[int]:
    """Of these claims, the ids of those with a reply unanswered past reply_answer_due (one query)."""
    late: set[int] = set()
    by_id = {claim.pk: claim for claim in claims}
    replies = ClaimReply.objects.filter(claim__in=list(by_id), answered_at=None)
    for claim_id, received_at in replies.values_list("claim_id", "received_at"):
        claim = by_id[claim_id]
        reply = ClaimReply(claim=claim, received_at=received_at)
        if claim.pk not in late and now >= reply_answer_due(reply, calendar=calendars[claim.branch_id]):
            late.add(claim.pk)
    return late
