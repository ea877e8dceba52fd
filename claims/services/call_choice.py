"""The claimant chooses the call: the link sent when an officer has accepted the documents.

Passing the automatic checks puts a claim in the officer's queue (in_review); the call
comes after an officer has looked (DOMAIN.md: the documents are verified, then the
claimant is confirmed). So the invitation goes when an officer's review leaves every
required document accepted by an officer (documents.services.review), which may not
import interviews/: the invitation is a claims-level message with a path to the portal's
choosing page, recorded on the claim's history (``call_choice_invited``: the sweep that
books for a claimant who does not choose counts from it); the slots behind it are
interviews' business.

The link is the claim's random intake token (a UUID, not its id: nothing countable) and a
short keyed fingerprint of the phone it was sent to, signed (its own salt): no claim id,
reference, NIK, phone or name readable in it. It has no expiry of its own:
what it leads to follows the claim (choose while in_review, see the booked call after,
nothing once the claim has moved on), and a new phone number on the claim retires it.
"""

import logging
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from notifications.models import Message
from notifications.sealing import Secret

from ..models import Claim
from .lifecycle import claim_record_event
from .messaging import claim_notify

logger = logging.getLogger(__name__)

INVITE_TEMPLATE = "interview_choose"
INVITED_EVENT = "call_choice_invited"
CHOICE_SALT = "claims.call-choice"


def _phone_fingerprint(claim: Claim) -> str:
    return salted_hmac(f"{CHOICE_SALT}.phone", claim.contact_phone, algorithm="sha256").hexdigest()[:10]


def call_choice_token(claim: Claim) -> str:
    return signing.Signer(salt=CHOICE_SALT).sign(f"{claim.intake_token.hex}.{_phone_fingerprint(claim)}")


def call_choice_path(claim: Claim) -> str:
    return reverse("portal:choose", args=[call_choice_token(claim)])


def call_choice_read(token: str) -> Claim | None:
    """The claim behind a choosing link, or None (forged, unknown, or sent to an old number)."""
    try:
        value = signing.Signer(salt=CHOICE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    intake, _sep, fingerprint = value.partition(".")
    try:
        key = uuid.UUID(hex=intake)
    except ValueError:
        return None
    claim = Claim.objects.filter(intake_token=key).select_related("branch").first()
    if claim is None or not constant_time_compare(fingerprint, _phone_fingerprint(claim)):
        return None
    return claim


def call_choice_invite(*, claim: Claim) -> Message:
    """Documents accepted by an officer: ask the claimant to choose the time and the kind of call.

    Called under the claim's lock by the officer's review; delivered on commit.
    """
    branch = claim.branch
    claim_record_event(claim=claim, reason=INVITED_EVENT)
    logger.info("claim %s: invited to choose the call", claim.pk)
    return claim_notify(
        claim=claim,
        template=INVITE_TEMPLATE,
        context={
            "link_path": Secret.path(call_choice_path(claim)),
            "branch_name": branch.name,
            "branch_number": branch.whatsapp_number,
            "days": settings.INTERVIEW_CHOOSE_DAYS,
        },
    )
