from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The managers' figures (DOMAIN.md) and their pages: dashboard, lists, CSV, the weekly e-mail."""

    name = "reports"
