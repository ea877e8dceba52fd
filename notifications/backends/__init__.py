"""Provider backends, one per channel, chosen by settings.NOTIFICATION_BACKENDS."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class PermanentFailure(Exception):
    """The provider will never accept this message (for example an invalid number): do not retry."""


class TemporaryFailure(Exception):
    """The provider could not take the message now: retry later."""


class BaseBackend:
    # A backend that really hands messages to someone keeps no secret (a code) after sending.
    keeps_sensitive_bodies = False

    def send(self, *, to: str, body: str, template: str, idempotency_key: str) -> SendResult:
        raise NotImplementedError


@cache
def _backend(path: str) -> BaseBackend:
    return import_string(path)()


def get_backend(channel: str) -> tuple[str, BaseBackend]:
    path = settings.NOTIFICATION_BACKENDS[channel]
    return path, _backend(path)
