"""An envelope's scans: stored as one page each, then grouped by the officer into documents."""

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import magic
import pikepdf
import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from claims.models import Claim, Status
from claims.selectors import requirements_for_reason
from notifications.services import message_send

from ...models import Document, Envelope, EnvelopeStatus, ScanPage
from ..progress import claim_documents_changed
from ..uploads import clean_original_name, document_upload
from .claimant import _dropbox_submit
from .envelopes import _check_scope

logger = logging.getLogger(__name__)

# What the officer picks for a page that is not a document (the cover sheet, a blank page).
IGNORE_PAGE = "-"
# Far more than any envelope holds; a bound so one upload cannot fill the disk.
MAX_PAGES_PER_ENVELOPE = 80
SCAN_IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}


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
        if locked.claim_id is None:  # an envelope never loses its claim; this tells mypy so
            raise ValidationError(_("Cocokkan amplop dengan klaim dulu."), code="unmatched")
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
    """Tell the claimant "we received your documents": once per envelope, however often pages are assigned."""
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
            "link_path": f"{reverse('portal:status_start')}?nomor={claim.reference}",
        },
        claim=claim,
        language=claim.language,
    )
