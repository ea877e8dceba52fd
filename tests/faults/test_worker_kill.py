"""A worker SIGKILLed while it sends a burst of reminders.

tests/interviews/test_worker_reminders.py covers one reminder (message_deliver_task) killed
between the provider's "sent" and our record of it. Several reminders due together take
another path: the sweep writes them as one batch and messages_deliver_task sends them side
by side on threads. Here the provider takes every message and holds its answers 3 s, the
pool process is killed in that gap, and the test checks that the batch task coming back
sends nothing again, that the reconcile sweep (published as beat publishes it) records
every message, and that each phone got its reminder exactly once.

The worker runs with NOTIFICATION_STUCK_AFTER=2 instead of minutes (its clock cannot be
moved). The fake provider honours our idempotency key for WhatsApp too; the real WhatsApp
Cloud API takes none (see notifications/providers/whatsapp/backend.py), where the status webhook
is what stops a second copy.
"""

import time
from collections import Counter
from contextlib import contextmanager

import pytest
from celery import current_app

from interviews.models import ReminderStatus
from interviews.tasks import reminders_send_due_task
from notifications.models import Message, MessageStatus
from notifications.providers.whatsapp.templates import registrations
from notifications.tasks import messages_reconcile_stuck_task
from tests.interviews.test_worker_reminders import (
    SENT_TIMEOUT,
    _make_due,
    _reminder,
    book_interviews,
    provider_env,
    requests_per_key,
    wait_sent,
)
from tests.messages import templates_approved
from tests.provider_server import ProviderServer
from tests.worker import WorkerProcess, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]

BURST = 4


@contextmanager
def _eager():
    conf = current_app.conf
    previous, conf.task_always_eager = conf.task_always_eager, True
    try:
        yield
    finally:
        conf.task_always_eager = previous


@pytest.fixture
def provider():
    server = ProviderServer().start()
    server.register_templates(registrations())
    templates_approved()
    yield server
    server.stop()


def test_worker_killed_while_sending_a_burst_of_reminders_delivers_each_exactly_once(
    provider, private_broker, tmp_path
):
    env = provider_env(provider, tmp_path, CELERY_BROKER_URL=private_broker.url, NOTIFICATION_STUCK_AFTER="2")
    try:
        process = WorkerProcess("faults-reminders-killed", env, concurrency=1).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        # Claims and bookings are made as in the interviews tests: tasks eager in this process
        # (the document checks, the booking messages); only the sweeps below go to the worker.
        with _eager():
            interviews = book_interviews(BURST)
        due = [_reminder(interview, 15) for interview in interviews]
        provider.state.timeout_sleep = 3.0
        for interview in interviews:
            provider.plan(interview.claim.contact_phone, "timeout")  # take it, answer 3 s later
        _make_due(due)
        reminders_send_due_task.apply_async()

        wait_for(lambda: len(provider.state.deliveries) == BURST, timeout=SENT_TIMEOUT, what="the burst to go out")
        process.kill_pool_child()
        wait_for(lambda: "WorkerLostError" in process.log(), timeout=20, what="the worker to notice the kill")
        messages = Message.objects.filter(template="interview_reminder")
        assert messages.count() == BURST
        assert set(messages.values_list("status", flat=True)) == {MessageStatus.SENDING}

        time.sleep(2.5)  # past NOTIFICATION_STUCK_AFTER
        messages_reconcile_stuck_task.apply_async()
        sent = wait_sent(due)
    finally:
        process.stop()

    assert all(r.status == ReminderStatus.SENT for r in sent)
    keys = requests_per_key(provider)
    assert len(keys) == BURST, "first call + one resend with the same key"
    assert set(keys.values()) == {2}, "first call + one resend with the same key"
    delivered = Counter(d.key for d in provider.state.deliveries)
    assert len(delivered) == BURST, "no phone got a reminder twice"
    assert set(delivered.values()) == {1}, "no phone got a reminder twice"
    for reminder in sent:
        message = reminder.message
        [delivery] = [d for d in provider.state.deliveries if d.key == str(message.pk)]
        assert message.provider_message_id == delivery.provider_id
