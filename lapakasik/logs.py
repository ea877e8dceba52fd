"""Structured logs: one JSON object a line, each carrying the id of the request (or task) it
belongs to, so a claimant's upload can be followed from the web process into the checks
it started in a worker.

The request id comes from the proxy's X-Request-ID when it looks like one (so a load
balancer's id links up), else a fresh one; it is echoed in the response header and sent
with every Celery task the request publishes (a message header, never a task argument).
Messages never carry personal data (see the callers); this module adds none either: no
path, no query string, no user name.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from celery import signals

request_id = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "request_id"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        token = request_id.set(incoming if _VALID.match(incoming) else uuid.uuid4().hex)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            return response
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, fmt: str, level: str) -> dict:
    """settings.LOGGING: LOG_FORMAT "json" (production) or "plain" (a developer's terminal)."""
    formatters = {
        "json": {"()": JsonFormatter},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"main": formatters[fmt]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
    }


# Celery: the id travels as a message header and is restored around the task ----------


def _on_publish(headers=None, **kwargs) -> None:
    if headers is not None and HEADER not in headers:
        headers[HEADER] = request_id.get()


_task_tokens: dict[str, contextvars.Token] = {}


def _on_prerun(task_id=None, task=None, **kwargs) -> None:
    incoming = getattr(task.request, HEADER, None) if task is not None else None
    current = request_id.get()
    if incoming and incoming != "-":
        value = incoming
    elif current != "-":
        value = current  # an eager task (development) runs inside the request itself
    else:
        value = f"task-{task_id}"  # beat's tasks have no request: their own id stands in
    _task_tokens[task_id] = request_id.set(value)


def _on_postrun(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context (eager tasks inside a request)
            request_id.set("-")


def connect_celery_signals() -> None:
    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="lapakasik-request-id-publish")
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="lapakasik-request-id-prerun")
    signals.task_postrun.connect(_on_postrun, weak=False, dispatch_uid="lapakasik-request-id-postrun")
