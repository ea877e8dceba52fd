"""The rows behind a number: the same base and condition the count used, as a list and as CSV.

Lists show and export no name, NIK or phone: the claim number links to the claim page,
which checks the reader's scope again.
"""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from claims.models import Claim

from .compute import measure_rows, with_reminders
from .definitions import DOCUMENTS, INTERVIEWS, MEASURES
from .periods import Period
from .scope import Filters


def _claim_columns(to_claim: str = "") -> tuple:
    """The claim's own columns every list starts with; the first is always the claim number."""
    return (
        (_("Nomor klaim"), f"{to_claim}reference"),
        (_("Kantor cabang"), f"{to_claim}branch__name"),
        (_("Program"), f"{to_claim}programme__code"),
        (_("Jalur"), f"{to_claim}channel"),
    )


# (header, field) per kind of row.
CLAIM_COLUMNS = (
    *_claim_columns(),
    (_("Status"), "status"),
    (_("Alasan pembatalan"), "cancel_reason"),
    (_("Dibuat"), "created_at"),
    (_("Dikirim"), "submitted_at"),
    (_("Ditutup"), "closed_at"),
)
INTERVIEW_COLUMNS = (
    *_claim_columns(INTERVIEWS.to_claim),
    (_("Jadwal video call"), "starts_at"),
    (_("Status video call"), "status"),
    (_("Pengingat sampai"), "delivered"),
    (_("Saluran pengingat"), "reminder_channel"),
)
DOCUMENT_COLUMNS = (
    *_claim_columns(DOCUMENTS.to_claim),
    (_("Dokumen"), "document_type__code"),
    (_("Diunggah"), "created_at"),
    (_("Status dokumen"), "status"),
    (_("Kode penolakan"), "rejection_code"),
)


def is_measure(name: str) -> bool:
    return name in MEASURES


def drilldown(
    name: str,
    user,
    filters: Filters,
    period: Period,
    *,
    now: dt.datetime,
    reminder_bucket: int | None = None,
    reminder_channel: str = "",
) -> tuple[tuple, QuerySet]:
    """(columns, values_list queryset) of the rows measure ``name`` counts, in date order."""
    measure = MEASURES[name]
    rows = measure_rows(name, user, filters, period, now)
    if measure.base is INTERVIEWS:
        rows = with_reminders(rows)
        if reminder_bucket is not None:
            rows = rows.filter(reminder_bucket=reminder_bucket)
        if reminder_channel:
            rows = rows.filter(reminder_channel=reminder_channel)
        columns = INTERVIEW_COLUMNS
    elif measure.base.model is Claim:
        columns = CLAIM_COLUMNS
    else:
        columns = DOCUMENT_COLUMNS
    anchor = measure.base.anchor
    return columns, rows.order_by(anchor, "pk").values_list(*(path for _header, path in columns))
