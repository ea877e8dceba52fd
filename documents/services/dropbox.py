"""The dropbox channel: paper copies left in a box at the branch, opened and scanned by an officer.

The claimant side: ``claim_switch_to_dropbox`` turns a claim the claimant cannot finish on
the phone into a dropbox claim and sends them the cover sheet (a draft is submitted with
documents missing: the paper comes later, and the claim waits in "submitted").

The officer side, in the order it happens at the branch:

1. ``dropbox_batch_open``: take the envelopes out of the box (one open batch per branch).
2. ``envelope_open``: one envelope, matched by the reference written on it (typed or read
   from the cover sheet's QR code). A reference unknown to this branch, or of a claim the
   officer may not see, leaves the envelope "unmatched"; the officer is told the same
   thing in both cases, so nothing about other branches' claims leaks.
   ``envelope_claim_create``: no reference at all, so the claim is made from the papers.
3. ``envelope_contents_set``: tick which documents are inside.
4. ``envelope_scans_add``: the scans (one multi-page PDF, or several images), stored as
   one ``ScanPage`` per page.
5. ``envelope_pages_assign``: the officer says which pages make which document. Each
   group becomes one document through ``document_upload``, so the same background checks
   run as for a phone upload, and every page keeps its link to its claim and document.
   The claimant gets "we received your documents" once per envelope.
6. Unmatched envelopes are settled later: ``envelope_match`` (the right reference),
   ``envelope_claim_create`` (a new claim), or ``envelope_set_aside`` (returned or
   disposed of, with a note).
"""

import io
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import magic
import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from claims.access import normalize_reference
from claims.models import Branch, Channel, Claim, ClaimReason, DocumentType, Status
from claims.selectors import claim_missing_requirements, claims_for_staff, requirements_for_reason
from claims.services import ClaimantData, claim_create, claim_documents_changed, claim_record_event, claim_transition
from notifications.services import message_send

from ..models import (
    Document,
    DropboxBatch,
    Envelope,
    EnvelopeResolution,
    EnvelopeStatus,
    ScanPage,
)
from ..selectors import DROPBOX_CHOSEN, dropbox_branches_for_staff, dropbox_cover_items
from .uploads import clean_original_name, document_upload

logger = logging.getLogger(__name__)

# ClaimEvent reasons written here (DROPBOX_CHOSEN lives with the selectors that read it).
ENVELOPE_OPENED = "dropbox_envelope"
# What the officer picks for a page that is not a document (the cover sheet, a blank page).
IGNORE_PAGE = "-"
# Far more than any envelope holds; a bound so one upload cannot fill the disk.
MAX_PAGES_PER_ENVELOPE = 80
SCAN_IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}


# --- the claimant ---------------------------------------------------------------------


def claim_switch_to_dropbox(*, claim: Claim, by=None) -> Claim:
    """The claimant will send paper copies through the branch dropbox instead of uploading.

    A draft becomes a dropbox claim and is submitted as it is: documents already uploaded
    stay, the rest come on paper (so, unlike ``claim_submit``, nothing missing blocks it).
    It then waits in "submitted" until its envelope is opened (unless nothing is missing:
    then it moves on at once, as any submitted claim does). A claim already sent in
    (say, waiting for a fix) keeps its channel; the choice is recorded on its history.
    Either way the cover sheet goes out once; choosing again changes nothing.
    """
    with transaction.atomic():
        locked = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("programme", "reason", "branch")
            .get(pk=claim.pk)
        )
        if not locked.accepts_uploads:
            raise ValidationError(_("Klaim ini tidak bisa diubah lagi."), code="closed")
        if locked.status == Status.DRAFT:
            locked = _dropbox_submit(locked, by=by)
            if not claim_missing_requirements(locked):
                # Nothing left to send on paper: the claim goes on as an electronic one would.
                locked = claim_documents_changed(claim=locked)
        elif locked.channel == Channel.DROPBOX or locked.events.filter(reason=DROPBOX_CHOSEN).exists():
            return locked
        else:
            claim_record_event(claim=locked, reason=DROPBOX_CHOSEN, by=by)
        _send_cover_sheet(locked)
    logger.info("claim %s: dropbox chosen", locked.pk)
    return locked


def _dropbox_submit(claim: Claim, *, by=None) -> Claim:
    """draft → submitted on the dropbox channel, documents missing or not. Caller holds the row lock."""
    Claim.objects.filter(pk=claim.pk).update(channel=Channel.DROPBOX)
    claim.channel = Channel.DROPBOX
    return claim_transition(claim=claim, to=Status.SUBMITTED, by=by, reason=DROPBOX_CHOSEN)


def _send_cover_sheet(claim: Claim) -> None:
    with translation.override(claim.language):
        if_any = _("jika ada")
        lines = [
            f"- {item.requirement.document_type.localized('name')}"
            + ("" if item.requirement.required else f" ({if_any})")
            for item in dropbox_cover_items(claim)
        ]
    message_send(
        to=claim.contact_phone,
        template="dropbox_cover_sheet",
        context={
            "reference": claim.reference,
            "lines": lines,
            "branch": claim.branch.name,
            "address": claim.branch.address or claim.branch.city,
            "link_path": reverse("claims:dropbox_cover", args=[claim.reference]),
        },
        claim=claim,
        language=claim.language,
    )


# --- batches ----------------------------------------------------------------------------


def dropbox_batch_open(*, branch: Branch, by) -> DropboxBatch:
    """Open the branch's dropbox; an open batch already there is the one to carry on with."""
    if not dropbox_branches_for_staff(by).filter(pk=branch.pk).exists():
        raise ValidationError(_("Anda tidak bisa membuka dropbox kantor cabang ini."), code="scope")
    existing = DropboxBatch.objects.filter(branch=branch, closed_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            batch = DropboxBatch.objects.create(branch=branch, opened_by=by)
    except IntegrityError:
        # Another officer opened it at the same moment: one batch for both.
        return DropboxBatch.objects.get(branch=branch, closed_at__isnull=True)
    logger.info("dropbox batch %s opened at branch %s", batch.pk, branch.pk)
    return batch


def dropbox_batch_close(*, batch: DropboxBatch, by) -> DropboxBatch:
    """No more envelopes in this batch; its envelopes can still be scanned and settled."""
    DropboxBatch.objects.filter(pk=batch.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    batch.refresh_from_db()
    return batch


# --- envelopes --------------------------------------------------------------------------


def _check_scope(batch: DropboxBatch, by) -> None:
    """Views look batches and envelopes up in the user's scope already; this is the second fence."""
    if not dropbox_branches_for_staff(by).filter(pk=batch.branch_id).exists():
        raise ValidationError(_("Anda tidak bisa membuka dropbox kantor cabang ini."), code="scope")


def _claim_for_reference(*, reference: str, batch: DropboxBatch, by) -> Claim | None:
    """The claim with this reference that this officer may see at this branch, else None.

    Unknown and out of scope are the same None: the caller must not tell them apart.
    """
    reference = normalize_reference(reference)
    if not reference:
        return None
    return claims_for_staff(by).filter(branch_id=batch.branch_id, reference=reference).first()


def _next_number(batch: DropboxBatch) -> int:
    DropboxBatch.objects.select_for_update().get(pk=batch.pk)
    return (batch.envelopes.aggregate(n=Max("number"))["n"] or 0) + 1


def _envelope_arrived(*, claim: Claim, envelope: Envelope, by) -> Claim:
    """The claim's paper is here: a draft is now a submitted dropbox claim. Caller is in a transaction."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == Status.DRAFT:
        claim = _dropbox_submit(claim, by=by)
    claim_record_event(
        claim=claim,
        reason=ENVELOPE_OPENED,
        note=f"batch {envelope.batch_id}, envelope {envelope.number}",
        by=by,
    )
    return claim


def envelope_open(*, batch: DropboxBatch, typed_reference: str, by, note: str = "") -> Envelope:
    """Take one envelope out of the box, matched by the reference written on it (or unmatched)."""
    _check_scope(batch, by)
    if not batch.is_open:
        raise ValidationError(_("Pembukaan dropbox ini sudah ditutup. Buka pembukaan baru."), code="closed")
    typed = normalize_reference(typed_reference) or " ".join((typed_reference or "").split())[:20]
    if not typed and not note.strip():
        raise ValidationError(
            _("Tulis nomor klaim dari amplop, atau tulis catatan jika amplop tidak bernomor."), code="empty"
        )
    claim = _claim_for_reference(reference=typed, batch=batch, by=by)
    with transaction.atomic():
        envelope = Envelope.objects.create(
            batch=batch,
            number=_next_number(batch),
            claim=claim,
            typed_reference=typed,
            status=EnvelopeStatus.MATCHED if claim else EnvelopeStatus.UNMATCHED,
            note=note.strip()[:300],
            created_by=by,
        )
        if claim is not None:
            envelope.claim = _envelope_arrived(claim=claim, envelope=envelope, by=by)
    logger.info("envelope %s opened (%s)", envelope.pk, envelope.status)
    return envelope


def envelope_match(*, envelope: Envelope, typed_reference: str, by) -> Envelope:
    """Settle an unmatched envelope with the right reference."""
    _check_scope(envelope.batch, by)
    claim = _claim_for_reference(reference=typed_reference, batch=envelope.batch, by=by)
    if claim is None:
        raise ValidationError(_("Nomor klaim ini tidak ditemukan di kantor cabang ini."), code="not_found")
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if locked.status != EnvelopeStatus.UNMATCHED:
            raise ValidationError(_("Amplop ini sudah diselesaikan."), code="settled")
        _settle(locked, claim=claim, resolution=EnvelopeResolution.REFERENCE, by=by)
        locked.claim = _envelope_arrived(claim=claim, envelope=locked, by=by)
    return locked


def _settle(envelope: Envelope, *, claim: Claim | None, resolution: str, by, note: str = "") -> None:
    envelope.claim = claim
    envelope.status = EnvelopeStatus.RESOLVED
    envelope.resolution = resolution
    envelope.resolved_by = by
    envelope.resolved_at = timezone.now()
    if note:
        envelope.note = note.strip()[:300]
    envelope.save(update_fields=["claim", "status", "resolution", "resolved_by", "resolved_at", "note"])
    if claim is not None:
        # Pages scanned before the claim was known now belong to it.
        envelope.pages.filter(claim__isnull=True).update(claim=claim)


def envelope_claim_create(
    *,
    by,
    intake_token: uuid.UUID,
    reason: ClaimReason,
    data: ClaimantData,
    batch: DropboxBatch | None = None,
    envelope: Envelope | None = None,
    language: str = "id",
) -> Envelope:
    """Make a dropbox claim from the papers in an envelope.

    Either for a new envelope of an open ``batch`` (no reference written on it), or to
    settle an unmatched ``envelope``. The form's ``intake_token`` makes a second post of
    the same form find the same claim and envelope. Without a phone number the claim is
    marked "contact through the branch": its messages stay in the outbox, unsent.
    """
    if (batch is None) == (envelope is None):
        raise TypeError("give either batch or envelope")
    batch = batch or envelope.batch
    if envelope is None and not batch.is_open:
        raise ValidationError(_("Pembukaan dropbox ini sudah ditutup. Buka pembukaan baru."), code="closed")
    _check_scope(batch, by)
    with transaction.atomic():
        claim = claim_create(
            intake_token=intake_token,
            reason=reason,
            branch=batch.branch,
            data=data,
            channel=Channel.DROPBOX,
            language=language,
            by=by,
        )
        already = Envelope.objects.filter(claim=claim, claim_created_here=True).first()
        if already is not None:
            return already
        # No phone written in the papers: every message is kept in the outbox, unsent, and
        # the branch contacts the claimant.
        no_phone = not claim.contact_phone
        first = Claim.objects.filter(pk=claim.pk, created_by__isnull=True).update(
            created_by=by, contact_via_branch=no_phone
        )
        if first and no_phone:
            with translation.override("id"):
                note = _("Tidak ada nomor HP: hubungi lewat kantor cabang.")
            claim_record_event(claim=claim, reason="contact_via_branch", note=note, by=by)
        if envelope is None:
            envelope = Envelope.objects.create(
                batch=batch,
                number=_next_number(batch),
                claim=claim,
                status=EnvelopeStatus.MATCHED,
                claim_created_here=True,
                created_by=by,
            )
        else:
            envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
            if envelope.status != EnvelopeStatus.UNMATCHED:
                raise ValidationError(_("Amplop ini sudah diselesaikan."), code="settled")
            envelope.claim_created_here = True
            envelope.save(update_fields=["claim_created_here"])
            _settle(envelope, claim=claim, resolution=EnvelopeResolution.NEW_CLAIM, by=by)
        envelope.claim = _envelope_arrived(claim=claim, envelope=envelope, by=by)
    logger.info("envelope %s: claim %s created from its papers", envelope.pk, claim.pk)
    return envelope


def envelope_set_aside(*, envelope: Envelope, resolution: EnvelopeResolution, note: str, by) -> Envelope:
    """An unmatched envelope that belongs to no claim here: returned or disposed of, with why."""
    if resolution not in (EnvelopeResolution.RETURNED, EnvelopeResolution.DISPOSED):
        raise ValidationError(_("Pilih: dikembalikan atau dimusnahkan."), code="resolution")
    if not (note or "").strip():
        raise ValidationError(_("Tulis catatan: kepada siapa dikembalikan, atau kenapa dimusnahkan."), code="note")
    _check_scope(envelope.batch, by)
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if locked.status != EnvelopeStatus.UNMATCHED:
            raise ValidationError(_("Amplop ini sudah diselesaikan."), code="settled")
        _settle(locked, claim=None, resolution=resolution, by=by, note=note)
    return locked


def envelope_contents_set(*, envelope: Envelope, document_types: Iterable[DocumentType], by) -> Envelope:
    """Record which of the claim's documents were found in the envelope."""
    _check_scope(envelope.batch, by)
    if envelope.claim_id is None:
        raise ValidationError(_("Cocokkan amplop dengan klaim dulu."), code="unmatched")
    allowed = {r.document_type_id for r in requirements_for_reason(Claim.objects.get(pk=envelope.claim_id).reason)}
    chosen = [t for t in document_types if t.pk in allowed]
    envelope.contents.set(chosen)
    return envelope


# --- scans ------------------------------------------------------------------------------


@dataclass
class _Page:
    content: bytes
    content_type: str
    source_name: str
    source_page: int


def _sniff(content: bytes) -> str:
    kind = magic.from_buffer(content[:4096], mime=True)
    return "image/heic" if kind == "image/heif" else kind


def _split(uploaded: File) -> list[_Page]:
    """One PDF → one page each; one image → one page."""
    name = clean_original_name(uploaded.name or "")
    uploaded.seek(0)
    content = uploaded.read()
    if not content:
        raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name or "?"}, code="empty")
    content_type = _sniff(content)
    if content_type == "application/pdf":
        try:
            source = pikepdf.open(io.BytesIO(content))
        except pikepdf.PasswordError:
            raise ValidationError(_("PDF %(name)s dikunci kata sandi.") % {"name": name}, code="encrypted") from None
        except Exception:
            raise ValidationError(_("PDF %(name)s rusak atau tidak terbaca.") % {"name": name}, code="broken") from None
        pages = []
        with source:
            if source.is_encrypted:
                raise ValidationError(_("PDF %(name)s dikunci kata sandi.") % {"name": name}, code="encrypted")
            if len(source.pages) > MAX_PAGES_PER_ENVELOPE:
                raise ValidationError(_("Terlalu banyak halaman dalam satu amplop."), code="too_many")
            for index, page in enumerate(source.pages, start=1):
                single = pikepdf.new()
                single.pages.append(page)
                out = io.BytesIO()
                single.save(out)
                pages.append(_Page(out.getvalue(), "application/pdf", name, index))
        return pages
    if content_type in SCAN_IMAGE_TYPES:
        _image_size_ok(content, name)
        return [_Page(content, content_type, name, 1)]
    raise ValidationError(
        _("Berkas %(name)s bukan PDF atau foto (JPG, PNG, WebP, HEIC).") % {"name": name or "?"}, code="type"
    )


def _open_image(content: bytes) -> Image.Image:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return Image.open(io.BytesIO(content))


def _image_size_ok(content: bytes, name: str) -> None:
    """Read only the header: a picture too large to decode safely is refused here."""
    try:
        with _open_image(content) as image:
            width, height = image.size
    except Exception:
        raise ValidationError(_("Foto %(name)s rusak atau tidak terbaca.") % {"name": name}, code="broken") from None
    if width * height > settings.DOCUMENT_IMAGE_MAX_PIXELS:
        raise ValidationError(_("Foto %(name)s terlalu besar.") % {"name": name}, code="too_large")


def envelope_scans_add(*, envelope: Envelope, files: list[File], by) -> list[ScanPage]:
    """Store the scans of an envelope, one ScanPage per page, numbered after the pages already there.

    The pages are written to storage before their rows (like document uploads); nothing
    is shown from them: they reach people only as documents, after the checks.
    """
    _check_scope(envelope.batch, by)
    if envelope.status == EnvelopeStatus.RESOLVED and envelope.claim_id is None:
        raise ValidationError(_("Amplop ini sudah dikembalikan atau dimusnahkan."), code="settled")
    if not files:
        raise ValidationError(_("Pilih berkas pindaian dulu: satu PDF atau beberapa foto."), code="empty")
    pages: list[_Page] = []
    for uploaded in files:
        if uploaded.size > settings.DOCUMENT_MAX_UPLOAD_BYTES:
            limit_mb = settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise ValidationError(
                _("Berkas %(name)s lebih dari %(limit)d MB. Pindai dengan resolusi lebih kecil.")
                % {"name": clean_original_name(uploaded.name or ""), "limit": limit_mb},
                code="too_large",
            )
        pages.extend(_split(uploaded))
    if envelope.pages.count() + len(pages) > MAX_PAGES_PER_ENVELOPE:
        raise ValidationError(_("Terlalu banyak halaman dalam satu amplop."), code="too_many")
    rows = []
    for page in pages:
        row = ScanPage(
            envelope=envelope,
            claim_id=envelope.claim_id,
            page_number=0,
            content_type=page.content_type,
            source_name=page.source_name,
            source_page=page.source_page,
            created_by=by,
        )
        row.file.save("scan", ContentFile(page.content), save=False)
        rows.append(row)
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
        start = locked.pages.aggregate(n=Max("page_number"))["n"] or 0
        for offset, row in enumerate(rows, start=1):
            row.page_number = start + offset
            row.claim_id = locked.claim_id
        ScanPage.objects.bulk_create(rows)
    logger.info("envelope %s: %d scanned pages stored", envelope.pk, len(rows))
    return rows


def _combine(pages: list[ScanPage]) -> tuple[bytes, str]:
    """The file for one document: a single photo as it is, anything else one PDF in page order."""
    if len(pages) == 1 and pages[0].content_type in SCAN_IMAGE_TYPES:
        with pages[0].file.open("rb") as stored:
            return stored.read(), SCAN_IMAGE_TYPES[pages[0].content_type]
    combined = pikepdf.new()
    sources = []
    try:
        for page in pages:
            with page.file.open("rb") as stored:
                content = stored.read()
            if page.content_type != "application/pdf":
                content = _image_to_pdf(content)
            source = pikepdf.open(io.BytesIO(content))
            sources.append(source)  # kept open until the combined file is written
            combined.pages.extend(source.pages)
        out = io.BytesIO()
        combined.save(out)
    finally:
        for source in sources:
            source.close()
    return out.getvalue(), "pdf"


def _image_to_pdf(content: bytes) -> bytes:
    """One photo as a one-page PDF, re-encoded from its pixels (no EXIF or GPS carried over)."""
    with _open_image(content) as image:
        dpi = image.info.get("dpi", (150, 150))[0] or 150
        upright = ImageOps.exif_transpose(image).convert("RGB")
    out = io.BytesIO()
    upright.save(out, "PDF", resolution=float(dpi))
    return out.getvalue()


def envelope_pages_assign(*, envelope: Envelope, assignments: Mapping[int, str], by) -> list[Document]:
    """Turn scanned pages into documents: ``assignments`` maps a page id to a document type code,
    or to ``IGNORE_PAGE``; pages left out stay waiting.

    All pages given to one type, in page order, make one document through
    ``document_upload`` (so the background checks run, queued when this commits). Then the
    claim moves on through ``claim_documents_changed``, and the claimant is told once per
    envelope that their documents arrived.
    """
    _check_scope(envelope.batch, by)
    if envelope.claim_id is None:
        raise ValidationError(_("Cocokkan amplop dengan klaim dulu."), code="unmatched")
    documents: list[Document] = []
    with transaction.atomic():
        locked = Envelope.objects.select_for_update(of=("self",)).select_related("batch").get(pk=envelope.pk)
        claim = Claim.objects.select_related("reason", "programme", "branch").get(pk=locked.claim_id)
        if not claim.accepts_uploads:
            raise ValidationError(
                _("Klaim %(reference)s tidak menerima dokumen lagi (%(status)s).")
                % {"reference": claim.reference, "status": claim.get_status_display()},
                code="closed",
            )
        types = {r.document_type.code: r.document_type for r in requirements_for_reason(claim.reason)}
        pages = {
            page.pk: page
            for page in locked.pages.filter(pk__in=list(assignments), document__isnull=True, ignored=False)
            if page.assigned_at is None
        }
        groups: dict[str, list[ScanPage]] = {}
        ignored: list[int] = []
        for page_id, code in assignments.items():
            page = pages.get(page_id)
            if page is None or not code:
                continue
            if code == IGNORE_PAGE:
                ignored.append(page.pk)
            elif code in types:
                groups.setdefault(code, []).append(page)
            else:
                raise ValidationError(_("Dokumen ini tidak diperlukan untuk klaim ini."), code="not_required")
        if not groups and not ignored:
            raise ValidationError(_("Pilih dokumen untuk setiap halaman dulu."), code="empty")
        now = timezone.now()
        if claim.status == Status.DRAFT:
            claim = _dropbox_submit(Claim.objects.select_for_update().get(pk=claim.pk), by=by)
        ordered = sorted(groups.items(), key=lambda item: min(p.page_number for p in item[1]))
        for code, group in ordered:
            group.sort(key=lambda p: p.page_number)
            content, extension = _combine(group)
            numbers = ",".join(str(p.page_number) for p in group)
            name = f"dropbox-{locked.batch_id}-{locked.number}-{code}-p{numbers}.{extension}"[:120]
            document = document_upload(
                claim=claim, document_type=types[code], uploaded=ContentFile(content, name=name), by=by
            )
            ScanPage.objects.filter(pk__in=[p.pk for p in group]).update(
                document=document, claim=claim, assigned_at=now
            )
            documents.append(document)
        if ignored:
            ScanPage.objects.filter(pk__in=ignored).update(ignored=True, claim=claim, assigned_at=now)
        claim = claim_documents_changed(claim=claim)
        if documents:
            _notify_received(locked, claim, documents)
    logger.info("envelope %s: %d documents made from scans", envelope.pk, len(documents))
    return documents


def _notify_received(envelope: Envelope, claim: Claim, documents: list[Document]) -> None:
    """ "We received your documents": once per envelope, however many times pages are assigned."""
    claimed = Envelope.objects.filter(pk=envelope.pk, received_notified_at__isnull=True).update(
        received_notified_at=timezone.now()
    )
    if not claimed:
        return
    with translation.override(claim.language):
        lines = [f"- {document.document_type.localized('name')}" for document in documents]
    message_send(
        to=claim.contact_phone,
        template="dropbox_received",
        context={
            "reference": claim.reference,
            "lines": lines,
            "branch": claim.branch.name,
            "link_path": f"{reverse('claims:status_start')}?nomor={claim.reference}",
        },
        claim=claim,
        language=claim.language,
    )
