"""A claim's checklist (which document counts for each requirement), who may open a document,
and the reads of the dropbox."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from claims.access import session_claim_ids
from claims.models import Branch, Channel, Claim, DocumentRequirement
from claims.selectors import branches_for_staff, claims_for_staff, requirements_for_reason

from .models import Document, DocumentStatus, DropboxBatch, Envelope, EnvelopeStatus, ResumableUpload, ScanPage

# The ClaimEvent reason recorded when a claimant chooses to send paper copies.
DROPBOX_CHOSEN = "dropbox_chosen"


# --- the checklist -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    requirement: DocumentRequirement
    document: Document | None

    @property
    def done(self) -> bool:
        return self.document is not None and self.document.status != DocumentStatus.REJECTED


def current_documents(claim: Claim) -> QuerySet[Document]:
    """The claim's documents that count: every one not "replaced" by a newer file of its type."""
    return claim.documents.exclude(status=DocumentStatus.REPLACED)


def current_documents_of_type(*, claim: Claim, document_type) -> QuerySet[Document]:
    """The current document of one type (one row, or none; the claim's lock keeps it to one)."""
    return current_documents(claim).filter(document_type=document_type)


def claim_current_documents(claim: Claim) -> dict[int, Document]:
    """The current document of each type: the one that counts (the latest, should two ever stand)."""
    current: dict[int, Document] = {}
    for document in current_documents(claim).order_by("created_at"):
        current[document.document_type_id] = document
    return current


def claim_document_versions(claim: Claim) -> dict[int, list[Document]]:
    """Every document of the claim by type, newest first: the current one, then what it replaced."""
    versions: dict[int, list[Document]] = {}
    for document in claim.documents.order_by("-created_at", "-pk"):
        versions.setdefault(document.document_type_id, []).append(document)
    return versions


def claim_checklist(claim: Claim) -> list[ChecklistItem]:
    current = claim_current_documents(claim)
    return [
        ChecklistItem(requirement=requirement, document=current.get(requirement.document_type_id))
        for requirement in requirements_for_reason(claim.reason)
    ]


def claim_missing_requirements(claim: Claim) -> list[DocumentRequirement]:
    return [item.requirement for item in claim_checklist(claim) if item.requirement.required and not item.done]


# Documents shown beside the claimant's face photo: whose identity the call checks.
FACE_DOCUMENT_TYPE = "face_with_ektp"
IDENTITY_DOCUMENT_TYPES = ("ektp", "kpj_card")


def claim_identity_documents(claim: Claim) -> tuple[Document | None, list[Document]]:
    """(the face-with-e-KTP photo, the identity documents) — the current document of each type,
    for the officer to compare with the face on the video call."""
    by_code = {document.document_type.code: document for document in claim_current_documents(claim).values()}
    return by_code.get(FACE_DOCUMENT_TYPE), [by_code[code] for code in IDENTITY_DOCUMENT_TYPES if code in by_code]


# --- who may open a document ------------------------------------------------------------


def document_visible_to_staff(document: Document, user) -> bool:
    """Staff see only their own branch; regional managers their region; national staff everything."""
    return claims_for_staff(user).filter(pk=document.claim_id).exists()


def document_visible_to_claimant(document: Document, session) -> bool:
    return document.claim_id in session_claim_ids(session)


# --- the dropbox ------------------------------------------------------------------------


def dropbox_branches_for_staff(user) -> QuerySet[Branch]:
    """The branches whose dropbox a member of staff may open: the same scope as claims_for_staff."""
    return branches_for_staff(user)


def dropbox_batches_for_staff(user) -> QuerySet[DropboxBatch]:
    return DropboxBatch.objects.filter(branch__in=dropbox_branches_for_staff(user)).select_related(
        "branch", "opened_by"
    )


def dropbox_open_batch(branch: Branch | None) -> DropboxBatch | None:
    return DropboxBatch.objects.filter(branch=branch, closed_at__isnull=True).first() if branch else None


def envelopes_for_staff(user) -> QuerySet[Envelope]:
    """Envelopes of the branches in the user's scope; any other is simply not found (404)."""
    return Envelope.objects.filter(batch__branch__in=dropbox_branches_for_staff(user)).select_related(
        "batch__branch", "claim__programme", "claim__reason", "created_by", "resolved_by"
    )


def envelopes_unmatched_for_staff(user) -> QuerySet[Envelope]:
    return (
        envelopes_for_staff(user)
        .filter(status=EnvelopeStatus.UNMATCHED)
        .annotate(page_count=Count("pages"))
        .order_by("created_at")
    )


def batch_envelopes(batch: DropboxBatch) -> QuerySet[Envelope]:
    return batch.envelopes.select_related("claim").prefetch_related("pages").order_by("number")


@dataclass(frozen=True)
class EnvelopeChecklistItem:
    requirement: DocumentRequirement
    inside: bool  # ticked by the officer as found in the envelope
    document: Document | None  # the claim's current document of this type


def envelope_checklist(envelope: Envelope) -> list[EnvelopeChecklistItem]:
    """The claim's checklist, with what the officer found in the envelope ticked."""
    claim = envelope.claim
    if claim is None:
        return []
    inside = set(envelope.contents.values_list("pk", flat=True))
    return [
        EnvelopeChecklistItem(
            requirement=item.requirement, inside=item.requirement.document_type_id in inside, document=item.document
        )
        for item in claim_checklist(claim)
    ]


def envelope_pages(envelope: Envelope) -> QuerySet[ScanPage]:
    return envelope.pages.select_related("document__document_type").order_by("page_number")


def envelope_pending_pages(envelope: Envelope) -> QuerySet[ScanPage]:
    return envelope_pages(envelope).filter(document__isnull=True, ignored=False, assigned_at__isnull=True)


def envelope_documents(envelope: Envelope) -> list[Document]:
    """The documents made from this envelope's pages, in page order."""
    seen: dict[object, Document] = {}
    for page in envelope_pages(envelope).filter(document__isnull=False):
        if page.document is not None:  # always, by the filter; mypy cannot see it
            seen.setdefault(page.document_id, page.document)
    return list(seen.values())


def claim_uses_dropbox(claim) -> bool:
    """A dropbox claim, or a claim whose claimant chose to send the rest on paper."""
    return claim.channel == Channel.DROPBOX or claim.events.filter(reason=DROPBOX_CHOSEN).exists()


def dropbox_cover_items(claim):
    """What still has to go in the envelope: every document of the checklist not yet done."""
    return [item for item in claim_checklist(claim) if not item.done]


def open_resumable_uploads() -> QuerySet[ResumableUpload]:
    """Uploads still being sent: not finished and not expired (an expired one waits for the
    sweep and can take no more pieces). A terminated one has no row any more."""
    return ResumableUpload.objects.filter(completed_at__isnull=True, expires_at__gt=timezone.now())


def claim_stored_bytes(claim_id: int) -> int:
    """What the claim holds in storage, for DOCUMENT_CLAIM_MAX_BYTES: every document still
    on it (current and replaced history) plus each open upload's announced length."""
    documents = Document.objects.filter(claim_id=claim_id).aggregate(total=Sum("size"))["total"] or 0
    uploads = open_resumable_uploads().filter(claim_id=claim_id).aggregate(total=Sum("length"))["total"] or 0
    return documents + uploads


def resumable_upload_of_session(session, upload_id) -> ResumableUpload | None:
    """An unfinished or finished upload of a claim this browser holds; any other is not found."""
    return ResumableUpload.objects.filter(pk=upload_id, claim_id__in=session_claim_ids(session)).first()
