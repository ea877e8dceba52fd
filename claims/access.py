"""How a claimant without an account gets back to their claim.

A browser session holds the claims it created or opened with a one-time code; the
JSON API uses a signed claim token instead. One-time codes are six digits, valid ten
minutes, single use, stored only as a keyed hash, with five tries each, and requests
for them are throttled per phone number and per IP address. Nothing here tells a
visitor whether a reference exists.
"""

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.throttle import Throttled, throttle_hit
from notifications.services import message_send

from .models import Claim, OneTimeCode

logger = logging.getLogger(__name__)

SESSION_KEY = "claimant_claims"
TOKEN_SALT = "claims.api-token"


# --- browser sessions ---------------------------------------------------------------


def session_grant(session, claim: Claim) -> None:
    claims = [pk for pk in session.get(SESSION_KEY, []) if pk != claim.pk]
    session[SESSION_KEY] = [claim.pk, *claims][:10]
    session.cycle_key()


def session_claim_ids(session) -> list[int]:
    return list(session.get(SESSION_KEY, []))


# --- API tokens -----------------------------------------------------------------------


def claim_token_issue(claim: Claim) -> str:
    return signing.dumps({"claim": claim.pk}, salt=TOKEN_SALT, compress=False)


def claim_token_read(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=settings.CLAIM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return data.get("claim") if isinstance(data, dict) else None


# --- one-time codes -----------------------------------------------------------------


def _code_hash(code_id: int, code: str) -> str:
    return salted_hmac("claims.one-time-code", f"{code_id}:{code}", algorithm="sha256").hexdigest()


def one_time_code_request(*, reference: str, ip: str) -> None:
    """Send a code to the phone of the claim with this reference, if there is one.

    Returns the same way whether or not the reference exists. Raises Throttled when
    this IP asked too often; past the limit for the claim's phone it sends nothing.
    """
    if not throttle_hit("otp-ip", ip, limit=settings.OTP_PER_IP_LIMIT, window=settings.OTP_PER_IP_WINDOW):
        raise Throttled
    claim = Claim.objects.filter(reference=normalize_reference(reference)).first()
    if claim is None:
        return
    phone = claim.contact_phone
    if not throttle_hit("otp-phone", phone, limit=settings.OTP_PER_PHONE_LIMIT, window=settings.OTP_PER_PHONE_WINDOW):
        # Silently: an error here, and not for a made-up reference, would tell that this one exists.
        logger.info("claim %s: one-time code not sent, phone limit reached", claim.pk)
        return
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        # Only the newest code counts: asking again retires the older ones.
        OneTimeCode.objects.filter(claim=claim, used_at__isnull=True).update(used_at=now)
        record = OneTimeCode.objects.create(
            claim=claim, code_hash="", created_at=now, expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS)
        )
        record.code_hash = _code_hash(record.pk, code)
        record.save(update_fields=["code_hash"])
        message_send(
            to=phone,
            template="one_time_code",
            context={"reference": claim.reference, "code": code, "minutes": settings.OTP_TTL_SECONDS // 60},
            claim=claim,
            language=claim.language,
            sensitive=True,
        )


@dataclass(frozen=True)
class CodeCheck:
    claim: Claim | None
    exhausted: bool = False


def one_time_code_verify(*, reference: str, code: str) -> CodeCheck:
    """Check a code against the newest live code of the claim; every try counts."""
    claim = Claim.objects.filter(reference=normalize_reference(reference)).first()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if claim is None:
        return CodeCheck(claim=None)
    now = timezone.now()
    with transaction.atomic():
        record = (
            OneTimeCode.objects.select_for_update()
            .filter(claim=claim, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if record is None:
            return CodeCheck(claim=None)
        if record.attempts >= settings.OTP_MAX_ATTEMPTS:
            return CodeCheck(claim=None, exhausted=True)
        OneTimeCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
        if len(code) != 6 or not hmac.compare_digest(record.code_hash, _code_hash(record.pk, code)):
            return CodeCheck(claim=None, exhausted=record.attempts + 1 >= settings.OTP_MAX_ATTEMPTS)
        OneTimeCode.objects.filter(pk=record.pk).update(used_at=now)
    logger.info("claim %s opened with a one-time code", claim.pk)
    return CodeCheck(claim=claim)


def normalize_reference(reference: str) -> str:
    """People type references in lower case, without dashes, or with O for 0: be kind."""
    raw = "".join(ch for ch in (reference or "").upper() if ch.isalnum())
    if raw.startswith("LA"):
        raw = raw[2:]
    if len(raw) != 8:
        return ""
    return f"LA-{raw[:4]}-{raw[4:]}"
