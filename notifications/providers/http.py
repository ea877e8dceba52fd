"""A small HTTP client for the provider backends (standard library: no new dependency).

http.client lets the connect timeout (3 s) and the read timeout (10 s) differ, which
urllib cannot. Every network error becomes TemporaryFailure: the caller retries.
"""

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from .base import TemporaryFailure

MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> dict:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(method: str, url: str, *, headers: dict[str, str], body: bytes | None = None) -> Response:
    parts = urlsplit(url)
    if not parts.hostname:
        # A provider URL without a host (an empty SMS_GATEWAY_URL_TEMPLATE, a base URL with
        # no scheme): http.client would raise AttributeError here, outside the network errors.
        raise TemporaryFailure(f"no host in the provider URL {url[:60]!r}")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=settings.NOTIFICATION_HTTP_CONNECT_TIMEOUT)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.connect()
        connection.sock.settimeout(settings.NOTIFICATION_HTTP_READ_TIMEOUT)
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return Response(status=response.status, body=response.read(MAX_RESPONSE_BYTES))
    except (OSError, http.client.HTTPException) as exc:
        # A timeout after the request left may still have been taken by the provider: the
        # retry carries the same idempotency key.
        raise TemporaryFailure(f"{parts.hostname}: {type(exc).__name__}") from exc
    finally:
        connection.close()
