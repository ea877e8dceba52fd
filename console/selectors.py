"""Reads for the officer console. Every one starts from claims.selectors.claims_for_staff."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import ALLOWED_TRANSITIONS, CancelReason, Claim, ClaimDataAccess, ClaimReply, Status
from claims.selectors import claims_for_staff, claims_with_late_replies, reply_answer_due
from claims.services import ANSWER_TEXT, RejectReason, claim_holder, reply_answer_mode
from claims.workdays import WorkingDays
from core.masking import mask_phone
from core.staff import in_staff_scope, is_manager_on_duty
from documents.models import Document, DocumentAccess, DocumentStatus
from documents.rejections import OFFICER_REJECTIONS, fix_hint
from documents.selectors import ChecklistItem, claim_checklist, claim_document_versions
from documents.services import REVIEW_STATUSES
from interviews.models import ACTIVE_INTERVIEW_STATUSES, BookedBy, Interview
from interviews.selectors import interview_active_for_claim
from notifications.models import Message
from notifications.selectors import number_not_working

# What the queue shows unless asked otherwise: claims waiting for someone at the branch.
QUEUE_STATUSES = (
    Status.SUBMITTED,
    Status.CHECKING,
    Status.NEEDS_FIX,
    Status.IN_REVIEW,
    Status.INTERVIEW_SCHEDULED,
    Status.INTERVIEW_DONE,
    Status.FAILED_CONFIRMATION,
)


# --- age against the service target ----------------------------------------------------


@dataclass(frozen=True)
class ClaimAge:
    working_days: int
    target: int
    is_open: bool

    @property
    def overdue(self) -> bool:
        return self.is_open and self.working_days > self.target

    @property
    def due_today(self) -> bool:
        return self.is_open and self.working_days == self.target


def claim_age(claim: Claim, *, now: datetime | None = None, calendar: WorkingDays | None = None) -> ClaimAge | None:
    """Working days since submission (to the decision once closed), counted in the branch's time
    zone and calendar (claims/workdays.py). ``calendar``: the branch's, when the caller has it."""
    if claim.submitted_at is None:
        return None
    zone = ZoneInfo(claim.branch.time_zone)
    end = claim.closed_at if (claim.closed_at and not claim.is_open) else (now or timezone.now())
    calendar = calendar or WorkingDays.for_branch(claim.branch_id)
    return ClaimAge(
        working_days=calendar.between(claim.submitted_at.astimezone(zone).date(), end.astimezone(zone).date()),
        target=settings.CLAIM_SERVICE_TARGET_DAYS,
        is_open=claim.is_open,
    )


# --- the queue ------------------------------------------------------------------------


def queue_for_staff(user, *, programme: str = "", channel: str = "", status: str = "") -> QuerySet[Claim]:
    """Claims to handle, oldest submission first. ``status``: one status, "all", or "" (waiting for staff)."""
    claims = (
        claims_for_staff(user)
        .exclude(status=Status.DRAFT)
        .select_related("programme", "reason", "branch", "assigned_to")
    )
    if status == "all":
        pass
    elif status:
        claims = claims.filter(status=status)
    else:
        claims = claims.filter(status__in=QUEUE_STATUSES)
    if programme:
        claims = claims.filter(programme__code=programme)
    if channel:
        claims = claims.filter(channel=channel)
    return claims.order_by(F("submitted_at").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class QueueRow:
    claim: Claim
    age: ClaimAge | None
    holder: object | None
    # Who chose the time of the claim's live call (interviews.models.BookedBy), "" without one.
    booked_by: str = ""
    # A reply of the claimant's waits in the inbox past CLAIM_REPLY_ANSWER_DAYS working days.
    late_reply: bool = False

    @property
    def booked_by_service(self) -> bool:
        return self.booked_by == BookedBy.SERVICE

    @property
    def chosen_by_claimant(self) -> bool:
        return self.booked_by == BookedBy.CLAIMANT


def queue_rows(claims, *, now: datetime | None = None) -> list[QueueRow]:
    now = now or timezone.now()
    claims = list(claims)
    calendars = WorkingDays.for_branches({claim.branch_id for claim in claims})  # one query for the page
    booked_by = dict(
        Interview.objects.filter(
            claim__in=[claim.pk for claim in claims], status__in=ACTIVE_INTERVIEW_STATUSES
        ).values_list("claim_id", "booked_by")
    )  # and one for the calls
    late_replies = claims_with_late_replies(claims, now=now, calendars=calendars)  # and one for the inbox
    return [
        QueueRow(
            claim=claim,
            age=claim_age(claim, now=now, calendar=calendars[claim.branch_id]),
            holder=claim_holder(claim, now=now),
            booked_by=booked_by.get(claim.pk, ""),
            late_reply=claim.pk in late_replies,
        )
        for claim in claims
    ]


# --- one claim --------------------------------------------------------------------------


def claim_for_staff(user, reference: str) -> QuerySet[Claim]:
    """The scoped queryset one claim page looks up (get_object_or_404 on it)."""
    return claims_for_staff(user).exclude(status=Status.DRAFT).filter(reference=reference)


@dataclass(frozen=True)
class DocumentRow:
    item: ChecklistItem
    hint: str
    details: list[str]
    officer_rejected: bool
    reviewable: bool
    # The files this one took the place of, newest first (each "replaced"): still viewable.
    earlier: tuple[Document, ...] = ()

    @property
    def document(self) -> Document | None:
        return self.item.document

    @property
    def requirement(self):
        return self.item.requirement


def _details(document: Document) -> list[str]:
    details = document.details or {}
    parts = []
    if details.get("width") and details.get("height"):
        parts.append(_("%(width)s×%(height)s piksel") % {"width": details["width"], "height": details["height"]})
    if details.get("pages"):
        parts.append(_("%(pages)s halaman") % {"pages": details["pages"]})
    if "sharpness" in details:
        parts.append(_("ketajaman %(value)s") % {"value": round(float(details["sharpness"]), 1)})
    if "brightness" in details:
        parts.append(_("kecerahan %(value)s") % {"value": round(float(details["brightness"]), 1)})
    return parts


def claim_document_rows(claim: Claim) -> list[DocumentRow]:
    rows = []
    reviewable_claim = claim.status in REVIEW_STATUSES
    versions = claim_document_versions(claim)  # one query for every version of every type
    for item in claim_checklist(claim):
        document = item.document
        earlier = tuple(
            version
            for version in versions.get(item.requirement.document_type_id, [])
            if document is None or version.pk != document.pk
        )
        rows.append(
            DocumentRow(
                item=item,
                hint=fix_hint(document) if document is not None else "",
                details=_details(document) if document is not None else [],
                officer_rejected=bool(document and document.rejection_code in OFFICER_REJECTIONS),
                reviewable=bool(
                    reviewable_claim and document is not None and document.status != DocumentStatus.CHECKING
                ),
                earlier=earlier,
            )
        )
    return rows


def reviewable_documents(rows: list[DocumentRow]) -> list[Document]:
    """The documents of the rows an officer may decide on now (a reviewable row has one)."""
    return [row.document for row in rows if row.reviewable and row.document is not None]


# Labels for the reasons on the staff timeline (the claimant's timeline words it differently).
def _event_reason_label(reason: str) -> str:
    labels = {
        "document_accepted": _("Dokumen diterima petugas"),
        "document_rejected": _("Dokumen ditolak petugas"),
        "documents_rejected": _("Ada dokumen yang ditolak petugas"),
        "documents_accepted": _("Dokumen yang diminta sudah diterima petugas"),
        "more_documents": _("Petugas meminta dokumen tambahan"),
        "virus_found": _("Virus ditemukan, berkas dihapus"),
        "draft_nudged": _("Pengingat: klaim belum dikirim"),
        "fix_nudged": _("Pengingat: dokumen perbaikan belum diunggah"),
    }
    if reason in labels:
        return labels[reason]
    if reason in CancelReason.values:
        return str(CancelReason(reason).label)
    if reason in RejectReason.values:
        return str(RejectReason(reason).label)
    return reason


@dataclass(frozen=True)
class StaffTimelineEntry:
    at: datetime
    actor: str
    from_label: str
    to_label: str
    changed: bool
    reason: str
    note: str


def claim_staff_timeline(claim: Claim) -> list[StaffTimelineEntry]:
    """The whole history, oldest first, with who did what (the claimant's version hides the actor)."""
    labels = dict(Status.choices)
    return [
        StaffTimelineEntry(
            at=event.at,
            actor=str(event.actor) if event.actor else _("sistem / peserta"),
            from_label=str(labels.get(event.from_status, "")),
            to_label=str(labels.get(event.to_status, event.to_status)),
            changed=event.from_status != event.to_status,
            reason=_event_reason_label(event.reason),
            note=event.note,
        )
        for event in claim.events.select_related("actor").order_by("at", "id")
    ]


@dataclass(frozen=True)
class ClaimActions:
    review: bool
    request_documents: bool
    approve: bool
    reject: bool
    cancel: bool
    interview_entry: bool
    # The claim has a call booked: the page links to the officer's interview page.
    interview_page: bool = False
    # Both channels failed for the contact number: "Nomor HP tidak bisa dihubungi".
    number_not_working: bool = False


def contact_number_not_working(claim: Claim) -> bool:
    """The banner with "Perbarui nomor" / "Hubungi lewat kantor cabang", while the claim is open."""
    phone = claim.contact_phone
    return bool(claim.is_open and phone and not claim.contact_via_branch and number_not_working(phone))


def claim_actions(claim: Claim) -> ClaimActions:
    """Which forms the page offers; the services refuse the rest anyway."""
    allowed = ALLOWED_TRANSITIONS[claim.status]
    return ClaimActions(
        review=claim.status in REVIEW_STATUSES,
        request_documents=claim.status == Status.IN_REVIEW and Status.NEEDS_FIX in allowed,
        approve=Status.APPROVED in allowed,
        reject=Status.REJECTED in allowed,
        cancel=Status.CANCELLED in allowed,
        interview_entry=claim.status in (Status.IN_REVIEW, Status.FAILED_CONFIRMATION),
        interview_page=interview_active_for_claim(claim) is not None,
        number_not_working=contact_number_not_working(claim),
    )


# --- audit log --------------------------------------------------------------------------


def can_read_audit_log(user) -> bool:
    return is_manager_on_duty(user)


def audit_log_for_staff(user, *, reference: str = "", person: str = "", what: str = ""):
    """Who opened which document and who revealed which NIK, newest first, within the reader's scope.

    Both logs in one list (a UNION of two read-only queries). Officers have no audit log.
    Each part drops its model's default ordering (Meta.ordering = ["-at"]) and the order is
    applied once, to the union: SQLite refuses ORDER BY inside the parts of a compound
    statement, and PostgreSQL would ignore it there anyway.
    """
    if not can_read_audit_log(user):
        return DocumentAccess.objects.none().values("at")
    scope = claims_for_staff(user)
    documents = DocumentAccess.objects.filter(document__claim__in=scope)
    data = ClaimDataAccess.objects.filter(claim__in=scope)
    if reference:
        documents = documents.filter(document__claim__reference=reference)
        data = data.filter(claim__reference=reference)
    if what == ClaimDataAccess.What.NIK:
        documents = documents.none()
    elif what:
        documents = documents.filter(what=what)
        data = data.none()
    if person:
        who = Q(user__username__icontains=person) | Q(user__first_name__icontains=person)
        who |= Q(user__last_name__icontains=person)
        documents = documents.filter(who)
        data = data.filter(who)
    fields = ("at", "kind", "what", "reference", "username", "first_name", "last_name", "item", "ip_address")
    documents = documents.annotate(
        kind=Value("document", output_field=CharField()),
        reference=F("document__claim__reference"),
        username=F("user__username"),
        first_name=F("user__first_name"),
        last_name=F("user__last_name"),
        item=F("document__document_type__name"),
    ).values_list(*fields)
    data = data.annotate(
        kind=Value("data", output_field=CharField()),
        reference=F("claim__reference"),
        username=F("user__username"),
        first_name=F("user__first_name"),
        last_name=F("user__last_name"),
        item=Value("", output_field=CharField()),
    ).values_list(*fields)
    return documents.order_by().union(data.order_by(), all=True).order_by("-at")


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    kind: str
    what: str
    reference: str
    person: str
    username: str
    item: str
    ip_address: str | None


def audit_rows(page_rows) -> list[AuditRow]:
    what_labels = {"file": _("membuka berkas"), "thumbnail": _("melihat gambar kecil"), "nik": _("melihat NIK lengkap")}
    rows = []
    for at, kind, what, reference, username, first_name, last_name, item, ip_address in page_rows:
        person = f"{first_name} {last_name}".strip() or username
        rows.append(
            AuditRow(
                at=at,
                kind=kind,
                what=str(what_labels.get(what, what)),
                reference=reference,
                person=person,
                username=username,
                item=item or "",
                ip_address=ip_address,
            )
        )
    return rows


# --- the outbox -------------------------------------------------------------------------


def messages_for_staff(user, *, reference: str = "", limit: int = 200) -> QuerySet[Message]:
    """The outbox as one member of staff may see it: their branch, their region, or everything."""
    messages = in_staff_scope(Message.objects.select_related("claim"), user, to_branch="claim__branch__")
    if reference:
        messages = messages.filter(claim__reference=reference)
    return messages[:limit]


# --- the inbox of replies -----------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    reply: ClaimReply
    # The number masked (core.masking): enough to recognise, so no data access is recorded.
    phone: str
    # claims.services.replies.ANSWER_TEXT or ANSWER_TEMPLATE: what the officer may send now.
    mode: str
    late: bool

    @property
    def free_text(self) -> bool:
        return self.mode == ANSWER_TEXT


def inbox_rows(replies, *, now: datetime | None = None) -> list[InboxRow]:
    now = now or timezone.now()
    replies = list(replies)
    calendars = WorkingDays.for_branches({reply.claim.branch_id for reply in replies if reply.claim_id})
    return [
        InboxRow(
            reply=reply,
            phone=mask_phone(reply.inbound.from_number),
            mode=reply_answer_mode(reply),
            late=now >= reply_answer_due(reply, calendar=calendars[reply.claim.branch_id] if reply.claim_id else None),
        )
        for reply in replies
    ]
