"""When a part the site needs is away (the database, Redis, the document storage), the
claimant gets a short "try again" page, never a stack trace.

Two ways in:

- ``OutageMiddleware`` catches such an error escaping a view, logs it (the exception
  type and the path only: URLs carry no personal data) and answers 503 with
  ``503.html``, or the API's JSON error shape under /api/.
- ``server_error`` is ``handler500`` and ``bad_request`` is ``handler400``: an error
  escaping a middleware never reaches the first, so these ask what was raised and answer
  the same 503 for an outage. The session saved after the database went away is one:
  Django reports it as SessionInterrupted, a 400.

``page_not_found`` (``handler404``) is not about outages: it keeps the API's 404s in JSON.

A claimant who was sending a form finds it again on the 503 page: the fields are put back
into a "send again" form (claimant pages only, never passwords or tokens; a chosen file
cannot be put back, and the page says so). Nothing here touches the database, the
session or the cache: they may be the very part that is down.
"""

import logging
import re
import sys

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as StorageConnectionError
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .middleware import is_staff_path

logger = logging.getLogger(__name__)

OUTAGES = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    StorageConnectionError,
    HTTPClientError,
)
# What a claimant's browser may get back on the 503 page; nothing secret goes back.
_NOT_RESENT = re.compile(r"csrf|password|passwd|sandi|secret", re.IGNORECASE)
_RESEND_MAX_FIELDS = 40
_RESEND_MAX_VALUE = 2000
RETRY_AFTER_SECONDS = 30


def is_outage(exc: BaseException | None) -> bool:
    """True for an error that says a part is away for now, not that the request is wrong.

    Follows the chain a few links: the session store turns a lost database connection into
    UpdateError, and the session middleware that into SessionInterrupted ("bad request").
    """
    for _link in range(5):
        if exc is None:
            return False
        if isinstance(exc, OUTAGES):
            return True
        if isinstance(exc, ClientError):
            # S3 answering 5xx (InternalError, ServiceUnavailable, SlowDown): the storage is away.
            return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
        exc = exc.__cause__ or exc.__context__
    return False


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.exception("%s %s: a part is unavailable (%s)", request.method, request.path, type(exception).__name__)
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the friendly 503 for an outage, the plain 500 page for anything else."""
    if is_outage(sys.exc_info()[1]):
        return unavailable_response(request)
    response = HttpResponse(
        render_to_string("500.html", {"CALL_CENTRE_NUMBER": settings.CALL_CENTRE_NUMBER}), status=500
    )
    add_never_cache_headers(response)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: Django's page, unless the "bad request" is a lost database connection."""
    if is_outage(exception):
        logger.error("%s %s: a part is unavailable (%s)", request.method, request.path, type(exception).__name__)
        return unavailable_response(request)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: every address under /api/ the API does not have answers in its JSON error
    shape (any version, with or without the final slash); pages get Django's 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Alamat ini tidak ada di API."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _("Layanan sedang terganggu. Coba lagi dalam beberapa menit."), "code": "unavailable"},
            status=503,
        )
    else:
        context = {"CALL_CENTRE_NUMBER": settings.CALL_CENTRE_NUMBER, **_resend(request)}
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # the page may hold what the claimant typed
    return response


def _resend(request: HttpRequest) -> dict:
    """The claimant's posted fields, to send again from the 503 page (claimant pages only)."""
    if request.method != "POST" or is_staff_path(request.path):
        return {}
    try:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if not _NOT_RESENT.search(name)
            for value in values
            if len(value) <= _RESEND_MAX_VALUE
        ][:_RESEND_MAX_FIELDS]
        had_file = bool(request.FILES)
        token = get_token(request)
    except Exception:  # a body that cannot be read again: the page simply has no form
        return {}
    if not fields and not had_file:
        return {}
    return {"resend_action": request.path, "resend_fields": fields, "resend_had_file": had_file, "csrf_value": token}
