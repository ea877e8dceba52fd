"""Development runs tasks in process (CELERY_TASK_ALWAYS_EAGER) with errors propagating: a
provider that answers 429 must not turn the claimant's own request into a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.services.resume import LINK_TEMPLATE
from notifications.models import Message, MessageStatus
from notifications.providers.whatsapp.templates import registrations
from notifications.registry import _backend
from notifications.tasks import message_deliver_task
from tests.factories import make_claim, open_claim_in
from tests.messages import templates_approved
from tests.provider_server import use_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_provider(provider_server, settings, seeded_catalogue):
    """The fake provider, with eager tasks propagating errors as in lapakasik/settings/dev.py
    (the `provider` fixture turns propagation off to run retries in line)."""
    provider_server.reset()
    use_provider(settings, provider_server)
    provider_server.register_templates(registrations())
    templates_approved()
    _backend.cache_clear()
    conf = message_deliver_task.app.conf
    assert conf.task_always_eager
    assert conf.task_eager_propagates
    yield provider_server
    _backend.cache_clear()


@pytest.mark.parametrize("provider_name", ["whatsapp", "twilio", "gateway"])
def test_a_rate_limited_provider_leaves_the_finish_later_link_queued_and_the_claimants_request_succeeds(
    eager_provider, settings, branch, provider_name, caplog
):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": provider_name, "sms": provider_name}
    claim = make_claim(branch=branch)
    eager_provider.always(claim.contact_phone, "429")
    client = Client(raise_request_exception=False)
    open_claim_in(client, claim)

    response = client.post(reverse("portal:resume_later", args=[claim.reference]))

    assert response.status_code == 302, response.status_code
    message = Message.objects.get(claim=claim, template=LINK_TEMPLATE)
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert len(eager_provider.requests_to(provider_name)) == 1
    assert eager_provider.deliveries_to(claim.contact_phone) == []
    assert "left queued for the reconcile sweep" in caplog.text
