import threading
import time

import pytest

from notifications import services
from notifications.models import Message, MessageStatus
from notifications.providers.base import BaseBackend, PermanentFailure, SendResult, TemporaryFailure
from notifications.registry import _backend, provider_register
from notifications.sealing import Secret

pytestmark = pytest.mark.django_db


@provider_register("test-recording")
class RecordingBackend(BaseBackend):
    sent: list = []
    fail_with: Exception | None = None

    def send(self, *, to, body, template, idempotency_key):
        if self.fail_with:
            raise self.fail_with
        self.sent.append((to, body, idempotency_key))
        return SendResult(provider_message_id=f"wamid.{idempotency_key}")


@pytest.fixture
def recording(settings):
    RecordingBackend.sent = []
    RecordingBackend.fail_with = None
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "test-recording", "sms": "test-recording"}
    _backend.cache_clear()
    yield RecordingBackend
    _backend.cache_clear()


def _queue(**kwargs) -> Message:
    defaults = {"to": "+6281234567890", "template": "claim_cancelled", "context": {"reference": "LA-7K3M-Q9XP"}}
    return services.message_send(**{**defaults, **kwargs})


def test_message_is_delivered_once_even_when_the_task_runs_twice(recording):
    message = _queue()
    services.message_deliver(message_id=message.pk)
    services.message_deliver(message_id=message.pk)
    assert len(recording.sent) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == f"wamid.{message.pk}"


def test_code_is_never_stored_readable_and_a_real_provider_gets_it(recording):
    message = _queue(
        template="one_time_code", context={"reference": "LA-7K3M-Q9XP", "code": Secret("123456"), "minutes": 10}
    )
    assert message.sensitive
    assert "123456" not in message.body
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert "123456" not in message.body
    assert "123456" in recording.sent[0][1]


def test_outbox_backend_keeps_the_body_for_the_demo():
    message = _queue(
        template="one_time_code", context={"reference": "LA-7K3M-Q9XP", "code": Secret("123456"), "minutes": 10}
    )
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert "123456" in message.body


def test_temporary_failure_gives_the_row_back_for_a_retry(recording):
    message = _queue()
    recording.fail_with = TemporaryFailure("503")
    with pytest.raises(TemporaryFailure):
        services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    recording.fail_with = None
    services.message_deliver(message_id=message.pk)
    assert len(recording.sent) == 1


def test_permanent_failure_is_recorded_and_not_retried(recording):
    message = _queue()
    recording.fail_with = PermanentFailure("not a WhatsApp number")
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "WhatsApp" in message.error


def test_message_is_written_in_the_claimants_language():
    english = _queue(language="en")
    indonesian = _queue(language="id")
    assert "cancelled" in english.body
    assert "dibatalkan" in indonesian.body


def test_message_queued_before_the_claim_was_marked_contact_through_branch_is_not_sent(recording, branch):
    from claims.models import Claim
    from tests.factories import make_claim

    claim = make_claim(branch=branch)
    message = _queue(claim=claim)
    Claim.objects.filter(pk=claim.pk).update(contact_via_branch=True)
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SKIPPED
    assert not recording.sent


# Batches (messages written together: the reminder burst) -------------------------------


@provider_register("test-slow")
class SlowBackend(BaseBackend):
    """Answers after 50 ms, as a provider across the internet does, and counts calls in flight."""

    in_flight = 0
    most_in_flight = 0
    failing: dict = {}
    sent: list = []
    lock = threading.Lock()

    def send(self, *, to, body, template, idempotency_key):
        with self.lock:
            type(self).in_flight += 1
            type(self).most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(0.05)
            if to in self.failing:
                raise self.failing[to]
            with self.lock:
                self.sent.append(idempotency_key)
            return SendResult(provider_message_id=f"wamid.{idempotency_key}")
        finally:
            with self.lock:
                type(self).in_flight -= 1


@pytest.fixture
def slow(settings):
    SlowBackend.in_flight = SlowBackend.most_in_flight = 0
    SlowBackend.failing, SlowBackend.sent = {}, []
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "test-slow", "sms": "test-slow"}
    settings.NOTIFICATION_SEND_CONCURRENCY = 4
    _backend.cache_clear()
    yield SlowBackend
    _backend.cache_clear()


def _batch(count: int, django_capture_on_commit_callbacks) -> list[Message]:
    with django_capture_on_commit_callbacks() as callbacks:
        messages = services.messages_send(
            outgoing=[
                services.Outgoing(
                    to=f"+62812000000{n:02d}", template="claim_cancelled", context={"reference": "LA-7K3M-Q9XP"}
                )
                for n in range(count)
            ]
        )
    assert len(callbacks) == -(-count // 25)  # one delivery task per NOTIFICATION_DELIVERY_BATCH
    return messages


def test_a_batch_is_sent_with_calls_side_by_side_and_each_recorded_once(slow, django_capture_on_commit_callbacks):
    messages = _batch(8, django_capture_on_commit_callbacks)
    ids = [m.pk for m in messages]
    began = time.monotonic()
    assert services.messages_deliver(message_ids=ids) == []
    elapsed = time.monotonic() - began
    assert slow.most_in_flight > 1
    assert elapsed < 8 * 0.05
    assert sorted(slow.sent) == sorted(str(pk) for pk in ids)
    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {MessageStatus.SENT}
    assert {m.provider_message_id for m in Message.objects.filter(pk__in=ids)} == {f"wamid.{pk}" for pk in ids}
    # The task handed out again (a redelivery) finds nothing queued and calls nobody.
    assert services.messages_deliver(message_ids=ids) == []
    assert len(slow.sent) == 8


def test_in_a_batch_a_temporary_failure_is_given_back_and_a_permanent_one_falls_back_to_sms(
    slow, django_capture_on_commit_callbacks
):
    down, not_on_whatsapp, fine = _batch(3, django_capture_on_commit_callbacks)
    slow.failing = {
        down.to: TemporaryFailure("503"),
        not_on_whatsapp.to: PermanentFailure("no", reason="not_on_whatsapp"),
    }
    with django_capture_on_commit_callbacks() as callbacks:
        retry = services.messages_deliver(message_ids=[down.pk, not_on_whatsapp.pk, fine.pk])
    assert retry == [down.pk]
    for message in (down, not_on_whatsapp, fine):
        message.refresh_from_db()
    assert down.status == MessageStatus.QUEUED
    assert down.attempts == 1
    assert not_on_whatsapp.status == MessageStatus.FAILED
    assert not_on_whatsapp.failure_reason == "not_on_whatsapp"
    assert Message.objects.get(fallback_for=not_on_whatsapp).channel == "sms"
    assert len(callbacks) == 1
    assert fine.status == MessageStatus.SENT


def test_a_batch_leaves_alone_a_message_another_worker_is_sending(slow, django_capture_on_commit_callbacks):
    first, second = _batch(2, django_capture_on_commit_callbacks)
    Message.objects.filter(pk=first.pk).update(status=MessageStatus.SENDING)
    services.messages_deliver(message_ids=[first.pk, second.pk])
    assert slow.sent == [str(second.pk)]
