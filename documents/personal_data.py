"""What documents/ holds about a person (core/personal_data.py; walked by privacy/).

Face photos, family cards and bank books are specific personal data: at retention the
files go (after the sweep's transaction commits) and the rows stay, emptied of the file,
its name and its hash: the access log still points at them, and the managers' figures
(rejection codes, re-upload rates, check times) still count them.
"""

from core.personal_data import PersonalData, declare, iso

from .models import Document, DocumentAccess, Envelope, ResumableUpload, ScanPage
from .services.resumable import resumable_terminate


def _document(document: Document, index: int, attach) -> dict:
    code = document.document_type.code
    return {
        "type": code,
        "status": document.status,
        "rejection_code": document.rejection_code,
        "rejection_note": document.rejection_note,
        "original_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_at": iso(document.created_at),
        "checked_at": iso(document.checked_at),
        "file_in_this_zip": attach(document.file, f"{index:02d}-{code}", document.content_type),
    }


def _envelope(envelope: Envelope, index: int, attach) -> dict:
    return {"envelope": envelope.pk, "opened_at": iso(envelope.created_at), "note": envelope.note}


def _scan(page: ScanPage, index: int, attach) -> dict:
    return {
        "envelope": page.envelope_id,
        "page": page.page_number,
        "ignored": page.ignored,
        "scanned_at": iso(page.created_at),
        "file_in_this_zip": attach(page.file, f"scans/{page.envelope_id}-{page.page_number:02d}", page.content_type),
    }


def _access(access: DocumentAccess, index: int, attach) -> dict:
    return {"at": iso(access.at), "user": access.user.get_username(), "what": f"document {access.what}"}


def _terminate_uploads(uploads) -> None:
    # An unfinished upload's pieces (a part file, or an S3 multipart upload) go with its row.
    for upload_id in uploads.values_list("pk", flat=True):
        resumable_terminate(upload_id=upload_id)


declare(
    PersonalData(
        model=Document,
        claim="claim",
        section="documents",
        export=_document,
        order_by=("created_at", "pk"),
        related=("document_type",),
        files=("file", "thumbnail"),
        erase={
            "file": "",
            "thumbnail": "",
            "original_name": "",
            "sha256": "",
            "details": {},
            "rejection_note": "",
            "sanitized": False,
        },
    ),
    PersonalData(
        model=Envelope,
        claim="claim",
        section="dropbox_envelopes",
        export=_envelope,
        order_by=("created_at", "pk"),
        erase={"note": ""},
    ),
    PersonalData(
        model=ScanPage,
        claim="claim",
        section="dropbox_scans",
        export=_scan,
        order_by=("envelope", "page_number"),
        files=("file",),
        erase={"file": "", "source_name": ""},
    ),
    PersonalData(model=ResumableUpload, claim="claim", purge=_terminate_uploads),
    # Who opened which document stays accountable: exported, never erased.
    PersonalData(
        model=DocumentAccess,
        claim="document__claim",
        section="staff_access",
        export=_access,
        order_by=("at", "pk"),
        related=("user",),
    ),
)
