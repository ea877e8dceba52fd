"""Parts of the system this folder breaks on purpose, each one private to these tests.

Other test runs share this machine's PostgreSQL and Redis, so nothing here stops them:

- Redis: a private ``redis-server`` on a free port (no persistence, as a restarted Redis
  in the worst case comes back empty), started and killed by its pid. This process and
  every worker started here publish to it (``private_broker``).
- PostgreSQL: ``pg_terminate_backend`` on the backends of this test database only.
- S3: moto's server on a fixed loopback port, stopped and started again on the same port;
  moto keeps its buckets in memory, so the objects survive the outage as they would in S3.
- clamd and the Celery worker: tests/clamd.py and tests/worker.py.

Every test here is bounded: ``TEST_LIMIT_SECONDS`` stops it with an error if it runs longer
(each wait inside has its own shorter timeout).
"""

import contextlib
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from celery import current_app
from django.db import close_old_connections, connection

from tests.s3 import BUCKET, REGION, s3_client, s3_environment, use_s3
from tests.worker import LOGS, WorkerProcess, fail_or_skip, wait_for, worker_env

TEST_LIMIT_SECONDS = 45


@pytest.fixture(autouse=True)
def _bounded():
    """No fault test may hang: SIGALRM fails it after TEST_LIMIT_SECONDS."""

    def expired(signum, frame):
        raise TimeoutError(f"fault test ran past {TEST_LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, TEST_LIMIT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Redis ------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own; ``stop`` kills it (SIGKILL: a crash, not a clean shutdown)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"faults-redis-{port}.log"

    def start(self) -> None:
        try:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--logfile",
                    str(self.log_path),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            fail_or_skip("redis-server is not installed")
        wait_for(self.answers, timeout=10, what=f"private Redis on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not self.answers(), timeout=10, what="private Redis to stop")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def queued(self, queue: str = "celery") -> int:
        return redis.Redis(port=self.port).llen(queue)


@pytest.fixture(scope="session")
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_broker(private_redis, monkeypatch):
    """This process publishes tasks to the private Redis instead of running them eagerly."""
    if not private_redis.answers():
        private_redis.start()
    redis.Redis(port=private_redis.port).flushdb()
    app = current_app
    # Celery's conf.broker_url answers CELERY_BROKER_URL from the environment before its own
    # value: exported (a developer's own Redis database), it would keep the publish away.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    previous = app.conf.broker_url
    _swap_broker(app, private_redis.url)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    yield private_redis
    _swap_broker(app, previous)


def _swap_broker(app, url: str) -> None:
    # Celery caches its connection and producer pools: drop them so the next publish
    # connects to ``url`` (what Celery itself does after a fork).
    app.conf.broker_url = url
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


# --- PostgreSQL -------------------------------------------------------------------------


def _admin_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )


def drop_database_connections(*, only_pid: int | None = None) -> int:
    """pg_terminate_backend on this test database's backends (or one of them); waits until they are gone."""
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_"), "only ever the test database"
    with _admin_connection() as admin:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        pids = [row[0] for row in admin.execute(query, [name]).fetchall()]
        if only_pid is not None:
            pids = [pid for pid in pids if pid == only_pid]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

        def gone():
            left = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]).fetchone()[0]
            return left == 0

        wait_for(gone, timeout=10, what="the backends to go")
    return len(pids)


class DropConnectionAt:
    """Terminate this thread's database connection just before the first statement that
    contains ``marker`` runs: a connection lost in the middle of a request."""

    def __init__(self, marker: str):
        self.marker, self.fired = marker, False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and self.marker in sql:
            self.fired = True
            drop_database_connections(only_pid=context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)


@pytest.fixture
def production_connections():
    """The connection settings base.py gives production (persistent, health-checked), and a
    request cycle that closes broken connections the way Django's WSGI handler does."""
    settings_dict = connection.settings_dict
    previous = {key: settings_dict.get(key) for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.close()
    settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    yield
    connection.close()
    settings_dict.update(previous)


def request_cycle(client, method: str, path: str, data=None, **extra):
    """One request through the test client with Django's request_started/finished handling of
    connections (the test client switches it off): a broken connection is closed after the
    request that met it, a dropped idle one is found by the health check of the next."""
    close_old_connections()
    try:
        return getattr(client, method)(path, data, **extra) if data is not None else getattr(client, method)(path)
    finally:
        close_old_connections()


# --- S3 ---------------------------------------------------------------------------------


class RestartableS3:
    """moto's S3 server on a fixed port that a test can take away and bring back."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        starter = threading.Thread(target=self.server.start, daemon=True)
        starter.start()
        starter.join(timeout=15)
        if starter.is_alive():
            fail_or_skip(f"moto's S3 server did not start on port {self.port} within 15 s")
        client = s3_client(self.endpoint)
        # moto keeps buckets in memory across restarts (and the session server shares them)
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        wait_for(lambda: not self.answers(), timeout=10, what="S3 to stop")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


@pytest.fixture
def outage_s3(settings, monkeypatch) -> Iterator[RestartableS3]:
    s3 = RestartableS3()
    s3.start()
    use_s3(settings, monkeypatch, s3.endpoint)
    yield s3
    if s3.server is not None:
        s3.stop()


# --- the worker -------------------------------------------------------------------------


def start_worker(name: str, broker: PrivateRedis, **env: str) -> WorkerProcess:
    try:
        return WorkerProcess(f"faults-{name}", worker_env(CELERY_BROKER_URL=broker.url, **env)).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))


def worker_storage_env(settings, s3: RestartableS3 | None = None) -> dict[str, str]:
    """The worker reads the documents where this process writes them."""
    if s3 is not None:
        return s3_environment(s3.endpoint)
    return {"STORAGE_BACKEND": "filesystem", "LAPAKASIK_MEDIA_ROOT": str(Path(settings.MEDIA_ROOT))}


def elapsed(since: float) -> float:
    return time.monotonic() - since
