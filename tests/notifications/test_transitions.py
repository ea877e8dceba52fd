"""Message.status moves only as ALLOWED_TRANSITIONS says, through message_transition and messages_transition."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import ALLOWED_TRANSITIONS, Message, MessageStatus
from notifications.providers.base import BaseBackend, SendResult, TemporaryFailure
from notifications.registry import provider_register
from notifications.services import MessageTransitionNotAllowed, message_transition, messages_transition

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


@provider_register("test-transitions")
class AnsweringBackend(BaseBackend):
    sent: list = []
    fail_with: Exception | None = None

    def send(self, *, to, body, template, idempotency_key):
        if self.fail_with:
            raise self.fail_with
        self.sent.append(idempotency_key)
        return SendResult(provider_message_id=f"wamid.{idempotency_key}")


@pytest.fixture
def answering(settings):
    AnsweringBackend.sent, AnsweringBackend.fail_with = [], None
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "test-transitions", "sms": "test-transitions"}
    return AnsweringBackend


def _message(status=MessageStatus.QUEUED, **fields) -> Message:
    return Message.objects.create(
        channel="whatsapp", to=PHONE, template="claim_cancelled", body="Halo", status=status, **fields
    )


def test_the_table_has_a_row_for_every_status_and_names_only_statuses():
    assert set(ALLOWED_TRANSITIONS) == set(MessageStatus.values)
    assert set().union(*ALLOWED_TRANSITIONS.values()) <= set(MessageStatus.values)


@pytest.mark.parametrize("final", [MessageStatus.READ, MessageStatus.FAILED, MessageStatus.SKIPPED])
@pytest.mark.parametrize("to", MessageStatus.values)
def test_nothing_leaves_read_failed_or_skipped(final, to):
    message = _message(final)
    before = message.status_changed_at
    assert message_transition(message=message, to=MessageStatus(to)) is False
    message.refresh_from_db()
    assert message.status == final
    assert message.status_changed_at == before


def test_a_move_follows_the_table_not_a_rule_of_its_own(monkeypatch):
    message = _message(MessageStatus.READ)
    assert message_transition(message=message, to=MessageStatus.SENT) is False
    # The same call, once the table lists the move, makes it: the table decides.
    monkeypatch.setitem(ALLOWED_TRANSITIONS, MessageStatus.READ, frozenset({MessageStatus.SENT}))
    assert message_transition(message=message, to=MessageStatus.SENT) is True
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_move_writes_its_fields_and_the_time_and_updates_the_instance():
    message = _message(MessageStatus.SENDING)
    before = message.status_changed_at
    assert message_transition(message=message, to=MessageStatus.FAILED, failure_reason="invalid_number", error="x")
    assert message.status == MessageStatus.FAILED
    assert message.failure_reason == "invalid_number"
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.failure_reason, stored.error) == (MessageStatus.FAILED, "invalid_number", "x")
    assert stored.status_changed_at > before
    assert message.status_changed_at == stored.status_changed_at


def test_a_caller_asking_for_a_move_the_table_lacks_is_refused_before_any_query(django_assert_num_queries):
    message = _message(MessageStatus.SENT)
    with django_assert_num_queries(0), pytest.raises(MessageTransitionNotAllowed, match="sent → queued"):
        message_transition(message=message, to=MessageStatus.QUEUED, from_statuses=(MessageStatus.SENT,))
    with django_assert_num_queries(0), pytest.raises(MessageTransitionNotAllowed):
        messages_transition(
            messages=Message.objects.all(),
            from_statuses=(MessageStatus.QUEUED, MessageStatus.DELIVERED),
            to=MessageStatus.SENDING,
        )


def test_a_row_that_moved_on_since_it_was_read_is_left_alone():
    message = _message(MessageStatus.SENDING)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.DELIVERED)  # a report, meanwhile
    # The instance still says "sending"; the conditional UPDATE sees the row as it is.
    assert message_transition(message=message, to=MessageStatus.SENT) is False
    assert message.status == MessageStatus.SENDING
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED


def test_a_batch_claim_moves_only_the_rows_still_queued_in_one_statement():
    queued, sending, sent = _message(), _message(MessageStatus.SENDING), _message(MessageStatus.SENT)
    ids = [queued.pk, sending.pk, sent.pk]
    with CaptureQueriesContext(connection) as queries:
        moved = messages_transition(
            messages=Message.objects.filter(pk__in=ids),
            from_statuses=(MessageStatus.QUEUED,),
            to=MessageStatus.SENDING,
            attempts=F("attempts") + 1,
        )
    assert moved == 1
    assert len(queries) == 1
    assert "IN" in queries[0]["sql"]
    assert "status" in queries[0]["sql"]
    statuses = dict(Message.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {queued.pk: "sending", sending.pk: "sending", sent.pk: "sent"}
    assert Message.objects.get(pk=queued.pk).attempts == 1
    assert Message.objects.get(pk=sending.pk).attempts == 0


# The services go through the table ---------------------------------------------------


def test_delivery_claims_a_row_only_as_the_table_allows(answering, monkeypatch):
    message = _message()
    monkeypatch.setitem(ALLOWED_TRANSITIONS, MessageStatus.QUEUED, frozenset({MessageStatus.FAILED}))
    with pytest.raises(MessageTransitionNotAllowed):
        services.message_deliver(message_id=message.pk)
    assert answering.sent == []
    assert Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED


def test_a_temporary_failure_gives_the_row_back_through_the_table(answering, monkeypatch):
    message = _message()
    answering.fail_with = TemporaryFailure("503")
    monkeypatch.setitem(
        ALLOWED_TRANSITIONS, MessageStatus.SENDING, ALLOWED_TRANSITIONS[MessageStatus.SENDING] - {MessageStatus.QUEUED}
    )
    with pytest.raises(MessageTransitionNotAllowed, match="sending → queued"):
        services.message_deliver(message_id=message.pk)


def test_a_report_moves_a_message_only_where_the_table_allows(monkeypatch):
    message = _message(MessageStatus.READ, provider_message_id="wamid.R1")
    report = {"provider": "whatsapp", "provider_message_id": "wamid.R1", "status": MessageStatus.SENT}
    services.message_status_report(event_key="wamid.R1:sent", **report)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.READ
    monkeypatch.setitem(ALLOWED_TRANSITIONS, MessageStatus.READ, frozenset({MessageStatus.SENT}))
    services.message_status_report(event_key="wamid.R1:sent-again", **report)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_a_report_of_one_of_our_own_moves_changes_nothing():
    """The table lets "sending" go back to "queued" (our retry), but no provider report may."""
    message = _message(MessageStatus.SENDING, provider_message_id="wamid.Q1")
    services.message_status_report(
        provider="gateway", event_key="wamid.Q1:queued", status="queued", provider_message_id="wamid.Q1"
    )
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENDING


def test_a_failure_after_delivery_is_refused_by_the_table_and_sends_no_copy(monkeypatch):
    delivered = _message(MessageStatus.DELIVERED)
    services.message_fail(message_id=delivered.pk, reason="undeliverable")
    assert Message.objects.get(pk=delivered.pk).status == MessageStatus.DELIVERED
    assert not Message.objects.filter(fallback_for=delivered).exists()
    monkeypatch.setitem(ALLOWED_TRANSITIONS, MessageStatus.DELIVERED, frozenset({MessageStatus.FAILED}))
    services.message_fail(message_id=delivered.pk, reason="undeliverable")
    assert Message.objects.get(pk=delivered.pk).status == MessageStatus.FAILED
    assert Message.objects.filter(fallback_for=delivered, channel="sms").exists()


def test_a_batch_costs_one_statement_per_message_beyond_its_claim(answering, settings):
    """The batch path (bench/reminders.py): claiming is two statements for the whole batch;
    each message adds only the UPDATE that records its provider's answer."""
    settings.NOTIFICATION_SEND_CONCURRENCY = 1

    def deliver(count: int) -> int:
        ids = [_message().pk for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            assert services.messages_deliver(message_ids=ids) == []
        assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {MessageStatus.SENT}
        return len(queries)

    assert deliver(12) - deliver(3) == 9
