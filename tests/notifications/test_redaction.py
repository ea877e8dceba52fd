"""Staff never see a live code or claim link, whatever became of the message (issue 15, point 3).

The provider stand-in gets the full text; the outbox page, the admin and a raw read of the
table hold only the redacted body: queued, while retried (the provider answers 500 or 429),
failed for good, and sent.
"""

import pytest
from django.db import connection
from django.urls import reverse

from claims.services import resume_link_send
from notifications import services
from notifications.models import Message, MessageStatus
from notifications.providers.base import TemporaryFailure
from notifications.sealing import Secret
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

CODE = "493817"


@pytest.fixture
def real_providers(provider, settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "whatsapp", "sms": "twilio"}
    return provider


def _code_message(claim) -> Message:
    return services.message_send(
        to=claim.contact_phone,
        template="one_time_code",
        context={"reference": claim.reference, "code": Secret(CODE), "minutes": 10},
        claim=claim,
    )


def _staff_pages(client, officer, admin_client, message: Message) -> str:
    client.force_login(officer)
    pages = [client.get(reverse("console:outbox")).content.decode()]
    pages.append(admin_client.get(reverse("admin:notifications_message_changelist")).content.decode())
    for row in Message.objects.all():
        pages.append(admin_client.get(reverse("admin:notifications_message_change", args=[row.pk])).content.decode())
    assert message.claim.reference in pages[0], "the officer does see the message itself"
    return "\n".join(pages)


def _raw_bodies() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, sealed FROM notifications_message")
        return repr(cursor.fetchall())


def _provider_got(provider, text: str) -> bool:
    return text in repr(provider.state.requests)


def test_a_queued_code_is_redacted_for_staff_and_in_the_table(client, officer, admin_client):
    claim = make_claim(branch=officer.branch)
    message = _code_message(claim)
    assert message.status == MessageStatus.QUEUED
    assert CODE not in _staff_pages(client, officer, admin_client, message)
    assert CODE not in _raw_bodies()


@pytest.mark.parametrize("outcome", ["500", "429"])
def test_a_code_being_retried_stays_redacted_and_the_provider_gets_it(
    real_providers, outcome, client, officer, admin_client
):
    claim = make_claim(branch=officer.branch)
    message = _code_message(claim)
    real_providers.always(claim.contact_phone, outcome)
    with pytest.raises(TemporaryFailure):
        services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert _provider_got(real_providers, CODE)
    assert CODE not in _staff_pages(client, officer, admin_client, message)
    assert CODE not in _raw_bodies()


def test_a_code_failed_for_good_on_both_channels_stays_redacted(real_providers, client, officer, admin_client):
    claim = make_claim(branch=officer.branch)
    message = _code_message(claim)
    real_providers.always(claim.contact_phone, "500")
    with pytest.raises(TemporaryFailure):
        services.message_deliver(message_id=message.pk)
    services.message_retries_exhausted(message_id=message.pk)  # the SMS copy is written
    message.refresh_from_db()
    with pytest.raises(TemporaryFailure):
        services.message_deliver(message_id=message.fallback.pk)
    services.message_retries_exhausted(message_id=message.fallback.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.fallback.status == MessageStatus.FAILED
    assert real_providers.requests_to("twilio"), "the SMS copy was tried with the full text"
    assert _provider_got(real_providers, CODE)
    assert CODE not in _staff_pages(client, officer, admin_client, message)
    assert CODE not in _raw_bodies()
    assert not Message.objects.exclude(sealed="").exists(), "nothing left sealed once failed for good"


def test_a_sent_code_is_redacted_and_the_claimants_phone_got_it(real_providers, client, officer, admin_client):
    claim = make_claim(branch=officer.branch)
    message = _code_message(claim)
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    [delivery] = real_providers.deliveries_to(claim.contact_phone)
    assert CODE in delivery.text
    assert CODE not in _staff_pages(client, officer, admin_client, message)
    assert CODE not in _raw_bodies()
    assert message.sealed == ""


def test_a_finish_later_link_failing_to_go_out_stays_redacted(real_providers, client, officer, admin_client):
    from claims.services.resume import resume_token

    claim = make_claim(branch=officer.branch)
    message = resume_link_send(claim=claim)
    real_providers.always(claim.contact_phone, "500")
    with pytest.raises(TemporaryFailure):
        services.message_deliver(message_id=message.pk)
    token = resume_token(claim).rsplit(":", 1)[-1]  # the signature: the part that cannot be guessed
    assert _provider_got(real_providers, token)
    pages = _staff_pages(client, officer, admin_client, message)
    assert "/lanjut/" in pages, "staff see which link was sent"
    assert token not in pages
    assert token not in _raw_bodies()


def test_in_development_the_outbox_provider_shows_the_full_text_once_delivered(client, officer):
    claim = make_claim(branch=officer.branch)
    message = _code_message(claim)
    services.message_deliver(message_id=message.pk)
    client.force_login(officer)
    assert CODE in client.get(reverse("console:outbox")).content.decode()
