"""A real Celery worker process for tests, reading the test database and the test broker."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "test-output" / "workers"


def fail_or_skip(reason: str):
    """With CI=true a test whose service is missing fails; on a laptop it may skip."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI is set: this test must run)", pytrace=False)
    pytest.skip(reason)


def broker_url() -> str:
    return settings.CELERY_BROKER_URL


def require_redis() -> None:
    try:
        redis.Redis.from_url(broker_url(), socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        fail_or_skip(f"Redis at {broker_url()} does not answer: {exc}")


def purge_broker() -> None:
    redis.Redis.from_url(broker_url()).flushdb()


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    """A real `celery worker` process. The tests and the benchmarks (bench/) start workers with it.

    It leads its own process session, so a stop that has to kill reaches its pool
    children and nothing else.
    """

    def __init__(
        self,
        name: str,
        env: dict[str, str],
        *,
        log_path: Path | None = None,
        concurrency: int = 1,
        loglevel: str = "INFO",
        travel_to: dt.datetime | None = None,
    ):
        if log_path is None:
            LOGS.mkdir(parents=True, exist_ok=True)
            log_path = LOGS / f"{name}.log"
        self.log_path, self.env, self.concurrency, self.loglevel = log_path, env, concurrency, loglevel
        # With travel_to the worker's clock starts there (tests/timetravel.py).
        self.travel_to = travel_to
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "WorkerProcess":
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    *celery_command(self.travel_to),
                    "-A",
                    "lapakasik",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={self.concurrency}",
                    f"--loglevel={self.loglevel}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                # The worker logs through Django's LOGGING (CELERY_WORKER_HIJACK_ROOT_LOGGER is
                # off), whose level is LOG_LEVEL: --loglevel alone no longer sets it.
                env={**self.env, "LOG_LEVEL": self.loglevel},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Celery worker not ready in {timeout} s:\n{self.log_tail()}")

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"Celery worker exited ({self.process.returncode}):\n{self.log_tail()}")

    def pool_pids(self) -> list[int]:
        """The prefork pool's child processes (where tasks run)."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_pool_child(self) -> int:
        pids = self.pool_pids()
        assert pids, "the worker has no pool process"
        os.kill(pids[0], signal.SIGKILL)
        return pids[0]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])


def celery_command(travel_to: dt.datetime | None = None) -> list[str]:
    """How to start Celery: as usual, or with its clock moved to ``travel_to`` (time-machine)."""
    if travel_to is None:
        return [sys.executable, "-m", "celery"]
    return [sys.executable, "-m", "tests.timetravel", travel_to.isoformat()]


def worker_env(**overrides: str) -> dict[str, str]:
    """The environment of a worker that shares this test session's database and broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lapakasik.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(overrides)
    return env


def wait_for(predicate, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
