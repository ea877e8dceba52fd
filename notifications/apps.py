from django.apps import AppConfig

from .registry import provider_modules


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Imported here, once every app is loaded, because importing is how they take part:
        # each provider's backend registers itself by name and its checks register with
        # Django's check framework. The providers are found, not listed (a new provider is
        # a new folder).
        from . import checks  # noqa: F401

        for module in ("backend", "checks"):
            provider_modules(module)
