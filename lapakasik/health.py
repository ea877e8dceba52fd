"""Liveness and readiness for the load balancer and the orchestrator.

/healthz answers as long as the process serves requests: restart me when it stops.
/readyz asks every part a request may need (database, Redis, the document storage,
clamd), side by side and each within READY_CHECK_TIMEOUT, and answers 503 when one is
down: send me no traffic until it is back. Neither page names a host, a bucket or a
credential; both are exempt from login, sessions and CSRF (no cookies are read or set).
"""

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from documents.checks.antivirus import ClamdScanner
from documents.pipeline import get_scanner
from documents.storage import documents_storage


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this runs on a pool thread: its connection must not linger
    return "ok"


def _redis() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run in the web process)"
    timeout = settings.READY_CHECK_TIMEOUT
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _storage() -> str:
    # A HEAD of a key that never exists: one round trip that needs the endpoint, the
    # bucket and the credentials, and reads nothing.
    documents_storage().exists("readyz-probe")
    return "ok"


def _antivirus() -> str:
    # The scanner the checks use (ANTIVIRUS_BACKEND), so the probe asks the same clamd.
    scanner = get_scanner()
    if not isinstance(scanner, ClamdScanner):
        return f"not used ({type(scanner).__name__})"
    if not scanner.ping():
        raise ConnectionError("clamd did not answer PING")
    return "ok"


CHECKS = {"database": _database, "redis": _redis, "storage": _storage, "antivirus": _antivirus}
_pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    began = time.monotonic()
    futures = {name: _pool.submit(check) for name, check in CHECKS.items()}
    deadline = began + settings.READY_CHECK_TIMEOUT
    results, ready = {}, True
    for name, future in futures.items():
        try:
            state = future.result(timeout=max(0.0, deadline - time.monotonic()))
            results[name] = {"ok": True, "state": state}
        except FutureTimeout:
            ready = False
            results[name] = {"ok": False, "state": f"no answer within {settings.READY_CHECK_TIMEOUT:g} s"}
        except Exception as exc:  # any failure is "not ready"; the type says which kind
            ready = False
            results[name] = {"ok": False, "state": f"down ({type(exc).__name__})"}
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results, "ms": round(1000 * (time.monotonic() - began))},
        status=200 if ready else 503,
    )
