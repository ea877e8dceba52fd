"""Provider name -> backend, the only thing the rest of notifications knows about providers.

Settings choose a provider per channel by name (NOTIFICATION_BACKENDS, from
NOTIFICATION_WHATSAPP_BACKEND and NOTIFICATION_SMS_BACKEND), the way STORAGE_BACKEND names
a storage. A provider registers its backend class here with ``@provider_register("name")``
in its own package (notifications/providers/<name>/backend.py); NotificationsConfig.ready
imports every package's modules, so registering is all a new provider does.
"""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import providers as provider_packages
from .providers.base import BaseBackend

Backend = TypeVar("Backend", bound=type[BaseBackend])

# name -> backend class, filled by provider_register as each provider's backend.py loads.
providers: dict[str, type[BaseBackend]] = {}


def provider_register(name: str) -> Callable[[Backend], Backend]:
    """Class decorator: the backend the settings mean by ``name``."""

    def register(backend: Backend) -> Backend:
        registered = providers.setdefault(name, backend)
        if registered is not backend:
            raise ImproperlyConfigured(f"Two message providers are called {name!r}: {registered!r} and {backend!r}.")
        return backend

    return register


def provider_modules(module: str) -> list[ModuleType]:
    """Every provider package's ``module`` ("backend", "checks", "urls"…), imported, where it has one.

    The packages are the folders of notifications/providers/ (its plain modules, base.py and
    the like, are shared code, not providers), in name order.
    """
    found = []
    for package in sorted(pkgutil.iter_modules(provider_packages.__path__), key=lambda info: info.name):
        if not package.ispkg:
            continue
        name = f"{provider_packages.__name__}.{package.name}.{module}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def selected_providers() -> set[str]:
    """The provider names the settings choose for some channel."""
    return set(settings.NOTIFICATION_BACKENDS.values())


def unknown_provider_hint(name: str) -> str:
    known = ", ".join(sorted(providers)) or "none registered"
    if "." in name:
        return f"{name!r} looks like a class path: these settings now name a provider ({known})."
    return f"Known providers: {known}."


@cache
def _backend(name: str) -> BaseBackend:
    """One backend instance per provider name (backends keep no per-message state)."""
    try:
        backend = providers[name]
    except KeyError:
        raise ImproperlyConfigured(f"No message provider is called {name!r}. {unknown_provider_hint(name)}") from None
    return backend()


def backend_for(channel: str) -> tuple[str, BaseBackend]:
    """The provider name the settings choose for ``channel`` and its backend."""
    name = settings.NOTIFICATION_BACKENDS[channel]
    return name, _backend(name)
