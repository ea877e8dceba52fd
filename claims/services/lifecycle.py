"""The claim lifecycle: creating a claim, the one writer of its status, cancelling, its history.

One open claim per NIK and programme (issue 15, point 2): claim_create refuses a second
one with ClaimAlreadyOpen. Two starts at once are serialised by a PostgreSQL advisory
transaction lock keyed on a hash of (NIK, programme), taken before the check and held
until the new claim is committed; there is no unique constraint on the NIK (it is about
to be stored encrypted, found through a blind index). SQLite, the development database,
takes no lock: it runs one writer at a time anyway, and the race is tested on PostgreSQL.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.transitions import TransitionNotAllowed

from ..models import (
    ALLOWED_TRANSITIONS,
    Branch,
    CancelReason,
    Channel,
    Claim,
    ClaimEvent,
    ClaimReason,
    Status,
)
from ..selectors import claim_open_for_nik
from .messaging import claim_notify, claim_status_path

logger = logging.getLogger(__name__)


class ClaimTransitionNotAllowed(TransitionNotAllowed):
    def __init__(self, claim: Claim, to: str):
        super().__init__(f"claim {claim.pk}", claim.status, to)


@dataclass(frozen=True)
class ClaimantData:
    """What a claimant tells about themselves, already validated and normalised."""

    nik: str
    kpj_number: str
    full_name: str
    date_of_birth: dt.date
    phone: str
    email: str = ""
    heir_name: str = ""
    heir_nik: str = ""
    heir_relation: str = ""
    heir_phone: str = ""


class ClaimAlreadyOpen(Exception):
    """This NIK already has an open claim in this programme: `claim`. Never show it to someone
    who has not proved they hold its phone (claims/services/start.py)."""

    def __init__(self, claim: Claim):
        super().__init__(f"claim {claim.pk} is open for this NIK and programme")
        self.claim = claim


def nik_programme_lock_key(nik: str, programme_id: int) -> int:
    """A signed 64-bit key for pg_advisory_xact_lock: a keyed hash, so no NIK reaches the SQL log.

    Advisory locks are shared by every database of the server, so the database's name is in
    the hash: claims of another database on it (a test run's, a staging copy's) never wait here.
    """
    database = connection.settings_dict["NAME"]
    digest = salted_hmac("claims.one-open-claim", f"{database}:{nik}:{programme_id}", algorithm="sha256").digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_nik_programme(nik: str, programme_id: int) -> None:
    """Hold, until the current transaction ends, the lock of this NIK and programme."""
    if connection.vendor != "postgresql":
        return  # SQLite (development only) writes one transaction at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [nik_programme_lock_key(nik, programme_id)])


def claimant_data_check(*, reason: ClaimReason, data: ClaimantData) -> None:
    """What claim_create refuses before anything is written (also asked before a code is sent)."""
    if reason.needs_heir and not (data.heir_name and data.heir_nik and data.heir_relation and data.heir_phone):
        raise ValidationError(_("Data ahli waris wajib diisi untuk klaim ini."))


def claim_create(
    *,
    intake_token: uuid.UUID,
    reason: ClaimReason,
    branch: Branch,
    data: ClaimantData,
    channel: Channel = Channel.ELECTRONIC,
    language: str = "id",
    by=None,
) -> Claim:
    """Create a draft claim, once per intake form: the same token posted twice gives the same claim.

    Raises ClaimAlreadyOpen when the NIK already has an open claim in the programme (see the
    module docstring for the lock that makes this hold under concurrent starts).
    """
    existing = Claim.objects.filter(intake_token=intake_token).first()
    if existing is not None:
        return existing
    claimant_data_check(reason=reason, data=data)
    try:
        with transaction.atomic():
            lock_nik_programme(data.nik, reason.programme_id)
            open_claim = claim_open_for_nik(data.nik, reason.programme_id)
            if open_claim is not None:
                raise ClaimAlreadyOpen(open_claim)
            claim = Claim.objects.create(
                intake_token=intake_token,
                programme=reason.programme,
                reason=reason,
                branch=branch,
                channel=channel,
                language=language,
                **data.__dict__,
            )
            ClaimEvent.objects.create(claim=claim, actor=by, from_status="", to_status=Status.DRAFT)
    except IntegrityError:
        # A concurrent post of the same form won the race: its claim is ours.
        return Claim.objects.get(intake_token=intake_token)
    logger.info("claim %s created (draft)", claim.pk)
    return claim


def claim_transition(*, claim: Claim, to: Status, by=None, reason: str = "", note: str = "") -> Claim:
    """The only writer of Claim.status: lock, check the table, save, record, in one transaction."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if to not in ALLOWED_TRANSITIONS[locked.status]:
            raise ClaimTransitionNotAllowed(locked, to)
        now = timezone.now()
        from_status = locked.status
        locked.status = to
        locked.version += 1
        fields = ["status", "version", "updated_at"]
        if to == Status.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = now
            fields.append("submitted_at")
        if to == Status.CANCELLED:
            locked.cancel_reason = reason
            fields.append("cancel_reason")
        if to in (Status.APPROVED, Status.REJECTED, Status.CANCELLED):
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        ClaimEvent.objects.create(
            claim=locked, at=now, actor=by, from_status=from_status, to_status=to, reason=reason, note=note[:500]
        )
    logger.info("claim %s: %s → %s", locked.pk, from_status, to)
    return locked


# What the claimant reads about each cancellation they did not ask for, in plain words.
CANCEL_EXPLANATIONS = {
    CancelReason.UPLOAD_FAILED: gettext_lazy(
        "Foto dokumen yang Anda kirim belum lolos pemeriksaan, dan foto baru tidak masuk sampai batas waktu."
    ),
    CancelReason.INCOMPLETE_DOCUMENTS: gettext_lazy("Dokumen yang diperlukan belum lengkap sampai batas waktu."),
    CancelReason.CLAIMANT_REQUEST: gettext_lazy("Anda meminta klaim ini dibatalkan."),
    CancelReason.FAILED_CONFIRMATION: gettext_lazy(
        "Video call untuk memastikan data Anda belum berhasil, dan tidak ada jadwal baru sampai batas waktu."
    ),
    CancelReason.DUPLICATE: gettext_lazy("Klaim yang sama sudah pernah diajukan."),
    CancelReason.INELIGIBLE: gettext_lazy("Klaim ini belum memenuhi syarat program."),
    CancelReason.EXPIRED: gettext_lazy("Klaim ini belum dikirim sampai batas waktu."),
}


def claim_cancel(*, claim: Claim, reason: CancelReason, by=None, note: str = "") -> Claim:
    """Cancel an open claim with a reason code. Cancelling a cancelled claim changes nothing.

    The one place a cancellation is told (DOMAIN.md: cancelled, why, and how to start again):
    the claimant's own request, an officer's cancellation and the expiry sweeps all come
    through here, so each cancelled claim gets exactly one message, in the caller's transaction.
    """
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status == Status.CANCELLED:
            return claim
        claim = claim_transition(claim=claim, to=Status.CANCELLED, by=by, reason=reason, note=note)
        if not (claim.contact_phone or claim.contact_via_branch):
            # An assisted draft cancelled before its phone step: nobody to tell.
            return claim
        branch = Branch.objects.get(pk=claim.branch_id)
        with translation.override(claim.language):
            explanation = str(CANCEL_EXPLANATIONS[CancelReason(reason)])
        claim_notify(
            claim=claim,
            template="claim_cancelled",
            context={
                "at_request": reason == CancelReason.CLAIMANT_REQUEST,
                "explanation": explanation,
                "link_path": claim_status_path(claim),
                "new_claim_path": reverse("portal:start_programme"),
                "branch_name": branch.name,
            },
        )
    return claim


def claim_record_event(*, claim: Claim, reason: str, note: str = "", by=None) -> ClaimEvent:
    """Something worth keeping on the claim's history that does not change its status."""
    return ClaimEvent.objects.create(
        claim=claim, actor=by, from_status=claim.status, to_status=claim.status, reason=reason, note=note[:500]
    )
