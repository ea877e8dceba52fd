"""What the providers' webhooks share: the HMAC checks, the parsed shapes, the size limit, and
handing what was parsed to the one service that applies it.

Each provider's webhook.py verifies the signature over the raw body, parses, and calls
report_apply / reply_apply. Each view answers 200 for anything signed (even what it
ignores) so providers do not retry forever, 403 for a wrong signature; replays change
nothing (the services see to that).
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest

from ..services import inbound_reply_receive, message_status_report


@dataclass(frozen=True)
class StatusReport:
    event_key: str
    status: str
    provider_message_id: str
    idempotency_key: str = ""
    failure_reason: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Reply:
    from_number: str
    text: str
    provider_message_id: str
    # When the claimant sent it, as the provider says (the customer-service window runs from it).
    sent_at: datetime | None = None


def text_field(value: object) -> str:
    """A field of a provider's JSON read as text: a string as it is, a number as its digits,
    anything else (a list, an object, null) as empty, so an odd shape is skipped, never a 500."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def unix_time(value: object) -> datetime | None:
    """A provider's Unix timestamp ("1718000000" or a number) as an aware datetime; None if it is not one."""
    text = text_field(value)
    if not text.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(text), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def hmac_sha256_header(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(expected: str, given: str, secret: str) -> bool:
    # No secret configured: refuse everything rather than accept anything.
    return bool(secret) and hmac.compare_digest(expected.encode(), given.encode())


def too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > settings.NOTIFICATION_WEBHOOK_MAX_BYTES
    except ValueError:
        return True


def report_apply(provider: str, report: StatusReport) -> None:
    message_status_report(
        provider=provider,
        event_key=report.event_key,
        status=report.status,
        provider_message_id=report.provider_message_id,
        idempotency_key=report.idempotency_key,
        failure_reason=report.failure_reason,
        detail=report.detail,
    )


def reply_apply(reply: Reply) -> None:
    inbound_reply_receive(
        from_number=reply.from_number,
        text=reply.text,
        provider_message_id=reply.provider_message_id,
        sent_at=reply.sent_at,
    )
