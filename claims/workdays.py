"""Working days (DOMAIN.md): Monday to Friday, minus Indonesia's public holidays and cuti
bersama, minus the branch's own closures.

The national days come from the ``holidays`` package (Indonesia, categories "public" and
"government": the government category is cuti bersama, the collective leave the
government decrees around the big holidays). A branch's closures, and any national day
off decreed after the package was released, are NonWorkingDay rows, edited in admin.

Service targets, the queue's age, the expected decision date, interview slots and expiry
all count days here, with ``WorkingDays``: build one per branch (``for_branch``, one
query) or for many branches at once (``for_branches``, one query), then ask it.
Days are the branch's local dates; the caller turns instants into them.
"""

import datetime as dt
from collections.abc import Iterable
from functools import cache

import holidays

from .models import Branch, NonWorkingDay

ONE_DAY = dt.timedelta(days=1)


@cache
def _national(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Indonesia(years=year, categories=("public", "government")))


class WorkingDays:
    """The working days of one branch (or of every branch, with only the national days off)."""

    def __init__(self, closed: Iterable[dt.date] = ()):
        self._closed = frozenset(closed)

    @classmethod
    def for_branch(cls, branch: Branch | int | None) -> "WorkingDays":
        branch_id = branch.pk if isinstance(branch, Branch) else branch
        return cls(_days_off([branch_id]).get(branch_id, ()))

    @staticmethod
    def for_branches(branch_ids: Iterable[int]) -> dict[int, "WorkingDays"]:
        """One calendar per branch, all read in one query."""
        ids = set(branch_ids)
        days_off = _days_off(ids)
        return {branch_id: WorkingDays(days_off.get(branch_id, ())) for branch_id in ids}

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _national(day.year) and day not in self._closed

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``: Friday to Monday is 1, a day to itself 0."""
        count, day = 0, start + ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself for 0)."""
        day = start
        while days > 0:
            day += ONE_DAY
            days -= self.is_working_day(day)
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


def _days_off(branch_ids: Iterable[int | None]) -> dict[int | None, set[dt.date]]:
    """Each branch's own closures plus the national days added by hand (branch empty)."""
    ids = {pk for pk in branch_ids if pk is not None}
    rows = NonWorkingDay.objects.filter(branch__isnull=True) | NonWorkingDay.objects.filter(branch_id__in=ids)
    national: set[dt.date] = set()
    own: dict[int | None, set[dt.date]] = {pk: set() for pk in ids}
    for day, branch_id in rows.values_list("date", "branch_id"):
        if branch_id is None:
            national.add(day)
        else:
            own[branch_id].add(day)
    result = {pk: days | national for pk, days in own.items()}
    result[None] = national
    return result
