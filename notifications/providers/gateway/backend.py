"""A generic HTTP SMS gateway, configured by a URL template (most Indonesian gateways).

SMS_GATEWAY_URL_TEMPLATE names the fields {user} {password} {to} {text} {ref}, each
URL-quoted, for example "https://gw.example/send?user={user}&pass={password}&to={to}&text={text}&ref={ref}".
With SMS_GATEWAY_METHOD=POST the query string is sent as a form body instead. The
provider id is the `id` group of SMS_GATEWAY_ID_REGEX matched against the answer; an
answer with no id is a rejection. `ref` (and the Idempotency-Key header) is our
idempotency key.

Delivery receipts come to /notifikasi/sms/gateway/ (webhook.py beside this file).
"""

import re
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

from ...registry import provider_register
from ..base import BaseBackend, PermanentFailure, SendResult, TemporaryFailure
from ..http import request


@provider_register("gateway")
class HttpSmsGatewayBackend(BaseBackend):
    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        values = {
            "user": settings.SMS_GATEWAY_USER,
            "password": settings.SMS_GATEWAY_PASSWORD,
            "to": to,
            "text": body,
            "ref": idempotency_key,
        }
        url = settings.SMS_GATEWAY_URL_TEMPLATE.format(**{k: quote(v, safe="") for k, v in values.items()})
        headers = {"Idempotency-Key": idempotency_key}
        if settings.SMS_GATEWAY_METHOD.upper() == "POST":
            parts = urlsplit(url)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = request("POST", urlunsplit(parts._replace(query="")), headers=headers, body=parts.query.encode())
        else:
            response = request("GET", url, headers=headers)
        detail = f"gateway {response.status}: {response.text[:200]}"
        if response.status >= 500 or response.status == 429:
            raise TemporaryFailure(detail)
        if response.status >= 400:
            raise PermanentFailure(detail, reason="rejected")
        if settings.SMS_GATEWAY_INVALID_REGEX and re.search(settings.SMS_GATEWAY_INVALID_REGEX, response.text):
            raise PermanentFailure(detail, reason="invalid_number")
        match = re.search(settings.SMS_GATEWAY_ID_REGEX, response.text)
        if not match:
            raise PermanentFailure(detail, reason="rejected")
        return SendResult(provider_message_id=match.group("id"))
