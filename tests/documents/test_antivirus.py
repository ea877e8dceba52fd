"""The antivirus check against a real clamd (tests/clamd.py) and fake ones on loopback.

Failing closed is the point: every way a scan can fail to finish must end in
CheckUnavailable, never in "clean".
"""

import logging
import os
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest

from documents.checks import Candidate, CheckRejected, CheckUnavailable, antivirus
from documents.checks.antivirus import ClamdOptions, ClamdScanner, EicarOnlyScanner, ScanResult
from documents.pipeline import check_config, get_scanner
from tests.clamd import EICAR, EICAR_SIGNATURE, ClamdProcess, clamd_session
from tests.factories import make_jpeg

CLAMD_BACKEND = "documents.checks.antivirus.ClamdScanner"
EICAR_ONLY_BACKEND = "documents.checks.antivirus.EicarOnlyScanner"


@pytest.fixture(scope="module")
def small_clamd(tmp_path_factory) -> Iterator[ClamdProcess]:
    """A second clamd that drops any stream past 1 MB."""
    yield from clamd_session(tmp_path_factory, stream_max_length="1M")


@pytest.fixture
def own_clamd(tmp_path_factory) -> Iterator[ClamdProcess]:
    """A clamd this test alone may stop and start."""
    yield from clamd_session(tmp_path_factory)


def scan(content: bytes, name: str = "ktp.jpg") -> Candidate:
    candidate = Candidate(content=content, name=name)
    antivirus.check(candidate, check_config())
    return candidate


def use_fake(settings, port: int, timeout: float = 5.0) -> None:
    settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = "127.0.0.1"
    settings.CLAMD_PORT = port
    settings.CLAMD_TIMEOUT = timeout


def test_eicar_constant_is_the_standard_68_bytes():
    assert len(EICAR) == 68
    assert EICAR.count(b"\\") == 1
    assert antivirus.EICAR == EICAR


# -- a real clamd ----------------------------------------------------------------------


@pytest.mark.parametrize("tcp", [False, True], ids=["unix", "tcp"])
def test_clean_bytes_pass_clamd(settings, clamd, tcp):
    clamd.use(settings, tcp=tcp)

    candidate = scan(make_jpeg())

    assert candidate.details["antivirus"] == {"scanner": "ClamdScanner", "result": "clean"}


@pytest.mark.parametrize("tcp", [False, True], ids=["unix", "tcp"])
def test_eicar_is_rejected_as_virus_with_the_signature_name(settings, clamd, tcp):
    clamd.use(settings, tcp=tcp)

    with pytest.raises(CheckRejected) as caught:
        scan(EICAR)

    assert caught.value.code == "virus"
    assert caught.value.details == {"signature": EICAR_SIGNATURE}


def test_eicar_appended_to_a_jpeg_is_rejected(settings, clamd):
    clamd.use(settings)

    with pytest.raises(CheckRejected) as caught:
        scan(make_jpeg() + EICAR)

    assert caught.value.code == "virus"
    assert caught.value.details["signature"] == EICAR_SIGNATURE


def test_a_4_mb_file_is_streamed_in_chunks_and_passes(settings, clamd):
    clamd.use(settings)

    candidate = scan(os.urandom(4 * 1024 * 1024))

    assert candidate.details["antivirus"]["result"] == "clean"


def test_eicar_after_the_first_chunk_is_found(settings, clamd):
    clamd.use(settings)
    # EICAR straddles the boundary between the first and second 64 KB chunk.
    content = b"\0" * (ClamdScanner.CHUNK_SIZE - 30) + EICAR + b"\0" * 1000

    with pytest.raises(CheckRejected):
        scan(content)


@pytest.mark.parametrize("tcp", [False, True], ids=["unix", "tcp"])
def test_a_stream_past_stream_max_length_is_unavailable_not_clean(settings, small_clamd, tcp):
    small_clamd.use(settings, tcp=tcp)

    with pytest.raises(CheckUnavailable):
        scan(os.urandom(2 * 1024 * 1024))
    # The same clamd still scans a file under its limit.
    scan(b"a small clean file")


def test_stopped_clamd_is_unavailable_and_scans_work_once_it_is_back(settings, own_clamd):
    own_clamd.use(settings)
    scan(b"before")

    own_clamd.stop()
    assert not own_clamd.is_running()
    for tcp in (False, True):
        own_clamd.use(settings, tcp=tcp)
        with pytest.raises(CheckUnavailable):
            scan(b"while stopped")
        assert not get_scanner().ping()

    own_clamd.start()
    assert own_clamd.is_running()
    for tcp in (False, True):
        own_clamd.use(settings, tcp=tcp)
        assert scan(b"after").details["antivirus"]["result"] == "clean"
        assert get_scanner().ping()


def test_ping_answers_pong(settings, clamd):
    clamd.use(settings)

    assert get_scanner().ping() is True


def test_nothing_listening_is_unavailable(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    use_fake(settings, port)

    with pytest.raises(CheckUnavailable):
        scan(b"content")


def test_missing_unix_socket_is_unavailable(settings, tmp_path):
    settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
    settings.CLAMD_SOCKET = str(tmp_path / "no-such.sock")

    with pytest.raises(CheckUnavailable):
        scan(b"content")


def test_logs_name_the_signature_but_never_the_file(settings, clamd, caplog):
    clamd.use(settings)
    caplog.set_level(logging.DEBUG, logger="documents.checks.antivirus")
    name = "ktp-siti-aminah-3174011205900003.jpg"

    with pytest.raises(CheckRejected):
        scan(b"PAYLOAD-MARKER" + EICAR, name=name)
    scan(b"CLEAN-MARKER", name=name)

    assert EICAR_SIGNATURE in caplog.text
    for secret in (name, "siti", "MARKER", "EICAR-STANDARD"):
        assert secret not in caplog.text


# -- fake clamd servers on loopback ----------------------------------------------------


def read_instream(conn: socket.socket) -> bytes:
    """Read one zINSTREAM request the way clamd does; return the streamed bytes."""

    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data

    assert exactly(10) == b"zINSTREAM\0"
    body = b""
    while True:
        (length,) = struct.unpack(">I", exactly(4))
        if length == 0:
            return body
        body += exactly(length)


@contextmanager
def fake_clamd(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A one-connection-at-a-time server on loopback running ``handle``; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                with suppress(OSError):
                    handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def close_at_once(conn: socket.socket) -> None:
    pass


def close_after_the_stream(conn: socket.socket) -> None:
    read_instream(conn)


def replying(reply: bytes) -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        read_instream(conn)
        conn.sendall(reply)

    return handle


@pytest.mark.parametrize("handle", [close_at_once, close_after_the_stream], ids=["at-once", "after-stream"])
@pytest.mark.parametrize("size", [100, 3 * 1024 * 1024], ids=["small", "3mb"])
def test_server_that_closes_without_replying_is_unavailable(settings, handle, size):
    with fake_clamd(handle) as port:
        use_fake(settings, port)
        with pytest.raises(CheckUnavailable):
            scan(b"x" * size)


@pytest.mark.parametrize(
    "reply",
    [
        b"INSTREAM size limit exceeded. ERROR\0",
        b"stream: Can't allocate memory ERROR\0",
        b"ERROR\0",
        b"stream: OK",  # no terminator, then the connection closes
        b"stream: OKAY\0",
        b"stream:  FOUND\0",
        b"UNKNOWN COMMAND\0",
        b"stream: " + b"A" * 8000 + b" FOUND\0",
    ],
    ids=["size-limit", "stream-error", "bare-error", "unterminated", "odd", "no-name", "unknown", "too-long"],
)
def test_anything_but_ok_or_found_is_unavailable(settings, reply):
    with fake_clamd(replying(reply)) as port:
        use_fake(settings, port)
        with pytest.raises(CheckUnavailable):
            scan(b"content")


def test_found_reply_from_a_fake_server_is_read_as_that_signature(settings):
    with fake_clamd(replying(b"stream: Win.Test.Something-1 FOUND\0")) as port:
        use_fake(settings, port)
        with pytest.raises(CheckRejected) as caught:
            scan(b"content")

    assert caught.value.details == {"signature": "Win.Test.Something-1"}


def test_server_that_never_replies_times_out_as_unavailable(settings):
    def silent(conn: socket.socket) -> None:
        read_instream(conn)
        conn.recv(1)  # wait until the client gives up

    with fake_clamd(silent) as port:
        use_fake(settings, port, timeout=0.5)
        with pytest.raises(CheckUnavailable):
            scan(b"content")


def test_ping_is_false_when_the_server_does_not_pong(settings):
    with fake_clamd(lambda conn: conn.sendall(b"NOPE\0")) as port:
        use_fake(settings, port)
        assert get_scanner().ping() is False


# -- the stand-in and the registry -----------------------------------------------------


def test_eicar_only_scanner_flags_eicar_anywhere(settings):
    settings.ANTIVIRUS_BACKEND = EICAR_ONLY_BACKEND

    for content in (EICAR, make_jpeg() + EICAR, b"prefix" + EICAR + b"suffix"):
        with pytest.raises(CheckRejected) as caught:
            scan(content)
        assert caught.value.code == "virus"
        assert caught.value.details == {"signature": "Eicar-Test-Signature"}


def test_eicar_only_scanner_passes_other_bytes(settings):
    settings.ANTIVIRUS_BACKEND = EICAR_ONLY_BACKEND

    for content in (make_jpeg(), b"", EICAR[:-1], b"%PDF-1.4 hello"):
        candidate = scan(content)
        assert candidate.details["antivirus"] == {"scanner": "EicarOnlyScanner", "result": "clean"}


def test_get_scanner_follows_the_setting(settings):
    settings.ANTIVIRUS_BACKEND = EICAR_ONLY_BACKEND
    first = get_scanner()
    assert isinstance(first, EicarOnlyScanner)
    assert get_scanner() is first

    settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
    assert isinstance(get_scanner(), ClamdScanner)

    settings.ANTIVIRUS_BACKEND = EICAR_ONLY_BACKEND
    assert get_scanner() is first


def test_clamd_address_is_read_at_scan_time(settings, clamd):
    """One cached ClamdScanner follows CLAMD_SOCKET / CLAMD_PORT as they change."""
    clamd.use(settings)
    scanner = get_scanner()
    scan(b"over the socket")

    settings.CLAMD_SOCKET = ""
    settings.CLAMD_PORT = clamd.tcp_port
    assert get_scanner() is scanner
    scan(b"over tcp")

    settings.CLAMD_PORT = 1  # nothing listens there
    with pytest.raises(CheckUnavailable):
        scan(b"nowhere")


def test_clamd_scanner_asks_its_options_at_each_scan_and_its_arguments_win(settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_PORT = 1  # the settings are not where this scanner looks
    asked = []
    with fake_clamd(replying(b"stream: OK\0")) as port:

        def options() -> ClamdOptions:
            asked.append(port)
            return ClamdOptions(host="127.0.0.1", port=port, timeout=5.0)

        scanner = ClamdScanner(options=options)
        assert scanner.scan(b"one") == ScanResult()
        assert scanner.scan(b"two") == ScanResult()
        assert asked == [port, port]
        assert ClamdScanner(host="127.0.0.1", port=port, timeout=5.0).scan(b"three") == ScanResult()
        # An argument given to the constructor overrides what options() says.
        with pytest.raises(CheckUnavailable):
            ClamdScanner(port=1, options=options).scan(b"four")
