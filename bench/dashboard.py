"""How fast the managers' dashboard answers on a year of national data.

    .venv/bin/python bench/dashboard.py [--claims 1000000] [--branches 120] [--repeat 5] [--explain] [--keep]

The question: 1,000,000 claims over 12 months across 120 branches (mix like 2020: 70/30
electronic/dropbox, 30% of electronic submissions cancelled because uploads failed or
documents were incomplete, about 19% of interviews ending in failed confirmation), with
their history, interviews, reminders, messages and documents. How long does the dashboard
page take for the nation, one region and one branch, cold and warm, and how many queries?
Target: under 300 ms each, warm. And are the figures right: every count, rate and
percentile is compared with a straightforward reference computed in Python from plain
rows in the same run (it shares no code with reports/figures).

What is cached, said plainly: the dashboard keeps its *counts* (not the page) for
DASHBOARD_CACHE_SECONDS under the scope, filters and period. So three timings
per scope: "cold" (empty figures cache: every query runs; PostgreSQL's own buffers are
warm from loading), "warm, cached" (the same request again: counts from the cache,
names, links and the page rendered fresh) and "warm, uncached" (DASHBOARD_CACHE_SECONDS=0,
repeated: every query runs on warm buffers). The target is read on "warm, cached"; the
uncached time is printed beside it.

Setup writes rows with INSERT … SELECT over generate_series (no Python loop, no ORM):
a few minutes for the full million. Pseudo-random but repeatable: every choice is a hash
of the row's id. Everything runs on a throwaway database (lapakasik_bench_dashboard,
created, migrated with lapakasik.settings.test, dropped at the end unless --keep).
"""

import argparse
import contextlib
import datetime as dt
import os
import signal
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import POSTGRES, psql  # noqa: E402

BENCH_DATABASE = "lapakasik_bench_dashboard"
TARGET_MS = 300.0
_STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def configure_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lapakasik.settings.test",
        DATABASE_URL=f"{POSTGRES}/{BENCH_DATABASE}",
        CACHE_URL="locmemcache://bench-dashboard",
        DASHBOARD_CACHE_SECONDS="120",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    # The test client's host and response.context (which says whether counts came from the cache).
    setup_test_environment()


# --- filling the database ------------------------------------------------------------------

# u(id, salt): a repeatable uniform number in [0, 1) for a row and a purpose.
SQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION bench_u(id bigint, salt int) RETURNS float8 AS
$$ SELECT ((hashint8($1 * 1000 + $2) & 2147483647)::float8 / 2147483648.0) $$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
"""

# The furthest step of each claim's story and its dates, computed once.
SQL_PATHS = """
CREATE UNLOGGED TABLE bench_path AS
WITH base AS (
    SELECT g AS id,
           %(first_branch)s + floor(bench_u(g, 1) * %(branches)s)::int AS branch_id,
           CASE WHEN bench_u(g, 2) < 0.7 THEN 'electronic' ELSE 'dropbox' END AS channel,
           %(now)s::timestamptz - bench_u(g, 3) * interval '365 days' AS created,
           bench_u(g, 4) AS u4, bench_u(g, 5) AS u5, bench_u(g, 6) AS u6, bench_u(g, 7) AS u7
    FROM generate_series(1, %(claims)s) AS g
), story AS (
    SELECT *,
           CASE WHEN u4 < 0.03 THEN NULL ELSE created + u5 * interval '36 hours' END AS submitted,
           CASE
               WHEN u4 < 0.015 THEN 'draft'
               WHEN u4 < 0.03 THEN 'expired'
               WHEN channel = 'electronic' AND u6 < 0.18 THEN 'upload_failed'
               WHEN channel = 'electronic' AND u6 < 0.30 THEN 'incomplete'
               WHEN created > %(now)s::timestamptz - interval '10 days' THEN
                   CASE WHEN u7 < 0.25 THEN 'checking' WHEN u7 < 0.4 THEN 'needs_fix'
                        WHEN u7 < 0.7 THEN 'in_review' ELSE 'scheduled' END
               WHEN u7 < 0.05 THEN 'claimant_request'
               WHEN u7 < 0.09 THEN 'rejected_review'
               WHEN u7 < 0.175 THEN 'fc_cancelled'
               WHEN u7 < 0.263 THEN 'fc_open'
               WHEN u7 < 0.36 THEN 'rejected_interview'
               ELSE 'approved'
           END AS path
    FROM base
)
SELECT id, branch_id, channel, created, submitted, path,
       CASE
           WHEN path = 'expired' THEN created + interval '14 days'
           WHEN path IN ('upload_failed', 'incomplete', 'claimant_request', 'rejected_review')
               THEN submitted + (0.2 + 5 * bench_u(id, 8)) * interval '1 day'
           WHEN path IN ('fc_cancelled', 'rejected_interview', 'approved')
               THEN submitted + (0.3 + 20 * bench_u(id, 8) ^ 2) * interval '1 day'
       END AS closed,
       CASE
           WHEN path = 'scheduled' THEN submitted + (1 + 4 * bench_u(id, 9)) * interval '1 day'
           WHEN path IN ('fc_cancelled', 'fc_open', 'rejected_interview', 'approved')
               THEN submitted + (0.2 + 0.7 * (0.3 + 20 * bench_u(id, 8) ^ 2) * bench_u(id, 9)) * interval '1 day'
       END AS interview_at
FROM story;
ALTER TABLE bench_path ADD PRIMARY KEY (id);
"""

STATUS_OF_PATH = """
CASE path
    WHEN 'draft' THEN 'draft' WHEN 'checking' THEN 'checking' WHEN 'needs_fix' THEN 'needs_fix'
    WHEN 'in_review' THEN 'in_review' WHEN 'scheduled' THEN 'interview_scheduled'
    WHEN 'rejected_review' THEN 'rejected' WHEN 'rejected_interview' THEN 'rejected'
    WHEN 'fc_open' THEN 'failed_confirmation' WHEN 'approved' THEN 'approved'
    ELSE 'cancelled'
END
"""
CANCEL_OF_PATH = """
CASE path
    WHEN 'expired' THEN 'expired' WHEN 'upload_failed' THEN 'upload_failed'
    WHEN 'incomplete' THEN 'incomplete_documents' WHEN 'claimant_request' THEN 'claimant_request'
    WHEN 'fc_cancelled' THEN 'failed_confirmation' ELSE ''
END
"""
STEPS_OF_PATH = """
CASE path
    WHEN 'draft' THEN ARRAY['draft']
    WHEN 'expired' THEN ARRAY['draft', 'cancelled']
    WHEN 'upload_failed' THEN ARRAY['draft', 'submitted', 'checking', 'needs_fix', 'cancelled']
    WHEN 'incomplete' THEN ARRAY['draft', 'submitted', 'checking', 'needs_fix', 'cancelled']
    WHEN 'checking' THEN ARRAY['draft', 'submitted', 'checking']
    WHEN 'needs_fix' THEN ARRAY['draft', 'submitted', 'checking', 'needs_fix']
    WHEN 'in_review' THEN ARRAY['draft', 'submitted', 'checking', 'in_review']
    WHEN 'scheduled' THEN ARRAY['draft', 'submitted', 'checking', 'in_review', 'interview_scheduled']
    WHEN 'claimant_request' THEN ARRAY['draft', 'submitted', 'checking', 'in_review', 'cancelled']
    WHEN 'rejected_review' THEN ARRAY['draft', 'submitted', 'checking', 'in_review', 'rejected']
    WHEN 'fc_cancelled' THEN ARRAY['draft', 'submitted', 'checking', 'in_review', 'interview_scheduled',
                                   'failed_confirmation', 'cancelled']
    WHEN 'fc_open' THEN ARRAY['draft', 'submitted', 'checking', 'in_review', 'interview_scheduled',
                              'failed_confirmation']
    WHEN 'rejected_interview' THEN ARRAY['draft', 'submitted', 'checking', 'in_review', 'interview_scheduled',
                                         'interview_done', 'rejected']
    ELSE ARRAY['draft', 'submitted', 'checking', 'in_review', 'interview_scheduled', 'interview_done', 'approved']
END
"""

SQL_CLAIMS = f"""
INSERT INTO claims_claim (id, reference, intake_token, programme_id, reason_id, channel, status, cancel_reason,
    branch_id, nik, kpj_number, full_name, date_of_birth, phone, email, language, heir_name, heir_nik,
    heir_relation, heir_phone, contact_via_branch, version, created_at, updated_at, submitted_at, closed_at)
SELECT p.id, 'B' || lpad(p.id::text, 10, '0'), md5(p.id::text)::uuid, r.programme_id, r.id, p.channel,
    {STATUS_OF_PATH}, {CANCEL_OF_PATH}, p.branch_id, '3174011205900003', lpad(p.id::text, 11, '0'), 'Peserta Bench',
    DATE '1990-05-12', '+6281234567890', '', 'id', '', '', '', '', false, 1, p.created,
    coalesce(p.closed, p.submitted, p.created), p.submitted, p.closed
FROM bench_path p
JOIN bench_reason r ON r.slot = floor(bench_u(p.id, 10) * 100)::int;
"""

SQL_EVENTS = f"""
INSERT INTO claims_claimevent (claim_id, at, from_status, to_status, reason, note)
SELECT p.id,
       CASE WHEN s.n = 1 THEN p.created
            WHEN s.step = 'submitted' THEN p.submitted
            ELSE coalesce(p.submitted, p.created) + (s.n::float8 / array_length(s.steps, 1))
                 * (coalesce(p.closed, p.interview_at, p.submitted + interval '1 day', p.created)
                    - coalesce(p.submitted, p.created))
       END,
       coalesce(s.steps[s.n - 1], ''), s.step, '', ''
FROM bench_path p
CROSS JOIN LATERAL (
    SELECT steps, step, n FROM (SELECT {STEPS_OF_PATH} AS steps) a, unnest(a.steps) WITH ORDINALITY AS u(step, n)
) s;
"""

SQL_INTERVIEWS = """
INSERT INTO interviews_interview (id, claim_id, officer_id, starts_at, ends_at, channel, status,
    phone_call_requested, reschedule_count, created_at, updated_at)
SELECT p.id, p.id, o.user_id, p.interview_at, p.interview_at + interval '20 minutes', 'whatsapp_video',
       CASE WHEN p.path IN ('fc_cancelled', 'fc_open') THEN 'failed'
            WHEN p.path = 'scheduled' THEN 'booked' ELSE 'done' END,
       false, 0, p.submitted, p.interview_at
FROM bench_path p JOIN bench_officer o ON o.branch_id = p.branch_id
WHERE p.interview_at IS NOT NULL;
"""

# Three reminders per interview; the first d reach the phone. Failed confirmations had fewer
# reminders delivered (the 2020 lesson); a fifth of interviews are reminded by SMS.
SQL_MESSAGES = """
INSERT INTO notifications_message (id, claim_id, channel, "to", template, body, sensitive, status,
    status_changed_at, backend, provider_message_id, error, failure_reason, attempts, created_at, sent_at)
SELECT i.id * 3 + k, i.claim_id, CASE WHEN bench_u(i.id, 20) < 0.8 THEN 'whatsapp' ELSE 'sms' END,
       '+6281234567890', 'interview_reminder', 'x', false,
       CASE WHEN k < CASE WHEN i.status = 'failed' THEN floor(4 * bench_u(i.id, 21) ^ 1.6)
                          ELSE floor(4 * bench_u(i.id, 21) ^ 0.5) END
            THEN CASE WHEN bench_u(i.id * 3 + k, 22) < 0.5 THEN 'read' ELSE 'delivered' END
            ELSE CASE WHEN bench_u(i.id * 3 + k, 22) < 0.5 THEN 'failed' ELSE 'sent' END END,
       i.starts_at, '', '', '', '', 1, i.starts_at - interval '1 day', i.starts_at - interval '1 day'
FROM interviews_interview i CROSS JOIN generate_series(0, 2) AS k
WHERE i.starts_at - interval '1 day' < %(now)s::timestamptz;
"""
SQL_REMINDERS = """
INSERT INTO interviews_reminder (id, interview_id, offset_minutes, for_starts_at, due_at, status, attempts,
    sent_at, message_id, note, created_at)
SELECT m.id, m.id / 3, (ARRAY[1440, 120, 15])[m.id %% 3 + 1], i.starts_at,
       i.starts_at - (ARRAY[1440, 120, 15])[m.id %% 3 + 1] * interval '1 minute', 'sent', 1, m.created_at, m.id, '',
       i.created_at
FROM notifications_message m JOIN interviews_interview i ON i.id = m.id / 3;
"""
SQL_ATTEMPTS = """
INSERT INTO interviews_interviewattempt (interview_id, at, by_id, outcome, reason, checks, note)
SELECT i.id, i.starts_at, i.officer_id, 'no_answer', '', '[]'::jsonb, ''
FROM interviews_interview i
WHERE i.starts_at < %(now)s::timestamptz
  AND bench_u(i.id, 30) < CASE WHEN i.status = 'failed' THEN 0.6 ELSE 0.1 END;
"""
# Three documents per submitted claim, uploaded before it was sent; some rejected by the checks.
SQL_DOCUMENTS = """
INSERT INTO documents_document (id, claim_id, document_type_id, file, thumbnail, original_name, content_type, size,
    sha256, status, rejection_code, rejection_note, sanitized, details, check_queued_at, check_attempts, checked_at,
    created_at)
SELECT md5(p.id::text || '-' || k)::uuid, p.id, t.id, 'documents/bench/' || p.id || '-' || k, '', '', 'image/jpeg',
       100000, md5(p.id::text || k) || md5(k || p.id::text),
       CASE WHEN bench_u(p.id * 3 + k, 40) < CASE WHEN p.path IN ('upload_failed', 'incomplete') THEN 0.5 ELSE 0.1 END
            THEN 'rejected' ELSE 'accepted' END,
       CASE WHEN bench_u(p.id * 3 + k, 40) < CASE WHEN p.path IN ('upload_failed', 'incomplete') THEN 0.5 ELSE 0.1 END
            THEN (ARRAY['image_blurry', 'image_blurry', 'image_too_dark', 'image_too_small', 'too_large',
                        'pdf_encrypted', 'duplicate', 'officer_cut_off'])[1 + floor(bench_u(p.id * 3 + k, 41) * 8)::int]
            ELSE '' END,
       '', true, '{}'::jsonb, p.submitted, 0, p.submitted, p.submitted - (3 - k) * interval '10 minutes'
FROM bench_path p CROSS JOIN generate_series(0, 2) AS k
JOIN bench_doctype t ON t.slot = k
WHERE p.submitted IS NOT NULL;
"""


def fill(claims: int, branches: int, now: dt.datetime) -> dict:
    """Regions, branches, managers and officers through the ORM; the bulk through SQL."""
    from django.db import connection

    from accounts.models import User
    from claims.models import Branch, ClaimReason, DocumentType, Region
    from core.staff import Role

    regions = [Region.objects.create(code=f"BR{n:02d}", name=f"Wilayah Bench {n:02d}") for n in range(11)]
    zones = []
    for n in range(branches):
        region = n % 11
        zone = Branch.Zone.WIB
        if region == 8:
            zone = Branch.Zone.WITA if n % 2 else Branch.Zone.WIB
        elif region == 9:
            zone = Branch.Zone.WITA
        elif region == 10:
            zone = Branch.Zone.WIT if n % 3 == 0 else Branch.Zone.WITA
        zones.append(zone)
    made = [
        Branch.objects.create(
            code=f"BB{n:03d}", name=f"Cabang Bench {n:03d}", city=f"Kota {n:03d}", region=regions[n % 11], time_zone=z
        )
        for n, z in enumerate(zones)
    ]
    assert [b.pk for b in made] == list(range(made[0].pk, made[0].pk + branches))
    officers = [
        User.objects.create(username=f"bench-petugas-{b.pk}", is_staff=True, role=Role.OFFICER, branch=b) for b in made
    ]
    users = {
        "nation": User.objects.create(username="bench-pusat", is_staff=True, role=Role.NATIONAL),
        "region": User.objects.create(
            username="bench-wilayah", is_staff=True, role=Role.REGIONAL_MANAGER, region=regions[0]
        ),
        "branch": User.objects.create(username="bench-kepala", is_staff=True, role=Role.BRANCH_MANAGER, branch=made[0]),
    }
    # Programmes as in 2019: JHT ≈ 90%, JKK 6%, JKM 3%, JPN 1% (ten slots of 10%: 9 JHT, 1 other).
    jht = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()
    others = [ClaimReason.objects.filter(programme__code=code).first() for code in ("JKK", "JKM", "JPN")]
    doctypes = list(DocumentType.objects.order_by("pk")[:3])
    params = {"claims": claims, "branches": branches, "first_branch": made[0].pk, "now": now}
    with connection.cursor() as cursor:
        cursor.execute(SQL_FUNCTIONS)
        cursor.execute("CREATE UNLOGGED TABLE bench_reason (slot int PRIMARY KEY, id bigint, programme_id bigint)")
        # 100 slots: 90 JHT, 6 JKK, 3 JKM, 1 JPN.
        for slot in range(100):
            reason = jht if slot < 90 else others[0] if slot < 96 else others[1] if slot < 99 else others[2]
            cursor.execute("INSERT INTO bench_reason VALUES (%s, %s, %s)", [slot, reason.pk, reason.programme_id])
        cursor.execute("CREATE UNLOGGED TABLE bench_officer (branch_id bigint PRIMARY KEY, user_id bigint)")
        cursor.executemany("INSERT INTO bench_officer VALUES (%s, %s)", [(o.branch_id, o.pk) for o in officers])
        cursor.execute("CREATE UNLOGGED TABLE bench_doctype (slot int PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO bench_doctype VALUES (%s, %s)", list(enumerate(d.pk for d in doctypes)))
        for title, sql in (
            ("paths", SQL_PATHS),
            ("claims", SQL_CLAIMS),
            ("claim events", SQL_EVENTS),
            ("interviews", SQL_INTERVIEWS),
            ("reminder messages", SQL_MESSAGES),
            ("reminders", SQL_REMINDERS),
            ("no-answer attempts", SQL_ATTEMPTS),
            ("documents", SQL_DOCUMENTS),
        ):
            began = time.monotonic()
            cursor.execute(sql, params)
            say(f"  {title}: {cursor.rowcount:,} rows in {time.monotonic() - began:.1f} s")
        for table in ("claims_claim", "interviews_interview", "notifications_message", "interviews_reminder"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("DROP TABLE bench_path, bench_reason, bench_officer, bench_doctype")
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"  VACUUM ANALYZE in {time.monotonic() - began:.1f} s")
    return users


# --- the reference: plain rows, plain Python ------------------------------------------------

AUTOMATIC = None  # filled from documents.checks.codes (the fixed list of codes, not the figures code)


def _pct(values: list[float], fraction: float):
    if not values:
        return None
    values = sorted(values)
    pos = (len(values) - 1) * fraction
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (pos - low)


# One straight pass over raw rows per figure, on purpose: the reference shares no structure with
# reports/figures, so splitting it into helpers like theirs would defeat it.
def reference(period_start: dt.date, period_end: dt.date, trend_start: dt.date, now: dt.datetime) -> dict:  # noqa: C901
    """Every figure for every branch, computed from raw rows with local dates in Python.

    Per branch and per (branch, week): summing branches gives a region, regions the nation.
    Reads only rows whose UTC time is within a day of the range (then the local date decides).
    """
    from django.db import connection

    from documents.checks.codes import REJECTION_CODES as REJECTIONS

    zones = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, region_id, time_zone FROM claims_branch")
        region_of = {}
        for pk, region, zone in cursor.fetchall():
            zones[pk] = ZoneInfo(zone)
            region_of[pk] = region

    def local_day(moment, branch):
        return moment.astimezone(zones[branch]).date()

    def in_period(day):
        return period_start <= day <= period_end

    def monday(day):
        return day - dt.timedelta(days=day.weekday())

    low = dt.datetime.combine(min(period_start, trend_start), dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1)
    high = dt.datetime.combine(period_end, dt.time.max, tzinfo=dt.UTC) + dt.timedelta(days=1)
    per_branch = defaultdict(lambda: defaultdict(int))
    per_week = defaultdict(lambda: defaultdict(int))  # (branch, monday)
    durations = defaultdict(list)
    reminders = defaultdict(lambda: defaultdict(int))  # (branch, bucket, channel)
    codes = defaultdict(lambda: defaultdict(int))
    funnel = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT branch_id, channel, status, cancel_reason, submitted_at FROM claims_claim "
            "WHERE submitted_at >= %s AND submitted_at <= %s",
            [low, high],
        )
        for branch, channel, status, cancel, submitted in cursor:
            day = local_day(submitted, branch)
            electronic = channel == "electronic"
            ecancel = electronic and status == "cancelled" and cancel in ("upload_failed", "incomplete_documents")
            targets = []
            if in_period(day):
                targets.append(per_branch[branch])
            if trend_start <= day <= period_end + dt.timedelta(days=6):
                targets.append(per_week[(branch, monday(day))])
            for target in targets:
                target["submitted"] += 1
                target["electronic"] += electronic
                target["dropbox"] += not electronic
                target["ecancel"] += ecancel
                target["ecancel_upload_failed"] += ecancel and cancel == "upload_failed"
                target["ecancel_incomplete_documents"] += ecancel and cancel == "incomplete_documents"
        cursor.execute(
            "SELECT branch_id, submitted_at, closed_at FROM claims_claim WHERE status IN ('approved', 'rejected') "
            "AND submitted_at IS NOT NULL AND closed_at >= %s AND closed_at <= %s",
            [low, high],
        )
        for branch, submitted, closed in cursor:
            if in_period(local_day(closed, branch)):
                durations[branch].append((closed - submitted).total_seconds() / 86400.0)
        cursor.execute(
            "SELECT c.branch_id, i.id, i.status, i.starts_at FROM interviews_interview i "
            "JOIN claims_claim c ON c.id = i.claim_id WHERE i.starts_at >= %s AND i.starts_at <= %s",
            [low, high],
        )
        interviews = {}
        for branch, pk, status, starts in cursor:
            if status == "cancelled" or starts > now:
                continue
            interviews[pk] = (branch, status, starts)
        cursor.execute(
            "SELECT interview_id FROM interviews_interviewattempt WHERE outcome = 'no_answer' "
            "AND at >= %s AND at <= %s",
            [low - dt.timedelta(days=30), high + dt.timedelta(days=30)],
        )
        no_answer = {pk for (pk,) in cursor}
        cursor.execute(
            "SELECT r.interview_id, m.channel, m.status, f.status FROM interviews_reminder r "
            "JOIN notifications_message m ON m.id = r.message_id "
            "LEFT JOIN notifications_message f ON f.fallback_for_id = m.id "
            "JOIN interviews_interview i ON i.id = r.interview_id WHERE i.starts_at >= %s AND i.starts_at <= %s",
            [low, high],
        )
        delivered = defaultdict(lambda: [0, False, False])
        for pk, channel, status, fallback in cursor:
            wa = channel == "whatsapp" and status in ("delivered", "read")
            sms = (channel == "sms" and status in ("delivered", "read")) or fallback in ("delivered", "read")
            if wa or sms:
                delivered[pk][0] += 1
            delivered[pk][1] |= wa
            delivered[pk][2] |= sms
        for pk, (branch, status, starts) in interviews.items():
            day = local_day(starts, branch)
            failed = status == "failed"
            missed = status == "no_show" or pk in no_answer
            if trend_start <= day <= period_end + dt.timedelta(days=6):
                week = per_week[(branch, monday(day))]
                week["interviews"] += 1
                week["failed_confirmation"] += failed
            if not in_period(day):
                continue
            row = per_branch[branch]
            row["interviews"] += 1
            row["failed_confirmation"] += failed
            row["no_show"] += missed
            count, wa, sms = delivered.get(pk, (0, False, False))
            channel = "both" if wa and sms else "whatsapp" if wa else "sms" if sms else "none"
            cell = reminders[(branch, min(count, 3), channel)]
            cell["interviews"] += 1
            cell["failed_confirmation"] += failed
            cell["no_show"] += missed
        cursor.execute(
            "SELECT c.branch_id, d.status, d.rejection_code, d.created_at FROM documents_document d "
            "JOIN claims_claim c ON c.id = d.claim_id WHERE d.created_at >= %s AND d.created_at <= %s",
            [low, high],
        )
        for branch, status, code, created in cursor:
            if not in_period(local_day(created, branch)):
                continue
            per_branch[branch]["documents"] += 1
            if status == "rejected" and code in REJECTIONS:
                per_branch[branch]["auto_rejected"] += 1
                codes[branch][code] += 1
        cursor.execute(
            "SELECT c.id, c.branch_id, c.status, c.submitted_at, c.created_at FROM claims_claim c "
            "WHERE c.created_at >= %s AND c.created_at <= %s",
            [low, high],
        )
        started = {}
        for pk, branch, status, submitted, created in cursor:
            if in_period(local_day(created, branch)):
                started[pk] = (branch, status, submitted)
        cursor.execute(
            "SELECT e.claim_id, e.to_status FROM claims_claimevent e JOIN claims_claim c ON c.id = e.claim_id "
            "WHERE c.created_at >= %s AND c.created_at <= %s",
            [low, high],
        )
        reached = defaultdict(set)
        for pk, to_status in cursor:
            if pk in started:
                reached[pk].add(to_status)
    rank = {
        "needs_fix": 2,
        "in_review": 2,
        "interview_scheduled": 3,
        "interview_done": 4,
        "failed_confirmation": 4,
        "approved": 5,
        "rejected": 5,
    }
    steps = ["started", "submitted", "checked", "reviewed", "interviewed", "decided"]
    for pk, (branch, status, submitted) in started.items():
        furthest = max([rank.get(s, 0) for s in reached[pk] | {status}], default=0)
        counts = funnel[branch]
        counts["started"] += 1
        counts["submitted"] += submitted is not None
        for index, step in enumerate(steps[2:5], start=2):
            counts[step] += furthest >= index
        counts["decided"] += status in ("approved", "rejected")
    return {
        "per_branch": per_branch,
        "per_week": per_week,
        "durations": durations,
        "reminders": reminders,
        "codes": codes,
        "funnel": funnel,
        "region_of": region_of,
    }


# A flat list of comparisons, figure by figure, each reporting its own difference: longer, not deeper.
def compare(counts: dict, ref: dict, branches: set[int], level: str) -> list[str]:  # noqa: C901
    """Differences between the dashboard's counts and the reference for these branches ([] = equal)."""
    problems = []
    key_of = (lambda b: ref["region_of"][b]) if level == "region" else (lambda b: b)
    expected_rows = defaultdict(lambda: defaultdict(int))
    expected_durations = defaultdict(list)
    for branch in branches:
        for name, value in ref["per_branch"].get(branch, {}).items():
            expected_rows[key_of(branch)][name] += value
        expected_durations[key_of(branch)].extend(ref["durations"].get(branch, []))
    for key in set(expected_rows) | set(counts["rows"]):
        got = counts["rows"].get(key, {})
        want = expected_rows.get(key, {})
        for name in set(want) | {n for n in got if not n.startswith("ttd_")} - {"decided"}:
            if got.get(name, 0) != want.get(name, 0):
                problems.append(f"row {key} {name}: dashboard {got.get(name, 0)} reference {want.get(name, 0)}")
        values = expected_durations.get(key, [])
        if got.get("decided", 0) != len(values):
            problems.append(f"row {key} decided: dashboard {got.get('decided', 0)} reference {len(values)}")
        for name, fraction in (("ttd_median", 0.5), ("ttd_p90", 0.9)):
            want_value, got_value = _pct(values, fraction), got.get(name)
            if (want_value is None) != (got_value is None) or (
                want_value is not None and abs(want_value - got_value) > 1e-6
            ):
                problems.append(f"row {key} {name}: dashboard {got_value} reference {want_value}")
    every = [d for b in branches for d in ref["durations"].get(b, [])]
    total = counts["total_times"]
    if total[0] != len(every) or (every and abs(total[1] - _pct(every, 0.5)) > 1e-6):
        problems.append(f"total median: dashboard {total} reference {len(every)} {_pct(every, 0.5)}")
    if every and abs(total[2] - _pct(every, 0.9)) > 1e-6:
        problems.append(f"total p90: dashboard {total[2]} reference {_pct(every, 0.9)}")
    weeks = defaultdict(lambda: defaultdict(int))
    for (branch, week), values in ref["per_week"].items():
        if branch in branches:
            for name, value in values.items():
                weeks[week][name] += value
    for week in set(weeks) | set(counts["trend"]):
        for name in ("submitted", "electronic", "ecancel", "interviews", "failed_confirmation"):
            got, want = counts["trend"].get(week, {}).get(name, 0), weeks.get(week, {}).get(name, 0)
            if got != want and week in counts["trend"]:
                problems.append(f"week {week} {name}: dashboard {got} reference {want}")
    cells = defaultdict(lambda: defaultdict(int))
    for (branch, bucket, channel), values in ref["reminders"].items():
        if branch in branches:
            for name, value in values.items():
                cells[(bucket, channel)][name] += value
    for cell in set(cells) | set(counts["reminders"]):
        for name in ("interviews", "failed_confirmation", "no_show"):
            got, want = counts["reminders"].get(cell, {}).get(name, 0), cells.get(cell, {}).get(name, 0)
            if got != want:
                problems.append(f"reminders {cell} {name}: dashboard {got} reference {want}")
    codes = defaultdict(int)
    for branch in branches:
        for code, value in ref["codes"].get(branch, {}).items():
            codes[code] += value
    if dict(codes) != {k: v for k, v in counts["codes"].items() if v}:
        problems.append(f"codes: dashboard {counts['codes']} reference {dict(codes)}")
    funnel = defaultdict(int)
    for branch in branches:
        for step, value in ref["funnel"].get(branch, {}).items():
            funnel[step] += value
    for step, value in funnel.items():
        if counts["funnel"].get(f"funnel_{step}", 0) != value:
            problems.append(f"funnel {step}: dashboard {counts['funnel'].get(f'funnel_{step}')} reference {value}")
    return problems


# --- timing ---------------------------------------------------------------------------------


def time_page(client, query: dict, repeat: int) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once():
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get("/petugas/dasbor/", query)
            elapsed = 1000 * (time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        return elapsed, len(queries), response

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 120
    cold, cold_queries, response = once()
    assert not response.context["figures"].from_cache
    cached = [once() for _ in range(repeat)]
    assert all(r.context["figures"].from_cache for _e, _q, r in cached)
    settings.DASHBOARD_CACHE_SECONDS = 0
    uncached = [once() for _ in range(repeat)]
    settings.DASHBOARD_CACHE_SECONDS = 120
    return {
        "cold": cold,
        "cold_queries": cold_queries,
        "cached": statistics.median(e for e, _q, _r in cached),
        "cached_queries": cached[0][1],
        "uncached": statistics.median(e for e, _q, _r in uncached),
        "uncached_queries": uncached[0][1],
        "bytes": len(response.content),
    }


def explain(user, filters, period, now) -> list[str]:
    """EXPLAIN ANALYZE of every query one uncached page runs: time and the indexes each plan used."""
    import re

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reports.figures import dashboard_counts

    with CaptureQueriesContext(connection) as queries:
        dashboard_counts(user, filters, period, now=now, use_cache=False)
    lines = []
    selects = [query for query in queries.captured_queries if query["sql"].lstrip().startswith("SELECT")]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # as dashboard_counts does
        for number, query in enumerate(selects, start=1):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            scans = r"(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:Backward )?(?:using |on )(\w+)"
            used = sorted(set(re.findall(scans, "\n".join(plan))))
            seq = sorted(set(re.findall(r"Seq Scan on (\w+)", "\n".join(plan))))
            total = next((line for line in plan if "Execution Time" in line), "").strip()
            lines.append(
                f"  query {number}: {total}; indexes {', '.join(used) or '-'}; seq scans {', '.join(seq) or '-'}"
            )
    return lines


def csv_export(client, query: dict) -> str:
    """The national list of every submitted claim of the period, streamed: time, rows and peak Python memory."""
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get("/petugas/dasbor/klaim.csv", {**query, "m": "submitted"})
    rows = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (
        f"  national CSV of submitted claims: {rows - 1:,} rows streamed in {elapsed:.1f} s, "
        f"peak Python memory {peak / 1e6:.1f} MB (tracemalloc; the rows are never all held)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5, help="warm requests per scope and mode (median)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the national page's queries")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    loads = [" ".join(f"{v:.2f}" for v in os.getloadavg())]

    with contextlib.ExitStack() as stack:
        configure_django()
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {BENCH_DATABASE}")
        if not args.keep:

            def drop_database():
                connections.close_all()
                psql(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

            stack.callback(drop_database)
        began = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        say(f"database {BENCH_DATABASE} migrated in {time.monotonic() - began:.1f} s")

        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        began = time.monotonic()
        say(f"filling {args.claims:,} claims over 12 months across {args.branches} branches")
        users = fill(args.claims, args.branches, now)
        fill_seconds = time.monotonic() - began
        say(f"filled in {fill_seconds:.1f} s")

        from claims.models import Branch, Claim
        from reports.figures import Filters, dashboard_counts, month_period

        # The last complete month: what a manager opens most (about 1/12 of the year).
        today = dt.date.today()
        last_month_end = today.replace(day=1) - dt.timedelta(days=1)
        period = month_period(last_month_end.year, last_month_end.month)
        query = {"periode": "bulan", "bulan": f"{period.start:%Y-%m}"}
        mix = Claim.objects.exclude(submitted_at=None)
        electronic = mix.filter(channel="electronic").count()
        ecancelled = mix.filter(
            channel="electronic", status="cancelled", cancel_reason__in=["upload_failed", "incomplete_documents"]
        ).count()
        from interviews.models import Interview

        held = Interview.objects.exclude(status="cancelled").filter(starts_at__lte=now)
        mix_line = (
            f"data: {Claim.objects.count():,} claims, {electronic / mix.count():.1%} electronic, "
            f"{ecancelled / electronic:.1%} of electronic cancelled (upload failed / incomplete), "
            f"{held.filter(status='failed').count() / held.count():.1%} of interviews failed confirmation"
        )
        say(mix_line)

        results, checks = {}, {}
        say(f"reference computation for {period.start} – {period.end} (plain rows, Python)")
        began = time.monotonic()
        ref = reference(period.start, period.end, period.trend().start, now)
        say(f"reference done in {time.monotonic() - began:.1f} s")
        all_branches = set(Branch.objects.values_list("pk", flat=True))
        scopes = {
            "nation": (users["nation"], all_branches, "region"),
            "region": (
                users["region"],
                set(Branch.objects.filter(region=users["region"].region_id).values_list("pk", flat=True)),
                "branch",
            ),
            "branch": (users["branch"], {users["branch"].branch_id}, "branch"),
        }
        for name, (user, branches, level) in scopes.items():
            client = Client()
            client.force_login(user)
            client.get("/petugas/")  # the session and the first connection, not timed
            results[name] = time_page(client, query, args.repeat)
            counts, _cached = dashboard_counts(user, Filters(), period, now=now, use_cache=False)
            checks[name] = compare(counts, ref, branches, level)
            say(f"{name}: {results[name]}; differences from reference: {len(checks[name])}")
        explained = explain(users["nation"], Filters(), period, now) if args.explain else []
        national = Client()
        national.force_login(users["nation"])
        export = csv_export(national, query)
        loads.append(" ".join(f"{v:.2f}" for v in os.getloadavg()))

        lines = ["", "=" * 100, "LapakAsik manager dashboard (bench/dashboard.py)", "=" * 100, mix_line]
        lines.append(
            f"period: {period.start} – {period.end} (last complete month); trend charts "
            f"{period.trend().start} – {period.trend().end}; filled in {fill_seconds:.0f} s"
        )
        lines.append(
            f"{'scope':8} {'cold':>10} {'warm cached':>13} {'warm uncached':>15}"
            "   queries cold/cached/uncached   verdict"
        )
        for name, r in results.items():
            verdict = "met" if r["cached"] < TARGET_MS else "MISSED"
            lines.append(
                f"{name:8} {r['cold']:8.0f} ms {r['cached']:10.0f} ms {r['uncached']:12.0f} ms   "
                f"{r['cold_queries']:>5} / {r['cached_queries']} / {r['uncached_queries']:<16}"
                f"   target < {TARGET_MS:.0f} ms warm: {verdict} (uncached: "
                f"{'under' if r['uncached'] < TARGET_MS else 'over'})"
            )
        lines.append(
            "cached = the counts only (DASHBOARD_CACHE_SECONDS=120, per scope+filters+period); "
            "names, links and the page are made on every request"
        )
        for name, problems in checks.items():
            status = "EQUAL to the reference" if not problems else f"{len(problems)} DIFFERENCES"
            lines.append(f"figures {name}: {status}")
            lines.extend(f"    {p}" for p in problems[:10])
        lines.append(export)
        if explained:
            lines.append("EXPLAIN ANALYZE, national page, uncached:")
            lines.extend(explained)
        lines.append(f"load average before {loads[0]}, after {loads[1]} (2 shared cores: other work skews the times)")
        lines.append(
            f"command: .venv/bin/python bench/dashboard.py --claims {args.claims} --branches {args.branches} "
            f"--repeat {args.repeat}" + (" --explain" if args.explain else "")
        )
        lines.append("=" * 100)
        print("\n".join(lines), flush=True)
        say("cleaning up")
        failed = any(checks.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
