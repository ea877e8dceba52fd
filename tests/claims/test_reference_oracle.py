"""No reference oracle (issue 15, point 6): every endpoint that takes a claim reference
without a login answers a real and an unknown reference with the same bytes, after the
same work. Timing is not measured (flaky on shared runners): the work is compared as
the SQL queries run, the code hashes computed and the tasks queued."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from claims import access
from notifications.models import Message
from tests.messages import claimant_text

pytestmark = pytest.mark.django_db

UNKNOWN = "LA-XXXX-YYYY"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _answer(response, reference: str) -> tuple:
    """What a visitor sees: status, headers, cookie names and the body, with the
    reference they typed themselves, any CSRF token and the random request id taken out."""
    body = CSRF.sub("", response.content.decode()).replace(reference, "REF")
    headers = sorted(
        (name, _header(name, value).replace(reference, "REF"))
        for name, value in response.items()
        if name != "X-Request-ID"
    )
    return response.status_code, headers, sorted(response.cookies), body


def _header(name: str, value: str) -> str:
    # django-csp writes its directives in no fixed order, for any response alike.
    if name == "Content-Security-Policy":
        return "; ".join(sorted(value.split("; ")))
    return value


def _sql(queries: CaptureQueriesContext, reference: str) -> list[str]:
    # The same statements; only the parameters (the reference, the times, an id) differ.
    return [re.sub(r"'[^']*'|\"s\w+_x\d+\"|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries]


@pytest.fixture
def queued(monkeypatch):
    """The code-sending tasks the requests queue, held back so a request's own work shows."""
    held: list[tuple] = []
    monkeypatch.setattr(access, "publish", lambda task, *args, sweep: held.append((task.name, args)), raising=False)
    return held


@pytest.fixture
def hashes(monkeypatch):
    """How many code hashes each step computed."""
    calls: list[int] = []
    real = access._code_hash

    def counting(code_id: int, code: str) -> str:
        calls.append(code_id)
        return real(code_id, code)

    monkeypatch.setattr(access, "_code_hash", counting)
    return calls


def _run(queued: list[tuple]) -> None:
    while queued:
        from claims.tasks import one_time_code_send_task

        _name, args = queued.pop(0)
        one_time_code_send_task.delay(*args)


def _code(claim) -> str:
    body = claimant_text(Message.objects.filter(claim=claim, template="one_time_code").latest("pk"))
    return re.search(r"\b(\d{6})\b", body).group(1)


def _wrong(claim) -> str:
    return "000000" if _code(claim) != "000000" else "111111"


# --- asking for a code -------------------------------------------------------------------


@pytest.mark.parametrize("surface", ["api", "portal"])
def test_asking_for_a_code_answers_and_works_the_same_for_a_real_and_an_unknown_reference(
    settings, draft_claim, queued, surface
):
    settings.OTP_PER_IP_LIMIT = 1

    def ask(client, reference):
        with CaptureQueriesContext(connection) as queries:
            if surface == "api":
                response = client.post("/api/v1/access/code/", {"reference": reference}, format="json")
            else:
                response = client.post(reverse("portal:status_start"), {"reference": reference})
        return _answer(response, reference), _sql(queries, reference)

    new = APIClient if surface == "api" else Client
    real, unknown = new(REMOTE_ADDR="203.0.113.1"), new(REMOTE_ADDR="203.0.113.2")

    assert ask(real, draft_claim.reference) == ask(unknown, UNKNOWN)
    # The request only queued the sending: the same task for both, the reference its argument.
    assert [(name, args[0]) for name, args in queued] == [
        ("claims.tasks.one_time_code_send_task", draft_claim.reference),
        ("claims.tasks.one_time_code_send_task", UNKNOWN),
    ]
    # Past the address's limit: the same refusal, whichever reference.
    throttled_real, throttled_unknown = ask(real, draft_claim.reference), ask(unknown, UNKNOWN)
    assert throttled_real == throttled_unknown
    assert throttled_real[0][0] == (429 if surface == "api" else 400)
    assert len(queued) == 2


def test_the_queued_task_sends_a_code_only_for_a_real_reference_and_only_once(draft_claim, queued):
    APIClient().post("/api/v1/access/code/", {"reference": draft_claim.reference.lower()}, format="json")
    APIClient().post("/api/v1/access/code/", {"reference": UNKNOWN}, format="json")
    [(_name, real_args), _unknown] = queued

    _run(queued)
    from claims.tasks import one_time_code_send_task

    one_time_code_send_task.delay(*real_args)  # delivered twice by the broker

    assert Message.objects.filter(template="one_time_code").count() == 1
    assert Message.objects.get(template="one_time_code").claim_id == draft_claim.pk


def test_past_the_phone_limit_the_task_sends_nothing_and_the_answer_is_unchanged(settings, draft_claim, queued):
    settings.OTP_PER_PHONE_LIMIT = 1
    answers = []
    for n in range(2):
        response = APIClient(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/api/v1/access/code/", {"reference": draft_claim.reference}, format="json"
        )
        answers.append(_answer(response, draft_claim.reference))
        _run(queued)

    assert answers[0] == answers[1]
    assert Message.objects.filter(template="one_time_code").count() == 1


# --- trying a code -----------------------------------------------------------------------


def _api_try(reference: str, code: str):
    return APIClient().post("/api/v1/access/token/", {"reference": reference, "code": code}, format="json")


def _portal_try(reference: str, code: str):
    # A fresh browser each time, so only the server's count of tries can differ.
    client = Client()
    session = client.session
    session["pending_reference"] = reference
    session.save()
    return client.post(reverse("portal:status_code"), {"code": code})


@pytest.mark.parametrize("surface", ["api", "portal"])
def test_wrong_codes_answer_and_work_the_same_for_a_real_and_an_unknown_reference(
    settings, draft_claim, queued, hashes, surface
):
    settings.OTP_MAX_ATTEMPTS = 5
    for reference in (draft_claim.reference, UNKNOWN):
        APIClient().post("/api/v1/access/code/", {"reference": reference}, format="json")
    _run(queued)
    wrong = _wrong(draft_claim)
    attempt = _api_try if surface == "api" else _portal_try

    def tries(reference):
        seen = []
        for _ in range(settings.OTP_MAX_ATTEMPTS + 1):
            hashes.clear()
            with CaptureQueriesContext(connection) as queries:
                response = attempt(reference, wrong)
            seen.append((_answer(response, reference), _sql(queries, reference), len(hashes)))
        return seen

    real, unknown = tries(draft_claim.reference), tries(UNKNOWN)

    assert real == unknown
    assert all(count == 1 for _answer_, _queries, count in real)  # one hash per try, either way
    # "Too many tries" comes for both at the fifth, so it tells nothing about the reference.
    last = real[-1][0][3]
    assert ("code_exhausted" if surface == "api" else "Minta kode baru") in last


def test_too_many_tries_stops_even_the_right_code_until_a_new_one_is_asked(settings, draft_claim, queued):
    settings.OTP_MAX_ATTEMPTS = 5
    APIClient().post("/api/v1/access/code/", {"reference": draft_claim.reference}, format="json")
    _run(queued)
    right, wrong = _code(draft_claim), _wrong(draft_claim)
    for _ in range(5):
        _api_try(draft_claim.reference, wrong)

    assert _api_try(draft_claim.reference, right).json()["code"] == "code_exhausted"

    APIClient().post("/api/v1/access/code/", {"reference": draft_claim.reference}, format="json")
    _run(queued)
    assert _api_try(draft_claim.reference, _code(draft_claim)).status_code == 200


def test_the_code_row_still_counts_tries_when_the_cache_forgets(settings, draft_claim, queued):
    from django.core.cache import cache

    settings.OTP_MAX_ATTEMPTS = 5
    APIClient().post("/api/v1/access/code/", {"reference": draft_claim.reference}, format="json")
    _run(queued)
    right, wrong = _code(draft_claim), _wrong(draft_claim)
    for _ in range(5):
        _api_try(draft_claim.reference, wrong)
    cache.clear()

    assert _api_try(draft_claim.reference, right).status_code == 400
