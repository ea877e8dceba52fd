"""Claimants' replies that no other app understood: a status question answered by itself,
anything else filed in the branch's inbox for an officer to answer (issue 16, point 7).

Registered with notifications.replies as the leftover handler (ClaimsConfig.ready): it sees
a reply only after every app's handler has passed on it (interviews: "1", "YA", "2").

WhatsApp lets us send free text only inside the 24-hour customer-service window the
claimant opened by writing to us (notifications.selectors.service_window_open); outside it,
only an approved template. SMS has no such window: free text always. So:

- "STATUS", "CEK" or the reference of one of the number's claims, inside the window (or by
  SMS): the claim's status in plain words, as the status page says it (claims/timeline.py),
  nothing personal beyond the reference; several claims: each reference with its status in
  a word. A number with no claim: "we found no claim for this number, call 175". At most
  CLAIM_STATUS_REPLY_LIMIT answers per number an hour; past it, and for a question whose
  window has already closed (a webhook Meta delivered late), the reply goes to the inbox.
- Every other reply: the inbox, on the newest open claim of the number, else its newest
  claim, else no claim (national staff only). The officer answers in free text inside the
  window (SMS: always), or sends the "please call us / open your link" template outside it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from core.throttle import throttle_hit
from notifications.models import InboundMessage, MessageChannel
from notifications.selectors import service_window_open
from notifications.services import Outgoing, messages_send

from ..access import normalize_reference
from ..models import OPEN_STATUSES, Claim, ClaimReply, Status
from ..selectors import contact_phone_q
from ..timeline import explain
from .messaging import claim_status_path

logger = logging.getLogger(__name__)

# What asks for the status, compared after trimming, upper-casing and folding spaces.
STATUS_WORDS = frozenset({"STATUS", "CEK", "CEK STATUS", "STATUS KLAIM", "CEK KLAIM", "CEK STATUS KLAIM"})


class ReplyAlreadyAnswered(Exception):
    """Another officer answered this reply first."""


class ReplyWindowClosed(Exception):
    """Free text was written, but WhatsApp's window has closed: only the template may go now."""


class ReplyAnswerEmpty(Exception):
    """Inside the window the answer is the officer's own text, and none was written."""


# How an officer may answer a reply: their own text, or the approved template.
ANSWER_TEXT = "text"
ANSWER_TEMPLATE = "template"


def claim_reply_received(inbound: InboundMessage) -> bool:
    """The leftover handler: True when the reply was answered by itself (noted on the row),
    False when it went to the inbox."""
    claims = list(
        Claim.objects.filter(contact_phone_q(inbound.from_number)).select_related("branch").order_by("-created_at")
    )
    asked = _status_question(inbound.text, claims)
    if asked is not None and _may_answer_by_itself(inbound):
        _status_answer(inbound, asked)
        return True
    reply_file(inbound=inbound, claims=claims)
    return False


def _status_question(text: str, claims: list[Claim]) -> list[Claim] | None:
    """The claims a status question asks about ([] for a number with none), or None when the
    reply is no status question. A reference of a claim this number does not receive messages
    for is no question: it goes to the inbox, and nothing about that claim is said."""
    words = " ".join(text.upper().split())
    if words in STATUS_WORDS:
        open_claims = [claim for claim in claims if claim.status in OPEN_STATUSES]
        return open_claims or claims[:1]
    reference = normalize_reference(words)
    if reference:
        mine = [claim for claim in claims if claim.reference == reference]
        return mine or None
    return None


def _may_answer_by_itself(inbound: InboundMessage) -> bool:
    if inbound.channel == MessageChannel.WHATSAPP and not service_window_open(inbound.from_number):
        return False
    allowed = throttle_hit(
        "claim-status-reply",
        inbound.from_number,
        limit=settings.CLAIM_STATUS_REPLY_LIMIT,
        window=settings.CLAIM_STATUS_REPLY_WINDOW,
    )
    if not allowed:
        logger.info("reply %s: status answers to this number past the limit: to the inbox", inbound.pk)
    return allowed


@dataclass(frozen=True)
class StatusLine:
    reference: str
    status: str
    explanation: str


def _status_answer(inbound: InboundMessage, claims: list[Claim]) -> None:
    """The status in plain words, in the claim's language, on the channel the question came by."""
    language = claims[0].language if claims else "id"
    with translation.override(language):
        lines = [
            StatusLine(
                reference=claim.reference,
                status=str(claim.get_status_display()),
                explanation=explain(claim.status, claim.cancel_reason),
            )
            for claim in claims
        ]
    if not claims:
        template, context = "claim_status_unknown", {}
    else:
        template = "claim_status_reply"
        first = lines[0]
        context = {
            "several": len(lines) > 1,
            "reference": first.reference,
            "status": first.status,
            "explanation": first.explanation,
            "status_path": claim_status_path(claims[0]) if len(claims) == 1 else "",
            "lines": [f"{line.reference}: {line.status}" for line in lines],
            "base_url": settings.PUBLIC_BASE_URL,
        }
    messages_send(
        outgoing=[
            Outgoing(
                to=inbound.from_number,
                template=template,
                context=context,
                claim=claims[0] if claims else None,
                language=language,
                channel=inbound.channel,
                free_text=True,
            )
        ]
    )


def reply_file(*, inbound: InboundMessage, claims: list[Claim]) -> ClaimReply:
    """File a reply in the inbox of the branch of the claim it most likely concerns."""
    open_claims = [claim for claim in claims if claim.status in OPEN_STATUSES and claim.status != Status.DRAFT]
    candidates = open_claims or claims
    claim = candidates[0] if candidates else None
    reply, _ = ClaimReply.objects.get_or_create(
        inbound=inbound, defaults={"claim": claim, "received_at": inbound.received_at}
    )
    return reply


def reply_answer_mode(reply: ClaimReply) -> str:
    """Free text by SMS always, and on WhatsApp inside the window; the template otherwise."""
    inbound = reply.inbound
    if inbound.channel != MessageChannel.WHATSAPP or service_window_open(inbound.from_number):
        return ANSWER_TEXT
    return ANSWER_TEMPLATE


def reply_answer(*, reply: ClaimReply, text: str, by) -> ClaimReply:
    """An officer's answer to a reply in the inbox, sent on the channel the reply came by.

    Inside the window (SMS: always) it is the officer's text, sent as free text; outside it,
    the "please call us / open your link" template, and text written for it is refused
    (ReplyWindowClosed) rather than silently not sent. The reply, and the earlier unanswered
    replies from the same number on the same claim, are marked answered by ``by``. The row
    lock makes a second officer's answer a ReplyAlreadyAnswered, never a second message.
    """
    text = text.strip()
    with transaction.atomic():
        reply = ClaimReply.objects.select_for_update(of=("self",)).select_related("inbound").get(pk=reply.pk)
        if reply.answered:
            raise ReplyAlreadyAnswered
        claim = Claim.objects.filter(pk=reply.claim_id).first() if reply.claim_id else None
        mode = reply_answer_mode(reply)
        if mode == ANSWER_TEMPLATE and text:
            raise ReplyWindowClosed
        if mode == ANSWER_TEXT and not text:
            raise ReplyAnswerEmpty
        if mode == ANSWER_TEXT:
            template, context = "reply_text", {"text": text}
        else:
            template = "reply_call_us"
            context = {
                "reference": claim.reference if claim else "",
                "status_path": claim_status_path(claim) if claim else "",
            }
        outgoing = Outgoing(
            to=reply.inbound.from_number,
            template=template,
            context=context,
            claim=claim,
            language=claim.language if claim else "id",
            channel=reply.inbound.channel,
            free_text=mode == ANSWER_TEXT,
        )
        [message] = messages_send(outgoing=[outgoing])
        now = timezone.now()
        ClaimReply.objects.filter(
            claim=claim,
            inbound__from_number=reply.inbound.from_number,
            answered_at=None,
            received_at__lte=reply.received_at,
        ).update(answered_at=now, answered_by=by, answer=message)
        reply.refresh_from_db()
    return reply
