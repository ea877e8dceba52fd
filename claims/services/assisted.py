"""The assisted channel: an officer starts a claim for someone without a smartphone.

The claimant is at the branch counter or on the phone with the call centre. The officer
types what the claimant tells, then either confirms the claimant's phone with a six-digit
code sent to it (the claimant reads it out) or records that there is no working phone:
from then on every contact goes through the branch and no message is sent.

Phone-confirmation codes are NOT claimant access codes (claims/access.py): the claimant
is told to read this one out to the officer, while an access code must never be given to
anyone. They are kept apart so one can never stand in for the other: a different HMAC
salt, and the hash lives in the shared cache (Redis in production) rather than in
OneTimeCode, whose newest-live-code rule would make the two kinds of code retire each other.

One open claim per NIK and programme holds here too (claim_create refuses a second one).
The officer is logged in and is helping the claimant in person, so the officer is told
plainly that a claim is already open: with its number and a link when it is within what
they may see (their branch, or their region for a regional manager), and otherwise only
"open at another branch; call the call centre", never which branch or which claim.
"""

import hmac
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.masking import mask_phone
from core.throttle import Throttled, throttle_hit
from notifications.models import Message
from notifications.sealing import Secret
from notifications.services import message_send

from ..models import Branch, Channel, Claim, ClaimReason
from ..selectors import branches_for_staff, claims_for_staff
from .lifecycle import ClaimAlreadyOpen, ClaimantData, claim_create, claim_record_event

logger = logging.getLogger(__name__)

PHONE_CODE_TEMPLATE = "phone_confirm_code"
_CODE_SALT = "claims.assisted-phone-code"

# ClaimEvent.reason codes written here (the status does not change).
EVENT_ASSISTED_START = "assisted_start"
EVENT_PHONE_VERIFIED = "phone_verified"
EVENT_CONTACT_VIA_BRANCH = "contact_via_branch"


class AssistedWhere(models.TextChoices):
    BRANCH = "branch", gettext_lazy("di kantor cabang")
    CALL_CENTRE = "call_centre", gettext_lazy("lewat telepon (call centre)")


# --- scope ----------------------------------------------------------------------------


def assisted_branches(user) -> QuerySet[Branch]:
    """The branches this member of staff may start a claim for.

    Officers and branch managers: their own branch only. Regional managers: the
    branches of their region. National staff and superusers: every active branch.
    """
    return branches_for_staff(user).filter(is_active=True).select_related("region")


# --- starting the claim ---------------------------------------------------------------


class OpenClaimForStaff(ValidationError):
    """The NIK already has an open claim in the programme. `claim` is set only when this member
    of staff may see it (a link to it); otherwise the message says only that it is elsewhere."""

    def __init__(self, message: str, claim: Claim | None):
        super().__init__(message, code="open_claim")
        self.claim = claim


def open_claim_refusal(*, claim: Claim, by) -> OpenClaimForStaff:
    """What a member of staff is told when a start meets an open claim of the same NIK and programme."""
    if claims_for_staff(by).filter(pk=claim.pk).exists():
        return OpenClaimForStaff(
            _(
                "NIK ini sudah punya klaim %(programme)s yang masih berjalan: %(reference)s. "
                "Satu NIK hanya boleh punya satu klaim terbuka per program. Lanjutkan klaim itu."
            )
            % {"programme": claim.programme.name, "reference": claim.reference},
            claim,
        )
    return OpenClaimForStaff(
        _(
            "NIK ini sudah punya klaim %(programme)s yang masih berjalan di kantor cabang lain. "
            "Satu NIK hanya boleh punya satu klaim terbuka per program. Hubungi call centre %(cc)s "
            "untuk melanjutkan klaim itu."
        )
        % {"programme": claim.programme.name, "cc": settings.CALL_CENTRE_NUMBER},
        None,
    )


def claim_create_assisted(
    *,
    data: ClaimantData,
    reason: ClaimReason,
    branch: Branch,
    channel: Channel,
    by,
    intake_token: uuid.UUID,
    where: AssistedWhere,
) -> Claim:
    """Create a draft claim on the claimant's behalf, once per form (same token, same claim).

    Raises OpenClaimForStaff (a ValidationError) when the NIK has an open claim in the programme.

    The claim records who started it (created_by) and where the claimant was. A claim
    with no phone to reach the claimant on is marked "contact through the branch" at once:
    nothing could be sent to it anyway.
    """
    if not assisted_branches(by).filter(pk=branch.pk).exists():
        raise PermissionDenied("this member of staff may not start a claim for this branch")
    where = AssistedWhere(where)
    existing = Claim.objects.filter(intake_token=intake_token).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        try:
            claim = claim_create(
                intake_token=intake_token, reason=reason, branch=branch, data=data, channel=channel, by=by
            )
        except ClaimAlreadyOpen as exc:
            raise open_claim_refusal(claim=exc.claim, by=by) from None
        # Two posts of the same form racing: claim_create hands the loser the winner's
        # claim, already marked; the conditional update tells which post created it.
        no_phone = not claim.contact_phone
        first = Claim.objects.filter(pk=claim.pk, created_by__isnull=True).update(
            created_by=by, contact_via_branch=no_phone
        )
        if not first:
            return Claim.objects.get(pk=claim.pk)
        with translation.override("id"):
            note = _("Dimulai oleh petugas %(officer)s; peserta %(where)s.") % {
                "officer": by.get_username(),
                "where": where.label,
            }
            claim_record_event(claim=claim, reason=EVENT_ASSISTED_START, note=note, by=by)
            if no_phone:
                claim_record_event(
                    claim=claim,
                    reason=EVENT_CONTACT_VIA_BRANCH,
                    note=_("Tidak ada nomor HP: hubungi lewat kantor cabang."),
                    by=by,
                )
    logger.info("claim %s started by staff %s (%s)", claim.pk, by.pk, where.value)
    return Claim.objects.get(pk=claim.pk)


# --- confirming the phone -------------------------------------------------------------


def _cache_key(claim: Claim) -> str:
    return f"assisted-phone-code:{claim.pk}"


def phone_code_hash(claim: Claim, nonce: str, code: str) -> str:
    """A keyed hash of one code: only this is kept, never the code itself."""
    return salted_hmac(_CODE_SALT, f"{claim.pk}:{nonce}:{code}", algorithm="sha256").hexdigest()


def _check_can_confirm(claim: Claim) -> None:
    if not claim.is_open:
        raise ValidationError(_("Klaim ini sudah ditutup."), code="closed")
    if claim.contact_via_branch:
        raise ValidationError(_("Klaim ini ditandai: hubungi lewat kantor cabang."), code="contact_via_branch")
    if not claim.contact_phone:
        raise ValidationError(_("Klaim ini tidak punya nomor HP."), code="no_phone")


def assisted_phone_code_send(*, claim: Claim, by) -> Message:
    """Send a fresh six-digit code to the claimant's phone; the older one stops working.

    Sends count against the same per-phone limit as the claimant's own codes, so neither
    channel can be used to flood a phone. Raises Throttled past that limit.
    """
    claim = Claim.objects.get(pk=claim.pk)
    _check_can_confirm(claim)
    phone = claim.contact_phone
    if not throttle_hit("otp-phone", phone, limit=settings.OTP_PER_PHONE_LIMIT, window=settings.OTP_PER_PHONE_WINDOW):
        raise Throttled
    code = f"{secrets.randbelow(10**6):06d}"
    nonce = secrets.token_hex(8)
    ttl = settings.OTP_TTL_SECONDS
    cache.set(
        _cache_key(claim),
        {"nonce": nonce, "hash": phone_code_hash(claim, nonce, code), "expires": time.time() + ttl},
        timeout=ttl,
    )
    message = message_send(
        to=phone,
        template=PHONE_CODE_TEMPLATE,
        context={"reference": claim.reference, "code": Secret(code), "minutes": ttl // 60},
        claim=claim,
        language=claim.language,
    )
    logger.info("claim %s: phone confirmation code sent by staff %s", claim.pk, by.pk)
    return message


@dataclass(frozen=True)
class PhoneCheck:
    verified: bool
    # No live code: it expired, was used, or none was sent.
    expired: bool = False
    # Every try of this code is used up: send a new one.
    exhausted: bool = False
    tries_left: int = 0


def assisted_phone_code_verify(*, claim: Claim, code: str, by) -> PhoneCheck:
    """Check the code the claimant read out. Every try counts; five per code."""
    claim = Claim.objects.get(pk=claim.pk)
    if claim.phone_verified_at is not None:
        return PhoneCheck(verified=True)
    _check_can_confirm(claim)
    entry = cache.get(_cache_key(claim))
    if not entry:
        return PhoneCheck(verified=False, expired=True)
    limit = settings.OTP_MAX_ATTEMPTS
    tries_key = f"{_cache_key(claim)}:{entry['nonce']}:tries"
    cache.add(tries_key, 0, timeout=settings.OTP_TTL_SECONDS)
    try:
        tries = cache.incr(tries_key)
    except ValueError:  # expired between add and incr: the code has expired too
        return PhoneCheck(verified=False, expired=True)
    if tries > limit:
        return PhoneCheck(verified=False, exhausted=True)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6 or not hmac.compare_digest(entry["hash"], phone_code_hash(claim, entry["nonce"], code)):
        return PhoneCheck(verified=False, exhausted=tries >= limit, tries_left=max(limit - tries, 0))
    cache.delete(_cache_key(claim))
    now = timezone.now()
    with transaction.atomic():
        # Two right answers posted together confirm the phone once.
        marked = Claim.objects.filter(pk=claim.pk, phone_verified_at__isnull=True).update(
            phone_verified_at=now, version=F("version") + 1, updated_at=now
        )
        if marked:
            with translation.override("id"):
                claim_record_event(
                    claim=claim,
                    reason=EVENT_PHONE_VERIFIED,
                    note=_("Nomor HP %(phone)s dikonfirmasi dengan kode.") % {"phone": mask_phone(claim.contact_phone)},
                    by=by,
                )
    logger.info("claim %s: phone confirmed by staff %s", claim.pk, by.pk)
    return PhoneCheck(verified=True)


def assisted_contact_via_branch(*, claim: Claim, by) -> Claim:
    """No working phone: contact goes through the branch and no message is sent from now on."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if not locked.is_open:
            raise ValidationError(_("Klaim ini sudah ditutup."), code="closed")
        if locked.contact_via_branch:
            return locked
        locked.contact_via_branch = True
        locked.version += 1
        locked.save(update_fields=["contact_via_branch", "version", "updated_at"])
        with translation.override("id"):
            claim_record_event(
                claim=locked,
                reason=EVENT_CONTACT_VIA_BRANCH,
                note=_("Tidak ada HP yang bisa dipakai: hubungi lewat kantor cabang."),
                by=by,
            )
    cache.delete(_cache_key(locked))
    logger.info("claim %s: contact through the branch (staff %s)", locked.pk, by.pk)
    return locked


# --- what the phone page shows (reads) ------------------------------------------------


@dataclass(frozen=True)
class PhoneCodeState:
    last_sent: Message | None
    live_until: datetime | None


def assisted_phone_state(claim: Claim) -> PhoneCodeState:
    """The last code message and how long its code stays valid, for the phone page."""
    last = Message.objects.filter(claim=claim, template=PHONE_CODE_TEMPLATE).order_by("-created_at", "-id").first()
    entry = cache.get(_cache_key(claim))
    live_until = None
    if entry and entry.get("expires"):
        live_until = datetime.fromtimestamp(entry["expires"], tz=UTC)
    return PhoneCodeState(last_sent=last, live_until=live_until)
