"""Declarations of personal data (UU PDP No. 27/2022): what each model holds about a person.

Every app that stores something about a claimant says so in one place, its
``personal_data.py``: one ``PersonalData`` per model, registered with ``declare()``. The
privacy app walks the declarations for the two things the law asks of us, and knows no
app's tables itself:

- the subject-access export: every row of the person's claims, as the declaring app
  writes it (``export``), with its stored files (``files``);
- retention: once a claim has been closed long enough, its stored files are deleted and
  each declared field is overwritten (``erase``), or the rows deleted (``delete``).

Rows reach a claim through ``claim`` (a lookup path to the Claim, "" for the Claim
itself). Rows kept by phone number instead (replies, a number's health) name their
phone field in ``phone``: they go with the person once no live claim uses the number,
the claim's numbers being the fields the Claim declares in ``phones``.

This module decides nothing and imports no app.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.db.models.fields.files import FieldFile

# attach(stored file, name in the claim's folder, content type) -> its path in the export, or None
Attach = Callable[[FieldFile, str, str], str | None]
# export(row, its 1-based position among the claim's rows, attach) -> what the person is shown
Export = Callable[[Any, int, Attach], dict]


@dataclass(frozen=True)
class PersonalData:
    model: type[Model]
    # Lookup from the model to its Claim: "" for the Claim itself, None for rows kept by phone.
    claim: str | None = None
    # Rows kept by phone number: the field holding it.
    phone: str = ""
    # The Claim's own phone fields (declared once, on the Claim).
    phones: tuple[str, ...] = ()
    # Where the rows go in the export: a key of the claim's record ("" merges the row into
    # the record itself; "replies"-like sections of phone-kept rows sit beside the claims).
    # None: not exported on its own (another declaration's export shows it, or nothing does).
    section: str | None = None
    export: Export | None = None
    order_by: tuple[str, ...] = ("pk",)
    related: tuple[str, ...] = ()  # select_related for the export
    prefetch: tuple[str, ...] = ()  # prefetch_related for the export
    # Stored files: deleted at retention, and what ``export`` may attach.
    files: tuple[str, ...] = ()
    # At retention: field -> the value (or expression) it is overwritten with ...
    erase: Mapping[str, Any] = field(default_factory=dict)
    # ... or the rows are deleted.
    delete: bool = False
    # At retention, for what a plain update cannot do (an unfinished upload's stored pieces):
    # called with the claim's rows inside the sweep's transaction.
    purge: Callable[[Any], None] | None = None


_declarations: list[PersonalData] = []


def declare(*declarations: PersonalData) -> None:
    """Called at import time by each app's personal_data.py (privacy autodiscovers them)."""
    for declaration in declarations:
        if declaration not in _declarations:
            _declarations.append(declaration)


def declarations() -> list[PersonalData]:
    return list(_declarations)


def iso(value) -> str | None:
    """A date or time for the export (JSON), or None."""
    return value.isoformat() if value is not None else None
