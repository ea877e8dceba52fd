"""SMS through the Twilio Messages API (or any Twilio-compatible API at TWILIO_API_BASE).

Each message asks for delivery receipts at our /notifikasi/sms/twilio/ URL. We also send
an Idempotency-Key header: Twilio-compatible gateways that honour it return the first
message's sid for a resend; Twilio itself ignores the header.
"""

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from ...registry import provider_register
from ..base import BaseBackend, PermanentFailure, SendResult, TemporaryFailure
from ..http import request

# 21211 invalid 'To', 21614 not a mobile number, 21408/21612 cannot route there.
INVALID_NUMBER_CODES = {21211, 21214, 21217, 21401, 21408, 21612, 21614}
UNSUBSCRIBED_CODES = {21610}


def status_callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('webhooks:twilio')}"


@provider_register("twilio")
class TwilioSmsBackend(BaseBackend):
    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        url = f"{settings.TWILIO_API_BASE.rstrip('/')}/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages.json"
        credentials = base64.b64encode(f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()).decode()
        form = {"To": to, "From": settings.TWILIO_FROM, "Body": body, "StatusCallback": status_callback_url()}
        response = request(
            "POST",
            url,
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Idempotency-Key": idempotency_key,
            },
            body=urlencode(form).encode(),
        )
        data = response.json()
        if 200 <= response.status < 300:
            if not data.get("sid"):
                raise TemporaryFailure(f"Twilio {response.status}: no sid")
            return SendResult(provider_message_id=data["sid"])
        code = data.get("code")
        detail = f"Twilio {response.status} code {code}: {data.get('message', '')}"[:300]
        if response.status >= 500 or response.status == 429:
            raise TemporaryFailure(detail)
        if code in INVALID_NUMBER_CODES:
            raise PermanentFailure(detail, reason="invalid_number")
        if code in UNSUBSCRIBED_CODES:
            raise PermanentFailure(detail, reason="undeliverable")
        raise PermanentFailure(detail, reason="rejected")
