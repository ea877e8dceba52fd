from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app may use and that decides nothing about claims (../shared/STYLE.md)."""

    name = "core"
