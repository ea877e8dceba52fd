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
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.queue import publish
from core.throttle import Throttled, throttle_count, throttle_hit, throttle_reset
from notifications.sealing import Secret
from notifications.services import message_send

from . import tasks
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
#
# No reference oracle: for a real reference and an unknown one, a request for a code and
# a try of a code answer the same bytes after the same work. Asking only counts against
# the address and queues the sending (the lookup, the phone's limit, the code and the
# message happen in the task, after the answer); trying runs the same queries and the
# same keyed hash against a dummy when there is no live code, and "too many tries" is
# counted per reference in the cache, whether or not a claim has it.

TRIES_SCOPE = "otp-tries"
SENT_SCOPE = "otp-request"


def _code_hash(code_id: int, code: str) -> str:
    return salted_hmac("claims.one-time-code", f"{code_id}:{code}", algorithm="sha256").hexdigest()


# What a try is compared against when there is no live code: a hash of the same length
# no code can match (code ids start at 1), so the comparison costs the same.
_NO_CODE_HASH = "0" * 64


def one_time_code_request(*, reference: str, ip: str) -> None:
    """Queue sending a code to the phone of the claim with this reference, if there is one.

    Returns the same way, after the same work, whether or not the reference exists: it
    never looks the reference up. Raises Throttled when this IP asked too often.
    """
    if not throttle_hit("otp-ip", ip, limit=settings.OTP_PER_IP_LIMIT, window=settings.OTP_PER_IP_WINDOW):
        raise Throttled
    reference = normalize_reference(reference)
    # A new code gets a new count of tries (one_time_code_verify), real reference or not.
    throttle_reset(TRIES_SCOPE, reference)
    # No transaction is open in a request (ATOMIC_REQUESTS is off): nothing to wait for.
    # With the broker away no code goes out; the claimant asks again, as for a lost SMS.
    publish(tasks.one_time_code_send_task, reference, uuid.uuid4().hex, sweep="no sweep (the claimant asks again)")


def one_time_code_send(*, reference: str, request_id: str) -> None:
    """Send a code to the phone of the claim with this reference (one_time_code_send_task).

    Nothing for an unknown reference or past the limit for the claim's phone: the
    claimant was answered already, the same way. A request is sent at most once, however
    often its task runs.
    """
    if not cache.add(f"{SENT_SCOPE}:{request_id}", 1, timeout=settings.OTP_TTL_SECONDS):
        return
    claim = Claim.objects.filter(reference=reference).first() if reference else None
    if claim is None:
        return
    phone = claim.contact_phone
    if not throttle_hit("otp-phone", phone, limit=settings.OTP_PER_PHONE_LIMIT, window=settings.OTP_PER_PHONE_WINDOW):
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
            context={"reference": claim.reference, "code": Secret(code), "minutes": settings.OTP_TTL_SECONDS // 60},
            claim=claim,
            language=claim.language,
        )


@dataclass(frozen=True)
class CodeCheck:
    claim: Claim | None
    exhausted: bool = False


def one_time_code_verify(*, reference: str, code: str) -> CodeCheck:
    """Check a code against the newest live code of the claim; every try counts.

    The same queries and the same hash run whether or not the reference has a live
    code. Tries are counted twice: on the code row (the lock that holds, even if the
    cache is emptied) and per reference in the cache (what the answer says: "too many
    tries" comes after OTP_MAX_ATTEMPTS tries since the last request, for any reference).
    """
    reference = normalize_reference(reference)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    tries = throttle_count(TRIES_SCOPE, reference, window=settings.OTP_TTL_SECONDS)
    now = timezone.now()
    with transaction.atomic():
        # One query joining the claim, so an unknown reference does not skip a step.
        record = (
            OneTimeCode.objects.select_for_update(of=("self",))
            .select_related("claim")
            .filter(claim__reference=reference, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        record_id = record.pk if record is not None else 0
        # Matches no row without a live code, but costs the same round trip.
        OneTimeCode.objects.filter(pk=record_id).update(attempts=F("attempts") + 1)
        expected = record.code_hash if record is not None else _NO_CODE_HASH
        matches = hmac.compare_digest(expected, _code_hash(record_id, code))
        if (
            record is None
            or not matches
            or len(code) != 6
            or record.attempts >= settings.OTP_MAX_ATTEMPTS
            or tries > settings.OTP_MAX_ATTEMPTS
        ):
            return CodeCheck(claim=None, exhausted=tries >= settings.OTP_MAX_ATTEMPTS)
        OneTimeCode.objects.filter(pk=record.pk).update(used_at=now)
    logger.info("claim %s opened with a one-time code", record.claim_id)
    return CodeCheck(claim=record.claim)


def normalize_reference(reference: str) -> str:
    """People type references in lower case, without dashes, or with O for 0: be kind."""
    raw = "".join(ch for ch in (reference or "").upper() if ch.isalnum())
    if raw.startswith("LA"):
        raw = raw[2:]
    if len(raw) != 8:
        return ""
    return f"LA-{raw[:4]}-{raw[4:]}"
