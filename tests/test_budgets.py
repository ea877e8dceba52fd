"""Throttles and budgets (issue 15, point 1): claims per address, phone and NIK; messages per
phone, claim, originating address and one global hourly budget; the 429 page; the alert line;
the staff counters; the assisted channel exempt by its login; and a pumping run from one
address stopped at the budget, counted at the provider stand-in."""

import json
import logging
import re
import threading
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Claim, ClaimReason, ClaimStart
from claims.services.resume import LINK_TEMPLATE
from core.origin import origin_end, origin_start
from core.staff import Role
from core.throttle import throttle_add_many
from notifications import budgets
from notifications.models import Message, MessageStatus
from notifications.services import Outgoing, message_send, messages_send
from tests.factories import VALID_DOB, StaffFactory, make_claim
from tests.messages import start_messages, templates_approved
from tests.provider_server import ProviderServer, sign_whatsapp, use_provider, whatsapp_reply_payload

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
CLAIMS_API = "/api/v1/claims/"
ASSISTED_URL = "/petugas/bantuan/baru/"


def _nik(n: int) -> str:
    """A valid NIK (region 317401, born 12-05-90), its serial n."""
    return f"317401120590{n + 1:04d}"


def _phone(n: int) -> str:
    return f"0812 3456 {n:04d}"


def _api_payload(branch, n: int, **overrides) -> dict:
    data = {
        "programme": "JHT",
        "reason": "resign",
        "branch": branch.code,
        "nik": _nik(n),
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": _phone(n),
    }
    data.update(overrides)
    return data


def _api_create(branch, n: int, *, address: str = ATTACKER, **overrides):
    return APIClient(REMOTE_ADDR=address).post(CLAIMS_API, _api_payload(branch, n, **overrides), format="json")


def _web_start(client: Client, n: int):
    """Programme → reason → identity → contact → branch from ``client``: the start_branch answer
    (302 to the code step when the start is taken: the claim is made once the code is entered)."""
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    client.get(reverse("portal:start_programme") + "?baru=1")
    client.post(reverse("portal:start_programme"), {"programme": "JHT"})
    client.post(reverse("portal:start_reason"), {"reason": reason.pk})
    identity = {"nik": _nik(n), "kpj_number": "123-4567-8901", "full_name": "Siti Aminah"}
    response = client.post(reverse("portal:start_identity"), {**identity, "date_of_birth": VALID_DOB.isoformat()})
    assert response.status_code == 302, response.context["form"].errors
    client.post(reverse("portal:start_contact"), {"phone": _phone(n), "email": ""})
    page = client.get(reverse("portal:start_branch"))
    token, branch = page.context["intake_token"], page.context["branches"][0]
    return client.post(reverse("portal:start_branch"), {"branch": branch.code, "intake_token": token}), token


def _claim_limits(settings, *, address=10**6, phone=10**6, nik=10**6):
    settings.CLAIM_CREATE_LIMIT_PER_ADDRESS = address
    settings.CLAIM_CREATE_LIMIT_PER_PHONE = phone
    settings.CLAIM_CREATE_LIMIT_PER_NIK = nik
    settings.CLAIM_CREATE_WINDOW = 3600


def _message_budgets(settings, *, phone=10**6, claim=10**6, address=10**6, overall=10**7):
    settings.MESSAGE_BUDGET_PER_PHONE = phone
    settings.MESSAGE_BUDGET_PER_CLAIM = claim
    settings.MESSAGE_BUDGET_PER_ADDRESS = address
    settings.MESSAGE_BUDGET_GLOBAL_PER_HOUR = overall
    settings.MESSAGE_BUDGET_WINDOW = 3600


def _assert_429_page(response, *, english: bool = False, message_kept: bool = False) -> str:
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    page = response.content.decode()
    if english:
        assert "Too many requests" in page
        assert "Call 175" in page
        assert "branch" in page
    elif message_kept:
        assert "pesan WhatsApp atau SMS belum bisa kami kirim" in page
        assert "tetap tersimpan" in page
    else:
        assert "Terlalu banyak permintaan" in page
        assert "Tidak ada pesan yang kami kirim" in page
        assert "Coba lagi 60 menit lagi" in page
        assert "Telepon 175" in page
        assert "kantor cabang" in page
    assert "Traceback" not in page
    return page


# --- claim creation -------------------------------------------------------------------------


def test_claims_from_one_address_stop_at_the_limit_with_the_plain_429_page(settings, branch):
    _claim_limits(settings, address=2)
    client = Client(REMOTE_ADDR=ATTACKER)
    for n in range(2):
        response, _token = _web_start(client, n)
        assert response.status_code == 302

    response, token = _web_start(client, 2)

    _assert_429_page(response)
    assert not ClaimStart.objects.filter(intake_token=token).exists()
    assert ClaimStart.objects.count() == 2
    assert start_messages().count() == 2  # no code for the refused start
    # Another address is not affected.
    assert _api_create(branch, 3, address="198.51.100.9").status_code == 202


def test_the_429_page_is_in_english_when_english_is_chosen(settings, branch):
    _claim_limits(settings, address=1)
    client = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    _web_start(client, 0)
    response, _token = _web_start(client, 1)
    _assert_429_page(response, english=True)


def test_claims_for_one_phone_stop_at_the_limit_whatever_the_address(settings, branch):
    _claim_limits(settings, phone=2)
    for n in range(2):
        assert _api_create(branch, n, address=f"198.51.100.{n}", phone="0812 0000 1111").status_code == 202

    response = _api_create(branch, 5, address="198.51.100.50", phone="0812-0000-1111")

    assert response.status_code == 429
    assert response.json()["code"] == "budget_exceeded"
    assert "175" in response.json()["detail"]
    assert response["Retry-After"] == "3600"
    assert ClaimStart.objects.count() == 2


def test_claims_for_one_nik_stop_at_the_limit_whatever_the_address_and_phone(settings, branch):
    _claim_limits(settings, nik=2)
    for n in range(2):
        assert _api_create(branch, n, address=f"198.51.100.{n}", nik=_nik(9)).status_code == 202

    response = _api_create(branch, 5, address="198.51.100.50", nik=_nik(9))

    assert response.status_code == 429
    assert response.json()["code"] == "budget_exceeded"
    assert ClaimStart.objects.count() == 2


def test_a_refused_claim_logs_the_alert_line_without_personal_data(settings, branch, caplog):
    _claim_limits(settings, phone=1)
    _api_create(branch, 0)
    with caplog.at_level(logging.WARNING, logger="notifications.budgets"):
        assert _api_create(branch, 0, address="198.51.100.1").status_code == 429
    [line] = [record.getMessage() for record in caplog.records if record.getMessage().startswith("budget exceeded")]
    assert line.startswith("budget exceeded scope=claim-phone limit=1 window=3600s")
    for personal in (_nik(0), "81234560000", "3456", ATTACKER, "198.51.100.1"):
        assert personal not in line


def test_the_assisted_channel_is_exempt_by_its_staff_login_never_by_its_address(settings, branch):
    _claim_limits(settings, address=1, phone=1, nik=1)
    officer = StaffFactory(branch=branch)
    staff = Client(REMOTE_ADDR=ATTACKER)
    staff.force_login(officer)
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    form = {
        "reason": reason.pk,
        "branch": branch.code,
        "channel": "electronic",
        "where": "call_centre",
        "nik": _nik(0),
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": _phone(0),
        "email": "",
    }
    # Logged in: the same address and phone again and again (one NIK has one open claim per
    # programme whoever starts it, so each claim here is another person's).
    for n in range(3):
        response = staff.post(ASSISTED_URL, {**form, "nik": _nik(n), "intake_token": str(uuid.uuid4())})
        assert response.status_code == 302, response.content.decode()[:500]
    assert Claim.objects.count() == 3

    # The same address without the login has no exemption: its first start counts, the next is refused.
    assert _api_create(branch, 7).status_code == 202
    assert _api_create(branch, 8).status_code == 429


# --- message budgets ------------------------------------------------------------------------


def test_messages_to_one_phone_stop_at_the_budget_and_stay_in_the_outbox(settings):
    _message_budgets(settings, phone=2)
    sent = [message_send(to="+6281200000001", template="claim_submitted", context={"reference": "X"}) for _ in range(3)]

    assert [m.status for m in sent] == [MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.SKIPPED]
    assert sent[2].error.startswith(budgets.NOT_SENT_PREFIX)
    assert "message-phone" in sent[2].error
    assert sent[2].sealed == ""
    assert Message.objects.filter(status=MessageStatus.SKIPPED).count() == 1
    # Another phone is not affected.
    other = message_send(to="+6281200000002", template="claim_submitted", context={"reference": "X"})
    assert other.status == MessageStatus.QUEUED


def test_messages_about_one_claim_stop_at_the_budget(settings, branch):
    _message_budgets(settings, claim=2)
    claim = make_claim(branch=branch)
    sent = [
        message_send(to=f"+62812000000{n}", template="claim_submitted", context={"reference": "X"}, claim=claim)
        for n in range(3)
    ]
    assert [m.status for m in sent] == [MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.SKIPPED]
    assert "message-claim" in sent[2].error


def test_messages_caused_from_one_address_stop_at_the_budget_and_tasks_have_no_address(settings):
    _message_budgets(settings, address=2)
    token = origin_start(ATTACKER)
    try:
        sent = [message_send(to=f"+62812000000{n}", template="claim_submitted", context={}) for n in range(3)]
    finally:
        origin_end(token)
    assert [m.status for m in sent] == [MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.SKIPPED]
    assert "message-address" in sent[2].error
    # A sweep (no request, no address) is not counted against any address.
    later = [message_send(to=f"+62813000000{n}", template="claim_submitted", context={}) for n in range(3)]
    assert {m.status for m in later} == {MessageStatus.QUEUED}


def test_the_global_budget_stops_ordinary_messages_but_never_codes_or_decisions(settings):
    _message_budgets(settings, overall=2)
    ordinary = [message_send(to=f"+62812000000{n}", template="claim_submitted", context={}) for n in range(3)]
    assert [m.status for m in ordinary] == [MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.SKIPPED]
    assert "message-global" in ordinary[2].error

    code = message_send(to="+6281200000009", template="one_time_code", context={"code": "123456", "minutes": 10})
    decision = message_send(to="+6281200000008", template="claim_approved", context={"reference": "X"})
    assert code.status == MessageStatus.QUEUED
    assert decision.status == MessageStatus.QUEUED


def test_a_batch_spends_what_is_left_of_the_budget_and_the_rest_is_kept_unsent(settings):
    _message_budgets(settings, phone=3)
    message_send(to="+6281200000001", template="claim_submitted", context={})
    batch = messages_send(
        outgoing=[Outgoing(to="+6281200000001", template="claim_submitted", context={}) for _ in range(4)]
        + [Outgoing(to="+6281200000002", template="claim_submitted", context={})]
    )
    assert [m.status for m in batch] == [MessageStatus.QUEUED] * 2 + [MessageStatus.SKIPPED] * 2 + [
        MessageStatus.QUEUED
    ]


def test_a_message_over_budget_logs_the_alert_line_without_the_number(settings, caplog):
    _message_budgets(settings, phone=1)
    message_send(to="+6281299998888", template="claim_submitted", context={})
    with caplog.at_level(logging.WARNING, logger="notifications.budgets"):
        message_send(to="+6281299998888", template="claim_submitted", context={})
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert line.startswith("budget exceeded scope=message-phone limit=1 window=3600s")
    assert "template=claim_submitted" in line
    assert "99998888" not in line


def _redis_cache(settings) -> None:
    """The cache on the test run's own Redis database, under a prefix of its own (no flush: it is shared)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": f"budget-test-{uuid.uuid4().hex}",
        }
    }


def test_a_batch_counted_on_redis_stops_at_the_budget_as_in_production(settings):
    _redis_cache(settings)
    _message_budgets(settings, phone=2, overall=4)
    batch = messages_send(
        outgoing=[Outgoing(to="+6281200000001", template="claim_submitted", context={}) for _ in range(3)]
        + [Outgoing(to=f"+62812000000{n}", template="claim_submitted", context={}) for n in range(2, 5)]
    )
    assert [m.status for m in batch] == [MessageStatus.QUEUED] * 2 + [MessageStatus.SKIPPED] + [
        MessageStatus.QUEUED,
        MessageStatus.QUEUED,
        MessageStatus.SKIPPED,
    ]
    assert "message-phone" in batch[2].error
    # The message refused for its phone spent nothing of the global budget: the 4 let through did.
    assert "message-global" in batch[5].error
    assert budgets.budgets_use()[3].used == 4


def test_counting_on_redis_is_atomic_across_threads(settings):
    """Production counts in Redis (one pipeline per batch): no hit is lost between processes."""
    _redis_cache(settings)

    def hit():
        for _ in range(50):
            throttle_add_many("test-scope", {"a": 1, "b": 2}, window=60)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle_add_many("test-scope", {"a": 0, "b": 0}, window=60) == {"a": 200, "b": 400}
    # The keys expire on their own (60 s): the Redis database is shared, so no flush.


# --- the staff counters ---------------------------------------------------------------------


def test_managers_see_each_budget_its_limit_use_and_refusals_officers_do_not(settings, branch):
    _message_budgets(settings, phone=1, overall=500)
    _claim_limits(settings, nik=7)
    message_send(to="+6281200000001", template="claim_submitted", context={})
    message_send(to="+6281200000001", template="claim_submitted", context={})
    manager = StaffFactory(branch=branch, role=Role.BRANCH_MANAGER)
    client = Client()
    client.force_login(manager)

    response = client.get(reverse("console:budgets"))

    assert response.status_code == 200
    rows = {row.scope: row for row in response.context["budgets"]}
    assert set(rows) == {
        "message-phone",
        "message-claim",
        "message-address",
        "message-global",
        "claim-address",
        "claim-phone",
        "claim-nik",
    }
    assert rows["message-phone"].limit == 1
    assert rows["message-phone"].refused == 1
    assert rows["message-global"].limit == 500
    assert rows["message-global"].used == 1, "the refused message spent nothing"
    assert rows["claim-nik"].limit == 7
    page = response.content.decode()
    assert "message-phone" in page
    assert "500" in page
    assert reverse("console:budgets") in client.get(reverse("console:outbox")).content.decode()

    officer = Client()
    officer.force_login(StaffFactory(branch=branch))
    assert officer.get(reverse("console:budgets")).status_code == 403
    assert reverse("console:budgets") not in officer.get(reverse("console:outbox")).content.decode()


# --- a pumping run --------------------------------------------------------------------------


@pytest.fixture
def provider(settings):
    from notifications.providers.whatsapp.templates import registrations
    from notifications.registry import _backend
    from notifications.tasks import message_deliver_task

    server = ProviderServer().start()
    use_provider(settings, server)
    # Every catalogue template registered with the stand-in and approved, as a sync records.
    server.register_templates(registrations())
    templates_approved()
    _backend.cache_clear()
    conf = message_deliver_task.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    yield server
    conf.task_eager_propagates = propagates
    _backend.cache_clear()
    server.stop()


def test_a_pumping_run_from_one_address_is_stopped_at_the_budget(
    settings, branch, provider, django_capture_on_commit_callbacks
):
    """The attack of issue 15: claims in a loop from one address, no login, each asking for
    three finish-later links and a dropbox cover sheet, to numbers of its choosing.

    With the README defaults (10 claims per address per hour, 30 messages per address), and
    tasks in process as in development: each claim costs its start code, three links and a
    cover sheet, so the address's 30 messages buy six claims; the next four starts are taken
    but their codes kept unsent (the 429 page says so), and the eleventh start is refused.
    The provider stand-in gets exactly 30 messages.
    """
    _claim_limits(settings, address=10, phone=3, nik=3)
    _message_budgets(settings, phone=10, claim=15, address=30, overall=50000)
    # The code requests' own throttle (10 per address in 15 minutes) would stop the loop at
    # the same start: lifted, so that the budgets are what is tested.
    settings.OTP_PER_IP_LIMIT = 1000
    client = Client(REMOTE_ADDR=ATTACKER)
    refused_starts = []
    claims = 0
    for n in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            response, token = _web_start(client, n)
        if response.status_code == 429:
            refused_starts.append(response)
            if "tetap tersimpan" in response.content.decode():
                continue  # the start was taken, its code not sent: try the next one
            break
        assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            # The code as the claimant's phone got it (delivered: the row keeps it redacted).
            code = re.search(r"\b\d{6}\b", provider.state.deliveries[-1].text).group()
            response = client.post(reverse("portal:start_code"), {"code": code})
        assert response.status_code == 302
        claims += 1
        reference = Claim.objects.get(intake_token=token).reference
        for _link in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                assert client.post(reverse("portal:resume_later", args=[reference])).status_code != 429
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("portal:dropbox_offer", args=[reference])).status_code != 429

    assert claims == 6
    assert len(refused_starts) == 4 + 1, "four starts without their code, then the eleventh start refused"
    _assert_429_page(refused_starts[0], message_kept=True)
    _assert_429_page(refused_starts[-1])
    assert len(provider.state.deliveries) == 30
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 30
    # Nothing saved is lost: every message asked for is in the outbox, the rest kept unsent.
    kept = Message.objects.filter(status=MessageStatus.SKIPPED)
    assert kept.count() == 4
    assert all("message-address" in message.error for message in kept)
    assert set(kept.values_list("template", flat=True)) == {"claim_start_code"}
    assert Message.objects.count() == 6 * 5 + 4
    assert Message.objects.filter(template=LINK_TEMPLATE).count() == 6 * 3


def test_messages_a_provider_webhook_causes_do_not_count_against_the_providers_address(
    settings, client, provider, django_capture_on_commit_callbacks
):
    """Every claimant's replies come from WhatsApp's few addresses: the answers they cause (a
    status answer here) count per phone and claim, never per that address."""
    _message_budgets(settings, address=1)
    numbers = [f"+62812000000{n:02d}" for n in range(3)]
    for n, phone in enumerate(numbers):
        claim = make_claim(nik=_nik(n), phone=phone)
        payload = whatsapp_reply_payload(phone.lstrip("+"), claim.reference, f"wamid.B{n}")
        body = json.dumps(payload).encode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("webhooks:whatsapp"),
                body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=sign_whatsapp(body),
                REMOTE_ADDR="157.240.0.1",
            )
        assert response.status_code == 200

    assert not Message.objects.filter(status=MessageStatus.SKIPPED).exists()
    assert [len(provider.deliveries_to(phone)) for phone in numbers] == [1, 1, 1]
