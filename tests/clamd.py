"""A private clamd for tests, with a signature database the tests write themselves.

No signature database is installed on the test machines and freshclam cannot download
one, so ``start_clamd`` makes its own in a temporary folder:

- ``db/test.hdb`` from ``sigtool --md5 eicar.txt``: matches a file that is exactly EICAR
  (clamd names it ``eicar.txt.UNOFFICIAL``);
- ``db/test.ndb``: the EICAR bytes as a body signature, so EICAR is found anywhere in a
  stream (appended to a JPEG, say), the way the real database finds it. clamd reports this
  one, ``Eicar-Test-Signature.UNOFFICIAL``, for both cases.

clamd runs as a daemon (``Foreground no``) and is stopped by the pid in its PidFile,
never by name. On the test machines the init process does not reap orphans, so a stopped
clamd can linger as a zombie: a zombie counts as stopped here.

With ``CI=true`` a clamd that is missing or will not start fails the tests; elsewhere those
tests are skipped.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

# The standard 68-byte EICAR test file: the backslash is one byte ("\\" in this source).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
assert len(EICAR) == 68
# What clamd answers for EICAR with the database written here.
EICAR_SIGNATURE = "Eicar-Test-Signature.UNOFFICIAL"
# clamd's own default; the session clamd keeps it so tests see production's limit.
DEFAULT_STREAM_MAX_LENGTH = "25M"
# Unix socket paths are limited to 108 bytes (with the closing NUL).
_MAX_SOCKET_PATH = 100


class ClamdStartError(RuntimeError):
    """clamd (or sigtool) is missing, or clamd did not answer PING in time."""


@dataclass
class ClamdProcess:
    """One clamd started from ``config_path``; listens on ``socket_path`` and 127.0.0.1:``tcp_port``."""

    directory: Path
    config_path: Path
    socket_path: str
    tcp_port: int
    pid_file: Path
    log_file: Path
    stream_max_length: str
    start_timeout: float = 30.0
    pid: int | None = field(default=None)
    # Seconds the last start() took from launching clamd until it answered PING.
    started_in: float | None = field(default=None)

    def start(self) -> None:
        """Start clamd (again) and wait until it answers PING; ClamdStartError otherwise."""
        if self.is_running():
            return
        clamd = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
        if clamd is None:
            raise ClamdStartError("clamd is not installed (Debian package clamav-daemon)")
        log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        began = time.monotonic()
        # The daemon must not hold our pipes open: its output goes to files in its folder.
        with open(self.directory / "clamd.stderr", "ab") as err:
            result = subprocess.run(
                [clamd, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                timeout=self.start_timeout,
                check=False,
            )
        if result.returncode != 0:
            raise ClamdStartError(f"clamd exited with {result.returncode}\n{self.log_tail()}")
        deadline = began + self.start_timeout
        while time.monotonic() < deadline:
            if self.ping() and self.ping(tcp=True):
                self.pid = self._pid_from_file()
                self.started_in = time.monotonic() - began
                return
            pid = self._pid_from_file()
            if pid is not None and not _alive(pid):
                raise ClamdStartError(f"clamd (pid {pid}) died while starting\n{self.log_tail()}")
            if b"Cannot bind" in self._log_since(log_offset):
                # clamd carries on with its Unix socket alone when the TCP port is taken.
                self.stop()
                raise ClamdStartError(f"clamd cannot bind 127.0.0.1:{self.tcp_port}\n{self.log_tail()}")
            time.sleep(0.05)
        self.stop()
        raise ClamdStartError(f"clamd did not answer PING within {self.start_timeout:.0f} s\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop this clamd by the pid in its PidFile and wait until it is gone."""
        pid = self._pid_from_file() or self.pid
        if pid is None or not self._is_ours(pid):
            return
        _signal(pid, signal.SIGTERM)
        if not _wait_gone(pid, timeout):
            _signal(pid, signal.SIGKILL)
            if not _wait_gone(pid, 5.0):
                raise RuntimeError(f"clamd (pid {pid}) did not stop")
        self.pid = None

    def is_running(self) -> bool:
        pid = self._pid_from_file() or self.pid
        return pid is not None and self._is_ours(pid)

    def ping(self, *, tcp: bool = False) -> bool:
        """True when clamd answers PING on its Unix socket (or its TCP port)."""
        family, address = (socket.AF_INET, ("127.0.0.1", self.tcp_port)) if tcp else (socket.AF_UNIX, self.socket_path)
        try:
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(2.0)
                sock.connect(address)
                sock.sendall(b"zPING\0")
                return sock.recv(16) == b"PONG\0"
        except OSError:
            return False

    def use(self, settings, *, tcp: bool = False) -> None:
        """Point the app at this clamd through pytest-django's ``settings`` fixture."""
        settings.ANTIVIRUS_BACKEND = "documents.checks.antivirus.ClamdScanner"
        settings.CLAMD_SOCKET = "" if tcp else self.socket_path
        settings.CLAMD_HOST = "127.0.0.1"
        settings.CLAMD_PORT = self.tcp_port
        settings.CLAMD_TIMEOUT = 10.0

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        for path in (self.log_file, self.directory / "clamd.stderr"):
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def _log_since(self, offset: int) -> bytes:
        try:
            with open(self.log_file, "rb") as log:
                log.seek(offset)
                return log.read()
        except OSError:
            return b""

    def _pid_from_file(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _is_ours(self, pid: int) -> bool:
        """Alive, and started from our config (a pid can be reused once ours is gone)."""
        if not _alive(pid):
            return False
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return str(self.config_path).encode() in cmdline


def start_clamd(
    tmp_dir: Path | str,
    *,
    stream_max_length: str = DEFAULT_STREAM_MAX_LENGTH,
    start_timeout: float = 30.0,
) -> ClamdProcess:
    """Write an EICAR-only database and a config under ``tmp_dir``, start clamd, wait for PONG."""
    directory = Path(tmp_dir)
    directory.mkdir(parents=True, exist_ok=True)
    _write_database(directory)
    socket_path = directory / "clamd.sock"
    if len(str(socket_path).encode()) > _MAX_SOCKET_PATH:
        socket_path = Path(tempfile.mkdtemp(prefix="clamd-")) / "clamd.sock"
    (directory / "tmp").mkdir(exist_ok=True)

    last_error: ClamdStartError | None = None
    # A free port can be taken between choosing it and clamd binding it: try a few.
    for _attempt in range(3):
        process = ClamdProcess(
            directory=directory,
            config_path=directory / "clamd.conf",
            socket_path=str(socket_path),
            tcp_port=_free_port(),
            pid_file=directory / "clamd.pid",
            log_file=directory / "clamd.log",
            stream_max_length=stream_max_length,
            start_timeout=start_timeout,
        )
        _write_config(process)
        try:
            process.start()
            return process
        except ClamdStartError as exc:
            last_error = exc
            process.stop()
            if "bind" not in str(exc).lower():
                break
    assert last_error is not None
    raise last_error


def clamd_session(tmp_path_factory, **options) -> Iterator[ClamdProcess]:
    """Body of a session fixture: ``yield from clamd_session(tmp_path_factory)``.

    Fails under CI=true when clamd cannot start; skips elsewhere.
    """
    try:
        process = start_clamd(tmp_path_factory.mktemp("clamd"), **options)
    except ClamdStartError as exc:
        fail_or_skip(f"no clamd for the antivirus tests: {exc}")
    try:
        yield process
    finally:
        process.stop()


def fail_or_skip(message: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _write_database(directory: Path) -> None:
    db = directory / "db"
    db.mkdir(exist_ok=True)
    (directory / "eicar.txt").write_bytes(EICAR)
    sigtool = shutil.which("sigtool")
    if sigtool is None:
        raise ClamdStartError("sigtool is not installed (Debian package clamav)")
    result = subprocess.run(
        [sigtool, "--md5", "eicar.txt"], cwd=directory, capture_output=True, timeout=30, check=False
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise ClamdStartError(f"sigtool --md5 failed: {result.stderr.decode(errors='replace')}")
    (db / "test.hdb").write_bytes(result.stdout)
    (db / "test.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")


def _write_config(process: ClamdProcess) -> None:
    directory = process.directory
    process.config_path.write_text(
        "\n".join(
            [
                f"DatabaseDirectory {directory / 'db'}",
                f"LocalSocket {process.socket_path}",
                "FixStaleSocket yes",
                f"TCPSocket {process.tcp_port}",
                "TCPAddr 127.0.0.1",
                f"PidFile {process.pid_file}",
                f"LogFile {process.log_file}",
                f"TemporaryDirectory {directory / 'tmp'}",
                "Foreground no",
                "User root",
                # Past this many bytes clamd drops an INSTREAM connection (clamd's default: 25M).
                f"StreamMaxLength {process.stream_max_length}",
                "",
            ]
        )
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    # The state letter follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it went on its own
        os.kill(pid, signum)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return not _alive(pid)
