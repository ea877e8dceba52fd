from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    SMS = "sms", "SMS"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Antre")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    DELIVERED = "delivered", _("Diterima")
    READ = "read", _("Dibaca")
    FAILED = "failed", _("Gagal")
    # Never handed to a provider: the claim is marked "contact through the branch".
    SKIPPED = "skipped", _("Tidak dikirim")


# Every move a message makes; notifications.services.message_transition() (one row) and
# messages_transition() (a batch) are the only writers of Message.status and refuse any
# other. A message is written "queued", or "skipped" when its claim is held at write time
# (messages_send): no move. Provider reports only move a message forward ("sent" arriving
# after "read" changes nothing), "failed" only before it reached the phone, and nothing
# leaves "read", "failed" or "skipped".
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    MessageStatus.QUEUED: frozenset(
        {
            MessageStatus.SENDING,  # claimed by a delivery task
            # A report for a row given back after a timeout the provider had in fact taken.
            MessageStatus.SENT,
            MessageStatus.DELIVERED,
            MessageStatus.READ,
            MessageStatus.FAILED,  # retries exhausted, or the provider reports a failure
        }
    ),
    MessageStatus.SENDING: frozenset(
        {
            MessageStatus.QUEUED,  # a temporary failure gives the row back for the retry
            MessageStatus.SENT,  # the provider's answer, or its report
            MessageStatus.DELIVERED,  # a report that came before the provider's answer was written
            MessageStatus.READ,
            MessageStatus.FAILED,
            MessageStatus.SKIPPED,  # the claim was held after the message was written
        }
    ),
    MessageStatus.SENT: frozenset({MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED}),
    MessageStatus.DELIVERED: frozenset({MessageStatus.READ}),
    MessageStatus.READ: frozenset(),
    MessageStatus.FAILED: frozenset(),
    MessageStatus.SKIPPED: frozenset(),
}


# Where a message's sealed full text (notifications/sealing.py) is wiped: the provider has
# it, or it will never be sent. "queued" and "sending" keep it for the retry and the resend.
SEAL_WIPED_AT = frozenset(
    {MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED, MessageStatus.SKIPPED}
)


class FailureReason(models.TextChoices):
    NOT_ON_WHATSAPP = "not_on_whatsapp", _("Nomor tidak memakai WhatsApp")
    INVALID_NUMBER = "invalid_number", _("Nomor tidak valid")
    UNDELIVERABLE = "undeliverable", _("Tidak dapat diantar")
    REJECTED = "rejected", _("Ditolak penyedia")
    PROVIDER_UNAVAILABLE = "provider_unavailable", _("Penyedia tidak dapat dihubungi")
    STUCK = "stuck", _("Tidak ada jawaban penyedia")
    # WhatsApp has not approved the message's template (notifications/catalogue): sent by SMS.
    TEMPLATE_NOT_APPROVED = "template_not_approved", _("Template WhatsApp belum disetujui")
    # Twilio 30003: the phone is off or out of coverage for now; the SMS is tried again later.
    UNREACHABLE = "unreachable", _("Telepon sedang tidak aktif")
    # Twilio 30007: the carrier filtered the text (its content, not the number): for staff to look at.
    CONTENT_FILTERED = "content_filtered", _("Diblokir operator karena isi pesan")
    # Twilio 30005: the carrier does not know the handset; the number is "not working" only
    # when it is said again (NOTIFICATION_UNKNOWN_HANDSET_DAYS).
    UNKNOWN_HANDSET = "unknown_handset", _("Nomor tidak dikenal operator")


# Reasons that say something about the number itself (not the provider's health): an SMS
# failing for one marks the number "not working". UNKNOWN_HANDSET does only when repeated.
NUMBER_REASONS = (FailureReason.NOT_ON_WHATSAPP, FailureReason.INVALID_NUMBER, FailureReason.UNDELIVERABLE)


class Message(models.Model):
    """A WhatsApp or SMS message to a claimant: the outbox and the delivery record in one.

    Written first, then delivered by a task that claims the row (queued → sending), so
    the same message is never handed to a provider twice. A WhatsApp message that fails
    gets one SMS copy (`fallback_for`).
    """

    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    to = models.CharField(max_length=16)
    template = models.CharField(max_length=40)
    # The catalogue variant it was written as (notifications/catalogue): the WhatsApp template.
    template_variant = models.CharField(max_length=120, blank=True, default="", db_default="")
    language = models.CharField(max_length=8, default="id", db_default="id")
    # The template's parameter values as staff may see them: a code or a claim link redacted.
    # The full values are in `sealed` with the full text.
    parameters = models.JSONField(default=dict, blank=True, db_default={})
    # What staff may see: a code or a claim link in it is already redacted (notifications/sealing.py).
    body = models.TextField()
    # The body held a secret (a one-time code or a link that opens the claim).
    sensitive = models.BooleanField(default=False)
    # The full text, encrypted, for the provider call only; wiped once sent or failed for good.
    # Never shown to staff (admin, outbox) nor exported.
    sealed = models.TextField(blank=True, default="", db_default="")
    # Free text, not a template: allowed on WhatsApp only inside the 24-hour customer-service
    # window the claimant opened by writing to us (an answer to their reply); on SMS always.
    free_text = models.BooleanField(default=False, db_default=False)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    status_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    backend = models.CharField(max_length=120, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True, db_index=True)
    error = models.CharField(max_length=300, blank=True)
    failure_reason = models.CharField(max_length=24, choices=FailureReason.choices, blank=True)
    # Provider calls started (first sends, retries and reconcile resends together).
    attempts = models.PositiveSmallIntegerField(default=0)
    fallback_for = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallback"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")

    def __str__(self) -> str:
        return f"{self.channel} {self.template} #{self.pk}"

    @property
    def idempotency_key(self) -> str:
        """Sent with every provider call for this row, the first and every resend alike."""
        return str(self.pk)


class ProviderEvent(models.Model):
    """One status report from a provider, kept once: a replayed webhook finds its row and stops."""

    provider = models.CharField(max_length=20)
    event_key = models.CharField(max_length=200)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20)
    failure_reason = models.CharField(max_length=24, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_key"], name="provider_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.status} ({self.message_id})"


class InboundMessage(models.Model):
    """A reply a claimant sent to our WhatsApp number (kept even when nobody understood it)."""

    channel = models.CharField(max_length=10, choices=MessageChannel.choices, default=MessageChannel.WHATSAPP)
    from_number = models.CharField(max_length=16)
    text = models.CharField(max_length=1000, blank=True)
    provider_message_id = models.CharField(max_length=128, unique=True)
    received_at = models.DateTimeField(default=timezone.now)
    handled_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        # The customer-service window of a number (selectors.service_window_open).
        indexes = [models.Index(fields=["from_number", "received_at"], name="inbound_from_received")]

    def __str__(self) -> str:
        return f"{self.channel} reply #{self.pk}"


class NumberHealth(models.Model):
    """Whether a phone number can be reached at all: both channels failed for it, or not."""

    phone = models.CharField(max_length=16, unique=True)
    not_working = models.BooleanField(default=False)
    reason = models.CharField(max_length=24, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # WhatsApp failed for this number (at once or in a report after "sent") and nothing on
    # WhatsApp reached it since: its next one-time code goes straight by SMS.
    whatsapp_failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.phone}: {'not working' if self.not_working else 'working'}"


class TemplateReview(models.TextChoices):
    APPROVED = "APPROVED", _("Disetujui")
    PENDING = "PENDING", _("Menunggu tinjauan")
    REJECTED = "REJECTED", _("Ditolak")
    PAUSED = "PAUSED", _("Dijeda")
    DISABLED = "DISABLED", _("Dinonaktifkan")


class TemplateStatus(models.Model):
    """WhatsApp's review of one template in one language, as the last sync or status webhook told.

    No row: never registered, or never synced. Only an APPROVED row lets a WhatsApp message of
    that template go; any other sends it by SMS (services/delivery.py).
    """

    name = models.CharField(max_length=512)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=TemplateReview.choices)
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "language"]
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="template_status_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language}): {self.status}"
