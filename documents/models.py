import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import AppendOnlyModel

from .storage import documents_storage


def new_document_key(instance: "Document | None", filename: str) -> str:
    # The key is random: nothing of the claimant, the claim or the file name is in it.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def new_thumbnail_key(instance: "Document", filename: str) -> str:
    return f"thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class DocumentStatus(models.TextChoices):
    CHECKING = "checking", _("Sedang diperiksa")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Perlu diganti")
    # A newer file of the same type took its place. Kept, never deleted while the claim
    # lives: the claim's history shows what was fixed and the re-upload figure counts it.
    REPLACED = "replaced", _("Sudah diganti")


class Document(models.Model):
    """A file for one requirement of a claim.

    A claim has at most one current document of a type: the latest one not "replaced".
    A new file of the type moves the previous one to "replaced" (documents.services
    ._document_record, under the claim's lock), before and after submitting alike, so
    every version stays as history with the verdict it had.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="documents")
    document_type = models.ForeignKey("claims.DocumentType", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(storage=documents_storage, upload_to=new_document_key, max_length=200)
    thumbnail = models.FileField(storage=documents_storage, upload_to=new_thumbnail_key, max_length=200, blank=True)
    # Shown to the claimant and staff, always escaped; never used as a path.
    original_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.CHECKING)
    # A code of documents.checks.codes.REJECTION_CODES (automatic) or of the officer's list.
    rejection_code = models.CharField(max_length=40, blank=True)
    rejection_note = models.CharField(max_length=300, blank=True)
    # True once `file` holds what passed the checks (for images: the re-encoded copy).
    # Nothing else is ever served.
    sanitized = models.BooleanField(default=False)
    # What the checks measured: sizes, pages, the virus name.
    details = models.JSONField(default=dict, blank=True)
    # Background checking: when it was last queued (the stuck sweep looks here), and how
    # many runs started without finishing (a file that keeps killing the worker).
    check_queued_at = models.DateTimeField(default=timezone.now)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    # When the claimant was sent the message listing this rejection (one per batch).
    fix_notified_at = models.DateTimeField(null=True, blank=True)
    # The last officer's verdict on this file (accept or reject), beside the checks' one:
    # the claimant is told "Diterima petugas" only once an officer has looked.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["check_queued_at"], name="document_checking_idx", condition=models.Q(status="checking")
            ),
        ]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")

    def __str__(self) -> str:
        return f"{self.document_type_id} for claim {self.claim_id}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def accepted_by_officer(self) -> bool:
        return self.status == DocumentStatus.ACCEPTED and self.reviewed_at is not None

    def plain_status(self) -> str:
        """The one status the claimant reads: the checks' verdict is not yet an officer's."""
        if self.status == DocumentStatus.ACCEPTED:
            return str(_("Diterima petugas") if self.reviewed_at is not None else _("Lolos pemeriksaan otomatis"))
        return str(self.get_status_display())


# Where a document's status may go; documents.services.document_transition is its only
# writer. A document is created "checking" and the checks give it one verdict; after
# that only an officer moves it, between the two verdicts: overruling an automatic
# rejection, rejecting what the checks let through, or restating a verdict with their
# own reason (accepted → accepted, rejected → rejected). Nothing goes back to "checking":
# a new file is a new document, and the one it takes the place of becomes "replaced"
# from wherever it stood (a file still being checked too: its check then finds it no
# longer "checking" and throws its copies away). "replaced" is final.
_VERDICTS = frozenset({DocumentStatus.ACCEPTED, DocumentStatus.REJECTED, DocumentStatus.REPLACED})
ALLOWED_DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DocumentStatus.CHECKING: _VERDICTS,
    DocumentStatus.ACCEPTED: _VERDICTS,
    DocumentStatus.REJECTED: _VERDICTS,
    DocumentStatus.REPLACED: frozenset(),
}


class DocumentAccess(AppendOnlyModel):
    """Every time a member of staff opens a document: who, when, which, from where.

    Personal data law (UU PDP No. 27/2022) asks that access to specific personal data
    can be accounted for; rows are only ever added.
    """

    # Outlives its document: a draft's file replaced or taken back after staff opened it
    # still shows who opened it (a cascade here would be a DELETE the trigger refuses).
    document = models.ForeignKey(Document, on_delete=models.DO_NOTHING, db_constraint=False, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(max_length=12)  # "file" or "thumbnail"
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("akses dokumen")
        verbose_name_plural = _("akses dokumen")

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.document_id} at {self.at:%Y-%m-%d %H:%M}"


# --- the dropbox: paper copies left at the branch, opened and scanned by an officer -----


def new_scan_key(instance: "ScanPage", filename: str) -> str:
    # Random like document keys; kept apart from documents/ so the orphan sweep leaves it alone.
    return f"scans/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class DropboxBatch(models.Model):
    """One opening of a branch's dropbox: the envelopes taken out together.

    A branch has at most one open batch; closing it only stops new envelopes being added.
    """

    branch = models.ForeignKey(
        "claims.Branch", on_delete=models.PROTECT, related_name="dropbox_batches", verbose_name=_("kantor cabang")
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch"], condition=models.Q(closed_at__isnull=True), name="dropbox_one_open_batch_per_branch"
            )
        ]
        verbose_name = _("pembukaan dropbox")
        verbose_name_plural = _("pembukaan dropbox")

    def __str__(self) -> str:
        return f"{self.branch_id} dropbox {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class EnvelopeStatus(models.TextChoices):
    MATCHED = "matched", _("Cocok dengan klaim")
    UNMATCHED = "unmatched", _("Belum cocok")
    RESOLVED = "resolved", _("Sudah diselesaikan")


class EnvelopeResolution(models.TextChoices):
    """How an envelope that matched nothing at first was settled."""

    REFERENCE = "reference", _("Dicocokkan dengan nomor klaim")
    NEW_CLAIM = "new_claim", _("Klaim baru dibuat")
    RETURNED = "returned", _("Dikembalikan")
    DISPOSED = "disposed", _("Dimusnahkan")


class Envelope(models.Model):
    """One envelope out of the dropbox, and the claim it belongs to once that is known."""

    batch = models.ForeignKey(DropboxBatch, on_delete=models.PROTECT, related_name="envelopes")
    # Its number within the batch, written on the envelope by the officer.
    number = models.PositiveSmallIntegerField(_("nomor amplop"))
    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="envelopes")
    # What the officer typed or scanned, as typed (normalised when it was a valid reference).
    typed_reference = models.CharField(_("nomor klaim di amplop"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnvelopeStatus.choices, default=EnvelopeStatus.UNMATCHED
    )
    resolution = models.CharField(_("penyelesaian"), max_length=12, choices=EnvelopeResolution.choices, blank=True)
    # The officer made the claim from the papers in the envelope (no reference written on it).
    claim_created_here = models.BooleanField(default=False)
    # The documents the officer found inside (ticked from the claim's checklist).
    contents = models.ManyToManyField("claims.DocumentType", blank=True, related_name="+")
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuka"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # "We received your documents" goes out once per envelope.
    received_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="envelope_unique_number")]
        indexes = [
            models.Index(fields=["created_at"], name="envelope_unmatched_idx", condition=models.Q(status="unmatched"))
        ]
        verbose_name = _("amplop dropbox")
        verbose_name_plural = _("amplop dropbox")

    def __str__(self) -> str:
        return f"envelope {self.number} of batch {self.batch_id}"

    def save(self, *args, **kwargs) -> None:
        if self.number is None:
            # The services number envelopes under the batch's row lock; this covers rows
            # made anywhere else (admin, fixtures), where two at once would hit the constraint.
            last = Envelope.objects.filter(batch_id=self.batch_id).aggregate(n=models.Max("number"))["n"]
            self.number = (last or 0) + 1
        super().save(*args, **kwargs)


# Where an envelope's status may go; documents.services.envelope_transition is its only
# writer. An envelope is created "matched" (the reference on it found its claim) or
# "unmatched"; an unmatched one is settled once (matched by a reference, made into a new
# claim, returned or disposed of) and is then "resolved" for good.
ALLOWED_ENVELOPE_TRANSITIONS: dict[str, frozenset[str]] = {
    EnvelopeStatus.MATCHED: frozenset(),
    EnvelopeStatus.UNMATCHED: frozenset({EnvelopeStatus.RESOLVED}),
    EnvelopeStatus.RESOLVED: frozenset(),
}


class ScanPage(models.Model):
    """One scanned page (a page of a PDF, or one image) from an envelope.

    Kept after its document is made: the batch holds every page's link to its claim and
    to the document it became.
    """

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="pages")
    claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="scan_pages"
    )
    # The document made from this page (with the other pages assigned to it); kept as
    # history if that document is later replaced.
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="scan_pages")
    # Order within the envelope, from 1.
    page_number = models.PositiveSmallIntegerField()
    file = models.FileField(storage=documents_storage, upload_to=new_scan_key, max_length=200)
    content_type = models.CharField(max_length=100)
    # Which uploaded file the page came from, and its page within that file (both from 1).
    source_name = models.CharField(max_length=120, blank=True)
    source_page = models.PositiveSmallIntegerField(default=1)
    # Not a document (the cover sheet, a blank page): left out on purpose.
    ignored = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["envelope", "page_number"]
        constraints = [models.UniqueConstraint(fields=["envelope", "page_number"], name="scan_page_unique_number")]
        verbose_name = _("halaman pindaian")
        verbose_name_plural = _("halaman pindaian")

    def __str__(self) -> str:
        return f"page {self.page_number} of envelope {self.envelope_id}"

    @property
    def is_pending(self) -> bool:
        return self.document_id is None and not self.ignored and self.assigned_at is None


# --- resumable uploads (tus 1.0): a file arriving in pieces over a weak connection --------


class ResumableUpload(models.Model):
    """One file a claimant is sending in pieces (the tus protocol, portal/views_tus.py).

    The id is the only thing in its URL, and it is random. Bytes are written to storage
    as they arrive (documents/resumable_store.py); ``offset`` counts the bytes stored,
    and is only ever moved under this row's lock. Once ``offset`` reaches ``length`` the
    file becomes a Document and ``document`` is set; the row stays until ``expires_at``
    so a client that lost the last answer can still ask how far it got.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    document_type = models.ForeignKey("claims.DocumentType", on_delete=models.CASCADE, related_name="+")
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    # Metadata from the client, shown to people only (clean_original_name); never a path.
    original_name = models.CharField(max_length=120, blank=True)
    declared_type = models.CharField(max_length=100, blank=True)
    # The browser session that opened it (a random tag kept in the session, which survives
    # its key being cycled): counted against DOCUMENT_RESUMABLE_MAX_OPEN_PER_SESSION.
    session_tag = models.CharField(max_length=32, blank=True, db_index=True)
    # Where the bytes are: a part file (filesystem) or the final key of an S3 multipart upload.
    storage_key = models.CharField(max_length=200)
    # S3 only: the multipart upload, its finished parts, and the pieces not yet folded into a part.
    multipart_id = models.CharField(max_length=200, blank=True)
    parts = models.JSONField(default=list, blank=True)
    pending = models.JSONField(default=list, blank=True)
    # Set once, when the file became a Document (which may later be replaced or removed).
    completed_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("unggahan bertahap")
        verbose_name_plural = _("unggahan bertahap")

    def __str__(self) -> str:
        return f"resumable upload {self.pk} ({self.offset}/{self.length})"

    @property
    def is_complete(self) -> bool:
        return self.offset >= self.length
