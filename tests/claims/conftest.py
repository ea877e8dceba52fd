from tests.notifications.conftest import provider, provider_server  # noqa: F401 (the provider stand-in: status answers)
