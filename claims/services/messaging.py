"""A message to a claim's claimant: to the contact phone (the heir's when an heir claims), in
the language they used, with the claim number; the channel rules live in notifications/."""

from django.urls import reverse

from notifications.models import Message
from notifications.services import message_send

from ..models import Claim


def claim_status_path(claim: Claim) -> str:
    """Where a message sends the claimant to see the claim: the status page, number filled in."""
    return f"{reverse('portal:status_start')}?nomor={claim.reference}"


def claim_notify(*, claim: Claim, template: str, context: dict | None = None) -> Message:
    """Write the message about ``claim`` (``reference`` is always in its context); it is delivered
    once the caller's transaction commits, or held when the claimant is contacted through the branch.
    A code or a link that opens the claim goes in ``context`` as a notifications.sealing.Secret."""
    return message_send(
        to=claim.contact_phone,
        template=template,
        context={"reference": claim.reference, **(context or {})},
        claim=claim,
        language=claim.language,
    )
