"""/healthz and /readyz against the real parts: PostgreSQL, Redis, clamd, S3 (moto), and
closed ports standing in for a part that is down."""

import socket
import threading

import pytest

from tests.s3 import use_s3

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns: connections are refused


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (a hung clamd)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for sock in accepted:
        sock.close()
    listener.close()


def test_healthz_answers_without_asking_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


def test_readyz_is_ready_when_every_part_answers(client, settings, clamd, s3):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the broker is asked only when a worker uses it
    clamd.use(settings)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["state"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "storage": "ok",
        "antivirus": "ok",
    }


def test_readyz_says_which_part_is_down_and_answers_503(client, settings, monkeypatch, s3_endpoint, silent_port):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.ANTIVIRUS_BACKEND = "documents.checks.antivirus.ClamdScanner"
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", silent_port
    settings.READY_CHECK_TIMEOUT = 1.5
    use_s3(settings, monkeypatch, f"http://127.0.0.1:{closed_port()}")
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    checks = body["checks"]
    assert checks["database"] == {"ok": True, "state": "ok"}
    assert not checks["redis"]["ok"]
    assert checks["redis"]["state"].startswith("down (")
    assert not checks["storage"]["ok"]
    assert not checks["antivirus"]["ok"]
    assert body["ms"] < 3000  # a hung part costs the timeout, not the part's own 30 s
    # Nothing about where the parts live.
    assert "127.0.0.1" not in response.content.decode()
    assert str(silent_port) not in response.content.decode()


def test_readyz_in_development_does_not_ask_for_a_broker_or_clamd(client):
    body = client.get("/readyz").json()
    assert body["checks"]["redis"]["state"].startswith("not used")
    assert body["checks"]["antivirus"]["state"] == "not used (EicarOnlyScanner)"
