"""`manage.py check`: every channel names a provider that exists.

Each provider checks its own settings in its package (notifications/providers/<name>/checks.py).
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from .registry import providers, unknown_provider_hint


@register("notifications")
def providers_known_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    return [
        Error(
            f"NOTIFICATION_BACKENDS[{channel!r}] names no registered message provider: {name!r}.",
            hint=f"Set NOTIFICATION_{channel.upper()}_BACKEND to a provider name. {unknown_provider_hint(name)}",
            id="notifications.E001",
        )
        for channel, name in settings.NOTIFICATION_BACKENDS.items()
        if name not in providers
    ]
