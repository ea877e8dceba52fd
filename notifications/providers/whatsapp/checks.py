"""`manage.py check`: WhatsApp chosen for a channel, but without what the Cloud API needs."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from ...registry import selected_providers

REQUIRED = ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET")


@register("notifications")
def whatsapp_settings_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    if "whatsapp" not in selected_providers():
        return []
    found: list[CheckMessage] = [
        Error(
            f"The WhatsApp provider is selected but {name} is empty.",
            hint="The Cloud API needs the phone number id and an access token to send, and the app "
            "secret to verify its webhooks (WhatsApp Manager, app settings).",
            id="notifications.whatsapp.E001",
        )
        for name in REQUIRED
        if not getattr(settings, name)
    ]
    if not settings.WHATSAPP_BUSINESS_ACCOUNT_ID:
        found.append(
            Warning(
                "The WhatsApp provider is selected but WHATSAPP_BUSINESS_ACCOUNT_ID is empty.",
                hint="`manage.py whatsapp_templates sync` cannot read the templates' review without it, and "
                "a template with no approval recorded sends its messages by SMS.",
                id="notifications.whatsapp.W001",
            )
        )
    return found
