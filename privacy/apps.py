from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data (UU PDP No. 27/2022): the claimant's export and the retention sweep, over every app."""

    name = "privacy"
