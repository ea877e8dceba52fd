"""WhatsApp Business Cloud API: approved template messages through the Graph API.

Our messages are rendered texts (templates/notifications/messages/*.txt), so each is
sent as the single body parameter {{1}} of an approved template whose whole body is
"{{1}}". The template name is WHATSAPP_TEMPLATE_NAMES[template] or, by convention,
WHATSAPP_TEMPLATE_PREFIX + template ("lapakasik_claim_cancelled"); register those
templates in WhatsApp Manager with one body variable each.

The Cloud API takes no idempotency key. Our key rides in `biz_opaque_callback_data`,
which WhatsApp echoes in every status webhook, so a webhook can name the row even when
the worker died before writing the provider id.
"""

import json
import re

from django.conf import settings

from ...registry import provider_register
from ..base import BaseBackend, PermanentFailure, SendResult, TemporaryFailure
from ..http import request

# Graph API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
NOT_ON_WHATSAPP_CODES = {131026}  # message undeliverable: not on WhatsApp, old app, terms not accepted
INVALID_NUMBER_CODES = {131021, 131030}  # recipient is the sender / not in the allowed list
TEMPORARY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


def body_parameter(body: str) -> str:
    """Template parameters may hold no newline, tab or run of more than four spaces (error 132018)."""
    return re.sub(r"\s{2,}", " ", re.sub(r"\s*\n\s*", " · ", body.strip())).replace("\t", " ")


@provider_register("whatsapp")
class WhatsAppCloudBackend(BaseBackend):
    def template_name(self, template: str) -> str:
        return settings.WHATSAPP_TEMPLATE_NAMES.get(template) or f"{settings.WHATSAPP_TEMPLATE_PREFIX}{template}"

    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        url = (
            f"{settings.WHATSAPP_API_BASE.rstrip('/')}/{settings.WHATSAPP_API_VERSION}"
            f"/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "template",
            "template": {
                "name": self.template_name(template),
                "language": {"code": settings.WHATSAPP_TEMPLATE_LANGUAGE},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": body_parameter(body)}]}],
            },
            "biz_opaque_callback_data": idempotency_key,
        }
        response = request(
            "POST",
            url,
            headers={
                "Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}",
                "Content-Type": "application/json",
            },
            body=json.dumps(payload).encode(),
        )
        data = response.json()
        if 200 <= response.status < 300:
            try:
                return SendResult(provider_message_id=data["messages"][0]["id"])
            except (KeyError, IndexError, TypeError) as exc:
                raise TemporaryFailure(f"WhatsApp {response.status}: no message id") from exc
        error = data.get("error")
        if not isinstance(error, dict):
            error = {}
        code = error.get("code")
        detail = f"WhatsApp {response.status} code {code}: {error.get('message', '')}"[:300]
        if code in NOT_ON_WHATSAPP_CODES:
            raise PermanentFailure(detail, reason="not_on_whatsapp")
        if code in INVALID_NUMBER_CODES:
            raise PermanentFailure(detail, reason="invalid_number")
        if response.status >= 500 or response.status == 429 or code in TEMPORARY_CODES:
            raise TemporaryFailure(detail)
        raise PermanentFailure(detail, reason="rejected")

    def send_text(self, *, to: str, body: str, idempotency_key: str) -> SendResult:
        """A free-text message (type "text"): allowed only inside the customer-service window the
        claimant opened by writing to us; outside it WhatsApp answers 131047 (a permanent
        failure here, so the SMS copy goes). Our key rides along as for templates."""
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "text",
            "text": {"preview_url": False, "body": body[:TEXT_MAX_LENGTH]},
            "biz_opaque_callback_data": idempotency_key,
        }
        return _sent_or_raise(_post_message(payload))


# The Cloud API's limit on a text message's body.
TEXT_MAX_LENGTH = 4096


def _post_message(payload: dict):
    url = (
        f"{settings.WHATSAPP_API_BASE.rstrip('/')}/{settings.WHATSAPP_API_VERSION}"
        f"/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    )
    return request(
        "POST",
        url,
        headers={"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}", "Content-Type": "application/json"},
        body=json.dumps(payload).encode(),
    )


def _sent_or_raise(response) -> SendResult:
    """The message id of an accepted send, or the failure its error code means (as in send())."""
    data = response.json()
    if 200 <= response.status < 300:
        try:
            return SendResult(provider_message_id=data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise TemporaryFailure(f"WhatsApp {response.status}: no message id") from exc
    error = data.get("error")
    if not isinstance(error, dict):
        error = {}
    code = error.get("code")
    detail = f"WhatsApp {response.status} code {code}: {error.get('message', '')}"[:300]
    if code in NOT_ON_WHATSAPP_CODES:
        raise PermanentFailure(detail, reason="not_on_whatsapp")
    if code in INVALID_NUMBER_CODES:
        raise PermanentFailure(detail, reason="invalid_number")
    if response.status >= 500 or response.status == 429 or code in TEMPORARY_CODES:
        raise TemporaryFailure(detail)
    raise PermanentFailure(detail, reason="rejected")
