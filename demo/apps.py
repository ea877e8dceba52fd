from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`, made through the real services; production refuses it."""

    name = "demo"
