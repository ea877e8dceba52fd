"""A few hundred historical demo claims, so the managers' dashboard has something to show after `make run`.

Written directly as rows (bulk_create), not through the services: the services stamp
"now", and the dashboard needs months of history. Each claim gets the history, interview,
reminders and documents its story implies. Only ever called by the demo_data command.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from claims.models import Branch, CancelReason, Channel, Claim, ClaimEvent, ClaimReason, DocumentType, Status
from claims.services import RejectReason
from core.staff import Role
from documents.models import Document, DocumentStatus
from interviews.models import AttemptOutcome, CallChannel, Interview, InterviewAttempt, InterviewStatus, Reminder
from notifications.models import Message, MessageChannel, MessageStatus

DEMO_FIGURES_EMAIL = "riwayat@lapakasik.invalid"
# (branch key, claims, share electronic, share of electronic cancelled): Medan struggles with uploads,
# Jayapura prefers the dropbox (as in 2020).
BRANCH_MIX = [
    ("medan", 90, 0.75, 0.55),
    ("banda-aceh", 50, 0.70, 0.25),
    ("pematangsiantar", 45, 0.65, 0.22),
    ("bandung", 70, 0.80, 0.20),
    ("surabaya", 70, 0.78, 0.24),
    ("makassar", 50, 0.60, 0.30),
    ("jayapura", 40, 0.40, 0.35),
]
WEEKS = 16
AUTOMATIC_CODES = ["image_blurry", "image_blurry", "image_too_dark", "image_too_small", "too_large", "pdf_encrypted"]
MANAGERS = ("kepala.medan", "wilayah.sumbagut", "pusat")

STEPS = {
    "upload_failed": [Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX, Status.CANCELLED],
    "in_review": [Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW],
    "needs_fix": [Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX],
    "rejected": [Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW, Status.REJECTED],
    "failed": [
        Status.SUBMITTED,
        Status.CHECKING,
        Status.IN_REVIEW,
        Status.INTERVIEW_SCHEDULED,
        Status.FAILED_CONFIRMATION,
    ],
    "approved": [
        Status.SUBMITTED,
        Status.CHECKING,
        Status.IN_REVIEW,
        Status.INTERVIEW_SCHEDULED,
        Status.INTERVIEW_DONE,
        Status.APPROVED,
    ],
}


def _story(rng: random.Random, electronic: bool, cancel_share: float, age_days: float) -> str:
    if electronic and rng.random() < cancel_share:
        return "upload_failed"
    if age_days < 5:
        return rng.choice(["in_review", "needs_fix"])
    roll = rng.random()
    return "rejected" if roll < 0.08 else "failed" if roll < 0.27 else "approved"


def demo_figures(branches: dict[str, Branch]) -> str:
    """Make the history once (running demo_data again adds nothing); returns a line to print."""
    for username in MANAGERS:
        User.objects.filter(username=username, email="").update(email=f"{username}@lapakasik.invalid")
    if Claim.objects.filter(email=DEMO_FIGURES_EMAIL).exists():
        return "Riwayat demo untuk dasbor sudah ada."
    rng = random.Random(2020)
    now = timezone.now()
    reasons = list(ClaimReason.objects.filter(needs_heir=False).select_related("programme"))
    jht = [reason for reason in reasons if reason.programme.code == "JHT"]
    doctypes = list(DocumentType.objects.order_by("pk")[:3])
    made = 0
    with transaction.atomic():
        for key, count, electronic_share, cancel_share in BRANCH_MIX:
            branch = branches[key]
            officer = User.objects.filter(branch=branch, role=Role.OFFICER).first()
            for n in range(count):
                age = rng.uniform(0.5, WEEKS * 7)
                submitted = now - dt.timedelta(days=age)
                electronic = rng.random() < electronic_share
                story = _story(rng, electronic, cancel_share, age)
                reason = rng.choice(jht) if rng.random() < 0.85 else rng.choice(reasons)
                steps = STEPS[story]
                closed = None
                if story in ("upload_failed", "rejected", "approved"):
                    closed = min(now, submitted + dt.timedelta(days=rng.uniform(0.3, 2) + rng.random() ** 2 * 14))
                claim = Claim.objects.create(
                    programme=reason.programme,
                    reason=reason,
                    branch=branch,
                    channel=Channel.ELECTRONIC if electronic else Channel.DROPBOX,
                    status=steps[-1],
                    cancel_reason=(
                        rng.choice([CancelReason.UPLOAD_FAILED, CancelReason.INCOMPLETE_DOCUMENTS])
                        if story == "upload_failed"
                        else ""
                    ),
                    nik="1271015203900002",
                    kpj_number=f"90{n:09d}",
                    full_name=f"Peserta Riwayat {key} {n}",
                    date_of_birth=dt.date(1988, 1, 1),
                    phone=f"+628129{made:07d}",
                    email=DEMO_FIGURES_EMAIL,
                    submitted_at=submitted,
                    closed_at=closed,
                )
                created = submitted - dt.timedelta(hours=rng.uniform(0.2, 30))
                Claim.objects.filter(pk=claim.pk).update(created_at=created, updated_at=closed or submitted)
                end = closed or min(now, submitted + dt.timedelta(days=3))
                events = [ClaimEvent(claim=claim, at=created, from_status="", to_status=Status.DRAFT)]
                previous = Status.DRAFT
                for index, step in enumerate(steps):
                    at = submitted + (end - submitted) * (index / max(1, len(steps) - 1))
                    reason_code = claim.cancel_reason if step == Status.CANCELLED else ""
                    if step == Status.REJECTED:
                        # Rejected before the call (DOMAIN.md): only as ineligible or duplicate.
                        reason_code = RejectReason.DUPLICATE if n % 4 == 0 else RejectReason.INELIGIBLE
                    events.append(
                        ClaimEvent(claim=claim, at=at, from_status=previous, to_status=step, reason=reason_code)
                    )
                    previous = step
                ClaimEvent.objects.bulk_create(events)
                _documents(rng, claim, doctypes, submitted, story)
                if story in ("failed", "approved") and officer is not None:
                    _interview(rng, claim, officer, submitted + (end - submitted) * 0.6, failed=story == "failed")
                made += 1
    logins = ", ".join(MANAGERS)
    return f"{made} klaim riwayat ({WEEKS} minggu terakhir) untuk dasbor manajer: /petugas/dasbor/ ({logins})."


def _documents(rng: random.Random, claim: Claim, doctypes, submitted: dt.datetime, story: str) -> None:
    rejected_share = 0.45 if story == "upload_failed" else 0.1
    rows = []
    for index, doctype in enumerate(doctypes):
        rejected = rng.random() < rejected_share
        rows.append(
            Document(
                claim=claim,
                document_type=doctype,
                file=f"documents/demo/riwayat-{claim.pk}-{index}",
                content_type="image/jpeg",
                size=250_000,
                sha256=f"{claim.pk:032d}{index:032d}",
                status=DocumentStatus.REJECTED if rejected else DocumentStatus.ACCEPTED,
                rejection_code=rng.choice(AUTOMATIC_CODES) if rejected else "",
                sanitized=not rejected,
                created_at=submitted - dt.timedelta(minutes=10 * (3 - index)),
                checked_at=submitted,
            )
        )
    Document.objects.bulk_create(rows)


def _interview(rng: random.Random, claim: Claim, officer, starts: dt.datetime, *, failed: bool) -> None:
    interview = Interview.objects.create(
        claim=claim,
        officer=officer,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=20),
        channel=CallChannel.WHATSAPP_VIDEO,
        status=InterviewStatus.FAILED if failed else InterviewStatus.DONE,
        created_by=officer,
    )
    # Failed confirmations had fewer reminders reaching the phone (the 2020 lesson).
    arrived = min(3, int(4 * rng.random() ** (1.8 if failed else 0.5)))
    channel = MessageChannel.WHATSAPP if rng.random() < 0.8 else MessageChannel.SMS
    for index, offset in enumerate((1440, 120, 15)):
        message = Message.objects.create(
            claim=claim,
            channel=channel,
            to=claim.phone,
            template="interview_reminder",
            body="Pengingat video call (demo riwayat).",
            status=MessageStatus.READ if index < arrived else MessageStatus.FAILED,
            created_at=starts - dt.timedelta(minutes=offset),
        )
        Reminder.objects.create(
            interview=interview,
            offset_minutes=offset,
            for_starts_at=starts,
            due_at=starts - dt.timedelta(minutes=offset),
            status="sent",
            sent_at=starts - dt.timedelta(minutes=offset),
            message=message,
        )
    if rng.random() < (0.6 if failed else 0.1):
        InterviewAttempt.objects.create(interview=interview, at=starts, by=officer, outcome=AttemptOutcome.NO_ANSWER)
