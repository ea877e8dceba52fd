"""The WhatsApp Cloud API webhook: message statuses and claimants' replies.

X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(WHATSAPP_APP_SECRET, raw body). A GET is
Meta's subscription handshake, answered with the challenge for WHATSAPP_VERIFY_TOKEN.
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ...models import MessageStatus
from ..webhooks import Reply, StatusReport, hmac_sha256_header, reply_apply, report_apply, signature_ok, too_large
from .backend import INVALID_NUMBER_CODES, NOT_ON_WHATSAPP_CODES

STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
}


def failure_reason(errors: list) -> tuple[str, str]:
    error = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = error.get("code")
    detail = f"WhatsApp code {code}: {error.get('title') or error.get('message') or ''}"
    if code in NOT_ON_WHATSAPP_CODES:
        return "not_on_whatsapp", detail
    if code in INVALID_NUMBER_CODES:
        return "invalid_number", detail
    return "undeliverable", detail


def parse(payload: dict) -> tuple[list[StatusReport], list[Reply]]:
    reports, replies = [], []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for status in value.get("statuses") or []:
                mapped = STATUSES.get(status.get("status"))
                if not mapped or not status.get("id"):
                    continue
                reason, detail = ("", "")
                if mapped == MessageStatus.FAILED:
                    reason, detail = failure_reason(status.get("errors") or [])
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
    reports, replies = parse(payload if isinstance(payload, dict) else {})
    for report in reports:
        report_apply("whatsapp", report)
    for reply in replies:
        reply_apply(reply)
    return HttpResponse(status=200)
