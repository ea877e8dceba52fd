"""The counting: a few grouped queries, each counting several measures at once in SQL.

Nothing here loads rows into Python except the SQLite fallback for percentiles (the
development database has no percentile_cont) and the small grouped results.
"""

import datetime as dt
import math

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models import Value as V
from django.db.models.functions import Coalesce

from interviews.models import Reminder
from notifications.models import Message, MessageChannel

from .definitions import DECIDED, DELIVERED, DOCUMENTS, INTERVIEWS, MEASURES, Base, reminder_delivered
from .periods import Period, as_date, in_period, local_week
from .scope import Filters, group_path, scoped

SECONDS_PER_DAY = 86400.0


class EpochSeconds(Func):
    """Seconds in an interval (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont: the value at ``fraction`` with linear interpolation."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The same as PostgreSQL's percentile_cont, for SQLite and for reference computations."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _rows(base: Base, user, filters: Filters, period: Period, now: dt.datetime):
    rows = scoped(base, user, filters).filter(in_period(base.anchor, period, to_claim=base.to_claim))
    if base.due_only:
        rows = rows.filter(**{f"{base.anchor}__lte": now})
    return rows


def measure_rows(name: str, user, filters: Filters, period: Period, now: dt.datetime):
    """The rows a measure counts: what its drill-down lists."""
    measure = MEASURES[name]
    return _rows(measure.base, user, filters, period, now).filter(measure.condition)


def count_by(
    base: Base,
    names: list[str],
    user,
    filters: Filters,
    period: Period,
    now: dt.datetime,
    *,
    level: str | None = None,
    weekly: bool = False,
) -> dict:
    """{group key: {measure: count}} in one query. The key is a branch or region id, a week's
    Monday, or None for the whole scope."""
    assert all(MEASURES[name].base is base for name in names)
    rows = _rows(base, user, filters, period, now)
    counts = {
        name: Count("pk", filter=MEASURES[name].condition) if MEASURES[name].condition else Count("pk")
        for name in names
    }
    if weekly:
        rows = rows.annotate(group=local_week(base.anchor, to_claim=base.to_claim))
    elif level:
        rows = rows.annotate(group=F(group_path(base, level)))
    else:
        return {None: rows.aggregate(**counts)}
    return {
        as_date(row.pop("group")) if weekly else row.pop("group"): row
        for row in rows.values("group").annotate(**counts).order_by()
    }


def documents_by_code(user, filters: Filters, period: Period, now: dt.datetime, *, level: str) -> tuple[dict, dict]:
    """({row: {documents, auto_rejected}}, {rejection code: automatically rejected}) in one pass."""
    rows = (
        _rows(DOCUMENTS, user, filters, period, now)
        .annotate(group=F(group_path(DOCUMENTS, level)))
        .values("group", "rejection_code")
        .annotate(documents=Count("pk"), auto_rejected=Count("pk", filter=MEASURES["auto_rejected"].condition))
        .order_by()
    )
    per_row: dict = {}
    codes: dict = {}
    for row in rows:
        counts = per_row.setdefault(row["group"], {"documents": 0, "auto_rejected": 0})
        counts["documents"] += row["documents"]
        counts["auto_rejected"] += row["auto_rejected"]
        if row["auto_rejected"]:
            codes[row["rejection_code"]] = codes.get(row["rejection_code"], 0) + row["auto_rejected"]
    return per_row, codes


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / SECONDS_PER_DAY


def decision_times(user, filters: Filters, period: Period, now: dt.datetime, *, level: str | None) -> dict:
    """{group key: (decided, median days, 90th percentile days)}."""
    rows = _rows(DECIDED, user, filters, period, now)
    if connection.vendor == "postgresql":
        seconds = EpochSeconds(F("closed_at") - F("submitted_at"))
        aggregates = {"n": Count("pk"), "median": PercentileCont(seconds, 0.5), "p90": PercentileCont(seconds, 0.9)}
        if level:
            found = rows.values(group=F(group_path(DECIDED, level))).annotate(**aggregates).order_by()
        else:
            found = [{"group": None, **rows.aggregate(**aggregates)}]
        return {
            row["group"]: (
                row["n"],
                _days(row["median"]),
                _days(row["p90"]),
            )
            for row in found
        }
    # SQLite (make run): the durations come to Python, a development database is small.
    durations: dict = {}
    path = group_path(DECIDED, level) if level else None
    for group, submitted, closed in rows.values_list(path or "pk", "submitted_at", "closed_at").iterator():
        durations.setdefault(group if level else None, []).append((closed - submitted).total_seconds())
    return {
        group: (
            len(values),
            _days(percentile_cont(values, 0.5)),
            _days(percentile_cont(values, 0.9)),
        )
        for group, values in durations.items()
    }


def with_reminders(interviews):
    """Interviews annotated with reminders delivered (0–3, 3 meaning 3 or more) and by which channel."""

    def delivered(channel=None):
        return Reminder.objects.filter(interview_id=OuterRef("pk")).filter(reminder_delivered(channel=channel))

    count = delivered().values("interview_id").annotate(n=Count("pk")).values("n")
    return interviews.annotate(
        delivered=Coalesce(Subquery(count, output_field=IntegerField()), V(0)),
        by_whatsapp=Exists(delivered(MessageChannel.WHATSAPP)),
        by_sms=Exists(delivered(MessageChannel.SMS)),
    ).annotate(
        reminder_bucket=Case(When(delivered__gte=3, then=V(3)), default=F("delivered"), output_field=IntegerField()),
        reminder_channel=Case(
            When(Q(by_whatsapp=True) & Q(by_sms=True), then=V("both")),
            When(by_whatsapp=True, then=V(MessageChannel.WHATSAPP.value)),
            When(by_sms=True, then=V(MessageChannel.SMS.value)),
            default=V("none"),
            output_field=CharField(),
        ),
    )


# One pass from the interviews of the period to their reminders and messages, grouped twice:
# per interview (how many reminders arrived, by which channel), then per bucket and channel.
# Written as SQL around the ORM's own query of the interviews (a FROM-subquery the ORM cannot
# express); portable to SQLite. Its twin for one interview is with_reminders() (the drill-down).
_REMINDER_SQL = """
SELECT bucket, channel, COUNT(*), SUM(failed), SUM(missed) FROM (
    SELECT CASE WHEN delivered >= 3 THEN 3 ELSE delivered END AS bucket,
           CASE WHEN by_whatsapp = 1 AND by_sms = 1 THEN 'both' WHEN by_whatsapp = 1 THEN 'whatsapp'
                WHEN by_sms = 1 THEN 'sms' ELSE 'none' END AS channel,
           failed, missed
    FROM (
        SELECT i.id, i.failed, i.missed,
               COUNT(CASE WHEN {wa} OR {sms} THEN 1 END) AS delivered,
               MAX(CASE WHEN {wa} THEN 1 ELSE 0 END) AS by_whatsapp,
               MAX(CASE WHEN {sms} THEN 1 ELSE 0 END) AS by_sms
        FROM ({interviews}) i
        LEFT JOIN {reminder} r ON r.interview_id = i.id
        LEFT JOIN {message} m ON m.id = r.message_id
        LEFT JOIN {message} f ON f.fallback_for_id = m.id
        GROUP BY i.id, i.failed, i.missed
    ) per_interview
) per_bucket
GROUP BY bucket, channel
"""


def reminder_effect(user, filters: Filters, period: Period, now: dt.datetime) -> dict:
    """{(reminders delivered 0–3, channel): {interviews, failed_confirmation, no_show}}."""
    interviews = (
        _rows(INTERVIEWS, user, filters, period, now)
        .annotate(
            failed=Case(When(MEASURES["failed_confirmation"].condition, then=V(1)), default=V(0)),
            missed=Case(When(MEASURES["no_show"].condition, then=V(1)), default=V(0)),
        )
        .values("id", "failed", "missed")
        .order_by()
    )
    inner, params = interviews.query.sql_with_params()
    # Constants of the code (never input), quoted as SQL literals.
    delivered = "(" + ", ".join(f"'{status}'" for status in DELIVERED) + ")"
    sql = _REMINDER_SQL.format(
        interviews=inner,
        reminder=connection.ops.quote_name(Reminder._meta.db_table),
        message=connection.ops.quote_name(Message._meta.db_table),
        wa=f"(m.channel = '{MessageChannel.WHATSAPP}' AND m.status IN {delivered})",
        sms=f"((m.channel = '{MessageChannel.SMS}' AND m.status IN {delivered}) OR f.status IN {delivered})",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (bucket, channel): {"interviews": held, "failed_confirmation": int(failed), "no_show": int(missed)}
            for bucket, channel, held, failed, missed in cursor.fetchall()
        }
