"""Periods and weeks, in each branch's own time zone.

A week runs Monday 00:00 to Sunday 24:00 local time of the branch the claim belongs to:
a claim submitted 23:30 WIT on a Sunday counts in that week, and one submitted 00:30 WIT
on Monday in the next, although it is still Sunday 22:30 in Jakarta. Indonesia has no daylight saving time, so
a local day is a fixed UTC range per zone; the period filter is one UTC range per zone
(index-friendly) OR-ed together, never a function of the column.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Case, DateField, Q, When
from django.db.models.functions import Cast, Trunc

from claims.models import Branch

ZONES = tuple(Branch.Zone.values)
# The trend charts show this many weeks up to the period's last week (more when the period is longer).
TREND_WEEKS = 12
MAX_PERIOD_DAYS = 400


class PeriodKind:
    WEEK = "minggu"
    MONTH = "bulan"
    CUSTOM = "rentang"


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    """Local dates, both ends included."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def weeks(self) -> list[dt.date]:
        """Mondays of the weeks the period touches."""
        first, last = monday(self.start), monday(self.end)
        return [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]

    def trend(self) -> "Period":
        """The weeks the trend charts show: TREND_WEEKS up to the period's last week, or the whole period."""
        last = monday(self.end)
        first = min(monday(self.start), last - dt.timedelta(weeks=TREND_WEEKS - 1))
        return Period(kind="trend", start=first, end=last + dt.timedelta(days=6))

    def key(self) -> str:
        return f"{self.kind}:{self.start.isoformat()}:{self.end.isoformat()}"


def week_period(day: dt.date) -> Period:
    start = monday(day)
    return Period(kind=PeriodKind.WEEK, start=start, end=start + dt.timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return Period(kind=PeriodKind.MONTH, start=start, end=following - dt.timedelta(days=1))


def custom_period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        start, end = end, start
    end = min(end, start + dt.timedelta(days=MAX_PERIOD_DAYS - 1))
    return Period(kind=PeriodKind.CUSTOM, start=start, end=end)


def local_range(day_from: dt.date, day_to: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, instant after the last day) of local days in ``zone``."""
    tz = ZoneInfo(zone)
    return (
        dt.datetime.combine(day_from, dt.time.min, tzinfo=tz),
        dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def in_period(anchor: str, period: Period, *, to_claim: str = "") -> Q:
    """``anchor`` (a datetime field) falls on a local day of the period, in the branch's own zone."""
    condition = Q()
    lows, highs = [], []
    for zone in ZONES:
        low, high = local_range(period.start, period.end, zone)
        lows.append(low)
        highs.append(high)
        condition |= Q(**{f"{to_claim}branch__time_zone": zone, f"{anchor}__gte": low, f"{anchor}__lt": high})
    # The union of the zones' ranges first: one index range scan, the exact zone test after it
    # (without it PostgreSQL scans the index once per zone over almost the same rows).
    return Q(**{f"{anchor}__gte": min(lows), f"{anchor}__lt": max(highs)}) & condition


def local_week(anchor: str, *, to_claim: str = ""):
    """The Monday (local date) of the week ``anchor`` falls in, in the branch's zone."""
    return Case(
        *[
            When(
                **{f"{to_claim}branch__time_zone": zone},
                then=Cast(Trunc(anchor, "week", output_field=DateField(), tzinfo=ZoneInfo(zone)), DateField()),
            )
            for zone in ZONES
        ],
        output_field=DateField(),
    )


def as_date(value) -> dt.date:
    """Backends hand a truncated date back as a date, a datetime or a string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value
