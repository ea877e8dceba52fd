"""Starting a claim on the web or the API: one open claim per NIK and programme.

Every electronic start ends on the same step, "enter the code we sent", and nothing in the
answer tells whether the NIK already has an open claim in the programme (issue 15, point 2):

- no open claim: the code goes to the phone just typed (the claimant's, or the heir's for an
  heir claim), which also confirms that phone. The code makes the draft claim.
- an open claim: no new claim. The code goes to that claim's phone on file, in a message
  saying someone started a claim with this NIK, to be ignored if it was not them. The code
  opens the existing claim. A claim contacted through the branch has no phone: nothing is
  sent, and the page says what to do when no code comes (wait and resend, or call 175 / go
  to the branch), as it says to everyone.

The request does the same work in both cases (the same throttle, the same lookup, one row
written, one task queued) and the message, whichever it is, is written by the same task
after the answer, as claims/access.py does for codes asked by reference.

The claim is made AFTER the code is entered, not before. A draft made before would count as
"the open claim" of that NIK: anyone typing someone else's NIK with their own phone would
then receive that person's codes, and unconfirmed starts would pile up as drafts. Until the
code is entered nothing is saved but this row (ClaimStart), which keeps only a keyed
fingerprint of what was typed; the typed data stays where it was (the browser's intake
session; the API client, which sends it again with the code), so nothing already saved can
be lost, and an abandoned start leaves no claim behind.

Codes here are six digits, valid OTP_TTL_SECONDS, OTP_MAX_ATTEMPTS tries each, stored as a
keyed hash with its own salt (never interchangeable with a reference's access code), and
sent under the same limits: OTP_PER_IP_LIMIT per address for asking (a start or a resend),
OTP_PER_PHONE_LIMIT per phone for sending.

Two starts racing for the same NIK: claim_create holds the (NIK, programme) lock. If the
code of a new start comes back after another start created the claim, the code proved
only the phone just typed, so the start turns into one for the existing claim and a code
goes to its phone on file (the page asks for the new code).
"""

import hmac
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.queue import publish
from core.throttle import Throttled, throttle_hit
from notifications.sealing import Secret
from notifications.services import message_send

from ..models import Branch, Channel, Claim, ClaimReason, ClaimStart
from ..selectors import claim_open_for_nik
from .abuse import claim_create_check
from .lifecycle import ClaimAlreadyOpen, ClaimantData, claim_create, claimant_data_check

logger = logging.getLogger(__name__)

NEW_TEMPLATE = "claim_start_code"
EXISTING_TEMPLATE = "claim_start_existing"
_CODE_SALT = "claims.claim-start-code"
_SENT_SCOPE = "claim-start-send"
# What a try is compared against when there is no live code: no code hashes to it.
_NO_CODE_HASH = "0" * 64


def start_fingerprint(*, reason: ClaimReason, branch: Branch, data: ClaimantData) -> str:
    """A keyed hash of everything typed: the code opens only the start it was sent for."""
    typed = {**data.__dict__, "date_of_birth": data.date_of_birth.isoformat()}
    text = json.dumps({"reason": reason.pk, "branch": branch.pk, **typed}, sort_keys=True)
    return salted_hmac("claims.claim-start", text, algorithm="sha256").hexdigest()


def _code_hash(start_id: uuid.UUID | str, code: str) -> str:
    return salted_hmac(_CODE_SALT, f"{start_id}:{code}", algorithm="sha256").hexdigest()


def _queue_code(start: ClaimStart) -> None:
    """Queue the code's message; called after the start row is committed (the task reads it).
    With the broker away no code goes out; the claimant asks again, as for a lost SMS."""
    from .. import tasks

    publish(
        tasks.claim_start_code_send_task, str(start.pk), uuid.uuid4().hex, sweep="no sweep (the claimant asks again)"
    )


def claim_start(
    *,
    intake_token: uuid.UUID,
    reason: ClaimReason,
    branch: Branch,
    data: ClaimantData,
    language: str = "id",
    ip: str,
) -> ClaimStart:
    """A finished intake form: queue a code and return the start the code will belong to.

    The same work and the same return whether or not the NIK has an open claim in the
    programme. The same form sent twice (a double tap, a retry on a weak signal) is the same
    start and sends nothing more. Raises Throttled when this address asked too often, and
    ValidationError for what claim_create would refuse anyway (missing heir data).
    """
    claimant_data_check(reason=reason, data=data)
    fingerprint = start_fingerprint(reason=reason, branch=branch, data=data)
    same_form = ClaimStart.objects.filter(intake_token=intake_token, fingerprint=fingerprint).first()
    if same_form is not None and same_form.used_at is None:
        return same_form
    if not throttle_hit("otp-ip", ip, limit=settings.OTP_PER_IP_LIMIT, window=settings.OTP_PER_IP_WINDOW):
        raise Throttled
    # BudgetExceeded past a limit on claims started from one address, for one phone or one
    # NIK: a start is where a claim begins and a code is sent (staff start through claim_create).
    claim_create_check(nik=data.nik, contact_phone=data.heir_phone or data.phone, by=None)
    open_claim = claim_open_for_nik(data.nik, reason.programme_id)
    values = {
        "programme_id": reason.programme_id,
        "claim": open_claim,
        "found_open": open_claim is not None,
        "phone": "" if open_claim is not None else (data.heir_phone or data.phone),
        "language": language,
        "code_hash": "",
        "code_expires_at": None,
        "attempts": 0,
        "used_at": None,
    }
    try:
        with transaction.atomic():
            start, _created = ClaimStart.objects.update_or_create(
                intake_token=intake_token, fingerprint=fingerprint, defaults=values
            )
    except IntegrityError:  # the same form, posted twice at once: the first post sends
        return ClaimStart.objects.get(intake_token=intake_token, fingerprint=fingerprint)
    _queue_code(start)
    return start


def claim_start_resend(*, start_id: uuid.UUID | str, ip: str) -> None:
    """ "Send the code again": the same work for any start id, known or not."""
    if not throttle_hit("otp-ip", ip, limit=settings.OTP_PER_IP_LIMIT, window=settings.OTP_PER_IP_WINDOW):
        raise Throttled
    start = ClaimStart.objects.filter(pk=start_id, used_at__isnull=True).first() if _is_uuid(start_id) else None
    if start is not None:
        _queue_code(start)


def claim_start_code_send(*, start_id: str, request_id: str) -> None:
    """Send the start's code (claim_start_code_send_task), once per request however often it runs.

    A new code retires the one before. Nothing for a start already used, an open claim with
    no phone (contact through the branch), or a phone past its limit: the claimant was
    answered already, the same way.
    """
    if not cache.add(f"{_SENT_SCOPE}:{request_id}", 1, timeout=settings.OTP_TTL_SECONDS):
        return
    with transaction.atomic():
        start = (
            ClaimStart.objects.select_for_update(of=("self",))
            .select_related("claim", "programme")
            .filter(pk=start_id, used_at__isnull=True)
            .first()
        )
        if start is None:
            return
        claim = start.claim if start.found_open else None
        # An open claim's code goes to its phone as it is now; none when contacted through the branch.
        phone = start.phone if claim is None else ("" if claim.contact_via_branch else claim.contact_phone)
        if not phone:
            logger.info("claim start %s: no phone on file, no code sent", start.pk)
            return
        if not throttle_hit(
            "otp-phone", phone, limit=settings.OTP_PER_PHONE_LIMIT, window=settings.OTP_PER_PHONE_WINDOW
        ):
            logger.info("claim start %s: code not sent, phone limit reached", start.pk)
            return
        code = f"{secrets.randbelow(10**6):06d}"
        start.code_hash = _code_hash(start.pk, code)
        start.code_expires_at = timezone.now() + timedelta(seconds=settings.OTP_TTL_SECONDS)
        start.attempts = 0
        start.save(update_fields=["code_hash", "code_expires_at", "attempts"])
        context = {
            "code": Secret(code),
            "minutes": settings.OTP_TTL_SECONDS // 60,
            "programme": start.programme.name,
            "call_centre": settings.CALL_CENTRE_NUMBER,
        }
        if claim is not None:
            context["reference"] = claim.reference
        message_send(
            to=phone,
            template=EXISTING_TEMPLATE if claim is not None else NEW_TEMPLATE,
            context=context,
            claim=claim,
            language=claim.language if claim is not None else start.language,
        )


@dataclass(frozen=True)
class StartCheck:
    """What a code opened: `claim` (`created` when the code made it), or nothing;
    `exhausted` after too many tries of this code; `resent` when a new code went out instead."""

    claim: Claim | None
    created: bool = False
    exhausted: bool = False
    resent: bool = False


def claim_start_verify(
    *,
    start_id: uuid.UUID | str,
    code: str,
    reason: ClaimReason,
    branch: Branch,
    data: ClaimantData,
    channel: Channel = Channel.ELECTRONIC,
) -> StartCheck:
    """Check a code of a start: the same queries and the same hash whether the start is for a
    new claim, an open one, or nothing. A right code for a new claim creates the draft (the
    phone it went to is confirmed); for an open one it gives that claim."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    start_id = start_id if _is_uuid(start_id) else uuid.UUID(int=0)
    fingerprint = start_fingerprint(reason=reason, branch=branch, data=data)
    now = timezone.now()
    with transaction.atomic():
        start = (
            ClaimStart.objects.select_for_update(of=("self",))
            .select_related("claim")
            .filter(pk=start_id, used_at__isnull=True, code_expires_at__gt=now)
            .first()
        )
        ClaimStart.objects.filter(pk=start_id, used_at__isnull=True).update(attempts=F("attempts") + 1)
        expected = start.code_hash if start is not None else _NO_CODE_HASH
        matches = hmac.compare_digest(expected, _code_hash(start_id, code))
        if (
            start is None
            or not matches
            or len(code) != 6
            or start.attempts >= settings.OTP_MAX_ATTEMPTS
            or not hmac.compare_digest(start.fingerprint, fingerprint)
        ):
            exhausted = start is not None and start.attempts + 1 >= settings.OTP_MAX_ATTEMPTS
            return StartCheck(claim=None, exhausted=exhausted)
        if start.found_open and start.claim is not None:
            ClaimStart.objects.filter(pk=start.pk).update(used_at=now)
            logger.info("claim %s opened from a new start with a code to its phone", start.claim_id)
            return StartCheck(claim=start.claim)
        # The code is spent and the claim made in one transaction: a connection lost while
        # the claim is written leaves the code good for the claimant's retry.
        try:
            claim = claim_create(
                intake_token=start.intake_token,
                reason=reason,
                branch=branch,
                data=data,
                channel=channel,
                language=start.language,
            )
        except ClaimAlreadyOpen as exc:
            # Another start made the claim since this one was sent: this code proved only
            # the phone just typed. A code goes to that claim's phone on file instead.
            ClaimStart.objects.filter(pk=start.pk).update(
                claim=exc.claim, found_open=True, phone="", code_hash="", code_expires_at=None
            )
            resent = True
        else:
            ClaimStart.objects.filter(pk=start.pk).update(claim=claim, used_at=now)
            resent = False
    if resent:
        _queue_code(start)
        return StartCheck(claim=None, resent=True)
    return StartCheck(claim=claim, created=True)


# A start is worth nothing once its codes are long expired and the browser's intake is gone.
START_KEPT = timedelta(days=1)


def claim_starts_purge(*, now=None) -> int:
    """Beat: delete starts older than START_KEPT (they hold the phone typed); returns how many."""
    now = now or timezone.now()
    deleted, _by_model = ClaimStart.objects.filter(created_at__lt=now - START_KEPT).delete()
    return deleted


def _is_uuid(value: uuid.UUID | str) -> bool:
    if isinstance(value, uuid.UUID):
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
