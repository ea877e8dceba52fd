"""The only writers of Document.status and Envelope.status, each checked against its table.

Both are conditional UPDATEs over the table's source statuses (``filter(pk=…,
status__in=sources)``), not ``select_for_update`` then save: that is what keeps the two
races of documents safe without a lock held across them.

- ``document_check`` may run twice for one document (a redelivered task, the stuck
  sweep); each run writes its verdict only from "checking", so the first to finish
  counts and the other is refused and throws its copies away.
- An officer's verdict is written only from a verdict (never from "checking"), under
  the claim's lock, so a document the claimant has just replaced, or one still being
  checked, is refused rather than overwritten.

The caller narrows the sources with ``only_from`` for its own race; the table always
has the last word. A row created in its initial status ("checking", "matched",
"unmatched") is not a transition and is made where it is made.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from claims.models import Claim
from claims.services import claim_record_event
from core.transitions import Table, TransitionNotAllowed, sources_of

from ..models import (
    ALLOWED_DOCUMENT_TRANSITIONS,
    ALLOWED_ENVELOPE_TRANSITIONS,
    Document,
    DocumentStatus,
    Envelope,
    EnvelopeStatus,
)

logger = logging.getLogger(__name__)


class DocumentTransitionNotAllowed(TransitionNotAllowed):
    """The document is not in a status the move may start from (per the table, and the caller)."""

    def __init__(self, document_id: object, from_status: str | None, to: str):
        super().__init__(f"document {document_id}", from_status or "", to)


class EnvelopeTransitionNotAllowed(TransitionNotAllowed):
    """The envelope is not in a status the move may start from."""

    def __init__(self, envelope_id: object, from_status: str | None, to: str):
        super().__init__(f"envelope {envelope_id}", from_status or "", to)


def _sources(table: Table, to: str, only_from: Iterable[str] | None) -> set[str]:
    """The statuses ``to`` may be reached from, narrowed to ``only_from`` when given."""
    sources = set(sources_of(table, to))
    if only_from is not None:
        sources &= set(only_from)
    return sources


def document_transition(
    *,
    document: Document,
    to: DocumentStatus,
    only_from: Iterable[DocumentStatus] | None = None,
    changes: Mapping[str, Any] | None = None,
    claim: Claim | None = None,
    event: str = "",
    note: str = "",
    by=None,
) -> Document:
    """Move ``document`` to ``to`` with ``changes``, if the table (and ``only_from``) allow it.

    One conditional UPDATE ``WHERE status IN (sources)``, and ``claim_id = claim`` when a
    claim is given (the caller holds that claim's lock): when no row matches, nothing is
    written and ``DocumentTransitionNotAllowed`` says from what. ``event`` writes a
    ClaimEvent on ``claim`` (``document.claim`` by default) in the same transaction.
    The caller queues its own side effects on commit (files to delete, the claim's
    next step), after this returns.
    """
    sources = _sources(ALLOWED_DOCUMENT_TRANSITIONS, to, only_from)
    fields = {**(changes or {}), "status": to}
    with transaction.atomic():
        rows = Document.objects.filter(pk=document.pk, status__in=sources)
        if claim is not None:
            rows = rows.filter(claim_id=claim.pk)
        if not sources or not rows.update(**fields):
            current = Document.objects.filter(pk=document.pk).values_list("status", flat=True).first()
            raise DocumentTransitionNotAllowed(document.pk, current, to)
        from_status = document.status
        for name, value in fields.items():
            setattr(document, name, value)
        if event:
            claim_record_event(claim=claim or document.claim, reason=event, note=note, by=by)
    logger.debug("document %s: %s → %s", document.pk, from_status, to)
    return document


def envelope_transition(
    *,
    envelope: Envelope,
    to: EnvelopeStatus,
    changes: Mapping[str, Any] | None = None,
) -> Envelope:
    """Move ``envelope`` to ``to`` with ``changes``, if the table allows it from its status now.

    A conditional UPDATE ``WHERE status IN (sources)``; the dropbox services call it
    holding the envelope's row lock, after telling the officer in their own words that
    an envelope is already settled, so a refusal here means a caller skipped that.
    Envelopes have no history of their own: the claim's history records them
    (``dropbox_envelope`` events, written by the caller).
    """
    sources = _sources(ALLOWED_ENVELOPE_TRANSITIONS, to, None)
    fields = {**(changes or {}), "status": to}
    with transaction.atomic():
        if not sources or not Envelope.objects.filter(pk=envelope.pk, status__in=sources).update(**fields):
            current = Envelope.objects.filter(pk=envelope.pk).values_list("status", flat=True).first()
            raise EnvelopeTransitionNotAllowed(envelope.pk, current, to)
        from_status = envelope.status
        for name, value in fields.items():
            setattr(envelope, name, value)
    logger.debug("envelope %s: %s → %s", envelope.pk, from_status, to)
    return envelope
