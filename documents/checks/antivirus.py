"""Antivirus check: scan the uploaded bytes before anything else reads them as an image or PDF.

The check scans with ``config.scanner``: ``ClamdScanner`` in production,
``EicarOnlyScanner`` on a laptop and in unit tests. Which one, and where clamd listens,
is decided outside the checks (documents/pipeline.py, from ANTIVIRUS_BACKEND and the
CLAMD_* settings), the way Django chooses an e-mail backend.

Fail closed: a scan that did not finish (clamd down, the connection dropped, a timeout,
an ``ERROR`` reply, a reply we do not understand) raises ``CheckUnavailable``. It is never
read as "clean"; the document stays "checking" and the task tries again later.

Never log file content or names here: only the signature, sizes and timings.
"""

import logging
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from .base import Candidate, CheckConfig, CheckRejected, CheckUnavailable

logger = logging.getLogger(__name__)

# The standard 68-byte EICAR test file; the backslash is one byte.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature"


@dataclass(frozen=True)
class ScanResult:
    """What a finished scan found: ``signature`` is None when the content is clean."""

    signature: str | None = None

    @property
    def infected(self) -> bool:
        return self.signature is not None


class BaseScanner:
    def scan(self, content: bytes) -> ScanResult:
        """Scan ``content``; raise ``CheckUnavailable`` when the scan could not finish."""
        raise NotImplementedError

    def ping(self) -> bool:
        """True when the scanner can take work now (for readiness checks)."""
        return True


def check(candidate: Candidate, config: CheckConfig) -> None:
    """The pipeline step: reject infected content, give up (for now) when no scan was possible."""
    scanner = config.scanner
    size = len(candidate.content)
    started = time.monotonic()
    result = scanner.scan(candidate.content)
    elapsed = time.monotonic() - started
    if result.infected:
        logger.warning(
            "antivirus: %s found (%s, %d bytes, %.3f s)", result.signature, type(scanner).__name__, size, elapsed
        )
        raise CheckRejected("virus", signature=result.signature)
    logger.debug("antivirus: clean (%s, %d bytes, %.3f s)", type(scanner).__name__, size, elapsed)
    # The scanner's name is kept so nobody mistakes the EICAR-only stand-in for a real scan.
    candidate.details["antivirus"] = {"scanner": type(scanner).__name__, "result": "clean"}


class EicarOnlyScanner(BaseScanner):
    """Development and test stand-in: knows only the EICAR test string. Never for production.

    It finds EICAR anywhere in the content (so EICAR appended to a JPEG is caught, as clamd
    would) and calls everything else clean. It lets a demo show "virus found" without a
    clamd; lapakasik/settings/prod.py refuses to start with it.
    """

    def scan(self, content: bytes) -> ScanResult:
        return ScanResult(EICAR_SIGNATURE if EICAR in content else None)


@dataclass(frozen=True)
class ClamdOptions:
    """Where clamd listens, and how long one scan may take.

    ``socket_path`` wins when set, else ``host`` and ``port``. ``timeout`` bounds one
    whole scan, connect to reply. The defaults are clamd's own (TCP port 3310).
    """

    socket_path: str = ""
    host: str = "127.0.0.1"
    port: int = 3310
    timeout: float = 30.0


class ClamdScanner(BaseScanner):
    """Scans through clamd's INSTREAM command, over a Unix socket or TCP.

    Where clamd is comes from ``options()``, called afresh at each scan and ping (the
    deployment passes one that reads its settings, so a scanner made once follows them
    as they change); ``socket_path``, ``host``, ``port`` and ``timeout`` given here
    override what it returns.

    The timeout bounds one whole scan, connect to reply: each socket operation gets what
    is left of it, so a clamd that trickles its answer cannot hold a worker forever.

    clamd stops reading and closes the connection once a stream passes its
    StreamMaxLength (default 25 MB): the sender then sees a broken pipe or a reset, or the
    reply "INSTREAM size limit exceeded. ERROR". Either way the file was not scanned.
    """

    CHUNK_SIZE = 64 * 1024
    # clamd's replies are short ("stream: <name> FOUND"); anything longer is not clamd.
    MAX_REPLY = 4096

    def __init__(
        self,
        *,
        socket_path: str | None = None,
        host: str | None = None,
        port: int | None = None,
        timeout: float | None = None,
        options: Callable[[], ClamdOptions] = ClamdOptions,
    ):
        self.socket_path = socket_path
        self.host = host
        self.port = port
        self.timeout = timeout
        self.options = options

    def scan(self, content: bytes) -> ScanResult:
        where = self._where()
        deadline = time.monotonic() + where.timeout
        with self._connect(where, deadline) as sock:
            try:
                self._send(sock, deadline, b"zINSTREAM\0")
                view = memoryview(content)
                for start in range(0, len(view), self.CHUNK_SIZE):
                    chunk = view[start : start + self.CHUNK_SIZE]
                    self._send(sock, deadline, struct.pack(">I", len(chunk)))
                    self._send(sock, deadline, chunk)
                self._send(sock, deadline, struct.pack(">I", 0))
            except OSError as exc:
                # clamd closes mid-stream past StreamMaxLength; its reason may still be readable.
                reason = "" if isinstance(exc, TimeoutError) else self._leftover_reply(sock)
                logger.warning(
                    "antivirus: stream to clamd cut short (%s; reply %r; %d bytes)",
                    type(exc).__name__,
                    reason,
                    len(content),
                )
                raise CheckUnavailable(f"stream to clamd cut short: {reason or type(exc).__name__}") from exc
            reply = self._read_reply(sock, deadline)
        return self._parse(reply, len(content))

    def ping(self) -> bool:
        where = self._where()
        deadline = time.monotonic() + where.timeout
        try:
            with self._connect(where, deadline) as sock:
                self._send(sock, deadline, b"zPING\0")
                return self._read_reply(sock, deadline) == "PONG"
        except (CheckUnavailable, OSError):
            return False

    # -- talking to clamd ------------------------------------------------------------------

    def _where(self) -> ClamdOptions:
        """``options()`` with what was given to the constructor laid over it."""
        given = self.options()
        return ClamdOptions(
            socket_path=self.socket_path if self.socket_path is not None else given.socket_path,
            host=self.host if self.host is not None else given.host,
            port=int(self.port if self.port is not None else given.port),
            timeout=float(self.timeout if self.timeout is not None else given.timeout),
        )

    def _connect(self, where: ClamdOptions, deadline: float) -> socket.socket:
        try:
            if where.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(self._remaining(deadline))
                    sock.connect(where.socket_path)
                except BaseException:
                    sock.close()
                    raise
            else:
                sock = socket.create_connection((where.host, where.port), timeout=self._remaining(deadline))
        except OSError as exc:
            logger.warning("antivirus: cannot reach clamd (%s)", type(exc).__name__)
            raise CheckUnavailable(f"cannot reach clamd: {type(exc).__name__}") from exc
        return sock

    def _remaining(self, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("clamd scan deadline passed")
        return left

    def _send(self, sock: socket.socket, deadline: float, data: bytes | memoryview) -> None:
        sock.settimeout(self._remaining(deadline))
        sock.sendall(data)

    def _read_reply(self, sock: socket.socket, deadline: float) -> str:
        reply = b""
        try:
            while not reply.endswith(b"\0"):
                sock.settimeout(self._remaining(deadline))
                data = sock.recv(self.MAX_REPLY)
                if not data:
                    raise ConnectionAbortedError("clamd closed the connection before replying")
                reply += data
                if len(reply) > self.MAX_REPLY:
                    raise ValueError("clamd's reply is too long")
        except (OSError, ValueError) as exc:
            logger.warning("antivirus: no reply from clamd (%s)", type(exc).__name__)
            raise CheckUnavailable(f"no reply from clamd: {type(exc).__name__}") from exc
        return reply[:-1].decode("utf-8", "replace").strip()

    def _leftover_reply(self, sock: socket.socket) -> str:
        """Whatever clamd wrote before it closed (usually its ERROR line), for the log only."""
        try:
            sock.settimeout(0.2)
            return sock.recv(self.MAX_REPLY).rstrip(b"\0").decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def _parse(self, reply: str, size: int) -> ScanResult:
        if reply == "stream: OK":
            return ScanResult()
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            signature = reply[len("stream: ") : -len(" FOUND")].strip()
            if signature:
                return ScanResult(signature)
        # "INSTREAM size limit exceeded. ERROR", "stream: <reason> ERROR", or anything else.
        logger.warning("antivirus: clamd could not scan (reply %r, %d bytes)", reply[:200], size)
        raise CheckUnavailable(f"clamd could not scan: {reply[:200]}")
