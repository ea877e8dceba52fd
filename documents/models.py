import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import documents_storage


def new_document_key(instance: "Document", filename: str) -> str:
    # The key is random: nothing of the claimant, the claim or the file name is in it.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def new_thumbnail_key(instance: "Document", filename: str) -> str:
    return f"thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class DocumentStatus(models.TextChoices):
    CHECKING = "checking", _("Sedang diperiksa")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Perlu diganti")


class Document(models.Model):
    """A file for one requirement of a claim.

    The latest document of a type is the current one; earlier ones stay as history
    once the claim has been submitted.
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
    # A code of documents.checks.codes.REJECTIONS (automatic) or of the officer's list.
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


class DocumentAccess(models.Model):
    """Every time a member of staff opens a document: who, when, which, from where.

    Personal data law (UU PDP No. 27/2022) asks that access to specific personal data
    can be accounted for; rows are only ever added.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="accesses")
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
