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
    FAILED = "failed", _("Gagal")
    # Never handed to a provider: the claim is marked "contact through the branch".
    SKIPPED = "skipped", _("Tidak dikirim")


class Message(models.Model):
    """A WhatsApp or SMS message to a claimant: the outbox and the delivery record in one.

    Written first, then delivered by a task that claims the row (queued → sending), so
    the same message is never handed to a provider twice.
    """

    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    to = models.CharField(max_length=16)
    template = models.CharField(max_length=40)
    body = models.TextField()
    # A body holding a one-time code is blanked once a real provider has it.
    sensitive = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    backend = models.CharField(max_length=120, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")

    def __str__(self) -> str:
        return f"{self.channel} {self.template} #{self.pk}"
