"""Provider webhooks: verify the signature over the raw body, parse, call one service.

Each answers 200 for anything signed (even what it ignores) so providers do not retry
forever; 403 for a wrong signature; replays change nothing (services do that).
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import webhooks
from .services import inbound_reply_receive, message_status_report

logger = logging.getLogger(__name__)


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > settings.NOTIFICATION_WEBHOOK_MAX_BYTES
    except ValueError:
        return True


def _apply(provider: str, report: webhooks.StatusReport) -> None:
    message_status_report(
        provider=provider,
        event_key=report.event_key,
        status=report.status,
        provider_message_id=report.provider_message_id,
        idempotency_key=report.idempotency_key,
        failure_reason=report.failure_reason,
        detail=report.detail,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Meta's subscription handshake: echo the challenge for our verify token.
        token = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") == "subscribe" and webhooks.signature_ok(
            settings.WHATSAPP_VERIFY_TOKEN, token, settings.WHATSAPP_VERIFY_TOKEN
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    if _too_large(request):
        return HttpResponse(status=413)
    expected = webhooks.hmac_sha256_header(settings.WHATSAPP_APP_SECRET, request.body)
    if not webhooks.signature_ok(
        expected, request.headers.get("X-Hub-Signature-256", ""), settings.WHATSAPP_APP_SECRET
    ):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    reports, replies = webhooks.parse_whatsapp(payload if isinstance(payload, dict) else {})
    for report in reports:
        _apply("whatsapp", report)
    for reply in replies:
        inbound_reply_receive(
            from_number=reply.from_number, text=reply.text, provider_message_id=reply.provider_message_id
        )
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def twilio(request: HttpRequest) -> HttpResponse:
    if _too_large(request):
        return HttpResponse(status=413)
    params = {key: request.POST.get(key, "") for key in request.POST}
    url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('webhooks:twilio')}"
    expected = webhooks.twilio_signature(settings.TWILIO_AUTH_TOKEN, url, params)
    if not webhooks.signature_ok(expected, request.headers.get("X-Twilio-Signature", ""), settings.TWILIO_AUTH_TOKEN):
        return HttpResponseForbidden()
    report = webhooks.parse_twilio(params)
    if report:
        _apply("twilio", report)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def sms_gateway(request: HttpRequest) -> HttpResponse:
    if _too_large(request):
        return HttpResponse(status=413)
    secret = settings.SMS_GATEWAY_WEBHOOK_SECRET
    expected = webhooks.hmac_sha256_header(secret, request.body)
    if not webhooks.signature_ok(expected, request.headers.get("X-Lapakasik-Signature", ""), secret):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    report = webhooks.parse_gateway(payload if isinstance(payload, dict) else {})
    if report:
        _apply("gateway", report)
    return HttpResponse(status=200)
