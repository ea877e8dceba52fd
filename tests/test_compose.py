"""compose.yaml: no Docker engine runs here, so the file is read and checked against the
settings it feeds, the way `docker compose config` and the production settings would."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text())
SETTINGS_TEXT = "".join(p.read_text() for p in (REPO / "lapakasik" / "settings").glob("*.py"))
READ_BY_SETTINGS = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', SETTINGS_TEXT))
APP_SERVICES = ("migrate", "web", "worker", "beat")


def test_the_stack_has_every_part_of_the_production_shape():
    assert set(COMPOSE["services"]) >= {*APP_SERVICES, "postgres", "redis", "minio", "minio-bucket", "clamd"}


def test_every_application_process_runs_the_same_image_with_the_same_settings():
    services = COMPOSE["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert images == {"lapakasik:latest"}
    base = services["migrate"]["environment"]
    for name in APP_SERVICES:
        assert base.items() <= services[name]["environment"].items(), name


def test_every_variable_given_to_the_application_is_one_the_settings_read():
    environment = COMPOSE["services"]["web"]["environment"]
    unknown = sorted(set(environment) - READ_BY_SETTINGS - {"WEB_CONCURRENCY"})
    assert not unknown, f"compose.yaml sets variables no setting reads: {unknown}"


def test_the_production_settings_get_what_they_refuse_to_start_without():
    environment = COMPOSE["services"]["web"]["environment"]
    for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
        assert environment.get(name), name
    assert environment["STORAGE_BACKEND"] == "s3"
    assert environment["ANTIVIRUS_BACKEND"].endswith("ClamdScanner")
    for name in ("NOTIFICATION_WHATSAPP_BACKEND", "NOTIFICATION_SMS_BACKEND"):
        # A plain name, or ${NAME:-default}: the provider used when compose.env says nothing.
        provider = re.sub(r"^\$\{\w+:-(.*)\}$", r"\1", environment[name])
        assert provider in ("whatsapp", "twilio", "gateway"), (name, provider)


def test_the_address_the_proxy_count_and_the_secret_come_from_the_env_file_as_production_wants_them():
    """prod.py refuses an http or missing PUBLIC_BASE_URL, an unset TRUSTED_PROXY_COUNT and a
    secret key under 50 characters: compose asks compose.env for each, and the example
    file's values are ones an operator can follow."""
    environment = COMPOSE["services"]["web"]["environment"]
    for name in ("DJANGO_SECRET_KEY", "PUBLIC_BASE_URL", "TRUSTED_PROXY_COUNT"):
        assert environment[name].startswith(f"${{{name}:?"), name
    example = dict(re.findall(r"^([A-Z0-9_]+)=(.*)$", (REPO / "compose.env.example").read_text(), re.MULTILINE))
    assert example["PUBLIC_BASE_URL"].startswith("https://")
    assert example["TRUSTED_PROXY_COUNT"].isdigit()
    assert len(example["DJANGO_SECRET_KEY"]) >= 50


def test_every_required_secret_has_a_line_in_the_example_env_file():
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", (REPO / "compose.yaml").read_text()))
    example = set(re.findall(r"^([A-Z0-9_]+)=", (REPO / "compose.env.example").read_text(), re.MULTILINE))
    assert required, required - example
    assert required <= example, required - example


def test_the_mail_server_of_the_weekly_summary_is_taken_from_the_env_file():
    environment = COMPOSE["services"]["web"]["environment"]
    example = set(re.findall(r"^([A-Z0-9_]+)=", (REPO / "compose.env.example").read_text(), re.MULTILINE))
    for name in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
        assert environment.get(name, "").startswith(f"${{{name}:"), name
        assert name in example, name
    assert environment["DASHBOARD_EMAIL_FROM"].startswith("${DASHBOARD_EMAIL_FROM:")
