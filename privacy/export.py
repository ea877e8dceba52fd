"""Everything held about one claimant, for a subject-access request (UU PDP No. 27/2022, art. 7).

A member of staff exports, from a claim in their scope, every claim of the same person
(same NIK) that they may see: the claim fields, its history, the messages sent and the
replies received from the claim's numbers, the interviews, who opened what, and the
stored files themselves (documents and dropbox scans), as one ZIP. Each export is
recorded on every claim it covers (ClaimDataAccess "export") before the file is built,
like a NIK reveal.

The ZIP is written to a spooled temporary file (memory up to 8 MB, then disk) and
handed back open at position 0: a claimant with large scans never sits in memory.

What each row says is its app's own declaration (its personal_data.py, see
core/personal_data.py); this module only walks them.
"""

import json
import logging
import mimetypes
import shutil
import tempfile
import zipfile

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from claims.models import Claim, ClaimDataAccess
from claims.selectors import claims_for_staff, claims_with_nik
from core.personal_data import PersonalData

from . import declarations

logger = logging.getLogger(__name__)

SPOOL_BYTES = 8 * 1024 * 1024


def _claim_record(claim: Claim, files: list[tuple[str, FieldFile]]) -> dict:
    """The claim as JSON, each app's rows in its own section; each stored file a row names
    is appended to ``files`` (path in the ZIP, file)."""

    def attach(stored: FieldFile, name: str, content_type: str) -> str | None:
        if not stored:
            return None
        path = f"{claim.reference}/{name}{mimetypes.guess_extension(content_type) or ''}"
        files.append((path, stored))
        return path

    record: dict = {}
    for declaration in declarations.of_claims():
        if declaration.section is None or declaration.export is None:
            continue
        rows = _ordered(declaration, declarations.rows_of_claim(declaration, claim))
        exported = [declaration.export(row, n, attach) for n, row in enumerate(rows, start=1)]
        if declaration.section == "":
            record.update(exported[0])
        else:
            record.setdefault(declaration.section, []).extend(exported)
    return record


def _kept_by_phone(claims: list[Claim]) -> dict[str, list[dict]]:
    """What is kept by the person's numbers rather than by claim (what they wrote back)."""
    phones = {phone for claim in claims for phone in declarations.claim_phones(claim)}
    sections: dict[str, list[dict]] = {}
    for declaration in declarations.of_phones():
        if declaration.section is None or declaration.export is None:
            continue
        rows = _ordered(declaration, declarations.rows_of_phones(declaration, phones))
        sections.setdefault(declaration.section, []).extend(
            declaration.export(row, n, _no_files) for n, row in enumerate(rows, start=1)
        )
    return sections


def _ordered(declaration: PersonalData, rows: QuerySet) -> QuerySet:
    rows = rows.order_by(*declaration.order_by)
    if declaration.related:
        rows = rows.select_related(*declaration.related)
    if declaration.prefetch:
        rows = rows.prefetch_related(*declaration.prefetch)
    return rows


def _no_files(stored: FieldFile, name: str, content_type: str) -> None:
    return None


def claimant_data_export(*, claim: Claim, by, ip: str, user_agent: str):
    """The ZIP of everything held about the person behind ``claim`` that ``by`` may see."""
    claims = list(
        claims_for_staff(by)
        .filter(pk__in=claims_with_nik(claim.nik).values("pk"), anonymised_at__isnull=True)
        .select_related("programme", "reason", "branch")
        .order_by("created_at")
    ) or [claim]
    ClaimDataAccess.objects.bulk_create(
        [
            ClaimDataAccess(
                claim=c,
                user=by,
                what=ClaimDataAccess.What.EXPORT,
                ip_address=ip or None,
                user_agent=(user_agent or "")[:200],
            )
            for c in claims
        ]
    )
    logger.info("claims %s: personal data exported by user %s", [c.pk for c in claims], by.pk)
    files: list[tuple[str, FieldFile]] = []
    data = {
        "exported_at": timezone.now().isoformat(),
        "exported_by": by.get_username(),
        "claims": [_claim_record(c, files) for c in claims],
        **_kept_by_phone(claims),
    }
    # Handed back open (the caller's FileResponse closes it), so no context manager here.
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for path, field in files:
            with field.open("rb") as source, archive.open(path, "w") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
    spooled.seek(0)
    return spooled
