"""Production settings refuse to start half-configured.

Each check imports the settings in a fresh interpreter with a clean environment, so
nothing from the developer's shell or the test settings leaks in.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "prod-settings-test-" + "x" * 50,
    "DATABASE_URL": "postgres://lapakasik@db.invalid:5432/lapakasik",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "lapakasik-documents",
    "DJANGO_ALLOWED_HOSTS": "klaim.example.go.id",
    "PUBLIC_BASE_URL": "https://klaim.example.go.id",
    "TRUSTED_PROXY_COUNT": "1",
    "NOTIFICATION_SEAL_KEYS": "bm90LWEtcmVhbC1rZXktanVzdC0zMi1ieXRlcy0hISE=",
    "PERSONAL_DATA_KEYS": "cGVyc29uYWwtZGF0YS10ZXN0LWtleS0zMi1ieXRlcyE=",
    "PERSONAL_DATA_INDEX_KEYS": "YmxpbmQtaW5kZXgtdGVzdC1rZXktMzItYnl0ZXMhISE=",
    "NOTIFICATION_WHATSAPP_BACKEND": "whatsapp",
    "NOTIFICATION_SMS_BACKEND": "twilio",
    # What the selected providers' system checks ask for (notifications/providers/*/checks.py).
    "WHATSAPP_PHONE_NUMBER_ID": "109876543210",
    "WHATSAPP_ACCESS_TOKEN": "prod-settings-test-token",
    "WHATSAPP_APP_SECRET": "prod-settings-test-secret",
    "WHATSAPP_BUSINESS_ACCOUNT_ID": "102290129340398",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "prod-settings-test-token",
    "TWILIO_FROM": "+15005550006",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), **env}
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def _import_prod(env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["-c", "import lapakasik.settings.prod"], env)


def _error(result: subprocess.CompletedProcess) -> str:
    """The exception line; the traceback's source lines could name every variable."""
    assert result.returncode != 0, "the production settings loaded"
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"])
def test_production_settings_refuse_to_load_without(missing):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}

    error = _error(_import_prod(env))

    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert missing in error


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"])
def test_production_settings_refuse_an_empty_value_for(missing):
    error = _error(_import_prod({**PRODUCTION_ENV, missing: ""}))

    assert missing in error


@pytest.mark.parametrize("length", [1, 49])
def test_production_settings_refuse_a_secret_key_shorter_than_50_characters(length):
    error = _error(_import_prod({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "k" * length}))

    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "DJANGO_SECRET_KEY must be at least 50 characters" in error


def test_production_settings_accept_a_secret_key_of_exactly_50_characters():
    result = _import_prod({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "k" * 50})

    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_the_example_env_files_secret_placeholder():
    example = (REPO / "compose.env.example").read_text()
    placeholder = re.search(r"^DJANGO_SECRET_KEY=(.*)$", example, re.MULTILINE).group(1)
    assert len(placeholder) >= 50, "the placeholder would be refused for its length alone"

    error = _error(_import_prod({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": placeholder}))

    assert "DJANGO_SECRET_KEY is still the placeholder" in error


def test_production_settings_refuse_to_load_without_a_public_base_url():
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "PUBLIC_BASE_URL"}

    error = _error(_import_prod(env))

    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "PUBLIC_BASE_URL must be set to the service's https address" in error


@pytest.mark.parametrize(
    "url", ["http://klaim.example.go.id", "http://127.0.0.1:8000", "https://", "klaim.example.go.id"]
)
def test_production_settings_refuse_a_public_base_url_that_is_not_https(url):
    error = _error(_import_prod({**PRODUCTION_ENV, "PUBLIC_BASE_URL": url}))

    assert "PUBLIC_BASE_URL must be set to the service's https address" in error


@pytest.mark.parametrize("value", [None, ""])
def test_production_settings_refuse_to_load_without_an_explicit_trusted_proxy_count(value):
    env = {name: v for name, v in PRODUCTION_ENV.items() if name != "TRUSTED_PROXY_COUNT"}
    if value is not None:
        env["TRUSTED_PROXY_COUNT"] = value

    error = _error(_import_prod(env))

    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "TRUSTED_PROXY_COUNT must be set in production" in error


def test_production_settings_refuse_a_negative_trusted_proxy_count():
    error = _error(_import_prod({**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "-1"}))

    assert "TRUSTED_PROXY_COUNT cannot be negative" in error


def test_production_settings_accept_a_trusted_proxy_count_of_0_set_explicitly():
    code = "import lapakasik.settings.prod as s; assert s.TRUSTED_PROXY_COUNT == 0"

    result = _run(["-c", code], {**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "0"})

    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_files_on_local_disk():
    error = _error(_import_prod({**PRODUCTION_ENV, "STORAGE_BACKEND": "filesystem"}))

    assert "STORAGE_BACKEND" in error


@pytest.mark.parametrize("channel", ["NOTIFICATION_WHATSAPP_BACKEND", "NOTIFICATION_SMS_BACKEND"])
@pytest.mark.parametrize("backend", ["outbox", "console"])
def test_production_settings_refuse_a_message_backend_that_sends_nothing(channel, backend):
    error = _error(_import_prod({**PRODUCTION_ENV, channel: backend}))

    assert "NOTIFICATION_WHATSAPP_BACKEND and NOTIFICATION_SMS_BACKEND" in error


def test_production_settings_load_with_everything_set():
    code = (
        "import lapakasik.settings.prod as s;"
        "assert not s.DEBUG;"
        "assert s.STORAGES['documents']['BACKEND'] == 'storages.backends.s3.S3Storage';"
        "assert s.STORAGES['documents']['OPTIONS']['default_acl'] == 'private';"
        "assert s.CACHES['default']['BACKEND'] == 'django.core.cache.backends.redis.RedisCache';"
        "assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE;"
        "assert s.LANGUAGE_COOKIE_SECURE and s.LANGUAGE_COOKIE_HTTPONLY;"
        "assert s.LANGUAGE_COOKIE_SAMESITE == 'Lax';"
        "assert s.PUBLIC_BASE_URL == 'https://klaim.example.go.id';"
        "assert s.TRUSTED_PROXY_COUNT == 1"
    )

    result = _run(["-c", code], PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr


def test_deploy_check_finds_nothing_under_production_settings():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "lapakasik.settings.prod"}

    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "check"),
    [("WHATSAPP_ACCESS_TOKEN", "notifications.whatsapp.E001"), ("TWILIO_FROM", "notifications.twilio.E001")],
)
def test_deploy_check_reports_a_chosen_provider_missing_its_settings(missing, check):
    env = {**PRODUCTION_ENV, missing: "", "DJANGO_SETTINGS_MODULE": "lapakasik.settings.prod"}

    result = _run(["manage.py", "check", "--deploy"], env)

    assert result.returncode != 0
    assert check in result.stderr
    assert missing in result.stderr


def test_the_images_build_step_can_load_the_production_settings():
    """No Docker engine runs here: the build step's collectstatic is checked by reading the
    variables the Dockerfile exports and loading the production settings with them."""
    text = (REPO / "Dockerfile").read_text()
    step = text[text.index("RUN export DJANGO_SETTINGS_MODULE=") : text.index("collectstatic")]
    env = dict(re.findall(r"([A-Z_]+)=(\S+)", step.replace("\\\n", " ")))
    assert env["DJANGO_SETTINGS_MODULE"] == "lapakasik.settings.prod"

    result = _import_prod(env)

    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_load_without_keys_sealing_codes_and_links_in_messages():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "NOTIFICATION_SEAL_KEYS"}
    assert "NOTIFICATION_SEAL_KEYS is required in production" in _error(_import_prod(env))


@pytest.mark.parametrize("setting", ["PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEYS"])
def test_production_settings_refuse_to_load_without_keys_for_the_nik_at_rest(setting):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != setting}
    assert f"{setting} is required in production" in _error(_import_prod(env))


def test_production_settings_refuse_a_key_that_is_not_a_fernet_key():
    env = {**PRODUCTION_ENV, "PERSONAL_DATA_KEYS": "short"}
    assert "PERSONAL_DATA_KEYS: each key is 32 url-safe base64 bytes" in _error(_import_prod(env))


def test_production_settings_refuse_the_blind_index_key_reused_from_the_data_keys():
    env = {**PRODUCTION_ENV, "PERSONAL_DATA_INDEX_KEYS": PRODUCTION_ENV["PERSONAL_DATA_KEYS"]}
    assert "PERSONAL_DATA_INDEX_KEYS must not reuse" in _error(_import_prod(env))
