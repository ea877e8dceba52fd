"""SMS through the Twilio Messages API (or any Twilio-compatible API at TWILIO_API_BASE).

Each message asks for delivery receipts at our /notifikasi/sms/twilio/ URL. We also send
an Idempotency-Key header: Twilio-compatible gateways that honour it return the first
message's sid for a resend; Twilio itself ignores the header.
"""

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from ...models import FailureReason
from ...registry import provider_register
from ..base import BaseBackend, PermanentFailure, SendResult, TemporaryFailure
from ..http import request

# Twilio error codes by what they say about the number (twilio.com/docs/api/errors), the
# same in the API's answer and in a status callback's ErrorCode.
# 21211 invalid 'To', 21614 not a mobile number, 21408/21612 cannot route there: not working at once.
INVALID_NUMBER_CODES = {21211, 21214, 21217, 21401, 21408, 21612, 21614}
UNSUBSCRIBED_CODES = {21610}
# 30003 unreachable: the phone is off or out of coverage. Tried again; the number is fine.
UNREACHABLE_CODES = {30003}
# 30007 filtered by the carrier: a problem of the text, not of the number.
CONTENT_FILTERED_CODES = {30007}
# 30005 unknown destination handset: often a number given up, sometimes a carrier's hiccup.
UNKNOWN_HANDSET_CODES = {30005}


def failure_reason(code: object) -> str:
    """The FailureReason a Twilio error code means, for a message that will not be sent again
    as it is (30003 is retried by the caller: see the backend and the webhook)."""
    number = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    if number in INVALID_NUMBER_CODES:
        return FailureReason.INVALID_NUMBER
    if number in UNKNOWN_HANDSET_CODES:
        return FailureReason.UNKNOWN_HANDSET
    if number in UNREACHABLE_CODES:
        return FailureReason.UNREACHABLE
    if number in CONTENT_FILTERED_CODES:
        return FailureReason.CONTENT_FILTERED
    if number in UNSUBSCRIBED_CODES:
        return FailureReason.UNDELIVERABLE
    # Any other code (30008 unknown, an unmapped one, none at all) says nothing about the number.
    return FailureReason.REJECTED


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
        if response.status >= 500 or response.status == 429 or code in UNREACHABLE_CODES:
            raise TemporaryFailure(detail)
        raise PermanentFailure(detail, reason=failure_reason(code))
