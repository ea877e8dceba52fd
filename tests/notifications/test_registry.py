"""Providers are chosen by name from the registry; each brings its own settings checks and webhook URL."""

import sys
import textwrap

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

import notifications.providers
from notifications import registry
from notifications.providers.gateway.backend import HttpSmsGatewayBackend
from notifications.providers.twilio.backend import TwilioSmsBackend
from notifications.providers.whatsapp.backend import WhatsAppCloudBackend


def _check_ids() -> list[str]:
    return sorted(message.id for message in run_checks(tags=["notifications"]))


def test_every_provider_package_is_registered_under_its_name():
    assert {"whatsapp", "twilio", "gateway", "outbox", "console"} <= set(registry.providers)
    assert registry.providers["whatsapp"] is WhatsAppCloudBackend
    assert registry.providers["twilio"] is TwilioSmsBackend
    assert registry.providers["gateway"] is HttpSmsGatewayBackend


def test_settings_choose_the_provider_of_each_channel_by_name(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "whatsapp", "sms": "gateway"}
    name, backend = registry.backend_for("sms")
    assert name == "gateway"
    assert isinstance(backend, HttpSmsGatewayBackend)
    name, backend = registry.backend_for("whatsapp")
    assert name == "whatsapp"
    assert isinstance(backend, WhatsAppCloudBackend)


def test_a_name_no_provider_has_is_refused_with_the_known_names(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "notifications.backends.outbox.OutboxBackend", "sms": "outbox"}
    with pytest.raises(ImproperlyConfigured, match="looks like a class path") as refused:
        registry.backend_for("whatsapp")
    assert all(name in str(refused.value) for name in ("console", "gateway", "outbox", "twilio", "whatsapp"))
    assert _check_ids() == ["notifications.E001"]


def test_two_providers_cannot_share_a_name():
    with pytest.raises(ImproperlyConfigured, match="'whatsapp'"):
        registry.provider_register("whatsapp")(type("Impostor", (TwilioSmsBackend,), {}))
    assert registry.providers["whatsapp"] is WhatsAppCloudBackend


def test_the_test_and_development_choices_pass_the_checks(settings):
    for choice in ("outbox", "console"):
        settings.NOTIFICATION_BACKENDS = {"whatsapp": choice, "sms": choice}
        assert _check_ids() == []


def test_whatsapp_selected_without_its_credentials_is_reported(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "whatsapp", "sms": "outbox"}
    settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_APP_SECRET = "1", "", ""
    settings.WHATSAPP_BUSINESS_ACCOUNT_ID = "102290129340398"
    messages = run_checks(tags=["notifications"])
    assert {m.id for m in messages} == {"notifications.whatsapp.E001"}
    assert sorted(m.msg.split()[-3] for m in messages) == ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET"]
    settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_APP_SECRET = "token", "secret"
    assert _check_ids() == []


def test_twilio_selected_without_account_token_or_sender_is_reported(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "outbox", "sms": "twilio"}
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = "AC1", "token", ""
    assert _check_ids() == ["notifications.twilio.E001"]
    settings.TWILIO_FROM = "+15005550006"
    assert _check_ids() == []


def test_gateway_selected_without_a_url_template_is_reported(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "outbox", "sms": "gateway"}
    settings.SMS_GATEWAY_URL_TEMPLATE = ""
    assert _check_ids() == ["notifications.gateway.E001"]
    settings.SMS_GATEWAY_URL_TEMPLATE = "https://gw.example/send?to={to}&text={text}"
    assert _check_ids() == []


def test_a_provider_not_selected_is_not_checked(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "outbox", "sms": "outbox"}
    settings.WHATSAPP_ACCESS_TOKEN = settings.TWILIO_AUTH_TOKEN = settings.SMS_GATEWAY_URL_TEMPLATE = ""
    assert _check_ids() == []


def test_each_provider_webhook_keeps_its_path():
    assert reverse("webhooks:whatsapp") == "/notifikasi/whatsapp/"
    assert reverse("webhooks:twilio") == "/notifikasi/sms/twilio/"
    assert reverse("webhooks:gateway") == "/notifikasi/sms/gateway/"
    assert resolve("/notifikasi/sms/gateway/").func.__module__ == "notifications.providers.gateway.webhook"


@pytest.fixture
def pigeon_folder(tmp_path, monkeypatch):
    """A provider that exists only as a folder beside the others (on the package's search path)."""
    folder = tmp_path / "pigeon"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "backend.py").write_text(
        textwrap.dedent(
            """
            from notifications.providers.base import BaseBackend, SendResult
            from notifications.registry import provider_register

            @provider_register("pigeon")
            class PigeonBackend(BaseBackend):
                def send(self, *, to, body, template, idempotency_key):
                    return SendResult(provider_message_id=f"coo-{idempotency_key}")
            """
        )
    )
    (folder / "urls.py").write_text("urlpatterns = ['the pigeon loft']\n")
    monkeypatch.setattr(notifications.providers, "__path__", [*notifications.providers.__path__, str(tmp_path)])
    yield
    registry.providers.pop("pigeon", None)
    registry._backend.cache_clear()
    for name in [name for name in sys.modules if name.startswith("notifications.providers.pigeon")]:
        del sys.modules[name]


def test_a_new_provider_is_a_new_folder_and_nothing_else(pigeon_folder, settings):
    backends = {module.__name__ for module in registry.provider_modules("backend")}
    assert "notifications.providers.pigeon.backend" in backends
    urls = [module.urlpatterns for module in registry.provider_modules("urls")]
    assert ["the pigeon loft"] in urls
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "pigeon", "sms": "outbox"}
    name, backend = registry.backend_for("whatsapp")
    assert name == "pigeon"
    assert backend.send(to="+62", body="x", template="t", idempotency_key="7").provider_message_id == "coo-7"


def test_whatsapp_selected_without_its_business_account_is_warned(settings):
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "whatsapp", "sms": "outbox"}
    settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_APP_SECRET = "1", "t", "s"
    settings.WHATSAPP_BUSINESS_ACCOUNT_ID = ""
    assert [m.id for m in run_checks(tags=["notifications"])] == ["notifications.whatsapp.W001"]
