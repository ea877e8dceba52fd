"""How fast one worker process sends a minute's worth of interview reminders.

    .venv/bin/python bench/reminders.py [--count 10000] [--every 1] [--timeout 200] [--profile 300]

The question: 10,000 interviews whose reminders fall due in the same minute, one worker
process (prefork, concurrency 1), the local fake provider (tests/provider_server.py,
WhatsApp Cloud API). How many seconds from the due instant until every reminder's message
is sent, messages per second, and duplicates. Target: all sent within 60 s, 0 duplicates.

Setup writes the rows directly with bulk_create (a region, a branch, one officer per
interview, claims already "interview_scheduled", interviews, one 15-minute reminder each).
That bypasses interview_book on purpose: booking 10,000 claims through the services takes
far longer than the measurement and is not what is measured. The rows carry what the sweep
checks (interview active, for_starts_at = starts_at, claim waiting for the call); each
interview has its own officer, as 10,000 calls at the same time need.

Once the worker is ready, every reminder is made due at one instant D (now + 2 s) for a
call at D + 15 min, so quiet hours never push them (the call is closer than
INTERVIEW_QUIET_OVERRIDE_MINUTES). From D the bench publishes
interviews.tasks.reminders_send_due_task every --every seconds, as beat would (beat: every
60 s; more often only adds sweeps that find nothing), until no reminder is pending, and
polls the database until every reminder message is "sent". Figures come from the rows
(Reminder.sent_at: message written; Message.sent_at: provider answered and recorded) and
from the provider server's own record of requests and deliveries.

Everything runs on a throwaway database (lapakasik_bench_reminders, created, migrated with
lapakasik.settings.test, dropped at the end) and Redis database 13 (flushed before and
after); the worker, the provider server and temporary folders go too, also after Ctrl-C.
"""

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import POSTGRES, cpu_seconds, psql  # noqa: E402
from tests.provider_server import (  # noqa: E402
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    TWILIO_SID,
    TWILIO_TOKEN,
    ProviderServer,
)
from tests.worker import WorkerProcess  # noqa: E402

BENCH_DATABASE = "lapakasik_bench_reminders"
BROKER_URL = "redis://127.0.0.1:6379/13"
TARGET_SECONDS = 60.0
OFFSET_MINUTES = 15
REMINDER_TEMPLATE = "lapakasik_interview_reminder"

_STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress goes to stderr; the figures at the end go to stdout."""
    print(f"[bench {time.monotonic() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


_SUCCEEDED = re.compile(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([0-9.e-]+)s")


class Worker(WorkerProcess):
    """The tests' worker process, reading Celery's own task timings from its log."""

    def task_seconds(self) -> dict[str, list[float]]:
        """Celery's own "succeeded in X s" per task name (needs --loglevel INFO)."""
        found: dict[str, list[float]] = {}
        for name, seconds in _SUCCEEDED.findall(self.log()):
            found.setdefault(name.rsplit(".", 1)[-1], []).append(float(seconds))
        return found


def configure_django(server: ProviderServer, media: Path) -> None:
    """This process and the worker it starts: the bench database, Redis 13, the fake provider."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lapakasik.settings.test",
        DATABASE_URL=f"{POSTGRES}/{BENCH_DATABASE}",
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        NOTIFICATION_WHATSAPP_BACKEND="whatsapp",
        NOTIFICATION_SMS_BACKEND="twilio",
        WHATSAPP_API_BASE=server.url,
        WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
        WHATSAPP_ACCESS_TOKEN=ACCESS_TOKEN,
        TWILIO_API_BASE=server.url,
        TWILIO_ACCOUNT_SID=TWILIO_SID,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_FROM="+15005550006",
        NOTIFICATION_HTTP_READ_TIMEOUT="10",
        STORAGE_BACKEND="filesystem",
        LAPAKASIK_MEDIA_ROOT=str(media),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def create_rows(count: int, tag: str = "") -> None:
    """Everything the sweep reads, written directly (see the module docstring)."""
    from accounts.models import User
    from claims.models import Branch, ClaimReason, Region, Status
    from claims.models import Claim as ClaimModel
    from core.staff import Role
    from interviews.models import CallChannel, Interview, InterviewStatus, Reminder

    placeholder = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    region = Region.objects.create(code=f"BENCH{tag}", name="Kantor Wilayah Bench")
    branch = Branch.objects.create(
        code=f"BENCH01{tag}",
        name="Kantor Cabang Bench",
        city="Kota Bench",
        region=region,
        time_zone=Branch.Zone.WIB,
        whatsapp_number="+6221500910",
    )
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).select_related("programme").first()
    batch = 2000
    officers = User.objects.bulk_create(
        [
            User(
                username=f"bench-officer{tag}-{n}",
                password="!",
                first_name="Petugas",
                last_name=f"{n:05d}",
                is_staff=True,
                role=Role.OFFICER,
                branch=branch,
            )
            for n in range(count)
        ],
        batch_size=batch,
    )
    claims = ClaimModel.objects.bulk_create(
        [
            ClaimModel(
                programme=reason.programme,
                reason=reason,
                branch=branch,
                status=Status.INTERVIEW_SCHEDULED,
                nik="3174011205900003",
                kpj_number=f"{n:011d}",
                full_name=f"Peserta Bench {n}",
                date_of_birth=dt.date(1990, 5, 12),
                phone=f"+62813{n:08d}",
                submitted_at=placeholder - dt.timedelta(days=3),
            )
            for n in range(count)
        ],
        batch_size=batch,
    )
    interviews = Interview.objects.bulk_create(
        [
            Interview(
                claim=claim,
                officer=officer,
                starts_at=placeholder,
                ends_at=placeholder + dt.timedelta(minutes=20),
                channel=CallChannel.WHATSAPP_VIDEO,
                status=InterviewStatus.BOOKED,
                created_by=officer,
            )
            for claim, officer in zip(claims, officers, strict=True)
        ],
        batch_size=batch,
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                interview=interview,
                offset_minutes=OFFSET_MINUTES,
                for_starts_at=placeholder,
                due_at=placeholder - dt.timedelta(minutes=OFFSET_MINUTES),
            )
            for interview in interviews
        ],
        batch_size=batch,
    )


def make_due(due: dt.datetime) -> None:
    """Every reminder due at ``due``, for a call OFFSET_MINUTES later (two UPDATEs)."""
    from interviews.models import Interview, Reminder

    call = due + dt.timedelta(minutes=OFFSET_MINUTES)
    Interview.objects.update(starts_at=call, ends_at=call + dt.timedelta(minutes=20))
    Reminder.objects.update(for_starts_at=call, due_at=due)


def publish_sweep() -> None:
    from interviews.tasks import reminders_send_due_task

    reminders_send_due_task.apply_async()


def run(count: int, every: float, timeout: float, worker: Worker, server: ProviderServer) -> dict:
    from interviews.models import Reminder, ReminderStatus
    from notifications.models import Message, MessageStatus

    due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    make_due(due)
    pool = worker.pool_pids()
    cpu_before = sum(map(cpu_seconds, pool))
    reminders = Message.objects.filter(template="interview_reminder")
    say(f"{count} reminders due at {due:%H:%M:%S.%f} UTC; sweeping every {every:g} s from then")
    time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()))
    started = time.monotonic()
    next_sweep, sweeps, sent, last_report = started, 0, 0, started
    pending = count
    while True:
        now = time.monotonic()
        if pending and now >= next_sweep:
            publish_sweep()
            sweeps += 1
            next_sweep += every
            pending = Reminder.objects.filter(status=ReminderStatus.PENDING).count()
        sent = reminders.filter(status=MessageStatus.SENT).count()
        if sent >= count:
            break
        if now - last_report >= 5:
            written = reminders.count()
            say(f"  {now - started:5.1f} s: {written} messages written, {sent} sent, {pending} reminders pending")
            last_report = now
        if now - started > timeout:
            say(f"stopped after {timeout:.0f} s with {sent} of {count} sent")
            break
        worker.check_alive()
        time.sleep(0.25)
    cpu_after = sum(map(cpu_seconds, pool))
    time.sleep(1.0)  # a late duplicate request would land now

    rows = Reminder.objects.values_list("status", flat=True)
    statuses = Counter(rows)
    sent_at = list(reminders.filter(status=MessageStatus.SENT).values_list("sent_at", flat=True))
    written_at = list(Reminder.objects.exclude(sent_at=None).values_list("sent_at", flat=True))
    requests = [r["json"] for r in server.requests_to("whatsapp") if r["json"]["template"]["name"] == REMINDER_TEMPLATE]
    keys = Counter(payload["biz_opaque_callback_data"] for payload in requests)
    reminder_keys = {str(pk) for pk in reminders.values_list("pk", flat=True)}
    deliveries = [d for d in server.state.deliveries if d.key in reminder_keys]
    per_reminder = Counter(Reminder.objects.exclude(message=None).values_list("interview_id", flat=True))
    return {
        "due": due,
        "sweeps": sweeps,
        "statuses": dict(statuses),
        "messages": reminders.count(),
        "sent": len(sent_at),
        "first_written": min(written_at) if written_at else None,
        "last_written": max(written_at) if written_at else None,
        "first_sent": min(sent_at) if sent_at else None,
        "last_sent": max(sent_at) if sent_at else None,
        "requests": len(requests),
        "unique_keys": len(keys),
        "keys_twice": sum(1 for n in keys.values() if n > 1),
        "deliveries": len(deliveries),
        "unique_deliveries": len({d.key for d in deliveries}),
        "messages_per_interview_max": max(per_reminder.values(), default=0),
        "worker_cpu": cpu_after - cpu_before,
        "task_seconds": worker.task_seconds(),
    }


def profile_sample(sample: int, server: ProviderServer) -> list[str]:
    """Where one reminder's time goes: the sweep and the delivery of ``sample`` more reminders,
    run in this process under cProfile, with the query count of each half."""
    import cProfile
    import io
    import pstats

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import notifications.services.sending as notification_sending
    from interviews.models import Interview, Reminder
    from interviews.services import reminders_send_due
    from notifications.services import messages_deliver

    Interview.objects.all().delete()
    create_rows(sample, tag="P")
    make_due(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    queued: list[int] = []
    original = notification_sending._deliver_on_commit
    notification_sending._deliver_on_commit = lambda *ids: queued.extend(ids)  # delivered below, not through Redis
    lines = []
    try:
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as sweep_queries:
            began = time.perf_counter()
            profiler.enable()
            result = reminders_send_due()
            profiler.disable()
            sweep_seconds = time.perf_counter() - began
        assert result.sent == sample, result
        deliver_profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as deliver_queries:
            began = time.perf_counter()
            deliver_profiler.enable()
            size = settings.NOTIFICATION_DELIVERY_BATCH
            for start in range(0, len(queued), size):
                messages_deliver(message_ids=queued[start : start + size])
            deliver_profiler.disable()
            deliver_seconds = time.perf_counter() - began
    finally:
        notification_sending._deliver_on_commit = original
    assert Reminder.objects.filter(message__status="sent").count() == sample
    lines.append(
        f"profile, {sample} reminders in this process (no Celery): sweep {1000 * sweep_seconds / sample:.2f} ms and "
        f"{len(sweep_queries) / sample:.1f} queries per reminder; delivery {1000 * deliver_seconds / sample:.2f} ms "
        f"and {len(deliver_queries) / sample:.1f} queries per message"
    )
    for title, prof in (("sweep (reminders_send_due)", profiler), ("delivery (messages_deliver)", deliver_profiler)):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(18)
        say(f"cProfile of the {title}, cumulative, top 18:\n{out.getvalue()}")
    return lines


def machine_facts() -> list[str]:
    import celery
    import django
    import psycopg
    import redis

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    with psycopg.connect(f"{POSTGRES}/postgres") as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    redis_version = redis.Redis.from_url(BROKER_URL).info("server")["redis_version"]
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?"
    )
    return [
        f"CPU: {os.cpu_count()} × {model} (this process may use {len(os.sched_getaffinity(0))}), "
        f"memory {int(memory) / 1024 / 1024:.1f} GB",
        f"Python {platform.python_version()}, Django {django.get_version()}, Celery {celery.__version__}, "
        f"PostgreSQL {postgres}, Redis {redis_version}, all on loopback",
    ]


def _seconds(later, earlier) -> float:
    return (later - earlier).total_seconds()


def report(args, figures: dict, facts: list[str], profile: list[str], loads: list[str]) -> str:
    count, due = args.count, figures["due"]
    lines = ["", "=" * 100, "LapakAsik reminder burst (bench/reminders.py)", "=" * 100]
    lines.append(
        f"{count} reminders due at the same instant, 1 worker process (prefork, concurrency 1), fake WhatsApp "
        f"Cloud API on loopback; {figures['sweeps']} sweep task(s) published, one every {args.every:g} s"
    )
    complete = figures["sent"] == count
    if figures["last_sent"] is not None:
        total = _seconds(figures["last_sent"], due)
        verdict = "met" if complete and total <= TARGET_SECONDS else "MISSED"
        lines += [
            f"  all sent:               {total:6.1f} s after the due instant"
            + ("" if complete else f"  (INCOMPLETE: {figures['sent']} of {count})"),
            f"  target ≤ {TARGET_SECONDS:.0f} s:          {verdict}  "
            f"(ratio {total / TARGET_SECONDS:.2f} of the target)",
            f"  throughput:             {figures['sent'] / total:6.1f} messages/s end to end",
            f"  messages written:       first {_seconds(figures['first_written'], due):5.1f} s, "
            f"last {_seconds(figures['last_written'], due):5.1f} s  (the sweep: reminder claimed, message row "
            f"written, delivery task queued)",
            f"  provider answered:      first {_seconds(figures['first_sent'], due):5.1f} s, "
            f"last {total:5.1f} s  (delivery tasks: they queue behind the sweep on one pool process)",
            f"  worker pool CPU:        {figures['worker_cpu']:.1f} s for {total:.1f} s wall "
            f"({1000 * figures['worker_cpu'] / max(1, figures['sent']):.2f} ms per reminder, sweep + delivery)",
        ]
    tasks = figures["task_seconds"]
    if tasks and figures["last_sent"] is not None:
        busy = sum(sum(times) for times in tasks.values())
        lines.append(
            "  inside tasks:           "
            + ", ".join(f"{name} ×{len(times)} {sum(times):.1f} s" for name, times in sorted(tasks.items()))
            + f"; Celery between tasks {total - busy:.1f} s"
        )
    lines += [
        f"  reminders:              {', '.join(f'{k} {v}' for k, v in sorted(figures['statuses'].items()))}",
        f"  message rows:           {figures['messages']} for {count} reminders "
        f"(most for one interview: {figures['messages_per_interview_max']})",
        f"  provider requests:      {figures['requests']} for {figures['unique_keys']} unique messages; "
        f"keys sent twice: {figures['keys_twice']}",
        f"  provider deliveries:    {figures['deliveries']} ({figures['unique_deliveries']} unique)",
        f"  duplicates:             {figures['requests'] - figures['unique_keys']} requests, "
        f"{figures['messages'] - count} message rows  (target 0: "
        f"{'met' if figures['requests'] == figures['unique_keys'] and figures['messages'] == count else 'MISSED'})",
        "",
        *profile,
        *facts,
        f"load average before {loads[0]}, after {loads[1]} (other work on the machine skews the figures)",
        f"command: .venv/bin/python bench/reminders.py --count {count} --every {args.every:g} --timeout "
        f"{args.timeout:g}" + (f" --profile {args.profile}" if args.profile else ""),
        "=" * 100,
    ]
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="interviews with a reminder due (default 10000)")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between published sweeps (default 1)")
    parser.add_argument("--timeout", type=float, default=200.0, help="give up after this many seconds (default 200)")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then cProfile N more reminders in this process"
    )
    parser.add_argument("--worker-loglevel", default="INFO", help="INFO (default) logs every task and its time")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    loads = [_load(), ""]
    with contextlib.ExitStack() as stack:
        import redis

        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lapakasik-bench-reminders-")))
        server = ProviderServer().start()
        stack.callback(server.stop)
        configure_django(server, tmp / "media")

        from django.core.management import call_command
        from django.db import connections

        broker = redis.Redis.from_url(BROKER_URL)
        broker.flushdb()
        stack.callback(broker.flushdb)
        psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {BENCH_DATABASE}")

        def drop_database():
            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

        stack.callback(drop_database)
        began = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        say(f"database {BENCH_DATABASE} migrated in {time.monotonic() - began:.1f} s")

        began = time.monotonic()
        create_rows(args.count)
        say(f"{args.count} officers, claims, interviews and reminders written in {time.monotonic() - began:.1f} s")

        worker = Worker(
            "bench", dict(os.environ, PYTHONUNBUFFERED="1"), log_path=tmp / "worker.log", loglevel=args.worker_loglevel
        )
        stack.callback(worker.stop)  # before the database is dropped: callbacks run last-in first-out
        worker.start()
        say("worker ready")

        figures = run(args.count, args.every, args.timeout, worker, server)
        loads[1] = _load()
        worker.stop()
        profile = profile_sample(args.profile, server) if args.profile else []
        print(report(args, figures, machine_facts(), profile, loads), flush=True)
        say("cleaning up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
