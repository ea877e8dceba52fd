"""`manage.py check`: Twilio chosen for a channel, but without an account to send from."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from ...registry import selected_providers

REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")


@register("notifications")
def twilio_settings_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    if "twilio" not in selected_providers():
        return []
    return [
        Error(
            f"The Twilio provider is selected but {name} is empty.",
            hint="Twilio needs the account SID and auth token (which also signs its delivery receipts) "
            "and the sender number.",
            id="notifications.twilio.E001",
        )
        for name in REQUIRED
        if not getattr(settings, name)
    ]
