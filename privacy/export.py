"""Everything held about one claimant, for a subject-access request (UU PDP No. 27/2022, art. 7).

A member of staff exports, from a claim in their scope, every claim of the same person
(same NIK) that they may see: the claim fields, its history, the messages sent and the
replies received from the claim's numbers, the interviews, who opened what, and the
stored files themselves (documents and dropbox scans), as one ZIP. Each export is
recorded on every claim it covers (ClaimDataAccess "export") before the file is built,
like a NIK reveal.

The ZIP is written to a spooled temporary file (memory up to 8 MB, then disk) and
handed back open at position 0: a claimant with large scans never sits in memory.
"""

import json
import logging
import mimetypes
import tempfile
import zipfile

from django.db.models.fields.files import FieldFile
from django.utils import timezone

from claims.models import Claim, ClaimDataAccess
from claims.selectors import claims_for_staff

logger = logging.getLogger(__name__)

SPOOL_BYTES = 8 * 1024 * 1024


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _path(claim: Claim, name: str, content_type: str) -> str:
    return f"{claim.reference}/{name}{mimetypes.guess_extension(content_type) or ''}"


def _claim_record(claim: Claim, files: list[tuple[str, FieldFile]]) -> dict:
    """The claim as JSON; each stored file it names is appended to ``files`` (path in the ZIP, file)."""
    from documents.models import Document, DocumentAccess, Envelope, ScanPage
    from interviews.models import Interview
    from notifications.models import Message

    def stored(field: FieldFile, path: str) -> str | None:
        if not field:
            return None
        files.append((path, field))
        return path

    documents = Document.objects.filter(claim=claim).select_related("document_type").order_by("created_at", "pk")
    scans = ScanPage.objects.filter(claim=claim).order_by("envelope", "page_number")
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
                "file_in_this_zip": stored(d.file, _path(claim, f"{n:02d}-{d.document_type.code}", d.content_type)),
            }
            for n, d in enumerate(documents, start=1)
        ],
        "dropbox_envelopes": [
            {"envelope": e.pk, "opened_at": _iso(e.created_at), "note": e.note}
            for e in Envelope.objects.filter(claim=claim).order_by("created_at", "pk")
        ],
        "dropbox_scans": [
            {
                "envelope": s.envelope_id,
                "page": s.page_number,
                "ignored": s.ignored,
                "scanned_at": _iso(s.created_at),
                "file_in_this_zip": stored(
                    s.file, _path(claim, f"scans/{s.envelope_id}-{s.page_number:02d}", s.content_type)
                ),
            }
            for s in scans
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
                "confirmed_at": _iso(i.claimant_confirmed_at),
                "attempts": [
                    {
                        "at": _iso(a.at),
                        "outcome": a.outcome,
                        "reason": a.reason,
                        "identity_checks": a.checks,
                        "note": a.note,
                    }
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


def _replies(claims: list[Claim]) -> list[dict]:
    """What the person wrote back: replies are kept by the number they came from, not by claim."""
    from notifications.models import InboundMessage

    phones = {p for c in claims for p in (c.phone, c.heir_phone) if p}
    return [
        {"at": _iso(r.received_at), "channel": r.channel, "from": r.from_number, "text": r.text}
        for r in InboundMessage.objects.filter(from_number__in=phones).order_by("received_at", "pk")
    ]


def claimant_data_export(*, claim: Claim, by, ip: str, user_agent: str):
    """The ZIP of everything held about the person behind ``claim`` that ``by`` may see."""
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
    files: list[tuple[str, FieldFile]] = []
    data = {
        "exported_at": timezone.now().isoformat(),
        "exported_by": by.get_username(),
        "claims": [_claim_record(c, files) for c in claims],
        "replies": _replies(claims),
    }
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for path, field in files:
            with field.open("rb") as source, archive.open(path, "w") as out:
                for chunk in iter(lambda source=source: source.read(1024 * 1024), b""):
                    out.write(chunk)
    spooled.seek(0)
    return spooled
