"""Rows with known counts for the dashboard's figures.

Claims, events, interviews, reminders, messages and documents are written directly (not
through the lifecycle services): these tests check what the figures count, on histories
the services would produce, with dates placed exactly on the edges under test.
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from claims.models import Branch, Channel, Claim, ClaimEvent, ClaimReason, Status
from core.staff import Role
from documents.models import Document, DocumentStatus
from interviews.models import AttemptOutcome, CallChannel, Interview, InterviewAttempt, InterviewStatus, Reminder
from notifications.models import Message, MessageChannel, MessageStatus
from tests.factories import BranchFactory, RegionFactory, StaffFactory

JAKARTA = ZoneInfo("Asia/Jakarta")
JAYAPURA = ZoneInfo("Asia/Jayapura")
# A whole week, Monday 2 March 2026 to Sunday 8 March 2026, and "now" well after it.
WEEK = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
_serial = itertools.count(1)

# The order of statuses a claim goes through, to write a plausible history.
PATHS = {
    Status.SUBMITTED: [Status.SUBMITTED],
    Status.IN_REVIEW: [Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW],
    Status.NEEDS_FIX: [Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX],
    Status.INTERVIEW_SCHEDULED: [Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW, Status.INTERVIEW_SCHEDULED],
    Status.INTERVIEW_DONE: [
        Status.SUBMITTED,
        Status.CHECKING,
        Status.IN_REVIEW,
        Status.INTERVIEW_SCHEDULED,
        Status.INTERVIEW_DONE,
    ],
    Status.APPROVED: [
        Status.SUBMITTED,
        Status.CHECKING,
        Status.IN_REVIEW,
        Status.INTERVIEW_SCHEDULED,
        Status.INTERVIEW_DONE,
        Status.APPROVED,
    ],
    Status.REJECTED: [Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW, Status.REJECTED],
}


def local(day: dt.date, hour: int = 10, minute: int = 0, zone=JAKARTA) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def claim_row(
    branch: Branch,
    *,
    submitted_at: dt.datetime | None,
    channel: str = Channel.ELECTRONIC,
    status: str = Status.IN_REVIEW,
    cancel_reason: str = "",
    closed_at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
    programme: str = "JHT",
    history: list[str] | None = None,
) -> Claim:
    """A claim as the lifecycle leaves it, with its ClaimEvent history."""
    reason = ClaimReason.objects.filter(programme__code=programme, needs_heir=False).first()
    n = next(_serial)
    claim = Claim.objects.create(
        programme=reason.programme,
        reason=reason,
        branch=branch,
        channel=channel,
        status=status,
        cancel_reason=cancel_reason,
        nik="3174011205900003",
        kpj_number=f"{n:011d}",
        full_name="Peserta Uji",
        date_of_birth=dt.date(1990, 5, 12),
        phone="+6281234567890",
        submitted_at=submitted_at,
        closed_at=closed_at,
    )
    created = created_at or (submitted_at - dt.timedelta(hours=1) if submitted_at else NOW)
    Claim.objects.filter(pk=claim.pk).update(created_at=created)
    claim.created_at = created
    steps = history if history is not None else PATHS.get(status, [Status.SUBMITTED] if submitted_at else [])
    if status == Status.CANCELLED and history is None:
        steps = [Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX, Status.CANCELLED] if submitted_at else []
    previous = Status.DRAFT
    at = created
    ClaimEvent.objects.create(claim=claim, at=at, from_status="", to_status=Status.DRAFT)
    for step in steps:
        at = at + dt.timedelta(minutes=1)
        ClaimEvent.objects.create(claim=claim, at=at, from_status=previous, to_status=step)
        previous = step
    return claim


def interview_row(
    claim: Claim,
    *,
    starts_at: dt.datetime,
    status: str = InterviewStatus.DONE,
    delivered: tuple[str, ...] = (),
    undelivered: int = 0,
    no_answer: bool = False,
) -> Interview:
    """An interview with one reminder per entry of ``delivered`` ("whatsapp", "sms" or
    "fallback": WhatsApp failed, its SMS copy arrived) and ``undelivered`` reminders that never arrived."""
    officer = StaffFactory(branch=claim.branch)
    interview = Interview.objects.create(
        claim=claim,
        officer=officer,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=20),
        channel=CallChannel.WHATSAPP_VIDEO,
        status=status,
    )
    offsets = iter((1440, 120, 15, 10, 5, 30, 60))
    for how in (*delivered, *(["lost"] * undelivered)):
        if how == "whatsapp":
            message = _message(claim, MessageChannel.WHATSAPP, MessageStatus.READ)
        elif how == "sms":
            message = _message(claim, MessageChannel.SMS, MessageStatus.DELIVERED)
        elif how == "fallback":
            message = _message(claim, MessageChannel.WHATSAPP, MessageStatus.FAILED)
            Message.objects.create(
                claim=claim,
                channel=MessageChannel.SMS,
                to=claim.phone,
                template="interview_reminder",
                body="x",
                status=MessageStatus.DELIVERED,
                fallback_for=message,
            )
        else:
            message = _message(claim, MessageChannel.WHATSAPP, MessageStatus.SENT)
        offset = next(offsets)
        Reminder.objects.create(
            interview=interview,
            offset_minutes=offset,
            for_starts_at=starts_at,
            due_at=starts_at - dt.timedelta(minutes=offset),
            status="sent",
            message=message,
        )
    if no_answer:
        InterviewAttempt.objects.create(interview=interview, at=starts_at, by=officer, outcome=AttemptOutcome.NO_ANSWER)
    return interview


def _message(claim: Claim, channel: str, status: str) -> Message:
    return Message.objects.create(
        claim=claim, channel=channel, to=claim.phone, template="interview_reminder", body="x", status=status
    )


def document_row(claim: Claim, *, created_at: dt.datetime, status=DocumentStatus.ACCEPTED, code: str = "") -> Document:
    from claims.models import DocumentType

    return Document.objects.create(
        claim=claim,
        document_type=DocumentType.objects.first(),
        file="documents/test/x",
        content_type="image/jpeg",
        size=100,
        sha256=f"{next(_serial):064d}",
        status=status,
        rejection_code=code,
        created_at=created_at,
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def region(db):
    return RegionFactory(code="KWUJI", name="Kantor Wilayah Uji")


@pytest.fixture
def jakarta(region):
    return BranchFactory(code="CBJKT", name="Cabang Jakarta Uji", region=region, time_zone=Branch.Zone.WIB)


@pytest.fixture
def jayapura(region):
    return BranchFactory(code="CBJYP", name="Cabang Jayapura Uji", region=region, time_zone=Branch.Zone.WIT)


@pytest.fixture
def national(db):
    return StaffFactory(username="pusat-uji", role=Role.NATIONAL, branch=None)


@pytest.fixture
def regional(region):
    return StaffFactory(username="wilayah-uji", role=Role.REGIONAL_MANAGER, branch=None, region=region)


@pytest.fixture
def head_jakarta(jakarta):
    return StaffFactory(username="kepala-jakarta", role=Role.BRANCH_MANAGER, branch=jakarta)
