"""One open claim per NIK and programme (issue 15, point 2; claims/services/start.py).

A second start never makes a claim: a code goes to the phone on file of the open claim,
and the code opens it. Someone without that code sees exactly what a first-time claimant
sees, after the same work (compared as the SQL run and the tasks queued, as in
test_reference_oracle.py: timing itself is not measured)."""

import contextlib
import re
import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import CancelReason, Claim, ClaimReason, ClaimStart, Status
from claims.selectors import claims_with_nik
from claims.services import ClaimAlreadyOpen, claim_cancel, claim_create, claim_transition, lifecycle, start
from notifications.models import Message
from tests.factories import VALID_DOB, VALID_NIK, BranchFactory, claimant_data, make_claim
from tests.messages import start_code, start_messages

from .test_claimant_flow import HEIR, IDENTITY, _fill_intake
from .test_reference_oracle import _answer as _oracle_answer

pytestmark = pytest.mark.django_db

ON_FILE = "+6281234567890"  # claimant_data()'s phone: the open claim's phone on file
TYPED = "0813 9999 8888"  # what the second start types
TYPED_E164 = "+6281399998888"
OTHER_NIK = "3174011205900029"  # the same birth date, another person: no claim


def _reason(programme="JHT", code="resign") -> ClaimReason:
    return ClaimReason.objects.get(programme__code=programme, code=code)


@pytest.fixture
def open_claim(branch):
    return make_claim(branch=branch, nik=VALID_NIK, phone=ON_FILE)


@pytest.fixture
def queued(monkeypatch):
    """The code tasks the requests queue, held back so a request's own work shows."""
    held: list[tuple] = []
    monkeypatch.setattr(start, "publish", lambda task, *args, sweep: held.append((task.name, args)))
    return held


def _run(queued: list[tuple]) -> None:
    from claims.tasks import claim_start_code_send_task

    while queued:
        _name, args = queued.pop(0)
        claim_start_code_send_task.delay(*args)


def _answer(response, dynamic: str) -> tuple:
    """What a visitor sees (test_reference_oracle._answer), without Expires: never_cache
    stamps the time of the answer, the same for everyone, and two answers straddle a second."""
    status, headers, cookies, body = _oracle_answer(response, dynamic)
    return status, [(name, value) for name, value in headers if name != "Expires"], cookies, body


def _sql(queries: CaptureQueriesContext) -> list[str]:
    # The same statements; only parameters differ (ids, times, the phone, whether one was found).
    return [
        re.sub(r"'[^']*'|\"s\w+_x\d+\"|\b\d+\b|\bNULL\b|\btrue\b|\bfalse\b", "?", query["sql"])
        for query in queries.captured_queries
    ]


def _web_start(client: Client, *, nik=VALID_NIK, phone=TYPED, reason=None):
    reason = reason or _reason()
    token, branch = _fill_intake(client, reason, phone=phone, identity={**IDENTITY, "nik": nik})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("portal:start_branch"), {"branch": branch.code, "intake_token": token})
    return response, queries, token


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- the web ------------------------------------------------------------------------------


def test_second_web_start_makes_no_claim_and_sends_the_code_only_to_the_phone_on_file(client, open_claim):
    response, _queries, token = _web_start(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start_code")
    assert list(claims_with_nik(VALID_NIK)) == [open_claim]
    assert not Claim.objects.filter(intake_token=token).exists()
    [message] = start_messages()
    assert message.to == ON_FILE
    assert message.template == "claim_start_existing"
    assert message.claim == open_claim
    assert not Message.objects.filter(to=TYPED_E164).exists()


def test_correct_code_opens_the_existing_claim_and_a_wrong_one_does_not(client, open_claim):
    _web_start(client)
    code = start_code(ON_FILE)

    wrong = client.post(reverse("portal:start_code"), {"code": _wrong(code)})
    assert wrong.status_code == 400
    assert open_claim.reference not in wrong.content.decode()
    assert client.get(reverse("portal:checklist", args=[open_claim.reference])).status_code == 404

    right = client.post(reverse("portal:start_code"), {"code": code})
    assert right.status_code == 302
    assert right["Location"] == reverse("portal:checklist", args=[open_claim.reference])
    page = client.get(right["Location"])
    assert page.status_code == 200
    assert open_claim.reference in page.content.decode()
    assert claims_with_nik(VALID_NIK).count() == 1


def test_the_open_claims_message_says_someone_started_and_to_ignore_it_if_not_them(client, open_claim):
    from tests.messages import claimant_text

    _web_start(client)

    text = claimant_text(start_messages(ON_FILE).first())
    assert "seseorang" in text.lower()
    assert "abaikan" in text.lower()
    assert open_claim.reference in text


def test_web_start_answers_and_works_the_same_for_a_nik_with_an_open_claim_and_one_without(
    settings, open_claim, queued
):
    settings.OTP_PER_IP_LIMIT = 1
    known, unknown = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")

    known_start, known_sql, _token = _web_start(known)
    unknown_start, unknown_sql, _token = _web_start(unknown, nik=OTHER_NIK)
    assert _answer(known_start, "\x00") == _answer(unknown_start, "\x00")
    assert _sql(known_sql) == _sql(unknown_sql)
    # The request only queued the sending: one task each, the same one.
    assert [name for name, _args in queued] == ["claims.tasks.claim_start_code_send_task"] * 2

    def page(client, data=None):
        with CaptureQueriesContext(connection) as queries:
            if data is None:
                response = client.get(reverse("portal:start_code"))
            else:
                response = client.post(reverse("portal:start_code"), data)
        return _answer(response, "\x00"), _sql(queries)

    assert page(known) == page(unknown)
    _run(queued)  # both codes sent: to the phone on file, and to the phone typed
    assert {m.to for m in start_messages()} == {ON_FILE, TYPED_E164}
    assert page(known, {"code": _wrong(start_code(ON_FILE))}) == page(unknown, {"code": _wrong(start_code(TYPED_E164))})
    # Past the address's limit, the same refusal, and nothing queued.
    again_known, _sql_known, known_token = _web_start(known)
    again_unknown, _sql_unknown, unknown_token = _web_start(unknown, nik=OTHER_NIK)
    # The branch page again, with the error: its form's own token aside, the same.
    assert _answer(again_known, known_token) == _answer(again_unknown, unknown_token)
    assert again_known.status_code == 400
    assert queued == []


def test_the_code_page_says_what_to_do_when_no_code_comes(client, open_claim):
    _web_start(client)
    html = client.get(reverse("portal:start_code")).content.decode()

    assert "Kirim ulang kode" in html
    assert "175" in html
    assert "kantor cabang" in html


def test_an_open_claim_contacted_through_the_branch_gets_no_message_and_the_same_page(client, open_claim):
    Claim.objects.filter(pk=open_claim.pk).update(contact_via_branch=True)

    response, _queries, _token = _web_start(client)

    assert response["Location"] == reverse("portal:start_code")
    assert not start_messages().exists()
    assert client.get(reverse("portal:start_code")).status_code == 200


def test_resend_sends_a_new_code_to_the_same_phone_within_the_phone_limit(client, settings, open_claim):
    settings.OTP_PER_PHONE_LIMIT = 2
    _web_start(client)
    first = start_code(ON_FILE)

    for _ in range(3):
        response = client.post(reverse("portal:start_code_resend"))
        assert response["Location"] == reverse("portal:start_code")

    assert start_messages(ON_FILE).count() == 2  # the phone's limit
    assert not start_messages(TYPED_E164).exists()
    latest = start_code(ON_FILE)
    if latest != first:  # the older code was retired by the new one
        assert client.post(reverse("portal:start_code"), {"code": first}).status_code == 400
    assert client.post(reverse("portal:start_code"), {"code": latest}).status_code == 302


def test_too_many_wrong_codes_lock_the_code_until_a_new_one(client, settings, open_claim):
    _web_start(client)
    code = start_code(ON_FILE)
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        response = client.post(reverse("portal:start_code"), {"code": _wrong(code)})
    assert f"sudah salah {settings.OTP_MAX_ATTEMPTS} kali" in response.content.decode()

    # The right code no longer works: the tries are spent.
    assert client.post(reverse("portal:start_code"), {"code": code}).status_code == 400


def test_double_tap_on_the_branch_form_sends_one_code(client, open_claim):
    reason = _reason()
    token, branch = _fill_intake(client, reason, phone=TYPED)
    for _ in range(2):
        response = client.post(reverse("portal:start_branch"), {"branch": branch.code, "intake_token": token})
        assert response["Location"] == reverse("portal:start_code")

    assert start_messages().count() == 1
    assert ClaimStart.objects.count() == 1


def test_the_code_step_after_the_session_expired_says_to_fill_in_again(client):
    response = client.get(reverse("portal:start_code"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:start_programme")
    assert "Silakan isi lagi" in response.content.decode()


def test_a_code_sent_for_one_start_does_not_open_a_start_with_other_data(client, open_claim):
    """The code is bound to what was typed: changing the NIK after it was sent needs a new code."""
    _web_start(client, nik=OTHER_NIK)
    code = start_code(TYPED_E164)
    session = client.session
    session["intake"]["identity"]["nik"] = VALID_NIK
    session.save()

    assert client.post(reverse("portal:start_code"), {"code": code}).status_code == 400
    assert not Claim.objects.exclude(pk=open_claim.pk).exists()


# --- what does not block ----------------------------------------------------------------------


@pytest.mark.parametrize("closed", ["approved", "cancelled"])
def test_a_closed_claim_does_not_block_a_new_one(client, open_claim, closed):
    if closed == "cancelled":
        claim_cancel(claim=open_claim, reason=CancelReason.CLAIMANT_REQUEST)
    else:
        for to in (Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW, Status.INTERVIEW_SCHEDULED):
            claim_transition(claim=open_claim, to=to)
        claim_transition(claim=open_claim, to=Status.INTERVIEW_DONE)
        claim_transition(claim=open_claim, to=Status.APPROVED)

    _response, _queries, token = _web_start(client)
    assert [m.to for m in start_messages()] == [TYPED_E164]
    response = client.post(reverse("portal:start_code"), {"code": start_code(TYPED_E164)})

    claim = Claim.objects.get(intake_token=token)
    assert response["Location"] == reverse("portal:checklist", args=[claim.reference])
    assert claims_with_nik(VALID_NIK).count() == 2


def test_an_open_claim_in_another_programme_does_not_block(client, branch):
    make_claim(branch=branch, nik=VALID_NIK, programme="JPN", phone=ON_FILE)

    _response, _queries, token = _web_start(client)
    client.post(reverse("portal:start_code"), {"code": start_code(TYPED_E164)})

    assert Claim.objects.get(intake_token=token).programme.code == "JHT"


def test_heir_claims_are_one_per_deceased_workers_nik(client, branch):
    reason = _reason("JKM", "death")
    first_heir_phone = "+6285712345678"  # HEIR's phone, where the first claim's messages go
    first = make_claim(branch=branch, programme="JKM", reason="death", nik=VALID_NIK)
    assert first.contact_phone == first_heir_phone

    # Another heir of the same worker: the code goes to the first heir's phone on file.
    token, branch_ = _fill_intake(
        client, reason, phone=TYPED, heir={**HEIR, "heir_nik": "3273015506850010", "heir_phone": "0856 1111 2222"}
    )
    client.post(reverse("portal:start_branch"), {"branch": branch_.code, "intake_token": token})
    assert [m.to for m in start_messages()] == [first_heir_phone]
    assert claims_with_nik(VALID_NIK).count() == 1

    # The heir's own NIK as a worker's is another person: no block.
    assert claim_create(
        intake_token=uuid.uuid4(),
        reason=reason,
        branch=branch,
        data=claimant_data(
            nik="3273015506850002",
            heir_name="X",
            heir_nik=VALID_NIK,
            heir_relation="child",
            heir_phone="+6285612345678",
        ),
    ).pk


# --- the service ---------------------------------------------------------------------------------


def test_claim_create_refuses_a_second_open_claim_of_the_nik_and_programme(open_claim, branch):
    with pytest.raises(ClaimAlreadyOpen) as refused:
        claim_create(intake_token=uuid.uuid4(), reason=_reason(), branch=branch, data=claimant_data(nik=VALID_NIK))
    assert refused.value.claim == open_claim
    assert claims_with_nik(VALID_NIK).count() == 1


def test_the_lock_takes_a_hash_of_the_nik_never_the_nik(branch):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    with CaptureQueriesContext(connection) as queries:
        claim_create(intake_token=uuid.uuid4(), reason=_reason(), branch=branch, data=claimant_data(nik=VALID_NIK))
    [lock] = [q["sql"] for q in queries.captured_queries if "pg_advisory_xact_lock" in q["sql"]]
    assert VALID_NIK not in lock
    assert str(lifecycle.nik_programme_lock_key(VALID_NIK, _reason().programme_id)) in lock


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_for_the_same_nik_and_programme_make_one_claim(monkeypatch, seeded_catalogue):
    """Both check for an open claim before either has written one: without the lock both
    would pass the check (they wait for each other right after it) and make two claims."""
    if connection.vendor != "postgresql":
        pytest.skip("the race is guarded by a PostgreSQL advisory lock (SQLite is one writer at a time)")
    branch, reason = BranchFactory(), _reason()
    both_checked = threading.Barrier(2)
    real_check = lifecycle.claim_open_for_nik

    def check_then_wait(nik, programme_id):
        found = real_check(nik, programme_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=2)  # with the lock, the other start is waiting on it instead
        return found

    monkeypatch.setattr(lifecycle, "claim_open_for_nik", check_then_wait)
    results: list = []

    def start_one(phone: str) -> None:
        try:
            results.append(
                claim_create(intake_token=uuid.uuid4(), reason=reason, branch=branch, data=claimant_data(phone=phone))
            )
        except ClaimAlreadyOpen as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start_one, args=(phone,)) for phone in ("+6281200000001", "+6281200000002")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert claims_with_nik(VALID_NIK).count() == 1
    assert sorted(type(result).__name__ for result in results) == ["Claim", "ClaimAlreadyOpen"]


# --- the API ---------------------------------------------------------------------------------------


def _payload(branch, **overrides) -> dict:
    data = {
        "programme": "JHT",
        "reason": "resign",
        "branch": branch.code,
        "nik": VALID_NIK,
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": TYPED,
    }
    return {**data, **overrides}


def test_api_start_answers_and_works_the_same_for_a_nik_with_an_open_claim_and_one_without(
    settings, branch, open_claim, queued
):
    known, unknown = APIClient(REMOTE_ADDR="203.0.113.1"), APIClient(REMOTE_ADDR="203.0.113.2")

    def ask(client, **overrides):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/claims/", _payload(branch, **overrides), format="json")
        status, headers, cookies, body = _answer(response, response.json().get("start", "\x00"))
        return (status, headers, cookies, body), _sql(queries)

    assert ask(known) == ask(unknown, nik=OTHER_NIK)
    assert len(queued) == 2
    first = known.post("/api/v1/claims/", _payload(branch), format="json")
    assert first.status_code == 202
    assert set(first.json()) == {"detail", "start", "code_expires_in"}
    assert claims_with_nik(VALID_NIK).count() == 1


def test_api_confirm_opens_the_existing_claim_with_the_code_sent_to_its_phone(branch, open_claim):
    api = APIClient()
    started = api.post("/api/v1/claims/", _payload(branch), format="json").json()
    [message] = start_messages()
    assert message.to == ON_FILE

    body = {**_payload(branch), "start": started["start"]}
    wrong = api.post("/api/v1/claims/confirm/", {**body, "code": _wrong(start_code(ON_FILE))}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "code_invalid"
    assert open_claim.reference not in wrong.content.decode()

    right = api.post("/api/v1/claims/confirm/", {**body, "code": start_code(ON_FILE)}, format="json")
    assert right.status_code == 200
    assert right.json()["reference"] == open_claim.reference
    detail = api.get(f"/api/v1/claims/{open_claim.reference}/", HTTP_AUTHORIZATION=f"Bearer {right.json()['token']}")
    assert detail.status_code == 200
    assert claims_with_nik(VALID_NIK).count() == 1


def test_api_resend_answers_the_same_for_any_start(branch, open_claim):
    api = APIClient()
    started = api.post("/api/v1/claims/", _payload(branch), format="json").json()

    real = api.post("/api/v1/claims/resend-code/", {"start": started["start"]}, format="json")
    made_up = str(uuid.uuid4())
    unknown = api.post("/api/v1/claims/resend-code/", {"start": made_up}, format="json")

    assert real.status_code == unknown.status_code == 202
    assert real.json()["detail"] == unknown.json()["detail"]
    assert start_messages(ON_FILE).count() == 2


def test_starts_older_than_a_day_are_purged_with_the_phone_they_hold(client, open_claim):
    import datetime as dt

    from django.utils import timezone

    from claims.services.start import claim_starts_purge

    _web_start(client)
    assert claim_starts_purge() == 0
    assert claim_starts_purge(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert not ClaimStart.objects.exists()
