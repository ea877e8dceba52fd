"""Delivery receipts from our SMS gateway.

X-Lapakasik-Signature = "sha256=" + hex HMAC-SHA256(SMS_GATEWAY_WEBHOOK_SECRET, raw body);
the body is JSON {"ref": our key, "id": gateway id, "status": "sent|delivered|failed",
"reason": "…"}.
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ...models import MessageStatus
from ..webhooks import StatusReport, hmac_sha256_header, report_apply, signature_ok, too_large

STATUSES = {"sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED, "failed": MessageStatus.FAILED}


def parse(payload: dict) -> StatusReport | None:
    status = STATUSES.get(str(payload.get("status", "")).lower())
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


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    if too_large(request):
        return HttpResponse(status=413)
    secret = settings.SMS_GATEWAY_WEBHOOK_SECRET
    expected = hmac_sha256_header(secret, request.body)
    if not signature_ok(expected, request.headers.get("X-Lapakasik-Signature", ""), secret):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    report = parse(payload if isinstance(payload, dict) else {})
    if report:
        report_apply("gateway", report)
    return HttpResponse(status=200)
