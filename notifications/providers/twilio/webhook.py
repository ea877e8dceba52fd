"""Twilio delivery receipts (the StatusCallback of every message we send).

X-Twilio-Signature = base64 HMAC-SHA1(TWILIO_AUTH_TOKEN, URL + sorted POST params as
name+value). The URL is the one we gave as StatusCallback (PUBLIC_BASE_URL + path), so it
holds behind a proxy that rewrites the host.
"""

import base64
import hashlib
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ...models import MessageStatus
from ..webhooks import StatusReport, report_apply, signature_ok, too_large
from .backend import failure_reason, status_callback_url

logger = logging.getLogger(__name__)

STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}


def signature(token: str, url: str, params: dict[str, str]) -> str:
    signed = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def parse(params: dict[str, str]) -> StatusReport | None:
    status = STATUSES.get(params.get("MessageStatus", ""))
    sid = params.get("MessageSid", "")
    if not status or not sid:
        # A status we do not map (queued, accepted, sending…) or a callback of another shape.
        logger.info(
            "twilio webhook: status %r of %r not understood: skipped", params.get("MessageStatus", "")[:40], sid[:128]
        )
        return None
    reason, detail = "", ""
    if status == MessageStatus.FAILED:
        code = params.get("ErrorCode", "")
        reason = failure_reason(code)
        detail = f"Twilio {params['MessageStatus']} code {code}"
    return StatusReport(
        event_key=f"{sid}:{params['MessageStatus']}",
        status=status,
        provider_message_id=sid[:128],
        failure_reason=reason,
        detail=detail,
    )


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    if too_large(request):
        return HttpResponse(status=413)
    params = {key: request.POST.get(key, "") for key in request.POST}
    expected = signature(settings.TWILIO_AUTH_TOKEN, status_callback_url(), params)
    if not signature_ok(expected, request.headers.get("X-Twilio-Signature", ""), settings.TWILIO_AUTH_TOKEN):
        return HttpResponseForbidden()
    report = parse(params)
    if report:
        report_apply("twilio", report)
    return HttpResponse(status=200)
