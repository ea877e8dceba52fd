"""The WhatsApp Cloud API webhook: message statuses, claimants' replies, template reviews.

X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(WHATSAPP_APP_SECRET, raw body). A GET is
Meta's subscription handshake, answered with the challenge for WHATSAPP_VERIFY_TOKEN.
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ...models import MessageStatus
from ...services import template_status_record
from ..webhooks import (
    Reply,
    StatusReport,
    hmac_sha256_header,
    reply_apply,
    report_apply,
    signature_ok,
    text_field,
    too_large,
    unix_time,
)
from .backend import INVALID_NUMBER_CODES, NOT_ON_WHATSAPP_CODES

logger = logging.getLogger(__name__)

# InboundMessage.provider_message_id: a longer id cannot be stored, so it is no reply of Meta's.
MAX_ID_LENGTH = 128

STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
}


def failure_reason(errors: object) -> tuple[str, str]:
    error = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    code = error.get("code")
    detail = f"WhatsApp code {code}: {error.get('title') or error.get('message') or ''}"
    if code in NOT_ON_WHATSAPP_CODES:
        return "not_on_whatsapp", detail
    if code in INVALID_NUMBER_CODES:
        return "invalid_number", detail
    return "undeliverable", detail


def _objects(container: dict, key: str, where: str) -> list[dict]:
    """The JSON objects in container[key], a list; anything else there is logged and skipped.

    The payload is signed, so it is Meta's: a shape we do not know (a new field type, a
    change of API version) must not become a 500, which Meta would retry for days.
    """
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        logger.warning("whatsapp webhook: %s.%s is a %s, not a list: skipped", where, key, type(value).__name__)
        return []
    objects = [item for item in value if isinstance(item, dict)]
    if len(objects) != len(value):
        logger.warning("whatsapp webhook: %d of %s.%s not objects: skipped", len(value) - len(objects), where, key)
    return objects


def _status_report(status: dict) -> StatusReport | None:
    name, wamid = text_field(status.get("status")), text_field(status.get("id"))
    mapped = STATUSES.get(name)
    if not mapped or not wamid:
        logger.info("whatsapp webhook: status %r of %r not understood: skipped", name[:40], wamid[:128])
        return None
    reason, detail = ("", "")
    if mapped == MessageStatus.FAILED:
        reason, detail = failure_reason(status.get("errors"))
    return StatusReport(
        event_key=f"{wamid}:{name}",
        status=mapped,
        provider_message_id=wamid[:128],
        idempotency_key=text_field(status.get("biz_opaque_callback_data")),
        failure_reason=reason,
        detail=detail,
    )


def _reply(message: dict) -> Reply | None:
    wamid, sender = text_field(message.get("id")), text_field(message.get("from"))
    if not wamid or not sender or len(wamid) > MAX_ID_LENGTH:
        logger.info("whatsapp webhook: a message without a usable id or sender: skipped")
        return None
    return Reply(
        from_number=sender,
        text=_reply_text(message),
        provider_message_id=wamid,
        sent_at=unix_time(message.get("timestamp")),
    )


def _reply_text(message: dict) -> str:
    """What the claimant said. A tapped quick-reply button says its payload ("1", "2": the
    catalogue's QuickReply), which means what typing it means; its title is the fallback."""
    kind = message.get("type")
    body = message.get(kind) if isinstance(kind, str) else None
    if not isinstance(body, dict):
        return ""
    if kind == "text":
        return text_field(body.get("body"))
    if kind == "button":  # a template's quick-reply button
        return text_field(body.get("payload")) or text_field(body.get("text"))
    if kind == "interactive":  # a button of an interactive message
        reply = body.get("button_reply")
        if isinstance(reply, dict):
            return text_field(reply.get("id")) or text_field(reply.get("title"))
    return ""


# What WhatsApp sends in message_template_status_update "event".
TEMPLATE_EVENTS = {"APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "IN_APPEAL", "PENDING_DELETION"}


def template_updates(payload: dict) -> list[tuple[str, str, str, str]]:
    """(name, language, status, reason) from message_template_status_update changes; any other
    shape is logged and skipped."""
    updates = []
    for entry in _objects(payload, "entry", "payload"):
        for change in _objects(entry, "changes", "entry"):
            if change.get("field") != "message_template_status_update":
                continue
            value = change.get("value")
            value = value if isinstance(value, dict) else {}
            name = text_field(value.get("message_template_name"))
            language = text_field(value.get("message_template_language"))
            event = text_field(value.get("event")).upper()
            if not name or not language or event not in TEMPLATE_EVENTS:
                logger.warning("whatsapp webhook: a template status update not understood: skipped")
                continue
            reason = text_field(value.get("reason"))
            updates.append((name, language, event, "" if reason == "NONE" else reason))
    return updates


def parse(payload: dict) -> tuple[list[StatusReport], list[Reply]]:
    """Status reports and replies from one webhook body; what is not understood is skipped
    (and logged), so a signed body of any shape is answered 200."""
    reports, replies = [], []
    for entry in _objects(payload, "entry", "payload"):
        for change in _objects(entry, "changes", "entry"):
            value = change.get("value")
            if not isinstance(value, dict):
                logger.warning("whatsapp webhook: a change whose value is not an object: skipped")
                continue
            for status in _objects(value, "statuses", "value"):
                if report := _status_report(status):
                    reports.append(report)
            for message in _objects(value, "messages", "value"):
                if reply := _reply(message):
                    replies.append(reply)
    return reports, replies


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Meta's subscription handshake: echo the challenge for our verify token.
        token = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") == "subscribe" and signature_ok(
            settings.WHATSAPP_VERIFY_TOKEN, token, settings.WHATSAPP_VERIFY_TOKEN
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    if too_large(request):
        return HttpResponse(status=413)
    expected = hmac_sha256_header(settings.WHATSAPP_APP_SECRET, request.body)
    if not signature_ok(expected, request.headers.get("X-Hub-Signature-256", ""), settings.WHATSAPP_APP_SECRET):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        logger.warning("whatsapp webhook: a signed JSON %s, not an object: ignored", type(payload).__name__)
        payload = {}
    reports, replies = parse(payload)
    for name, language, status, reason in template_updates(payload):
        template_status_record(name=name, language=language, status=status, reason=reason)
    for report in reports:
        report_apply("whatsapp", report)
    for reply in replies:
        reply_apply(reply)
    return HttpResponse(status=200)
