"""dashboard_figures(): every number of the manager dashboard for one scope, filters and period.

The counts come from a dozen grouped queries (compute.py) and are kept in the cache for
DASHBOARD_CACHE_SECONDS under the scope, filters and period: a manager paging
through the table or printing it does not count everything again. Only counts are
cached; names, labels and links are made fresh on every request.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise

from claims.models import Branch, Region
from core.staff import scope_key

from . import compute
from .definitions import (
    AUTOMATIC_REJECTIONS,
    CANCELLED,
    ELECTRONIC_CANCEL_REASONS,
    EXPIRY_STAGE_LABELS,
    EXPIRY_STAGES,
    FUNNEL_STEPS,
    INTERVIEWS,
    OUTLIER_MIN_CASES,
    OUTLIER_POINTS,
    REMINDER_BUCKETS,
    STARTED,
    SUBMITTED,
)
from .periods import Period
from .scope import Filters, rows_by

SUBMITTED_MEASURES = ["submitted", "electronic", "dropbox", "ecancel"] + [
    f"ecancel_{reason}" for reason in ELECTRONIC_CANCEL_REASONS
]
INTERVIEW_MEASURES = ["interviews", "failed_confirmation", "no_show"]
EXPIRED_MEASURES = [f"expired_{stage}" for stage, _status, _reasons in EXPIRY_STAGES]
TREND_SUBMITTED = ["submitted", "electronic", "ecancel"]
TREND_INTERVIEWS = ["interviews", "failed_confirmation"]
# (rate, numerator, denominator): the rates of the per-branch table, each sortable.
TABLE_RATES = (
    ("ecancel", "ecancel", "electronic"),
    ("failed_confirmation", "failed_confirmation", "interviews"),
    ("no_show", "no_show", "interviews"),
    ("electronic_share", "electronic", "submitted"),
    ("reupload", "auto_rejected", "documents"),
)
# Every row's and the total's ratios: the table's, and the parts shown on the cards.
RATIOS = (
    *TABLE_RATES,
    *((f"ecancel_{reason}", f"ecancel_{reason}", "electronic") for reason in ELECTRONIC_CANCEL_REASONS),
    ("dropbox_share", "dropbox", "submitted"),
)
# The weekly trend charts (counted per week: TREND_SUBMITTED and TREND_INTERVIEWS).
TREND_RATES = ("ecancel", "failed_confirmation", "electronic_share")
# Rates where a high value is bad: those are compared with the region for the outlier flag.
FLAGGED_RATES = ("ecancel", "failed_confirmation", "no_show", "reupload")
REMINDER_CHANNELS = ("whatsapp", "sms", "both", "none")


def rate(numerator: int, denominator: int) -> float | None:
    """Percent, or None when nothing was counted (no division by zero, and no false 0%)."""
    return None if not denominator else 100.0 * numerator / denominator


# --- the counts (cached) ----------------------------------------------------------------


def _cache_key(user, filters: Filters, period: Period) -> str:
    # "now" (interviews already due) is left out: the counts are at most DASHBOARD_CACHE_SECONDS old anyway.
    raw = f"{scope_key(user)}|{filters.key()}|{period.key()}"
    return "dashboard:v2:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def dashboard_counts(user, filters: Filters, period: Period, *, now: dt.datetime | None = None, use_cache=True):
    """Every count and percentile behind the page, as plain data. Returns (counts, came_from_cache)."""
    now = now or timezone.now()
    key = _cache_key(user, filters, period)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if use_cache and seconds > 0:
        found = cache.get(key)
        if found is not None:
            return found, True
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling these plans to machine code (JIT) cost more than it saved: one earlier run of
            # bench/dashboard.py on a million claims took 11.7 s with JIT and 5.9 s without for the
            # national page, uncached. The bench runs with JIT off and does not compare the two again.
            cursor.execute("SET LOCAL jit = off")
        counts = _count_everything(user, filters, period, now)
    if use_cache and seconds > 0:
        cache.set(key, counts, seconds)
    return counts, False


def _count_everything(user, filters: Filters, period: Period, now: dt.datetime) -> dict:
    level = rows_by(user, filters)
    trend = period.trend()
    rows: dict = {}

    def merge(found: dict) -> None:
        for group, counts in found.items():
            rows.setdefault(group, {}).update(counts)

    merge(compute.count_by(SUBMITTED, SUBMITTED_MEASURES, user, filters, period, now, level=level))
    merge(compute.count_by(INTERVIEWS, INTERVIEW_MEASURES, user, filters, period, now, level=level))
    merge(compute.count_by(CANCELLED, EXPIRED_MEASURES, user, filters, period, now, level=level))
    documents, codes = compute.documents_by_code(user, filters, period, now, level=level)
    merge(documents)
    for group, (decided, median, p90) in compute.decision_times(user, filters, period, now, level=level).items():
        rows.setdefault(group, {}).update(decided=decided, ttd_median=median, ttd_p90=p90)
    total_times = compute.decision_times(user, filters, period, now, level=None).get(None, (0, None, None))
    weeks: dict = {}
    for found in (
        compute.count_by(SUBMITTED, TREND_SUBMITTED, user, filters, trend, now, weekly=True),
        compute.count_by(INTERVIEWS, TREND_INTERVIEWS, user, filters, trend, now, weekly=True),
    ):
        for week, counts in found.items():
            weeks.setdefault(week, {}).update(counts)
    return {
        "level": level,
        "rows": rows,
        "total_times": total_times,
        "trend": weeks,
        "reminders": compute.reminder_effect(user, filters, period, now),
        "codes": codes,
        "funnel": compute.count_by(STARTED, [f"funnel_{key}" for key, *_ in FUNNEL_STEPS], user, filters, period, now)[
            None
        ],
    }


# --- what the page shows ----------------------------------------------------------------


@dataclass
class Ratio:
    numerator: int
    denominator: int
    numerator_url: str = ""
    denominator_url: str = ""

    @property
    def rate(self) -> float | None:
        return rate(self.numerator, self.denominator)


@dataclass
class Row:
    key: int | None
    label: str
    counts: dict
    ratios: dict[str, Ratio]
    decided: int = 0
    ttd_median: float | None = None
    ttd_p90: float | None = None
    decided_url: str = ""
    flags: set = field(default_factory=set)

    def sort_value(self, name: str):
        if name == "ttd_median":
            return self.ttd_median
        if name == "label":
            return self.label
        return self.ratios[name].rate


@dataclass
class Point:
    week: dt.date
    ratio: Ratio
    in_period: bool


@dataclass
class Dashboard:
    period: Period
    trend_period: Period
    filters: Filters
    level: str
    rows: list[Row]
    total: Row
    trend: dict[str, list[Point]]
    reminders_by_count: list[tuple[int, dict[str, Ratio]]]
    reminders_by_channel: list[tuple[str, dict[str, Ratio]]]
    reupload: list[tuple[str, Ratio]]
    # The step's label is lazy text, translated when the page renders.
    funnel: list[tuple[str, str | Promise, Ratio]]
    # Claims expired by stage: (stage, label, count, link to the list).
    expired: list[tuple[str, str | Promise, int, str]]
    from_cache: bool
    cache_seconds: int


Link = Callable[..., str]


def _no_link(measure: str, **params) -> str:
    return ""


def _ratio(counts: dict, numerator: str, denominator: str, link: Link, **params) -> Ratio:
    """Two counted measures, each linked to its drill-down list."""
    return Ratio(
        counts.get(numerator, 0),
        counts.get(denominator, 0),
        link(numerator, **params),
        link(denominator, **params),
    )


def _ratios(counts: dict, link: Link, **params) -> dict[str, Ratio]:
    return {name: _ratio(counts, numerator, denominator, link, **params) for name, numerator, denominator in RATIOS}


def _flag(rows: list[Row], parent_of: Callable[[Row], Row | None]) -> None:
    for row in rows:
        parent = parent_of(row)
        if parent is None:
            continue
        for name in FLAGGED_RATES:
            mine, theirs = row.ratios[name], parent.ratios[name]
            if (
                mine.rate is not None
                and theirs.rate is not None
                and mine.denominator >= OUTLIER_MIN_CASES
                and mine.rate - theirs.rate >= OUTLIER_POINTS
            ):
                row.flags.add(name)


def _sum(rows: list[dict]) -> dict:
    total: dict = {}
    for counts in rows:
        for name, value in counts.items():
            if isinstance(value, int) and not name.startswith("ttd_"):
                total[name] = total.get(name, 0) + value
    return total


def dashboard_figures(
    user,
    filters: Filters,
    period: Period,
    *,
    link: Link = _no_link,
    sort: str = "label",
    descending: bool = False,
    now: dt.datetime | None = None,
    use_cache: bool = True,
) -> Dashboard:
    counts, from_cache = dashboard_counts(user, filters, period, now=now, use_cache=use_cache)
    level = counts["level"]
    row_param = "wilayah" if level == "region" else "cabang"
    if level == "region":
        names = dict(Region.objects.filter(pk__in=[k for k in counts["rows"] if k]).values_list("pk", "name"))
        parents: dict = {}
    else:
        branches = Branch.objects.filter(pk__in=[k for k in counts["rows"] if k]).values_list("pk", "name", "region_id")
        names = {pk: name for pk, name, _region in branches}
        parents = {pk: region for pk, _name, region in branches}

    rows = []
    for key, row_counts in counts["rows"].items():
        rows.append(
            Row(
                key=key,
                label=names.get(key, "—"),
                counts=row_counts,
                ratios=_ratios(row_counts, link, **{row_param: key}),
                decided=row_counts.get("decided", 0),
                ttd_median=row_counts.get("ttd_median"),
                ttd_p90=row_counts.get("ttd_p90"),
                decided_url=link("decided", **{row_param: key}),
            )
        )
    total_counts = _sum(list(counts["rows"].values()))
    decided, median, p90 = counts["total_times"]
    total = Row(
        key=None,
        label="",
        counts=total_counts,
        ratios=_ratios(total_counts, link),
        decided=decided,
        ttd_median=median,
        ttd_p90=p90,
        decided_url=link("decided"),
    )
    # Outliers: a region row against the nation; a branch row against its region, which is the
    # total when the table holds one region (more than one region of branches: counted per region).
    if level == "region":
        _flag(rows, lambda row: total)
    else:
        regions = {}
        for region in set(parents.values()):
            mine = [row.counts for row in rows if parents.get(row.key) == region]
            regions[region] = Row(key=region, label="", counts={}, ratios=_ratios(_sum(mine), _no_link))
        if len(rows) > 1:
            _flag(rows, lambda row: regions.get(parents.get(row.key)))

    # Sorted by the chosen column; rows with nothing to show for it stay at the bottom either way.
    present = sorted(
        (row for row in rows if row.sort_value(sort) is not None),
        key=lambda row: row.sort_value(sort),
        reverse=descending,
    )
    rows = present + sorted((row for row in rows if row.sort_value(sort) is None), key=lambda row: row.label)

    trend_period = period.trend()
    in_period = set(period.weeks())
    fractions = {name: (numerator, denominator) for name, numerator, denominator in TABLE_RATES}
    trend: dict[str, list[Point]] = {
        name: [
            Point(
                week=week,
                ratio=_ratio(counts["trend"].get(week, {}), *fractions[name], link, minggu=week.isoformat()),
                in_period=week in in_period,
            )
            for week in trend_period.weeks()
        ]
        for name in TREND_RATES
    }

    by_count = []
    for bucket in REMINDER_BUCKETS:
        summed = _sum([value for (b, _c), value in counts["reminders"].items() if b == bucket])
        by_count.append((bucket, _reminder_ratios(summed, link, pengingat=bucket)))
    by_channel = []
    for channel in REMINDER_CHANNELS:
        summed = _sum([value for (_b, c), value in counts["reminders"].items() if c == channel])
        by_channel.append((channel, _reminder_ratios(summed, link, saluran=channel)))

    documents = total_counts.get("documents", 0)
    reupload = sorted(
        (
            (code, Ratio(counts["codes"].get(code, 0), documents, link(f"auto_rejected_{code}"), link("documents")))
            for code in AUTOMATIC_REJECTIONS
            if counts["codes"].get(code)
        ),
        key=lambda item: -item[1].numerator,
    )
    started = counts["funnel"].get("funnel_started", 0)
    funnel: list[tuple[str, str | Promise, Ratio]] = [
        (key, label, Ratio(counts["funnel"].get(f"funnel_{key}", 0), started, link(f"funnel_{key}"), ""))
        for key, label, _condition in FUNNEL_STEPS
    ]
    expired: list[tuple[str, str | Promise, int, str]] = [
        (stage, EXPIRY_STAGE_LABELS[stage], total_counts.get(f"expired_{stage}", 0), link(f"expired_{stage}"))
        for stage, _status, _reasons in EXPIRY_STAGES
    ]
    return Dashboard(
        period=period,
        trend_period=trend_period,
        filters=filters,
        level=level,
        rows=rows,
        total=total,
        trend=trend,
        reminders_by_count=by_count,
        reminders_by_channel=by_channel,
        reupload=reupload,
        funnel=funnel,
        expired=expired,
        from_cache=from_cache,
        cache_seconds=settings.DASHBOARD_CACHE_SECONDS,
    )


def _reminder_ratios(counts: dict, link: Link, **params) -> dict[str, Ratio]:
    return {name: _ratio(counts, name, "interviews", link, **params) for name in INTERVIEW_MEASURES}
