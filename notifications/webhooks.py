"""Signature checks and payload parsing for provider webhooks (no database here).

- WhatsApp: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(WHATSAPP_APP_SECRET, raw body).
- Twilio: X-Twilio-Signature = base64 HMAC-SHA1(TWILIO_AUTH_TOKEN, URL + sorted POST
  params as name+value). The URL is the one we gave as StatusCallback (PUBLIC_BASE_URL
  + path), so it holds behind a proxy that rewrites the host.
- Our SMS gateway receipts: X-Lapakasik-Signature = "sha256=" + hex
  HMAC-SHA256(SMS_GATEWAY_WEBHOOK_SECRET, raw body); the body is JSON
  {"ref": our key, "id": gateway id, "status": "sent|delivered|failed", "reason": "…"}.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass

from .models import MessageStatus

TWILIO_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}
WHATSAPP_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
}
GATEWAY_STATUSES = {"sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED, "failed": MessageStatus.FAILED}


def hmac_sha256_header(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    signed = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def signature_ok(expected: str, given: str, secret: str) -> bool:
    # No secret configured: refuse everything rather than accept anything.
    return bool(secret) and hmac.compare_digest(expected.encode(), given.encode())


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


def whatsapp_failure_reason(errors: list) -> tuple[str, str]:
    from .backends.whatsapp import INVALID_NUMBER_CODES, NOT_ON_WHATSAPP_CODES

    error = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = error.get("code")
    detail = f"WhatsApp code {code}: {error.get('title') or error.get('message') or ''}"
    if code in NOT_ON_WHATSAPP_CODES:
        return "not_on_whatsapp", detail
    if code in INVALID_NUMBER_CODES:
        return "invalid_number", detail
    return "undeliverable", detail


def parse_whatsapp(payload: dict) -> tuple[list[StatusReport], list[Reply]]:
    reports, replies = [], []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for status in value.get("statuses") or []:
                mapped = WHATSAPP_STATUSES.get(status.get("status"))
                if not mapped or not status.get("id"):
                    continue
                reason, detail = ("", "")
                if mapped == MessageStatus.FAILED:
                    reason, detail = whatsapp_failure_reason(status.get("errors") or [])
                reports.append(
                    StatusReport(
                        event_key=f"{status['id']}:{status['status']}",
                        status=mapped,
                        provider_message_id=str(status["id"]),
                        idempotency_key=str(status.get("biz_opaque_callback_data") or ""),
                        failure_reason=reason,
                        detail=detail,
                    )
                )
            for message in value.get("messages") or []:
                if not message.get("id") or not message.get("from"):
                    continue
                if message.get("type") == "text":
                    text = (message.get("text") or {}).get("body", "")
                elif message.get("type") == "button":
                    text = (message.get("button") or {}).get("text", "")
                else:
                    text = ""
                replies.append(
                    Reply(from_number=str(message["from"]), text=str(text), provider_message_id=message["id"])
                )
    return reports, replies


def parse_twilio(params: dict[str, str]) -> StatusReport | None:
    status = TWILIO_STATUSES.get(params.get("MessageStatus", ""))
    sid = params.get("MessageSid", "")
    if not status or not sid:
        return None
    reason, detail = "", ""
    if status == MessageStatus.FAILED:
        from .backends.twilio import INVALID_NUMBER_CODES

        code = params.get("ErrorCode", "")
        reason = "invalid_number" if code.isdigit() and int(code) in INVALID_NUMBER_CODES else "undeliverable"
        detail = f"Twilio {params['MessageStatus']} code {code}"
    return StatusReport(
        event_key=f"{sid}:{params['MessageStatus']}",
        status=status,
        provider_message_id=sid,
        failure_reason=reason,
        detail=detail,
    )


def parse_gateway(payload: dict) -> StatusReport | None:
    status = GATEWAY_STATUSES.get(str(payload.get("status", "")).lower())
    provider_id, ref = str(payload.get("id") or ""), str(payload.get("ref") or "")
    if not status or not (provider_id or ref):
        return None
    reason = str(payload.get("reason") or "undeliverable") if status == MessageStatus.FAILED else ""
    if reason not in ("invalid_number", "undeliverable", "rejected"):
        reason = "undeliverable"
    return StatusReport(
        event_key=f"{provider_id or ref}:{payload['status']}",
        status=status,
        provider_message_id=provider_id,
        idempotency_key=ref,
        failure_reason=reason,
        detail=f"gateway {payload['status']} {payload.get('reason', '')}".strip(),
    )
