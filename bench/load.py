"""Load test: 200 claimants and 20 officers against gunicorn, PostgreSQL, Redis and a worker.

    .venv/bin/python bench/load.py [--claimants 200] [--officers 20] [--minutes 5] [--web-workers 5]

Everything runs on this machine on loopback: a throwaway database (lapakasik_bench_load,
created, migrated, dropped at the end), Redis database 12 as broker and cache (flushed before and after), a
private clamd (tests/clamd.py, EICAR-only signatures: the scan itself costs what a real
one costs per byte), gunicorn with --web-workers sync workers, one Celery worker (prefork,
one pool process per core; it and clamd run at nice 10, so pages come before checks),
and locust, headless, with the users of bench/locustfile.py:

- claimant (200): home, start a claim (programme, reason, identity, phone, branch),
  upload three 500 KB photos by the plain form, then the status page; then, 10–30 s
  later, again as a new person. 3–10 s before each form is sent (reading, typing) and
  15–40 s before each photo (finding the card, taking the picture): about one claim
  every 2.5 minutes per claimant, some 4,800 claims an hour for the 200 (the report
  prints the rate measured). For scale: 155,000 claims a month over ~176 working hours
  is ~880 an hour nationally; the 10x peak ~8,800.
- officer (20): logs in once, then the branch queue, a claim page, and "accept" on every
  document the checks passed (claims seeded "in review" beforehand, --review-claims).

Printed: requests per second, p50/p95/p99 per page and errors (locust's own figures;
a page is the request and, after a form, the page it redirects to), the ERROR lines the web
and the worker logged (a check task that failed fails no page), and whether the checks
kept pace: the verdict delay (checked_at - created_at) of every document uploaded during
the run, its p95 and maximum, how many waited more than 30 s and how many were still
"checking" 60 s after the load stopped. Targets: 0 errors, p95 under
500 ms per page, no document waiting more than 30 s for its verdict.

The web and the worker run lapakasik.settings.bench: the test settings (DEBUG off, plain
HTTP, files on disk under a temporary folder, messages to the outbox) with production's
cost per request put back (persistent database connections, the Redis cache, the default
password hashing, collected static files). clamd and the Redis broker are as in
production; S3 and the WhatsApp/SMS providers are not part of this test.
"""

import argparse
import contextlib
import csv
import io
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import POSTGRES, psql  # noqa: E402
from tests.clamd import start_clamd  # noqa: E402
from tests.worker import WorkerProcess  # noqa: E402

BENCH_DATABASE = "lapakasik_bench_load"
BROKER_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "uji-beban-" + "x" * 8
P95_TARGET_MS = 500
VERDICT_TARGET_S = 30
_STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[load {time.monotonic() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(media: Path, clamd_socket: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lapakasik.settings.bench",
        "DATABASE_URL": f"{POSTGRES}/{BENCH_DATABASE}",
        "CELERY_BROKER_URL": BROKER_URL,
        "CACHE_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ANTIVIRUS_BACKEND": "documents.checks.antivirus.ClamdScanner",
        "CLAMD_SOCKET": clamd_socket,
        "STORAGE_BACKEND": "filesystem",
        "LAPAKASIK_MEDIA_ROOT": str(media),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def photos(folder: Path, count: int = 24) -> list[Path]:
    """Distinct ~500 KB phone-like photos of a card: text, a gradient and sensor noise."""
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    made = []
    rng = random.Random(7)
    for n in range(count):
        image = Image.effect_noise((1600, 1200), 24).convert("RGB")
        card = Image.new("RGB", (1600, 1200), (228, 226, 214))
        image = Image.blend(card, image, 0.38)
        draw = ImageDraw.Draw(image)
        for row in range(40, 1160, 36):
            draw.text(
                (60, row), f"KARTU {n:02d} BARIS {row} NIK 3174 0112 0590 {rng.randrange(9999):04d}", fill=(25,) * 3
            )
        image = image.filter(ImageFilter.GaussianBlur(0.6))
        path = folder / f"photo-{n:02d}.jpg"
        image.save(path, "JPEG", quality=92)
        made.append(path)
    sizes = [p.stat().st_size for p in made]
    say(f"{count} photos, {min(sizes) // 1024}–{max(sizes) // 1024} KB")
    return made


def setup_database(review_claims: int, officers: int, env: dict[str, str]) -> str:
    """Migrate, load the branches and staff (demo_data), add the officers and the claims they review."""
    psql(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
    psql(f'CREATE DATABASE "{BENCH_DATABASE}"')
    # The web's and worker's settings, with tasks run in process: nothing queued before the run.
    os.environ.update({**env, "CELERY_TASK_ALWAYS_EAGER": "true"})
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from claims.models import Branch, Claim, Status
    from core.staff import Role
    from documents.models import Document, DocumentStatus
    from tests.factories import make_claim, make_jpeg

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo_data", force=True, stdout=io.StringIO())
    branch = Branch.objects.get(code="MEDAN")
    password = make_password(PASSWORD)
    names = [f"beban.petugas{n:02d}" for n in range(officers)]
    User.objects.bulk_create(
        [User(username=name, password=password, is_staff=True, role=Role.OFFICER, branch=branch) for name in names]
    )
    # Claims waiting for an officer, written directly: their documents passed the checks.
    stored = Document._meta.get_field("file").storage.save("bench/seed.jpg", ContentFile(make_jpeg(text="seed")))
    now = timezone.now()
    for n in range(review_claims):
        claim = make_claim(branch=branch, phone=f"+62813{n:08d}")
        Document.objects.bulk_create(
            [
                Document(
                    claim=claim,
                    document_type=requirement.document_type,
                    file=stored,
                    original_name="foto.jpg",
                    content_type="image/jpeg",
                    size=1000,
                    sha256=f"{n:032x}{i:032x}",
                    status=DocumentStatus.ACCEPTED,
                    checked_at=now,
                )
                for i, requirement in enumerate(claim.reason.requirements.filter(required=True))
            ]
        )
        Claim.objects.filter(pk=claim.pk).update(status=Status.IN_REVIEW, submitted_at=now)
    say(f"database ready: {review_claims} claims in review at {branch.name}, {officers} officers")
    return branch.code


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lapakasik.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--worker-tmp-dir",
            "/dev/shm",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not listen in 30 s")


def run_locust(args, port: int, env: dict, out: Path, branch: str, photo_dir: Path) -> Path:
    prefix = out / "locust"
    users = args.claimants + args.officers
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 30)),
        "--run-time",
        f"{args.minutes * 60:.0f}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        # Figures from the moment every user is running: the first seconds (workers importing,
        # connections opening, 220 logins and first pages at once) are the ramp, not the load.
        "--reset-stats",
        "--stop-timeout",
        "30",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **env,
        "LOAD_BRANCH": branch,
        "LOAD_OFFICERS": ",".join(f"beban.petugas{n:02d}" for n in range(args.officers)),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_PHOTOS": str(photo_dir),
    }
    say(f"locust: {args.claimants} claimants + {args.officers} officers for {args.minutes:g} min")
    subprocess.run(
        command, cwd=ROOT, env=locust_env, check=False, stdout=(out / "locust.log").open("w"), stderr=subprocess.STDOUT
    )
    return prefix


def verdicts(since, wait: float = 60.0) -> dict:
    """Verdict delays of the documents uploaded since ``since``, waiting up to ``wait`` s for stragglers."""
    from claims.models import Claim
    from documents.models import Document, DocumentStatus

    uploaded = Document.objects.filter(created_at__gte=since)
    claims_started = Claim.objects.filter(created_at__gte=since).count()
    deadline = time.monotonic() + wait
    while uploaded.filter(status=DocumentStatus.CHECKING).exists() and time.monotonic() < deadline:
        time.sleep(1)
    rows = list(uploaded.values_list("created_at", "checked_at", "status"))
    delays = sorted((checked - created).total_seconds() for created, checked, _ in rows if checked)
    return {
        "uploaded": len(rows),
        "claims_started": claims_started,
        "checked": len(delays),
        "still_checking": sum(1 for *_, status in rows if status == DocumentStatus.CHECKING),
        "accepted": sum(1 for *_, status in rows if status == DocumentStatus.ACCEPTED),
        "p50": statistics.median(delays) if delays else None,
        "p95": delays[int(0.95 * (len(delays) - 1))] if delays else None,
        "max": delays[-1] if delays else None,
        "over_target": sum(1 for d in delays if d > VERDICT_TARGET_S),
    }


def logged_errors(log: Path) -> int:
    """ERROR lines (JSON logs) and tracebacks in a process's log: a failed task counts even if no page did."""
    if not log.exists():
        return 0
    return sum(1 for line in log.open(errors="replace") if '"level": "ERROR"' in line or line.startswith("Traceback"))


def report(args, prefix: Path, checks: dict, web_cpu: str, out: Path) -> str:
    with open(f"{prefix}_stats.csv") as handle:
        stats = list(csv.DictReader(handle))
    failures_file = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    lines = ["", "=" * 100, "LapakAsik load test (bench/load.py)", "=" * 100]
    lines.append(
        f"{args.claimants} claimants + {args.officers} officers, {args.minutes:g} min, gunicorn {args.web_workers} "
        f"sync workers, 1 Celery worker (concurrency {os.cpu_count()}), PostgreSQL, Redis, clamd, all on loopback"
    )
    lines.append(f"{'page':34} {'requests':>9} {'errors':>7} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    worst = 0.0
    total = None
    for row in stats:
        name = row["Name"]
        if int(row["Request Count"]) == 0:
            continue  # asked only during the ramp (the officers' login): reset with the stats
        line = (
            f"{name[:34]:34} {int(row['Request Count']):9d} {int(row['Failure Count']):7d} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>8} {row['95%']:>8} {row['99%']:>8}"
        )
        if name == "Aggregated":
            total = row
            lines.append("-" * 86)
        else:
            worst = max(worst, float(row["95%"] or 0))
        lines.append(line)
    errors = int(total["Failure Count"]) if total else -1
    logged = {name: logged_errors(out / f"{name}.log") for name in ("gunicorn", "worker")}
    lines += [
        "",
        f"  errors:            {errors}  (target 0: {'met' if errors == 0 else 'MISSED'})",
        f"  errors logged:     web {logged['gunicorn']}, worker {logged['worker']}  (a failed task is an error too)",
        f"  worst page p95:    {worst:.0f} ms  (target < {P95_TARGET_MS} ms on every page: "
        f"{'met' if worst < P95_TARGET_MS else 'MISSED'})",
        f"  claims started:    {checks['claims_started']} in {args.minutes:g} min "
        f"({checks['claims_started'] * 60 / args.minutes:,.0f} an hour; national ~880 an hour, peak ~8,800)",
        f"  documents:         {checks['uploaded']} uploaded, {checks['checked']} with a verdict "
        f"({checks['accepted']} accepted), {checks['still_checking']} still checking 60 s after the load",
    ]
    if checks["checked"]:
        kept = checks["over_target"] == 0 and checks["still_checking"] == 0
        lines.append(
            f"  verdict delay:     p50 {checks['p50']:.1f} s, p95 {checks['p95']:.1f} s, max {checks['max']:.1f} s; "
            f"{checks['over_target']} over {VERDICT_TARGET_S} s  (checks kept pace: {'yes' if kept else 'NO'})"
        )
    for failure in failures[:10]:
        lines.append(
            f"  failure: {failure.get('Method')} {failure.get('Name')}: {failure.get('Error')} "
            f"×{failure.get('Occurrences')}"
        )
    lines += [
        f"  load average after: {web_cpu}",
        f"CPU: {os.cpu_count()} cores, Python {platform.python_version()}",
        f"command: .venv/bin/python bench/load.py --claimants {args.claimants} --officers {args.officers} "
        f"--minutes {args.minutes:g} --web-workers {args.web_workers}",
        "=" * 100,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claimants", type=int, default=200)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--review-claims", type=int, default=300)
    args = parser.parse_args()

    import redis

    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    temp = Path(tempfile.mkdtemp(prefix="lapakasik-load-"))
    media, out = temp / "media", temp / "out"
    out.mkdir(parents=True)
    clamd = gunicorn = worker = None
    try:
        photo_dir = temp / "photos"
        photos(photo_dir)
        clamd = start_clamd(temp / "clamd")
        env = environment(media, clamd.socket_path)
        branch = setup_database(args.review_claims, args.officers, env)
        worker = WorkerProcess("load", env, log_path=out / "worker.log", concurrency=os.cpu_count() or 1)
        worker.start()
        # The worker and clamd yield the CPU to gunicorn and PostgreSQL (nice 10): on two
        # shared cores a claimant waiting on a page comes first, the checks have 30 s.
        for pid in [worker.process.pid, *worker.pool_pids(), clamd.pid]:
            if pid:
                os.setpriority(os.PRIO_PROCESS, pid, 10)
        port = free_port()
        gunicorn = start_gunicorn(env, port, args.web_workers, out / "gunicorn.log")
        from django.utils import timezone

        since = timezone.now()
        prefix = run_locust(args, port, env, out, branch, photo_dir)
        say("load stopped; waiting for the last verdicts")
        checks = verdicts(since)
        load = " ".join(f"{v:.2f}" for v in os.getloadavg())
        print(report(args, prefix, checks, load, out))
        say(f"logs kept in {out}")
        return 0
    finally:
        if gunicorn is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        if worker is not None:
            worker.stop()
        if clamd is not None:
            clamd.stop()
        from django.conf import settings

        if settings.configured:  # not when the setup failed before django.setup()
            from django.db import connections

            connections.close_all()
        psql(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        broker.flushdb()


if __name__ == "__main__":
    sys.exit(main())
