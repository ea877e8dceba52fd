"""Everything held about one claimant, for a subject-access request (UU PDP No. 27/2022, art. 7).

A member of staff exports, from a claim in their scope, every claim of the same person
(same NIK) that they may see: the claim fields, its history, the messages sent, the
interviews, who opened what, and the stored files themselves, as one ZIP. Each export
is recorded on every claim it covers (ClaimDataAccess "export") before the file is
built, like a NIK reveal.

The ZIP is written to a spooled temporary file (memory up to 8 MB, then disk) and
handed back open at position 0: a claimant with large scans never sits in memory.
"""

import json
import logging
import mimetypes
import tempfile
import zipfile

from django.utils import timezone

from ..models import Claim, ClaimDataAccess
from ..selectors import claims_for_staff

logger = logging.getLogger(__name__)

SPOOL_BYTES = 8 * 1024 * 1024


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _claim_record(claim: Claim) -> dict:
    from documents.models import Document, DocumentAccess
    from interviews.models import Interview
    from notifications.models import Message

    documents = list(Document.objects.filter(claim=claim).select_related("document_type").order_by("created_at"))
    return {
        "reference": claim.reference,
        "programme": claim.programme.name,
        "reason": claim.reason.name,
        "channel": claim.channel,
        "status": claim.status,
        "cancel_reason": claim.cancel_reason,
        "branch": claim.branch.name,
        "nik": claim.nik,
        "kpj_number": claim.kpj_number,
        "full_name": claim.full_name,
        "date_of_birth": _iso(claim.date_of_birth),
        "phone": claim.phone,
        "email": claim.email,
        "language": claim.language,
        "heir": {
            "name": claim.heir_name,
            "nik": claim.heir_nik,
            "relation": claim.heir_relation,
            "phone": claim.heir_phone,
        },
        "created_at": _iso(claim.created_at),
        "submitted_at": _iso(claim.submitted_at),
        "closed_at": _iso(claim.closed_at),
        "anonymised_at": _iso(claim.anonymised_at),
        "history": [
            {"at": _iso(e.at), "from": e.from_status, "to": e.to_status, "reason": e.reason, "note": e.note}
            for e in claim.events.order_by("at", "pk")
        ],
        "documents": [
            {
                "type": d.document_type.code,
                "status": d.status,
                "rejection_code": d.rejection_code,
                "rejection_note": d.rejection_note,
                "original_name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "uploaded_at": _iso(d.created_at),
                "checked_at": _iso(d.checked_at),
                "file_in_this_zip": _document_path(claim, n, d) if d.file else None,
            }
            for n, d in enumerate(documents, start=1)
        ],
        "messages": [
            {
                "at": _iso(m.created_at),
                "channel": m.channel,
                "to": m.to,
                "template": m.template,
                "status": m.status,
                "body": m.body,
            }
            for m in Message.objects.filter(claim=claim).order_by("created_at", "pk")
        ],
        "interviews": [
            {
                "starts_at": _iso(i.starts_at),
                "channel": i.channel,
                "status": i.status,
                "attempts": [
                    {"at": _iso(a.at), "outcome": a.outcome, "reason": a.reason, "note": a.note}
                    for a in i.attempts.all()
                ],
            }
            for i in Interview.objects.filter(claim=claim).prefetch_related("attempts").order_by("starts_at")
        ],
        "staff_access": [
            {"at": _iso(a.at), "user": a.user.get_username(), "what": f"document {a.what}"}
            for a in DocumentAccess.objects.filter(document__claim=claim).select_related("user").order_by("at")
        ]
        + [
            {"at": _iso(a.at), "user": a.user.get_username(), "what": a.what}
            for a in claim.data_accesses.select_related("user").order_by("at")
        ],
    }


def _document_path(claim: Claim, number: int, document) -> str:
    extension = mimetypes.guess_extension(document.content_type) or ""
    return f"{claim.reference}/{number:02d}-{document.document_type.code}{extension}"


def claimant_data_export(*, claim: Claim, by, ip: str, user_agent: str):
    """The ZIP of everything held about the person behind ``claim`` that ``by`` may see."""
    from documents.models import Document

    claims = list(
        claims_for_staff(by)
        .filter(nik=claim.nik, anonymised_at__isnull=True)
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
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        records = [_claim_record(c) for c in claims]
        archive.writestr(
            "data.json",
            json.dumps(
                {
                    "exported_at": timezone.now().isoformat(),
                    "exported_by": by.get_username(),
                    "claims": records,
                },
                ensure_ascii=False,
                indent=2,
            ),
        )
        for c in claims:
            documents = Document.objects.filter(claim=c).select_related("document_type").order_by("created_at")
            for number, document in enumerate(documents, start=1):
                if not document.file:
                    continue
                with document.file.open("rb") as source, archive.open(_document_path(c, number, document), "w") as out:
                    for chunk in iter(lambda source=source: source.read(1024 * 1024), b""):
                        out.write(chunk)
    spooled.seek(0)
    return spooled
