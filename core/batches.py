"""Walking many rows a batch at a time, for the beat sweeps."""

from collections.abc import Iterator

from django.db.models import QuerySet


def id_batches(rows: QuerySet, *, size: int) -> Iterator[list]:
    """The rows' primary keys in order, ``size`` a query. Keyset pagination (``pk > last``), not
    offsets: a row the sweep judged not due stays behind it, and rows it changed do not shift
    the next page."""
    last = None
    while True:
        page = rows.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page.values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]
