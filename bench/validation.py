"""How fast one worker process checks uploads, against the bare cost of the same work.

    .venv/bin/python bench/validation.py [--files N] [--queue 50] [--profile]

Three measurements in one run, all against one private clamd (tests/clamd.py, EICAR-only
database, started here and stopped at the end):

1. Floor: the work no implementation can skip, with no Django, no Celery, no storage:
   libmagic on the first 8 KB, then for a JPEG Pillow open + decode + resize to a long
   side of 2000 px + JPEG re-encode + 320 px thumbnail, for a PDF pikepdf open + page
   count; then a clamd INSTREAM scan through a minimal socket client written here. Two
   JPEG floors are measured: the issue's recipe (full 12 MP decode) and the same with
   the reduced DCT decode (Image.draft) the app uses, which is the like-for-like one.
2. Pipeline: the same files through documents.checks.run_checks with ClamdScanner, which
   is the check work a worker does for one document, minus storage and database.
   Files are taken in turn (floor, floor, pipeline, rotating) so drift hits all alike.
3. End to end: a real Celery worker (prefork, concurrency 1, as tests/worker.py starts
   it) on a throwaway PostgreSQL database, Redis database 14 and files on local disk;
   --queue uploads made through documents.services.document_upload in one transaction,
   so all their tasks reach Redis at the same moment; upload-to-verdict is
   Document.created_at → checked_at.

clamd runs with DisableCache: it otherwise remembers the MD5 of every clean stream and
answers a second scan of the same bytes in 1/15 of the time, which would favour whichever
pass scans a file second. Every input file is distinct (a serial number is drawn on the
page), so the duplicate check never fires. The whole run takes about a minute on two
cores; everything it starts or creates (clamd, the worker, the database, the Redis
database, temporary folders) is removed at the end, also after a failure or Ctrl-C.
"""

import argparse
import contextlib
import io
import math
import os
import platform
import re
import signal
import socket
import statistics
import struct
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import magic  # noqa: E402
import pikepdf  # noqa: E402
import PIL  # noqa: E402
from PIL import Image, ImageDraw, ImageFont, features  # noqa: E402

from bench.common import POSTGRES, cpu_seconds, psql  # noqa: E402
from documents.checks import CHECKS, Candidate, run_checks  # noqa: E402
from documents.pipeline import check_config  # noqa: E402
from tests.clamd import ClamdProcess, start_clamd  # noqa: E402
from tests.documents import corpus  # noqa: E402
from tests.worker import WorkerProcess  # noqa: E402

BENCH_DATABASE = "lapakasik_bench"
BROKER_URL = "redis://127.0.0.1:6379/14"
LONG_SIDE = 2000
THUMBNAIL_SIDE = 320
SNIFF_BYTES = 8192
CHUNK = 64 * 1024
RATIO_TARGET = 1.30
P95_TARGET = 10.0


_STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress goes to stderr; the figures at the end go to stdout."""
    print(f"[bench {time.monotonic() - _STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


# --- inputs -----------------------------------------------------------------------------


def _serial(image: Image.Image, serial: int) -> None:
    """A number on the page, so that no two files share content (nor clamd's cache, nor a hash)."""
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(12, image.height // 40))
    draw.text((image.width // 10, image.height - image.height // 7), f"No. {serial:05d}", font=font, fill=corpus.INK)


def phone_jpeg(serial: int) -> bytes:
    """corpus.phone_jpeg_12mp() with a serial number: 4000×3000, orientation 6, 3–4 MB."""
    upright = corpus.document_image(3000, 4000, noise=6)
    _serial(upright, serial)
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    return corpus._jpeg(stored, quality=92, exif=corpus._phone_exif(6))


def scanned_pdf(serial: int) -> bytes:
    """corpus.pdf_1mb() with a serial number: one A4 page holding a ~1 MB JPEG scan."""
    pdf = corpus._pdf(text=f"SURAT KETERANGAN KERJA No. {serial:05d}")
    scan = corpus.document_image(2480, 3508, background=None, noise=6)
    _serial(scan, serial)
    image = pdf.make_stream(
        corpus._jpeg(scan, quality=70),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=scan.width,
        Height=scan.height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.obj.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    return corpus._pdf_bytes(pdf)


def _make(kind_serial: tuple[str, int]) -> bytes:
    kind, serial = kind_serial
    return phone_jpeg(serial) if kind == "jpeg" else scanned_pdf(serial)


def make_inputs(jpegs: int, pdfs: int) -> tuple[list[bytes], list[bytes]]:
    jobs = [("jpeg", n) for n in range(jpegs)] + [("pdf", 10_000 + n) for n in range(pdfs)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        files = list(pool.map(_make, jobs, chunksize=2))
    digests = {sha256(data).digest() for data in files}
    assert len(digests) == len(files), "two generated inputs are identical"
    return files[:jpegs], files[jpegs:]


# --- the floor ----------------------------------------------------------------------------


class RawClamd:
    """The least a client can do: connect, INSTREAM in 64 KB chunks, read the answer."""

    def __init__(self, socket_path: str):
        self.socket_path = socket_path

    def scan(self, content: bytes) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(self.socket_path)
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(content)
            for start in range(0, len(view), CHUNK):
                chunk = view[start : start + CHUNK]
                sock.sendall(struct.pack(">I", len(chunk)))
                sock.sendall(chunk)
            sock.sendall(b"\0\0\0\0")
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    raise ConnectionError("clamd closed the connection")
                reply += data
        if reply != b"stream: OK\0":
            raise RuntimeError(f"clamd answered {reply!r}")
        return reply


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(picture: Image.Image, quality: int) -> bytes:
    # The same JPEG the app must produce (progressive, optimised Huffman tables).
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def floor_jpeg(content: bytes, clamd: RawClamd, *, reduced: bool, stages: dict) -> None:
    clock = time.perf_counter
    t0 = clock()
    assert magic.from_buffer(content[:SNIFF_BYTES], mime=True) == "image/jpeg"
    t1 = clock()
    picture = Image.open(io.BytesIO(content), formats=["JPEG"])
    if reduced:
        picture.draft("RGB", _fit(picture.size, LONG_SIDE))
    picture.load()
    t2 = clock()
    size = _fit(picture.size, LONG_SIDE)
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    t3 = clock()
    _encode(picture, 85)
    t4 = clock()
    _encode(picture.resize(_fit(picture.size, THUMBNAIL_SIDE), Image.Resampling.BICUBIC, reducing_gap=2.0), 80)
    t5 = clock()
    clamd.scan(content)
    t6 = clock()
    for name, seconds in (
        ("libmagic", t1 - t0),
        ("decode", t2 - t1),
        ("resize", t3 - t2),
        ("re-encode", t4 - t3),
        ("thumbnail", t5 - t4),
        ("clamd", t6 - t5),
    ):
        stages[name] += seconds


def floor_pdf(content: bytes, clamd: RawClamd, *, stages: dict) -> None:
    clock = time.perf_counter
    t0 = clock()
    assert magic.from_buffer(content[:SNIFF_BYTES], mime=True) == "application/pdf"
    t1 = clock()
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert len(pdf.pages) == 1
    t2 = clock()
    clamd.scan(content)
    t3 = clock()
    for name, seconds in (("libmagic", t1 - t0), ("pikepdf", t2 - t1), ("clamd", t3 - t2)):
        stages[name] += seconds


# --- the pipeline ---------------------------------------------------------------------------


@contextlib.contextmanager
def timed_checks(stages: dict):
    """Time each check as run_checks calls it (it looks each one up on its module at call time)."""
    modules = {module.__name__.rpartition(".")[2]: module for module in CHECKS}
    originals = {name: module.check for name, module in modules.items()}

    def wrap(name, original):
        def check(candidate, config):
            started = time.perf_counter()
            try:
                return original(candidate, config)
            finally:
                stages[name] += time.perf_counter() - started

        return check

    for name, module in modules.items():
        module.check = wrap(name, originals[name])
    try:
        yield
    finally:
        for name, module in modules.items():
            module.check = originals[name]


def pipeline(content: bytes, name: str) -> None:
    # The config as the worker builds it: the settings of configure_django(), ClamdScanner.
    candidate = run_checks(Candidate(content=content, name=name), check_config())
    if name.endswith(".jpg"):
        assert candidate.clean, "no clean copy"
        assert candidate.thumbnail, "no clean copy"
    assert candidate.details["antivirus"]["scanner"] == "ClamdScanner"


@dataclass
class Timing:
    label: str
    files: int = 0
    seconds: float = 0.0
    sizes: list[int] = field(default_factory=list)
    stages: dict = field(default_factory=lambda: defaultdict(float))

    @property
    def rate(self) -> float:
        return self.files / self.seconds

    @property
    def per_file_ms(self) -> float:
        return 1000 * self.seconds / self.files

    def stage_line(self) -> str:
        return ", ".join(f"{name} {_ms(s / self.files)}" for name, s in self.stages.items())


def _ms(seconds: float) -> str:
    ms = 1000 * seconds
    return f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"


def compare(kind: str, files: list[bytes], clamd: RawClamd, profile: bool) -> list[Timing]:
    """Floor(s) and pipeline on the same files, taken in turn; one warm-up file first."""
    name = "foto.jpg" if kind == "jpeg" else "surat.pdf"
    runs: list[tuple[Timing, callable]] = []
    if kind == "jpeg":
        full = Timing("floor, full decode (issue's recipe)")
        reduced = Timing("floor, reduced decode (as the app)")
        runs.append((full, lambda data: floor_jpeg(data, clamd, reduced=False, stages=full.stages)))
        runs.append((reduced, lambda data: floor_jpeg(data, clamd, reduced=True, stages=reduced.stages)))
    else:
        bare = Timing("floor")
        runs.append((bare, lambda data: floor_pdf(data, clamd, stages=bare.stages)))
    piped = Timing("pipeline (run_checks)")
    runs.append((piped, lambda data: pipeline(data, name)))

    # Warm-up on a file that is not measured: imports, libmagic's database, first connections.
    warm_up = files[0]
    for _timing, run in runs:
        run(warm_up)
    for timing, _run in runs:
        timing.stages.clear()
    measured = files[1:]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with timed_checks(piped.stages):
        for index, data in enumerate(measured):
            order = runs[index % len(runs) :] + runs[: index % len(runs)]
            for timing, run in order:
                if profiler is not None and timing is piped:
                    profiler.enable()
                started = time.perf_counter()
                run(data)
                timing.seconds += time.perf_counter() - started
                if profiler is not None and timing is piped:
                    profiler.disable()
                timing.files += 1
                timing.sizes.append(len(data))
    if profiler is not None:
        import pstats

        say(f"cProfile of the {kind} pipeline, {len(measured)} files (cumulative, top 30):")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    return [timing for timing, _run in runs]


# --- end to end ---------------------------------------------------------------------------


_SUCCEEDED = re.compile(r"document_check_task\[[^\]]+\] succeeded in ([0-9.]+)s")


class Worker(WorkerProcess):
    """The tests' worker process, reading Celery's own task timings from its log."""

    def task_seconds(self) -> list[float]:
        """Celery's own "succeeded in X s" for every finished task, in log order."""
        return [float(seconds) for seconds in _SUCCEEDED.findall(self.log())]


@dataclass
class EndToEnd:
    concurrency: int
    queued: int
    upload_seconds: float
    latencies: list[float]
    queued_latencies: list[float]
    wall: float
    worker_cpu: float
    clamd_cpu: float
    task_seconds: list[float]
    outcomes: dict


def _nearest_rank(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def end_to_end(
    stack: contextlib.ExitStack, jpegs: list[bytes], clamd: ClamdProcess, tmp: Path, concurrency: int
) -> EndToEnd:
    import redis
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connections, transaction

    from documents.models import Document, DocumentStatus
    from documents.services import document_upload
    from tests.factories import BranchFactory, make_claim

    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    stack.callback(broker.flushdb)

    psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {BENCH_DATABASE}")

    def drop_database():
        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

    stack.callback(drop_database)
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    say(f"database {BENCH_DATABASE} migrated in {time.monotonic() - started:.1f} s")

    worker = Worker(
        "bench",
        {**os.environ, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"},
        log_path=tmp / "worker.log",
        concurrency=concurrency,
    )
    stack.callback(worker.stop)  # before the database is dropped: callbacks run last-in first-out
    worker.start()
    say("worker ready")

    branch = BranchFactory()

    def wait_for_verdicts(ids: list, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while Document.objects.filter(pk__in=ids, status=DocumentStatus.CHECKING).exists():
            worker.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"no verdict on every document within {timeout:.0f} s\n{worker.log_tail()}")
            time.sleep(0.1)

    # Warm the worker up (imports, database connection) with one small photo on its own claim.
    warm_claim = make_claim(branch=branch)
    warm_type = warm_claim.reason.requirements.filter(required=True).first().document_type
    warm = document_upload(
        claim=warm_claim, document_type=warm_type, uploaded=SimpleUploadedFile("foto.jpg", corpus.plain_jpeg())
    )
    wait_for_verdicts([warm.pk], timeout=60)

    # One (claim, document type) per upload: a second upload of a type would replace the first.
    slots = []
    while len(slots) < len(jpegs):
        claim = make_claim(branch=branch)
        for requirement in claim.reason.requirements.filter(required=True).select_related("document_type"):
            slots.append((claim, requirement.document_type))
    pool_pids = worker.pool_pids()
    tasks_before = len(worker.task_seconds())
    cpu_before = sum(map(cpu_seconds, pool_pids)), cpu_seconds(clamd.pid)

    say(f"uploading {len(jpegs)} photos in one transaction")
    began = time.monotonic()
    with transaction.atomic():
        # Every task is queued on commit, so all of them reach Redis together.
        documents = [
            document_upload(
                claim=claim, document_type=document_type, uploaded=SimpleUploadedFile(f"foto-{n}.jpg", data)
            )
            for n, ((claim, document_type), data) in enumerate(zip(slots, jpegs, strict=False))
        ]
    committed = datetime.now(UTC)
    upload_seconds = time.monotonic() - began
    ids = [document.pk for document in documents]
    wait_for_verdicts(ids, timeout=60 + 5 * len(ids))
    cpu_after = sum(map(cpu_seconds, pool_pids)), cpu_seconds(clamd.pid)
    time.sleep(0.5)  # the last "succeeded" line follows the verdict's commit

    rows = list(Document.objects.filter(pk__in=ids).values("created_at", "checked_at", "status", "rejection_code"))
    outcomes: dict[str, int] = defaultdict(int)
    for row in rows:
        outcomes[row["rejection_code"] or row["status"]] += 1
    last = max(row["checked_at"] for row in rows)
    return EndToEnd(
        concurrency=concurrency,
        queued=len(rows),
        upload_seconds=upload_seconds,
        latencies=[(row["checked_at"] - row["created_at"]).total_seconds() for row in rows],
        queued_latencies=[(row["checked_at"] - committed).total_seconds() for row in rows],
        wall=(last - committed).total_seconds(),
        worker_cpu=cpu_after[0] - cpu_before[0],
        clamd_cpu=cpu_after[1] - cpu_before[1],
        task_seconds=worker.task_seconds()[tasks_before:],
        outcomes=dict(outcomes),
    )


# --- the run ------------------------------------------------------------------------------


def configure_django(clamd: ClamdProcess, media: Path) -> None:
    """Point the app (this process and the worker it starts) at the bench's own services."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lapakasik.settings.test",
        DATABASE_URL=f"{POSTGRES}/{BENCH_DATABASE}",
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        ANTIVIRUS_BACKEND="documents.checks.antivirus.ClamdScanner",
        CLAMD_SOCKET=clamd.socket_path,
        STORAGE_BACKEND="filesystem",
        LAPAKASIK_MEDIA_ROOT=str(media),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def start_bench_clamd(directory: Path, options: list[str]) -> ClamdProcess:
    clamd = start_clamd(directory)
    # Restarted without its scan cache (see the module docstring), plus any --clamd-option.
    clamd.stop()
    with clamd.config_path.open("a") as config:
        config.write("".join(f"{line}\n" for line in ["DisableCache yes", *options]))
    clamd.start()
    return clamd


def clamd_version(clamd: ClamdProcess) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(clamd.socket_path)
        sock.sendall(b"zVERSION\0")
        return sock.recv(200).rstrip(b"\0").decode().split("/")[0]


def machine_facts(clamd: ClamdProcess, options: list[str]) -> list[str]:
    import celery
    import django

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    libmagic = magic.version() if hasattr(magic, "version") else 0
    return [
        f"CPU: {os.cpu_count()} × {model} (this process may use {len(os.sched_getaffinity(0))})",
        f"Python {platform.python_version()}, Pillow {PIL.__version__} (libjpeg-turbo "
        f"{features.version('libjpeg_turbo') or '?'}), pikepdf {pikepdf.__version__} (qpdf "
        f"{pikepdf.__libqpdf_version__}), libmagic {libmagic // 100}.{libmagic % 100:02d}",
        f"Django {django.get_version()}, Celery {celery.__version__}, {clamd_version(clamd)}: EICAR-only database "
        f"(a full signature database scans slower), {'; '.join(['DisableCache yes', *options])}, defaults otherwise",
    ]


def report(args, jpeg: list[Timing], pdf: list[Timing], e2e: EndToEnd | None, facts, loads) -> str:
    lines = ["", "=" * 100, "LapakAsik validation throughput (bench/validation.py)", "=" * 100]

    def block(title: str, timings: list[Timing]):
        piped = timings[-1]
        lines.append(f"{title}: {piped.files} files measured, {statistics.mean(piped.sizes) / 1e6:.2f} MB average")
        for timing in timings:
            lines.append(f"  {timing.label:<40} {timing.rate:6.2f} files/s  {timing.per_file_ms:6.0f} ms/file")
            lines.append(f"  {'':<40} ms/file: {timing.stage_line()}")
        for floor in timings[:-1]:
            ratio = piped.seconds / floor.seconds
            verdict = "met" if ratio <= RATIO_TARGET else "MISSED"
            lines.append(
                f"  ratio pipeline/{floor.label.split(' (')[0]}: {ratio:.2f}  (target ≤ {RATIO_TARGET:.2f}: {verdict})"
            )
        lines.append("")

    block("JPEG 12 MP (4000×3000, orientation 6)", jpeg)
    block("PDF, one scanned A4 page", pdf)

    if e2e is not None:
        p95 = _nearest_rank(e2e.latencies, 0.95)
        verdict = "met" if p95 < P95_TARGET else "MISSED"
        per_doc = e2e.wall / e2e.queued
        pipeline_s = jpeg[-1].seconds / jpeg[-1].files
        processes = "1 worker process" if e2e.concurrency == 1 else f"1 worker, {e2e.concurrency} pool processes"
        lines += [
            f"End to end: {e2e.queued} JPEG uploads queued at once, {processes} (prefork), PostgreSQL and Redis",
            "  on loopback, storage: local filesystem in a temporary folder (not S3)",
            f"  uploads (document_upload ×{e2e.queued}, one transaction): {e2e.upload_seconds:.1f} s",
            f"  upload-to-verdict (created_at → checked_at): p50 {_nearest_rank(e2e.latencies, 0.5):.1f} s, "
            f"p95 {p95:.1f} s, max {max(e2e.latencies):.1f} s  (target p95 < {P95_TARGET:.0f} s: {verdict})",
            f"  queued-to-verdict (commit → checked_at):     p50 {_nearest_rank(e2e.queued_latencies, 0.5):.1f} s, "
            f"p95 {_nearest_rank(e2e.queued_latencies, 0.95):.1f} s, max {max(e2e.queued_latencies):.1f} s",
            f"  worker: {e2e.queued} documents in {e2e.wall:.1f} s = {e2e.queued / e2e.wall:.2f} docs/s, "
            f"{_ms(per_doc)} ms/doc against {_ms(pipeline_s)} ms/file for the bare pipeline "
            f"(×{per_doc / pipeline_s:.2f})",
        ]
        if e2e.concurrency == 1 and len(e2e.task_seconds) == e2e.queued:
            task = statistics.mean(e2e.task_seconds)
            lines.append(
                f"  per document: the task {_ms(task)} ms (Celery's own timing in the worker log; the bare "
                f"pipeline above {_ms(pipeline_s)} ms) + Celery between tasks {_ms(per_doc - task)} ms"
            )
        lines += [
            f"  CPU during the burst: worker pool {_ms(e2e.worker_cpu / e2e.queued)} ms/doc, "
            f"clamd {_ms(e2e.clamd_cpu / e2e.queued)} ms/doc",
            f"  verdicts: {', '.join(f'{code} {count}' for code, count in sorted(e2e.outcomes.items()))}",
            f"  at this rate p95 < {P95_TARGET:.0f} s holds up to about "
            f"{int(P95_TARGET / per_doc / 0.95)} uploads queued at once",
            "",
        ]
    lines += facts
    lines.append(f"load average before {loads[0]}, after {loads[1]} (other work on the machine skews the figures)")
    command = f".venv/bin/python bench/validation.py --files {args.files} --queue {args.queue}"
    if args.concurrency != 1:
        command += f" --concurrency {args.concurrency}"
    command += "".join(f" --clamd-option '{option}'" for option in args.clamd_option)
    lines.append(f"command: {command}")
    lines.append("=" * 100)
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20, help="files of each type for floor and pipeline (+1 warm-up)")
    parser.add_argument("--queue", type=int, default=50, help="uploads queued at once end to end (0: skip)")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes of the end-to-end worker")
    parser.add_argument(
        "--clamd-option",
        action="append",
        default=[],
        metavar="LINE",
        help='an extra clamd.conf line for a what-if, e.g. "ScanImageFuzzyHash no" (repeatable)',
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the pipeline passes (to stderr)")
    args = parser.parse_args()
    if args.files < 2:
        parser.error("--files must be at least 2 (one is the warm-up)")

    # A plain `kill` should clean up like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    loads = [_load(), ""]
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lapakasik-bench-")))
        say("starting clamd")
        clamd = start_bench_clamd(tmp / "clamd", args.clamd_option)
        stack.callback(clamd.stop)
        configure_django(clamd, tmp / "media")

        count = max(args.files, args.queue)
        say(f"generating {count} JPEGs and {args.files} PDFs")
        jpegs, pdfs = make_inputs(count, args.files)
        sizes = [len(data) for data in jpegs]
        pdf_mb = statistics.mean(map(len, pdfs)) / 1e6
        say(f"JPEGs {min(sizes) / 1e6:.2f}–{max(sizes) / 1e6:.2f} MB, PDFs {pdf_mb:.2f} MB on average")

        raw = RawClamd(clamd.socket_path)
        say("JPEG: floor and pipeline")
        jpeg = compare("jpeg", jpegs[: args.files], raw, args.profile)
        say("PDF: floor and pipeline")
        pdf = compare("pdf", pdfs, raw, args.profile)
        e2e = None
        if args.queue:
            say(f"end to end: {args.queue} uploads, one worker with {args.concurrency} pool process(es)")
            e2e = end_to_end(stack, jpegs[: args.queue], clamd, tmp, args.concurrency)
        loads[1] = _load()
        print(report(args, jpeg, pdf, e2e, machine_facts(clamd, args.clamd_option), loads), flush=True)
        say("cleaning up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
