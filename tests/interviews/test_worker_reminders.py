"""Interview reminders end to end: a real Celery worker process, Redis, and the local fake
WhatsApp Cloud API (tests/provider_server.py) standing in for the provider.

Tests here are transactional: the worker is another process and sees committed rows only.
Interviews are booked in this process through interview_book; the sweep runs in the
worker, the way beat runs it, and the worker's backends talk HTTP to the provider server.

The worker runs on the wall clock, which a test cannot move. Booking never plans a
reminder in the past (and needs INTERVIEW_MIN_NOTICE_MINUTES of notice), so no reminder
is due right after a booking. The tests therefore do to the rows what the passing of time
would do: they set ``Reminder.due_at`` of the reminders under test to a second ago
(``_make_due``). Nothing else about the booking is touched, so the sweep's own checks
(interview still active and not moved, claim waiting for the call, no closer reminder
due) run as in production. Calls are booked about an hour ahead: inside
INTERVIEW_QUIET_OVERRIDE_MINUTES, so the tests pass at any hour of the day.
"""

import datetime as dt
import re
import shelve
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from celery.beat import PersistentScheduler
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from claims.models import Branch
from interviews.models import Interview, Reminder, ReminderPlan, ReminderStatus, Schedule
from interviews.selectors import free_slots, interview_token
from interviews.tasks import reminders_send_due_task
from lapakasik.celery import app as celery_app
from notifications.models import Message, MessageStatus
from notifications.providers.whatsapp.templates import registrations
from notifications.sealing import HIDDEN
from notifications.tasks import message_deliver_task, messages_reconcile_stuck_task
from tests.console.conftest import make_submitted_claim
from tests.factories import BranchFactory, StaffFactory
from tests.messages import templates_approved
from tests.provider_server import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    TWILIO_SID,
    TWILIO_TOKEN,
    ProviderServer,
)
from tests.worker import LOGS, WorkerProcess, purge_broker, require_redis, wait_for, worker_env

from .conftest import BRANCH_NUMBER, book

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]

# Every variant of it: with and without the branch's number.
REMINDER_TEMPLATE = "lapakasik_interview_reminder"
PLAN = [50, 30, 15]
SENT_TIMEOUT = 30


@pytest.fixture(scope="module")
def broker():
    require_redis()
    purge_broker()


@pytest.fixture(scope="module")
def provider_server():
    server = ProviderServer().start()
    yield server
    server.stop()


@pytest.fixture
def provider(provider_server, broker):
    provider_server.reset()
    provider_server.register_templates(registrations())
    templates_approved()
    purge_broker()
    return provider_server


def provider_env(server: ProviderServer, tmp_path, **overrides: str) -> dict[str, str]:
    """A worker whose WhatsApp/SMS backends talk to the fake provider (base.py reads these)."""
    return worker_env(
        NOTIFICATION_WHATSAPP_BACKEND="whatsapp",
        NOTIFICATION_SMS_BACKEND="twilio",
        WHATSAPP_API_BASE=server.url,
        WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
        WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
        TWILIO_API_BASE=server.url,
        TWILIO_ACCOUNT_SID=TWILIO_SID,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_FROM="+15005550006",
        # Longer than any delay a test asks of the provider: a slow answer is not a timeout here.
        NOTIFICATION_HTTP_READ_TIMEOUT="10",
        # Beat also fires the documents sweeps: never let them near the developer's var/.
        LAPAKASIK_MEDIA_ROOT=str(tmp_path / "worker-media"),
        **overrides,
    )


def start_worker(name: str, env: dict[str, str]) -> WorkerProcess:
    try:
        return WorkerProcess(name, env).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def worker(provider, tmp_path):
    process = start_worker("reminders", provider_env(provider, tmp_path))
    yield process
    process.stop()


def enqueue(task, *args) -> None:
    """Publish to Redis for the worker. This process stays eager otherwise: the booking
    messages go to the outbox backend here, so the provider sees reminders only."""
    conf = celery_app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    try:
        task.apply_async(args)
    finally:
        conf.task_always_eager = eager


def book_interviews(count: int) -> list[Interview]:
    """``count`` claims in one WIB branch, each booked with its own officer at the first free
    slot (about an hour ahead), with reminders 50, 30 and 15 minutes before the call."""
    branch = BranchFactory(time_zone=Branch.Zone.WIB, whatsapp_number=BRANCH_NUMBER)
    # Open every day, all day: the test runs at whatever hour the machine says.
    Schedule.objects.create(
        branch=branch, weekdays="1234567", day_start=dt.time(0, 0), day_end=dt.time(23, 55), slot_minutes=5
    )
    ReminderPlan.objects.create(branch=branch, offsets_minutes=PLAN)
    interviews = []
    for n in range(count):
        officer = StaffFactory(branch=branch)
        claim = make_submitted_claim(branch=branch, phone=f"+62812{n:07d}")
        slot = free_slots(branch=branch, officer=officer, count=1)[0]
        # Closer than the quiet-hours override, so a sweep at night sends rather than postpones.
        assert slot.starts_at - timezone.now() < dt.timedelta(minutes=settings.INTERVIEW_QUIET_OVERRIDE_MINUTES)
        interviews.append(book(claim, officer, slot.starts_at))
    for interview in interviews:
        assert sorted(interview.reminders.values_list("offset_minutes", flat=True)) == sorted(PLAN)
    return interviews


def _make_due(reminders: list[Reminder]) -> None:
    """What the clock would do: these reminders fell due a second ago (see the module docstring)."""
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(due_at=timezone.now() - dt.timedelta(seconds=1))


def sweeps(process: WorkerProcess, what: str = "succeeded") -> int:
    """Sweep tasks this worker received (or finished), from its log."""
    return len(re.findall(rf"reminders_send_due_task\[[^\]]+\] {what}", process.log()))


def _reminder(interview: Interview, offset: int) -> Reminder:
    return interview.reminders.get(offset_minutes=offset)


def reminder_requests(server: ProviderServer) -> list[dict]:
    return [
        r["json"] for r in server.requests_to("whatsapp") if r["json"]["template"]["name"].startswith(REMINDER_TEMPLATE)
    ]


def requests_per_key(server: ProviderServer) -> Counter:
    return Counter(payload["biz_opaque_callback_data"] for payload in reminder_requests(server))


def wait_sent(reminders: list[Reminder], timeout: float = SENT_TIMEOUT) -> list[Reminder]:
    """Every reminder sent and its message recorded as sent by the provider."""
    ids = [r.pk for r in reminders]

    def done():
        rows = list(Reminder.objects.filter(pk__in=ids).select_related("message"))
        finished = all(
            r.status == ReminderStatus.SENT and r.message and r.message.status == MessageStatus.SENT for r in rows
        )
        return rows if finished else None

    return wait_for(done, timeout=timeout, interval=0.1, what=f"{len(ids)} reminders sent")


def assert_recorded_once(server: ProviderServer, reminders: list[Reminder]) -> None:
    """One provider delivery per reminder, and the message row holds the provider's id."""
    for reminder in reminders:
        message = reminder.message
        key = str(message.pk)
        [delivery] = [d for d in server.state.deliveries if d.key == key]
        assert message.provider_message_id == delivery.provider_id
        assert message.backend == "whatsapp"
        assert delivery.to == message.to.lstrip("+")
        token = interview_token(reminder.interview)
        assert f"/wawancara/{token}/" in delivery.text
        assert token not in message.body, "staff never see the claimant's interview link"
        assert message.parameters["link_path"] == f"/wawancara/{HIDDEN}/"
        assert f"klaim {message.parameters['reference']}." in delivery.text
        assert message.template == "interview_reminder"
        assert message.claim_id == reminder.interview.claim_id


def test_each_due_reminder_reaches_the_provider_once_with_its_id_recorded(worker, provider):
    interviews = book_interviews(3)
    for round_number, offset in enumerate(PLAN, start=1):
        due = [_reminder(interview, offset) for interview in interviews]
        _make_due(due)
        enqueue(reminders_send_due_task)
        sent = wait_sent(due)
        assert_recorded_once(provider, sent)
        keys = requests_per_key(provider)
        assert len(keys) == 3 * round_number, keys
        assert set(keys.values()) == {1}, keys
        # The next beat a minute later finds nothing new to send.
        finished = sweeps(worker)
        enqueue(reminders_send_due_task)
        wait_for(lambda finished=finished: sweeps(worker) > finished, timeout=10, what="the second sweep")
        time.sleep(0.5)  # a delivery it queued would have reached the provider by now
        assert len(reminder_requests(provider)) == 3 * round_number

    assert Message.objects.filter(template="interview_reminder").count() == 9
    for interview in interviews:
        bodies = [r.message.body for r in interview.reminders.select_related("message").order_by("-offset_minutes")]
        assert all(interview.claim.reference in body and "menit lagi" in body for body in bodies)


def test_two_sweeps_at_once_send_each_reminder_once(provider, tmp_path):
    """Two worker processes (one pool process each, as two hosts would run them), both
    sweeping the same due reminders. A batch of 2 makes them take turns claiming rows
    instead of one sweep claiming everything in its first transaction."""
    env = provider_env(provider, tmp_path, INTERVIEW_REMINDER_BATCH="2")
    first = start_worker("reminders-a", env)
    try:
        second = start_worker("reminders-b", env)
        try:
            interviews = book_interviews(12)
            due = [_reminder(interview, 50) for interview in interviews]
            _make_due(due)
            for _ in range(4):
                enqueue(reminders_send_due_task)
            sent = wait_sent(due)
            assert_recorded_once(provider, sent)
            keys = requests_per_key(provider)
            assert len(keys) == 12, keys
            assert set(keys.values()) == {1}, keys
            # Both processes really swept.
            for process in (first, second):
                wait_for(
                    lambda process=process: sweeps(process, "received"),
                    timeout=10,
                    what=f"a sweep in {process.log_path.name}",
                )

            # A delivery task handed out again (as a redelivery would) sends nothing more.
            for reminder in sent:
                enqueue(message_deliver_task, reminder.message_id)
            time.sleep(2)
            assert requests_per_key(provider) == keys
            assert Message.objects.filter(template="interview_reminder").count() == 12
            assert not Reminder.objects.filter(pk__in=[r.pk for r in due]).exclude(status=ReminderStatus.SENT).exists()
        finally:
            second.stop()
    finally:
        first.stop()


def test_worker_killed_between_send_and_record_is_reconciled_without_a_second_delivery(provider, tmp_path):
    """The provider takes the message but holds its answer 3 s; the pool process is killed
    in that gap, so the row stays "sending" without a provider id.

    The reconcile runs in the worker, as beat runs it (notifications-reconcile-stuck): the
    worker's clock cannot be moved past NOTIFICATION_STUCK_AFTER, so this worker is started
    with NOTIFICATION_STUCK_AFTER=2 instead, and the test waits those 2 s.

    What this proves: the resend carries the first call's key and the row ends "sent" with
    the first call's id. The fake provider honours the key for WhatsApp too; the real
    WhatsApp Cloud API takes no idempotency key (see notifications/providers/whatsapp/backend.py),
    so there the status webhook, not the key, must stop a second copy.
    """
    process = start_worker("reminders-killed", provider_env(provider, tmp_path, NOTIFICATION_STUCK_AFTER="2"))
    try:
        [interview] = book_interviews(1)
        phone = interview.claim.contact_phone
        provider.state.timeout_sleep = 3.0
        provider.plan(phone, "timeout")  # take the message, answer 3 s later
        reminder = _reminder(interview, 15)
        _make_due([reminder])
        enqueue(reminders_send_due_task)

        wait_for(lambda: provider.deliveries_to(phone), timeout=SENT_TIMEOUT, what="the provider to receive it")
        process.kill_pool_child()
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT  # the reminder's part was committed before delivery
        message = Message.objects.get(pk=reminder.message_id)
        assert message.status == MessageStatus.SENDING
        assert message.provider_message_id == ""
        [first] = provider.deliveries_to(phone)
        assert first.key == str(message.pk)

        # The killed delivery task comes back (acks_late + reject_on_worker_lost) and finds
        # the row no longer queued; the row stays "sending" until the reconcile.
        wait_for(lambda: "WorkerLostError" in process.log(), timeout=20, what="the worker to notice the kill")
        time.sleep(1)
        message.refresh_from_db()
        assert message.status == MessageStatus.SENDING
        wait_for(
            lambda: timezone.now() - message.status_changed_at > dt.timedelta(seconds=2.5),
            timeout=10,
            what="NOTIFICATION_STUCK_AFTER to pass",
        )
        enqueue(messages_reconcile_stuck_task)

        def recorded():
            message.refresh_from_db()
            return message.status == MessageStatus.SENT

        wait_for(recorded, timeout=SENT_TIMEOUT, what="the reconcile to record the send")
        assert message.provider_message_id == first.provider_id
        assert message.attempts == 2
        assert requests_per_key(provider) == Counter({str(message.pk): 2}), "first call + one resend"
        assert len(provider.deliveries_to(phone)) == 1, "the resend with the same key delivered nothing new"
    finally:
        process.stop()


def test_beat_schedule_sweeps_reminders_at_least_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {
        "documents-requeue-stuck",
        "documents-sweep-orphans",
        "interviews-send-reminders",
        "notifications-reconcile-stuck",
    } <= set(schedule)
    for entry in schedule.values():
        task = import_string(entry["task"])
        assert task.name == entry["task"]
    assert schedule["interviews-send-reminders"]["task"] == "interviews.tasks.reminders_send_due_task"
    assert float(schedule["interviews-send-reminders"]["schedule"]) <= 60
    assert float(schedule["notifications-reconcile-stuck"]["schedule"]) <= 60


def _seed_beat_store(path, overdue: str) -> None:
    """A beat schedule file as a beat that stopped over a minute ago leaves it: ``overdue``
    last ran 61 s ago, every other entry just now.

    Beat does not send an interval entry when it starts with a fresh file: it waits a full
    interval (Celery 5.7: ScheduleEntry.last_run_at defaults to now). A restarted beat
    sends what fell due while it was down at once; that is what this test starts.
    """
    scheduler = PersistentScheduler(app=celery_app, schedule_filename=str(path))
    try:
        entries = scheduler.schedule
        assert overdue in entries
        entries[overdue].last_run_at = entries[overdue].default_now() - dt.timedelta(seconds=61)
    finally:
        scheduler.close()
    with shelve.open(str(path)) as store:
        assert store["entries"][overdue].is_due()[0]


def test_beat_sends_the_overdue_sweep_and_the_worker_delivers_the_reminder(worker, provider, tmp_path):
    [interview] = book_interviews(1)
    reminder = _reminder(interview, 15)
    _make_due([reminder])
    schedule_file = tmp_path / "beat-schedule"
    _seed_beat_store(schedule_file, "interviews-send-reminders")

    log_path = LOGS / "beat.log"
    with log_path.open("w") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lapakasik", "beat", "-s", str(schedule_file), "--loglevel=INFO"],
            cwd=LOGS.parents[1],
            env=worker.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    started = time.monotonic()
    try:
        [sent] = wait_sent([reminder], timeout=20)
        assert time.monotonic() - started <= 20
        assert_recorded_once(provider, [sent])
        text = log_path.read_text()
        assert "Sending due task interviews-send-reminders (interviews.tasks.reminders_send_due_task)" in text
        # Only the overdue entry went: the others wait their interval.
        assert "Sending due task documents-sweep-orphans" not in text
    finally:
        if beat.poll() is None:
            beat.send_signal(signal.SIGTERM)
            try:
                beat.wait(timeout=10)
            except subprocess.TimeoutExpired:
                beat.kill()
                beat.wait()
    assert requests_per_key(provider) == Counter({str(sent.message_id): 1})
