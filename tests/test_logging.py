"""Structured logs: JSON lines with a request id, carried from a request into the Celery
tasks it starts (a real worker), and no personal data in them."""

import io
import json
import logging
import re

import pytest
from celery import current_app
from django.db import transaction
from django.urls import reverse

from lapakasik.logs import JsonFormatter, RequestIdFilter, request_id
from notifications.services import message_send
from tests.worker import WorkerProcess, purge_broker, require_redis, wait_for, worker_env


@pytest.fixture
def json_lines():
    """What the production handler writes, captured: JSON formatter + request-id filter on root."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_each_response_names_its_request_id_and_keeps_a_proxys_id(client):
    fresh = client.get(reverse("portal:home"))
    assert len(fresh["X-Request-ID"]) == 32
    assert client.get(reverse("portal:home"))["X-Request-ID"] != fresh["X-Request-ID"]
    kept = client.get(reverse("portal:home"), HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    # A header that could forge or break a log line is replaced.
    forged = client.get(reverse("portal:home"), HTTP_X_REQUEST_ID='x" , "level": "ERROR')
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_log_lines_of_a_request_are_json_with_its_id_and_no_nik(client, seeded_catalogue, branch, json_lines):
    from claims.models import ClaimReason
    from tests.claims.test_claimant_flow import _start  # the claimant's steps up to the checklist

    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    lines = json_lines()
    assert lines, "the claimant flow logged nothing"
    for line in lines:
        assert set(line) >= {"time", "level", "logger", "message", "request_id"}
        assert line["request_id"] != "-"
        assert claim.nik not in json.dumps(line)
        assert claim.phone not in json.dumps(line)


@pytest.mark.django_db(transaction=True)
def test_the_request_id_follows_the_task_into_the_worker(tmp_path):
    require_redis()
    purge_broker()
    process = WorkerProcess("request-id", worker_env(LOG_FORMAT="json", LAPAKASIK_MEDIA_ROOT=str(tmp_path)))
    try:
        process.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    conf = current_app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    token = request_id.set("req-trace-000042")
    try:
        with transaction.atomic():
            message = message_send(to="+6281234567890", template="claim_cancelled", context={"reference": "LA-7K3M"})
    finally:
        request_id.reset(token)
        conf.task_always_eager = eager

    def outbox_line():
        for raw in process.log().splitlines():
            if raw.startswith("{") and f"outbox: message {message.pk} " in raw:
                return json.loads(raw)
        return None

    try:
        line = wait_for(outbox_line, timeout=30, what="the worker to deliver the message")
    finally:
        process.stop()
    assert line["request_id"] == "req-trace-000042"
    assert line["logger"] == "notifications.providers.outbox.backend"
    assert line["level"] == "INFO"
    # The worker's own lines go through LOGGING too, not Celery's "[date: INFO/Process]" format
    # (only its start-up banner is printed as is).
    log = process.log()
    assert not re.search(r"^\[\d{4}-\d\d-\d\d [^\]]*: (INFO|WARNING|ERROR)/", log, re.MULTILINE), log[-2000:]
    assert any(raw.startswith("{") and " ready." in raw for raw in log.splitlines())
