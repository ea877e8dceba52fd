"""Save and finish later: a link that brings a claimant back to their draft, and one reminder.

The link is the claim id and a short keyed fingerprint of the phone it was sent to,
signed with a timestamp (TimestampSigner, its own salt): no NIK, phone or name in it.
It works for CLAIM_RESUME_LINK_DAYS, for that one claim, and only while the claim is a
draft; a new phone number on the claim retires links sent to the old one.

It is reusable until then, on purpose: a phone on a weak connection opens it again after
a failed load, WhatsApp fetches a link preview, and a claimant finishes over several
evenings. A single-use link would die on the first of those and leave them locked out.
Whoever holds the link can do what the claimant can do with a draft (upload, delete,
submit, cancel), exactly like the one-time code that it stands in for, so its message is
a secret (notifications.sealing.Secret): staff never see it in the stored body.

Sending is limited per claim (CLAIM_RESUME_LINK_LIMIT per CLAIM_RESUME_LINK_WINDOW),
counted from the messages themselves under the claim's row lock, so two taps at once
cannot both pass the limit and no shared cache is needed.

The reminder: CLAIM_RESUME_REMINDER_HOURS after the latest link, a claim still in draft
gets exactly one reminder with a fresh link. The state lives in the messages (template
and claim), not in a claim column; the beat sweep claims each claim with
SELECT … FOR UPDATE SKIP LOCKED and checks again under the lock, so two sweeps at once
still send one reminder.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from notifications.models import Message
from notifications.sealing import Secret
from notifications.services import message_send

from ..models import Claim, Status

logger = logging.getLogger(__name__)

LINK_TEMPLATE = "claim_resume_link"
REMINDER_TEMPLATE = "claim_resume_reminder"
NUDGE_TEMPLATE = "claim_draft_nudge"
LINK_SALT = "claims.resume-link"


class ResumeLinkThrottled(Exception):
    """Too many links for this claim lately; `minutes` until the next one may go."""

    def __init__(self, minutes: int):
        super().__init__(f"resume link limit reached, next in {minutes} min")
        self.minutes = minutes


# --- the link -----------------------------------------------------------------------


def _phone_fingerprint(claim: Claim) -> str:
    return salted_hmac(f"{LINK_SALT}.phone", claim.contact_phone, algorithm="sha256").hexdigest()[:10]


def resume_token(claim: Claim) -> str:
    """The signed token for this claim's link (short enough for one SMS with the address)."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{claim.pk}.{_phone_fingerprint(claim)}")


def resume_link_path(claim: Claim) -> str:
    return reverse("portal:resume_open", args=[resume_token(claim)])


@dataclass(frozen=True)
class ResumeLinkCheck:
    """What a link leads to. `claim` is set for "ok" and "closed", and for "expired" when the
    signature itself was good (so the page can offer the one-time code for that claim)."""

    state: str  # "ok", "expired", "closed" (no longer a draft) or "invalid"
    claim: Claim | None = None


def resume_link_read(token: str) -> ResumeLinkCheck:
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        value = signer.unsign(token, max_age=timedelta(days=settings.CLAIM_RESUME_LINK_DAYS))
        state = "ok"
    except signing.SignatureExpired:
        value = signer.unsign(token)  # authentic, only too old
        state = "expired"
    except signing.BadSignature:
        return ResumeLinkCheck(state="invalid")
    claim_id, _sep, fingerprint = value.partition(".")
    claim = Claim.objects.filter(pk=int(claim_id)).first() if claim_id.isdigit() else None
    if claim is None or not constant_time_compare(fingerprint, _phone_fingerprint(claim)):
        return ResumeLinkCheck(state="invalid")
    if state == "ok" and claim.status != Status.DRAFT:
        state = "closed"
    return ResumeLinkCheck(state=state, claim=claim)


# --- sending it -----------------------------------------------------------------------


def _send_link(claim: Claim, *, template: str, **context: str) -> Message:
    return message_send(
        to=claim.contact_phone,
        template=template,
        context={
            "reference": claim.reference,
            "link_path": Secret.path(resume_link_path(claim)),
            "days": settings.CLAIM_RESUME_LINK_DAYS,
            **context,
        },
        claim=claim,
        language=claim.language,
    )


def _links() -> QuerySet[Message]:
    # An SMS copy of a failed WhatsApp message is the same link, not another one.
    return Message.objects.filter(template=LINK_TEMPLATE, fallback_for__isnull=True)


def _links_sent(claim: Claim) -> QuerySet[Message]:
    return _links().filter(claim=claim)


def resume_link_send(*, claim: Claim, now: datetime | None = None) -> Message:
    """Send the claimant a link back to this draft by WhatsApp (SMS as fallback).

    Raises ValidationError when the claim is no longer a draft or has no phone to send to,
    and ResumeLinkThrottled past the per-claim limit.
    """
    now = now or timezone.now()
    window = timedelta(seconds=settings.CLAIM_RESUME_LINK_WINDOW)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != Status.DRAFT:
            raise ValidationError(_("Klaim ini sudah dikirim atau dibatalkan. Lihat statusnya."), code="not_draft")
        if not locked.contact_phone or locked.contact_via_branch:
            raise ValidationError(
                _("Klaim ini tidak punya nomor HP untuk dikirimi tautan. Telepon %(cc)s untuk bantuan.")
                % {"cc": settings.CALL_CENTRE_NUMBER},
                code="no_phone",
            )
        recent = list(
            _links_sent(locked).filter(created_at__gt=now - window).order_by("created_at").values_list("created_at")
        )
        if len(recent) >= settings.CLAIM_RESUME_LINK_LIMIT:
            wait = recent[0][0] + window - now
            raise ResumeLinkThrottled(minutes=max(1, -(-int(wait.total_seconds()) // 60)))
        message = _send_link(locked, template=LINK_TEMPLATE)
    logger.info("claim %s: resume link sent (message %s)", locked.pk, message.pk)
    return message


def resume_link_nudge(*, claim: Claim, closes_on: str) -> Message:
    """The expiry sweep's nudge to an untouched draft: a fresh link, and the day the draft will
    be closed if it is still not sent (documents/services/expiry.py). Not counted against the
    claimant's own link limit: the service sends it, at most twice."""
    return _send_link(claim, template=NUDGE_TEMPLATE, closes_on=closes_on)


def resume_link_last_sent(claim: Claim) -> datetime | None:
    return _links_sent(claim).order_by("-created_at").values_list("created_at", flat=True).first()


# --- the reminder ---------------------------------------------------------------------


def _reminders_due(now: datetime) -> QuerySet[Claim]:
    """Drafts whose latest link went out CLAIM_RESUME_REMINDER_HOURS ago (but within the
    link's lifetime: nobody is reminded of a months-old draft) and that had no reminder yet."""
    latest_link = _links().filter(claim=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    return (
        Claim.objects.filter(status=Status.DRAFT)
        .annotate(latest_link=Subquery(latest_link))
        .filter(
            latest_link__lte=now - timedelta(hours=settings.CLAIM_RESUME_REMINDER_HOURS),
            latest_link__gt=now - timedelta(days=settings.CLAIM_RESUME_LINK_DAYS),
        )
        .filter(~Exists(Message.objects.filter(claim=OuterRef("pk"), template=REMINDER_TEMPLATE)))
    )


def resume_reminders_send(*, now: datetime | None = None) -> int:
    """Beat sweep: one reminder, with a fresh link, to each unfinished claim that is due.

    Safe to run twice at once: each claim is taken with a row lock that a second sweep
    skips (SKIP LOCKED), and whether it is due is checked again under the lock, where a
    reminder written by a sweep that finished first is visible. Returns how many were sent.
    """
    now = now or timezone.now()
    due = list(
        _reminders_due(now).order_by("latest_link").values_list("pk", flat=True)[: settings.CLAIM_RESUME_REMINDER_BATCH]
    )
    sent = 0
    for claim_id in due:
        with transaction.atomic():
            claim = Claim.objects.select_for_update(skip_locked=True).filter(pk=claim_id).first()
            if claim is None or not _reminders_due(now).filter(pk=claim_id).exists():
                continue  # another sweep holds it, or it changed since the list was read
            message = _send_link(claim, template=REMINDER_TEMPLATE)
        logger.info("claim %s: resume reminder sent (message %s)", claim_id, message.pk)
        sent += 1
    return sent
