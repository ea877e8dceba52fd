"""WhatsApp Business Cloud API: approved template messages through the Graph API.

Every message is a template of the catalogue (notifications/catalogue): its variant, in the
claimant's language, with named body parameters and its buttons filled (templates.py). The
template name is WHATSAPP_TEMPLATE_NAMES[variant] or WHATSAPP_TEMPLATE_PREFIX + variant
("lapakasik_claim_cancelled_at_request"); `manage.py whatsapp_templates export` prints
what to register. A template WhatsApp has not approved is never tried: delivery sends the
message by SMS instead (needs_approved_templates).

The Cloud API takes no idempotency key. Our key rides in `biz_opaque_callback_data`,
which WhatsApp echoes in every status webhook, so a webhook can name the row even when
the worker died before writing the provider id.
"""

import json

from django.conf import settings

from ... import catalogue
from ...registry import provider_register
from ..base import BaseBackend, PermanentFailure, SendResult, TemplateMessage, TemporaryFailure
from ..http import request
from . import templates

# Graph API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
NOT_ON_WHATSAPP_CODES = {131026}  # message undeliverable: not on WhatsApp, old app, terms not accepted
INVALID_NUMBER_CODES = {131021, 131030}  # recipient is the sender / not in the allowed list
TEMPORARY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


@provider_register("whatsapp")
class WhatsAppCloudBackend(BaseBackend):
    sends_templates = True
    needs_approved_templates = True

    def template_name(self, variant: str) -> str:
        return templates.template_name(variant)

    def send_template(self, *, to: str, template: TemplateMessage, idempotency_key: str) -> SendResult:
        variant = catalogue.variant(template.variant)
        if variant is None:
            raise PermanentFailure(f"no template {template.variant!r} in the catalogue")
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "template",
            "template": {
                "name": self.template_name(variant.name),
                "language": {"code": template.language},
                "components": templates.components(variant, template.language, template.parameters),
            },
            "biz_opaque_callback_data": idempotency_key,
        }
        return _sent_or_raise(_post_message(payload))

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
    """The message id of an accepted send, or the failure its error code means."""
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
