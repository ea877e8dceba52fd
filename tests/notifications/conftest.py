import pytest

from notifications.providers.whatsapp.templates import registrations
from notifications.registry import _backend
from notifications.tasks import message_deliver_task
from tests.messages import templates_approved
from tests.provider_server import ProviderServer, use_provider


@pytest.fixture(scope="session")
def provider_server():
    server = ProviderServer().start()
    yield server
    server.stop()


@pytest.fixture
def provider(provider_server, settings, db):
    """The fake WhatsApp/Twilio/gateway server, emptied, with every provider setting pointing at
    it, and every catalogue template approved by WhatsApp."""
    templates_approved()
    provider_server.reset()
    use_provider(settings, provider_server)
    provider_server.register_templates(registrations())
    settings.NOTIFICATION_MAX_RETRIES = 2
    _backend.cache_clear()
    # Eager tasks that propagate errors raise celery's Retry instead of running the retry;
    # without propagation apply() runs each retry in turn, as a worker would.
    conf = message_deliver_task.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    yield provider_server
    conf.task_eager_propagates = propagates
    _backend.cache_clear()
