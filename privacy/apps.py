from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    """Personal data (UU PDP No. 27/2022): the claimant's export and the retention sweep, over every app."""

    name = "privacy"

    def ready(self) -> None:
        # Each app's personal_data.py declares its models (core/personal_data.py).
        autodiscover_modules("personal_data")
