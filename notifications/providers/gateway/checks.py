"""`manage.py check`: the HTTP SMS gateway chosen for a channel, but with no URL to call."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from ...registry import selected_providers


@register("notifications")
def gateway_settings_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    if "gateway" not in selected_providers() or settings.SMS_GATEWAY_URL_TEMPLATE:
        return []
    return [
        Error(
            "The SMS gateway provider is selected but SMS_GATEWAY_URL_TEMPLATE is empty.",
            hint="Give the gateway's send URL with {to} and {text} (and {user} {password} {ref}), e.g. "
            '"https://gw.example/send?user={user}&pass={password}&to={to}&text={text}&ref={ref}".',
            id="notifications.gateway.E001",
        )
    ]
