"""A 4 MB phone photo over a weak 3G link: the plain form against compression + tus.

    .venv/bin/python bench/upload.py [--chunk 262144] [--outage 3]

One run, three uploads of the same 4000×3000 JPEG of a printed page (about 4.3 MB,
tests/browser/test_upload_browser.py document_photo) from real Chromium, with the link
emulated by CDP at 768 kbit/s up, 1.6 Mbit/s down and 300 ms latency:

1. plain: JavaScript off, the multipart form posted in one request (what a browser
   without static/js/upload.js does);
2. tus: JavaScript on, the photo made smaller in the browser and sent in tus pieces;
3. tus + cut: the same, with the connection cut (CDP offline) for --outage seconds once
   half the compressed file has gone up, then restored.

Seconds run from choosing the file to the checklist page being shown. Bytes on the wire
are counted by a TCP proxy on loopback between Chromium and the server, both ways,
headers included, from choosing the file to the checklist page. The server is gunicorn
(gthread, as in the image) on a throwaway database `lapakasik_bench_upload`; documents
go to a temporary folder; the check tasks are published to Redis database 10 and not run
(this measures the upload). Everything is removed at the end, also after Ctrl-C or kill.

Targets: tus at least 6× faster than plain; the cut costs at most one piece (--chunk)
more bytes up than the uncut tus upload.
"""

import argparse
import contextlib
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import POSTGRES, psql  # noqa: E402

BENCH_DATABASE = "lapakasik_bench_upload"
BROKER_URL = "redis://127.0.0.1:6379/10"
UPLOAD_BPS = 768_000 // 8
DOWNLOAD_BPS = 1_600_000 // 8
LATENCY_MS = 300
SPEEDUP_TARGET = 6.0
CHROMIUM = "/usr/bin/chromium"

_STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress goes to stderr; the figures at the end go to stdout."""
    print(f"[bench {time.monotonic() - _STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


class CountingProxy:
    """A TCP proxy on loopback that counts the bytes going up (to the server) and down.

    ``throttle()`` makes it the weak link itself (bytes per second each way), and ``cut()``
    drops every open connection and refuses new ones until ``restore()``: a connection
    lost in the middle of a request body, which CDP's emulation does not model (it sends
    the body at loopback speed and delays the answer instead).
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = self.down = 0
        self.rates: dict[str, float] = {}
        self.down_for_now = False
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.up = self.down = 0

    def throttle(self, up: float | None, down: float | None) -> None:
        self.rates = {"up": up, "down": down} if up else {}

    def cut(self) -> None:
        self.down_for_now = True
        with self._lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restore(self) -> None:
        self.down_for_now = False

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.down_for_now:
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=120)
        except OSError:
            client.close()
            return
        with self._lock:
            self._open |= {client, server}
        threading.Thread(target=self._pipe, args=(client, server, "up"), daemon=True).start()
        self._pipe(server, client, "down")

    def _pipe(self, source: socket.socket, target: socket.socket, direction: str) -> None:
        try:
            while chunk := source.recv(16384 if self.rates else 65536):
                rate = self.rates.get(direction)
                if rate:
                    time.sleep(len(chunk) / rate)
                with self._lock:
                    setattr(self, direction, getattr(self, direction) + len(chunk))
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def configure_django(media: Path, chunk: int) -> dict[str, str]:
    environment = {
        "DJANGO_SETTINGS_MODULE": "lapakasik.settings.test",
        "DATABASE_URL": f"{POSTGRES}/{BENCH_DATABASE}",
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "STORAGE_BACKEND": "filesystem",
        "LAPAKASIK_MEDIA_ROOT": str(media),
        "DOCUMENT_RESUMABLE_CHUNK_BYTES": str(chunk),
        "LOG_LEVEL": "WARNING",
        # Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain sync.
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }
    os.environ.update(environment)
    import django

    django.setup()
    return environment


def start_gunicorn(stack: contextlib.ExitStack, log: Path) -> int:
    port = free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lapakasik.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "180",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return port
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not listen within 30 s")


def open_claim(context, base: str):
    """A new draft claim held by this browser context; gives the URL of its first document page."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from claims.access import session_grant
    from tests.factories import make_claim

    claim = make_claim()
    session = SessionStore()
    session_grant(session, claim)
    session.save()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}])
    code = claim.reason.requirements.select_related("document_type").first().document_type.code
    return claim, f"{base}/klaim/{claim.reference}/dokumen/{code}/"


def emulate(cdp, *, offline: bool, throughput: bool = True) -> None:
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": offline,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWNLOAD_BPS if throughput else -1,
            "uploadThroughput": UPLOAD_BPS if throughput else -1,
        },
    )


def one_upload(browser, base, proxy, photo, *, javascript: bool, cut_at=None, outage=0.0, link="cdp"):
    """Upload the photo once; returns seconds, bytes up, bytes down, seconds cut, the upload's length.

    ``link="cdp"``: Chromium's emulation makes the link slow, a cut is its offline mode.
    ``link="proxy"``: Chromium adds only the latency, the proxy is the slow link and a cut
    drops the connections mid-body.
    """
    from documents.models import Document, ResumableUpload

    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 740}, is_mobile=True, locale="id-ID"
    )
    context.set_default_timeout(180_000)
    try:
        page = context.new_page()
        claim, url = open_claim(context, base)
        page.goto(url)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        emulate(cdp, offline=False, throughput=link == "cdp")
        if link == "proxy":
            proxy.throttle(UPLOAD_BPS, DOWNLOAD_BPS)
        page.wait_for_timeout(500)  # let the page settle before counting
        proxy.reset()
        started = time.monotonic()
        page.set_input_files("#gallery", str(photo))
        if not javascript:
            page.locator("form.upload button[type=submit]").click()
        if cut_at is not None:
            while proxy.up < cut_at:
                time.sleep(0.01)
            if link == "cdp":
                emulate(cdp, offline=True)
                time.sleep(outage)
                emulate(cdp, offline=False)
            else:
                proxy.cut()
                time.sleep(outage)
                proxy.restore()
        page.wait_for_url(f"{base}/klaim/{claim.reference}/dokumen/", timeout=180_000)
        page.wait_for_load_state("load")
        seconds = time.monotonic() - started
        up, down = proxy.up, proxy.down
        document = Document.objects.get(claim=claim)
        upload = ResumableUpload.objects.filter(claim=claim).first()
        return seconds, up, down, outage if cut_at else 0.0, upload.length if upload else document.size
    finally:
        proxy.throttle(None, None)
        context.close()


def report(args, photo_size: int, runs: dict) -> tuple[str, bool]:
    plain, tus = runs["plain form (no JS), CDP link"], runs["compressed + tus, CDP link"]
    cdp_cut, proxy, proxy_cut = (
        runs[f"  + CDP offline {args.outage:g} s at 50%"],
        runs["compressed + tus, proxy link"],
        runs[f"  + proxy drop {args.outage:g} s at 50%"],
    )
    speedup = plain[0] / tus[0]
    costs = {"CDP offline": cdp_cut[1] - tus[1], "proxy drop": proxy_cut[1] - proxy[1]}
    lines = [
        f"# bench/upload.py — {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()} ({os.cpu_count()} cores)",
        f"photo: {photo_size:,} B JPEG, 4000×3000; link: {UPLOAD_BPS * 8 // 1000} kbit/s up, "
        f"{DOWNLOAD_BPS * 8 // 1000} kbit/s down, {LATENCY_MS} ms; tus piece {args.chunk:,} B",
        "",
        f"{'upload':<36}{'seconds':>9}{'bytes up':>12}{'bytes down':>12}{'file sent':>11}{'vs plain':>10}",
    ]
    for name, (seconds, up, down, _cut, length) in runs.items():
        lines.append(f"{name:<36}{seconds:>9.1f}{up:>12,}{down:>12,}{length:>11,}{plain[0] / seconds:>9.1f}×")
    lines += [
        "",
        f"speed-up of compressed + tus over the plain form: {speedup:.1f}× (target ≥ {SPEEDUP_TARGET:g}×)",
    ]
    for name, cost in costs.items():
        lines.append(f"cost of one {name}: {cost:+,} B up against the same link uncut (one piece: {args.chunk:,} B)")
    passed = speedup >= SPEEDUP_TARGET and all(cost <= args.chunk for cost in costs.values())
    lines.append(f"targets: {'met' if passed else 'NOT met'}")
    return "\n".join(lines), passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunk", type=int, default=256 * 1024, help="tus piece size in bytes (the setting's default)")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds offline in the cut run")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing: apt-get install chromium")

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lapakasik-bench-upload-")))
        configure_django(tmp / "media", args.chunk)
        import redis
        from django.core.management import call_command
        from django.db import connections
        from playwright.sync_api import sync_playwright

        from tests.browser.conftest import CHROMIUM_ARGS
        from tests.browser.test_upload_browser import document_photo

        broker = redis.Redis.from_url(BROKER_URL)
        broker.flushdb()
        stack.callback(broker.flushdb)
        psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {BENCH_DATABASE}")

        def drop_database():
            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

        stack.callback(drop_database)
        call_command("migrate", interactive=False, verbosity=0)
        say(f"database {BENCH_DATABASE} migrated")
        photo = tmp / "IMG_20261124_101500.jpg"
        photo.write_bytes(document_photo())
        say(f"photo {photo.stat().st_size:,} B")

        port = start_gunicorn(stack, tmp / "gunicorn.log")
        proxy = CountingProxy(("127.0.0.1", port))
        stack.callback(proxy.close)
        base = f"http://127.0.0.1:{proxy.port}"
        say(f"gunicorn on {port}, counting proxy on {proxy.port}")

        manager = sync_playwright().start()
        stack.callback(manager.stop)
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)

        runs = {}
        half = None

        def run(name: str, **options) -> None:
            runs[name] = one_upload(browser, base, proxy, photo, **options)
            say(f"{name.strip()}: {runs[name][0]:.1f} s, {runs[name][1]:,} B up")

        say("plain form, JavaScript off (about 45 s)")
        run("plain form (no JS), CDP link", javascript=False)
        run("compressed + tus, CDP link", javascript=True)
        # Cut once half the compressed file (plus the request headers before it) has gone up.
        half = 2_000 + runs["compressed + tus, CDP link"][4] // 2
        run(f"  + CDP offline {args.outage:g} s at 50%", javascript=True, cut_at=half, outage=args.outage)
        run("compressed + tus, proxy link", javascript=True, link="proxy")
        run(f"  + proxy drop {args.outage:g} s at 50%", javascript=True, cut_at=half, outage=args.outage, link="proxy")
        text, passed = report(args, photo.stat().st_size, runs)
        print(text, flush=True)
        say("cleaning up")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
