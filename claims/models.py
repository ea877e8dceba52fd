import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.audit import AppendOnlyModel
from core.fields import BlindIndexField, EncryptedTextField


class Localized(models.Model):
    """Catalogue rows carry Indonesian text and an optional English translation."""

    class Meta:
        abstract = True

    def localized(self, field: str) -> str:
        if (get_language() or "id").startswith("en"):
            return getattr(self, f"{field}_en", "") or getattr(self, field)
        return getattr(self, field)


class Region(models.Model):
    """One of the eleven regional offices (kantor wilayah)."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor wilayah")
        verbose_name_plural = _("kantor wilayah")

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    class Zone(models.TextChoices):
        WIB = "Asia/Jakarta", "WIB"
        WITA = "Asia/Makassar", "WITA"
        WIT = "Asia/Jayapura", "WIT"

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    city = models.CharField(_("kota"), max_length=80)
    region = models.ForeignKey(
        Region, verbose_name=_("kantor wilayah"), on_delete=models.PROTECT, related_name="branches"
    )
    time_zone = models.CharField(_("zona waktu"), max_length=20, choices=Zone.choices, default=Zone.WIB)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    whatsapp_number = models.CharField(_("nomor WhatsApp resmi"), max_length=20, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("kantor cabang")
        verbose_name_plural = _("kantor cabang")

    def __str__(self) -> str:
        return self.name


class NonWorkingDay(models.Model):
    """A day no branch counts as a working day beyond what claims/workdays.py already knows.

    Weekends and Indonesia's public holidays and cuti bersama come from the ``holidays``
    package; a row here adds a branch's own closure (a local holiday, a move, a flood), or,
    without a branch, a national day off decreed after the package was released.
    """

    date = models.DateField(_("tanggal"), db_index=True)
    branch = models.ForeignKey(
        Branch,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="non_working_days",
        verbose_name=_("kantor cabang"),
        help_text=_("Kosongkan untuk hari libur nasional tambahan."),
    )
    name = models.CharField(_("nama"), max_length=120)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date", "branch"], name="non_working_day_once")]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Programme(Localized):
    code = models.CharField(_("kode"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    name_en = models.CharField(_("nama (English)"), max_length=100, blank=True)
    summary = models.CharField(_("penjelasan singkat"), max_length=200, blank=True)
    summary_en = models.CharField(_("penjelasan singkat (English)"), max_length=200, blank=True)
    ordering = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)
    # Told to the claimant in the approval message: the money reaches the claim's bank account
    # within this many working days (JHT: Permenaker 4/2022, five working days).
    payment_days = models.PositiveSmallIntegerField(
        _("lama pembayaran (hari kerja)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Dana dikirim ke rekening peserta paling lambat sekian hari kerja setelah klaim disetujui."),
    )

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ClaimReason(Localized):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("program")
    )
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(_("nama (English)"), max_length=150, blank=True)
    needs_heir = models.BooleanField(
        _("diajukan ahli waris"), default=False, help_text=_("Peserta meninggal: data ahli waris wajib diisi.")
    )
    ordering = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["programme", "ordering", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="claim_reason_unique_code")]
        verbose_name = _("alasan klaim")
        verbose_name_plural = _("alasan klaim")

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.name}"


class DocumentType(Localized):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    name_en = models.CharField(_("nama (English)"), max_length=120, blank=True)
    explanation = models.CharField(_("penjelasan"), max_length=200)
    explanation_en = models.CharField(_("penjelasan (English)"), max_length=200, blank=True)
    photo_hint = models.CharField(_("foto yang baik"), max_length=200)
    photo_hint_en = models.CharField(_("foto yang baik (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jenis dokumen")
        verbose_name_plural = _("jenis dokumen")

    def __str__(self) -> str:
        return self.name


class DocumentRequirement(Localized):
    """A document a claim with this reason needs. Edited in admin, never hard-coded."""

    reason = models.ForeignKey(
        ClaimReason, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("alasan")
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("dokumen")
    )
    required = models.BooleanField(_("wajib"), default=True)
    note = models.CharField(_("catatan"), max_length=200, blank=True, help_text=_("Kapan dokumen ini diperlukan."))
    note_en = models.CharField(_("catatan (English)"), max_length=200, blank=True)
    ordering = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["reason", "ordering", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reason", "document_type"], name="requirement_unique_document_type")
        ]
        verbose_name = _("dokumen yang diperlukan")
        verbose_name_plural = _("dokumen yang diperlukan")

    def __str__(self) -> str:
        return f"{self.reason}: {self.document_type}"


# A reference is read aloud on the phone to the call centre: no 0/O, 1/I/L, 5/S, 2/Z.
REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LA-{body[:4]}-{body[4:]}"


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("Unggah dokumen")
    DROPBOX = "dropbox", _("Dropbox")


class Status(models.TextChoices):
    DRAFT = "draft", _("Belum dikirim")
    SUBMITTED = "submitted", _("Sudah dikirim")
    CHECKING = "checking", _("Dokumen sedang diperiksa")
    NEEDS_FIX = "needs_fix", _("Perlu perbaikan dokumen")
    IN_REVIEW = "in_review", _("Sedang diverifikasi petugas")
    INTERVIEW_SCHEDULED = "interview_scheduled", _("Jadwal panggilan video dibuat")
    INTERVIEW_DONE = "interview_done", _("Panggilan video selesai")
    FAILED_CONFIRMATION = "failed_confirmation", _("Konfirmasi gagal")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    CANCELLED = "cancelled", _("Dibatalkan")


class CancelReason(models.TextChoices):
    UPLOAD_FAILED = "upload_failed", _("Unggah dokumen gagal")
    INCOMPLETE_DOCUMENTS = "incomplete_documents", _("Dokumen tidak lengkap")
    CLAIMANT_REQUEST = "claimant_request", _("Atas permintaan peserta")
    FAILED_CONFIRMATION = "failed_confirmation", _("Konfirmasi gagal")
    DUPLICATE = "duplicate", _("Klaim ganda")
    INELIGIBLE = "ineligible", _("Tidak memenuhi syarat")
    EXPIRED = "expired", _("Tidak ada tindakan sampai batas waktu")


OPEN_STATUSES = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHECKING,
        Status.NEEDS_FIX,
        Status.IN_REVIEW,
        Status.INTERVIEW_SCHEDULED,
        Status.INTERVIEW_DONE,
        Status.FAILED_CONFIRMATION,
    }
)

# The claim lifecycle of DOMAIN.md. claim_transition() is the only writer of Claim.status.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset({Status.CHECKING, Status.CANCELLED}),
    Status.CHECKING: frozenset({Status.NEEDS_FIX, Status.IN_REVIEW, Status.CANCELLED}),
    Status.NEEDS_FIX: frozenset({Status.CHECKING, Status.CANCELLED}),
    # No decision without the call: approval only after it (interview_done). Rejection before
    # it is allowed only as ineligible or duplicate (REJECT_BEFORE_CALL, claims/services/officer.py).
    Status.IN_REVIEW: frozenset({Status.NEEDS_FIX, Status.INTERVIEW_SCHEDULED, Status.REJECTED, Status.CANCELLED}),
    Status.INTERVIEW_SCHEDULED: frozenset(
        {Status.INTERVIEW_SCHEDULED, Status.INTERVIEW_DONE, Status.FAILED_CONFIRMATION, Status.CANCELLED}
    ),
    Status.INTERVIEW_DONE: frozenset({Status.APPROVED, Status.REJECTED, Status.CANCELLED}),
    Status.FAILED_CONFIRMATION: frozenset({Status.INTERVIEW_SCHEDULED, Status.REJECTED, Status.CANCELLED}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# Statuses in which the claimant may still add or replace documents.
UPLOAD_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX})


# The claimant's and the heir's phone share one index purpose: a number is found in either field.
PHONE_INDEX = "claims.phone"


class HeirRelation(models.TextChoices):
    SPOUSE = "spouse", _("Suami / istri")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    SIBLING = "sibling", _("Saudara kandung")
    OTHER = "other", _("Lainnya")


class Claim(models.Model):
    reference = models.CharField(_("nomor klaim"), max_length=12, unique=True, default=new_reference, editable=False)
    # Set by the form that created the claim: a second post of the same form finds this claim.
    intake_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="claims", verbose_name=_("program"))
    reason = models.ForeignKey(ClaimReason, on_delete=models.PROTECT, related_name="claims", verbose_name=_("alasan"))
    channel = models.CharField(_("jalur"), max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=24, choices=CancelReason.choices, blank=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="claims", verbose_name=_("kantor cabang"))

    # Encrypted at rest (core/fields.py, PERSONAL_DATA_KEYS), found through nik_index.
    nik = EncryptedTextField(_("NIK"))
    nik_index = BlindIndexField(source="nik")
    kpj_number = models.CharField(_("nomor KPJ"), max_length=11)
    full_name = models.CharField(_("nama lengkap"), max_length=120)
    date_of_birth = models.DateField(_("tanggal lahir"))
    # Empty only for a claimant with no working phone (contact_via_branch).
    # Encrypted like the NIK; found through phone_index (claims.selectors.contact_phone_q).
    phone = EncryptedTextField(_("nomor HP"), blank=True, help_text=_("Format E.164, misalnya +6281234567890."))
    phone_index = BlindIndexField(source="phone", purpose=PHONE_INDEX)
    email = models.EmailField(_("e-mail"), blank=True)
    # Messages to the claimant go out in the language they used.
    language = models.CharField(_("bahasa"), max_length=8, default="id")

    heir_name = models.CharField(_("nama ahli waris"), max_length=120, blank=True)
    heir_nik = EncryptedTextField(_("NIK ahli waris"), blank=True)
    heir_relation = models.CharField(_("hubungan ahli waris"), max_length=12, choices=HeirRelation.choices, blank=True)
    heir_phone = EncryptedTextField(_("nomor HP ahli waris"), blank=True)
    heir_phone_index = BlindIndexField(source="heir_phone", purpose=PHONE_INDEX)

    # The assisted channel: a claim started by an officer for someone without a smartphone.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the claimant's phone was confirmed with a one-time code (assisted channel).
    phone_verified_at = models.DateTimeField(_("nomor HP dikonfirmasi"), null=True, blank=True)
    # No working phone: every contact goes through the branch, no messages are sent.
    contact_via_branch = models.BooleanField(_("hubungi lewat kantor cabang"), default=False)

    # The officer handling the claim; the assignment lapses after inactivity (see selectors).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_claims"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Raised by every staff change: a form carrying an older version is refused (stale edit).
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    submitted_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    # When the retention sweep removed the person from this closed claim (privacy/retention.py).
    anonymised_at = models.DateTimeField(_("data pribadi dihapus"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["branch", "status", "submitted_at"], name="claim_branch_status_idx"),
            # Replies come from a number: the claims whose messages go to it.
            models.Index(fields=["phone_index"], name="claim_phone_index_idx"),
            models.Index(fields=["heir_phone_index"], name="claim_heir_phone_index_idx"),
            # Every claim of one person (the export; one open claim per NIK and programme).
            models.Index(fields=["nik_index", "programme"], name="claim_nik_index_idx"),
            # The managers' dashboard (reports/figures): each figure reads a date range, per branch
            # (branch and regional scopes) or over every branch (national).
            models.Index(fields=["branch", "submitted_at"], name="claim_branch_submitted_idx"),
            models.Index(fields=["branch", "created_at"], name="claim_branch_created_idx"),
            models.Index(fields=["branch", "closed_at"], name="claim_branch_closed_idx"),
            models.Index(fields=["submitted_at"], name="claim_submitted_idx"),
            models.Index(fields=["created_at"], name="claim_created_idx"),
            models.Index(fields=["closed_at"], name="claim_closed_idx"),
            # (PostgreSQL also has claim_join_cover_idx, migration 0006: SQLite has no INCLUDE.)
        ]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, update_fields=None, **kwargs) -> None:
        # A blind index is computed from its field on save: saving the field saves it too.
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {f"{name}_index" for name in ("nik", "phone", "heir_phone") if name in update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def accepts_uploads(self) -> bool:
        return self.status in UPLOAD_STATUSES

    @property
    def contact_phone(self) -> str:
        """Where messages about the claim go: the heir's phone when an heir claims."""
        return self.heir_phone or self.phone


class ClaimEvent(models.Model):
    """One row per transition: who, when, from, to, why. Never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    reason = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # The dashboard's funnel asks "did this claim ever reach these statuses?".
        indexes = [models.Index(fields=["claim", "to_status"], name="claimevent_claim_to_idx")]
        verbose_name = _("riwayat klaim")
        verbose_name_plural = _("riwayat klaim")

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status or '-'} → {self.to_status}"


class OneTimeCode(models.Model):
    """A six-digit code sent to the claim's phone. Only a keyed hash of it is stored."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="one_time_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["claim", "-created_at"], name="otp_claim_created_idx")]

    def __str__(self) -> str:
        return f"code for {self.claim_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ClaimDataAccess(AppendOnlyModel):
    """A member of staff revealed a claimant's specific personal data (the full NIK).

    Like DocumentAccess: rows are only ever added (UU PDP No. 27/2022).
    """

    class What(models.TextChoices):
        NIK = "nik", _("NIK lengkap")
        EXPORT = "export", _("ekspor semua data peserta")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="data_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(max_length=12, choices=What.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("akses data pribadi")
        verbose_name_plural = _("akses data pribadi")

    def __str__(self) -> str:
        return f"{self.user_id} revealed {self.what} of claim {self.claim_id} at {self.at:%Y-%m-%d %H:%M}"


class ClaimReply(models.Model):
    """A claimant's reply that needs a person: the branch's inbox in the console.

    Filed by claims.services.replies for every reply no app understood (not "1"/"2" for an
    interview, not a status question answered by itself). It belongs to the newest open
    claim whose messages go to the number (else the newest claim): the inbox is scoped like
    the queue, through that claim's branch. A reply from a number with no claim has no claim,
    and only national staff see it. The text stays on the reply itself (notifications'
    InboundMessage, deleted with the person by the retention sweep, and this row with it).
    """

    inbound = models.OneToOneField("notifications.InboundMessage", on_delete=models.CASCADE, related_name="inbox")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # The claimant's time (InboundMessage.received_at): the inbox's order and the queue's flag.
    received_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The message the answer went out as (free text inside the window, the template outside).
    answer = models.ForeignKey(
        "notifications.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [
            # The inbox and the queue's flag read the unanswered replies only.
            models.Index(
                fields=["claim", "received_at"], name="claim_reply_open_idx", condition=models.Q(answered_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"reply #{self.pk}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class ClaimStart(models.Model):
    """A finished intake form waiting for its six-digit code (claims/services/start.py).

    No claim is made until the code comes back: for a new claim the code went to the phone
    just typed, for a NIK that already has an open claim in the programme it went to that
    claim's phone on file (``claim``). What was typed is not kept here, only a keyed
    fingerprint of it, so the code opens only the start it was sent for.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intake_token = models.UUIDField(editable=False)
    fingerprint = models.CharField(max_length=64)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    # The open claim this NIK already had when the form was sent; set to the new claim once
    # the code made it.
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="starts")
    found_open = models.BooleanField(default=False)
    # Where the code of a new claim goes (the phone just typed); empty when ``found_open``:
    # that code goes to the open claim's phone as it is when sending.
    phone = EncryptedTextField(blank=True)
    language = models.CharField(max_length=8, default="id")
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["intake_token", "fingerprint"], name="claim_start_form_once"),
        ]

    def __str__(self) -> str:
        return f"claim start {self.pk} at {self.created_at:%Y-%m-%d %H:%M}"
