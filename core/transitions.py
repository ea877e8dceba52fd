"""What every transition table shares: the table is a dict status -> the statuses it may move to.

Each entity with a status keeps its own table beside its model and its own ``*_transition()``
service, the only writer of that status; these helpers are the reading of a table they all
do the same way, and the one exception they all raise.
"""

from collections.abc import Callable, Iterable, Mapping

Table = Mapping[str, frozenset[str]]


class TransitionNotAllowed(Exception):
    """A move its entity's table does not have (``what`` names the row: "claim 12", "reminders")."""

    def __init__(self, what: str, from_status: str, to: str):
        super().__init__(f"{what}: {from_status or '(none)'} → {to} is not allowed")
        self.from_status, self.to_status = from_status, to


def sources_of(table: Table, to: str) -> frozenset[str]:
    """The statuses ``to`` may be reached from."""
    return frozenset(status for status, targets in table.items() if to in targets)


def checked_sources(
    table: Table, from_statuses: Iterable[str], to: str, refuse: Callable[[str, str], TransitionNotAllowed]
) -> frozenset[str]:
    """``from_statuses``, once every move from them to ``to`` is in the table; else ``refuse`` is raised."""
    sources = frozenset(from_statuses)
    for status in sorted(sources):
        if to not in table[status]:
            raise refuse(status, to)
    return sources
