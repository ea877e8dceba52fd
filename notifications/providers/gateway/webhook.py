"""Delivery receipts from our SMS gateway.

X-Lapakasik-Signature = "sha256=" + hex HMAC-SHA256(SMS_GATEWAY_WEBHOOK_SECRET, raw body);
the body is JSON {"ref": our key, "id": gateway id, "status": "sent|delivered|failed",
"reason": "…"}.
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ...models import MessageStatus
from ..webhooks import StatusReport, hmac_sha256_header, report_apply, signature_ok, text_field, too_large

logger = logging.getLogger(__name__)

STATUSES = {"sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED, "failed": MessageStatus.FAILED}


def parse(payload: dict) -> StatusReport | None:
    """One receipt; a body we do not understand is logged and skipped (the view still answers 200)."""
    name = text_field(payload.get("status"))
    status = STATUSES.get(name.lower())
    provider_id, ref = text_field(payload.get("id")), text_field(payload.get("ref"))
    if not status or not (provider_id or ref):
        logger.info("gateway webhook: receipt %r for %r not understood: skipped", name[:40], (provider_id or ref)[:128])
        return None
    reason = text_field(payload.get("reason"))
    failure = (
        (reason if reason in ("invalid_number", "undeliverable", "rejected") else "undeliverable")
        if status == MessageStatus.FAILED
        else ""
    )
    return StatusReport(
        event_key=f"{provider_id or ref}:{name}",
        status=status,
        provider_message_id=provider_id[:128],
        idempotency_key=ref,
        failure_reason=failure,
        detail=f"gateway {name} {reason}".strip(),
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
    if not isinstance(payload, dict):
        logger.warning("gateway webhook: a signed JSON %s, not an object: ignored", type(payload).__name__)
        return HttpResponse(status=200)
    report = parse(payload)
    if report:
        report_apply("gateway", report)
    return HttpResponse(status=200)
