import pytest

from notifications import services
from notifications.backends import BaseBackend, PermanentFailure, SendResult, TemporaryFailure, _backend
from notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


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
    path = "tests.notifications.test_services.RecordingBackend"
    settings.NOTIFICATION_BACKENDS = {"whatsapp": path, "sms": path}
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
    assert message.status == MessageStatus.SENT and message.provider_message_id == f"wamid.{message.pk}"


def test_code_is_blanked_after_a_real_provider_has_it(recording):
    message = _queue(
        template="one_time_code", context={"reference": "LA-7K3M-Q9XP", "code": "123456", "minutes": 10}, sensitive=True
    )
    assert "123456" in message.body
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert "123456" not in message.body
    assert "123456" in recording.sent[0][1]


def test_outbox_backend_keeps_the_body_for_the_demo():
    message = _queue(
        template="one_time_code", context={"reference": "LA-7K3M-Q9XP", "code": "123456", "minutes": 10}, sensitive=True
    )
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and "123456" in message.body


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
    assert message.status == MessageStatus.FAILED and "WhatsApp" in message.error


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
    assert message.status == MessageStatus.SKIPPED and not recording.sent
