from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The claimant's web pages and the JSON API, over the domain apps' services."""

    name = "portal"
