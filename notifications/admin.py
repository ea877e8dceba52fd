"""The WhatsApp/SMS outbox, read-only: messages are written by message_send() alone."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone

from .models import InboundMessage, Message, NumberHealth, TemplateStatus


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "masked_to", "template", "status", "created_at")
    list_filter = ("channel", "status", "failure_reason", "template")
    list_select_related = ("claim",)
    search_fields = ("claim__reference", "provider_message_id")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "claim",
        "channel",
        "to",
        "template",
        "template_variant",
        "language",
        # As redacted as the body: the full values are sealed with the full text.
        "parameters",
        "shown_body",
        "status",
        "status_changed_at",
        "failure_reason",
        "fallback_for",
        "attempts",
        "backend",
        "provider_message_id",
        "error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("kepada"), ordering="to")
    def masked_to(self, obj: Message) -> str:
        return mask_phone(obj.to)

    @admin.display(description=_("isi pesan"))
    def shown_body(self, obj: Message) -> str:
        # A code or a claim link is redacted in the stored body from the start; the full text
        # (Message.sealed) is never shown here (notifications/sealing.py).
        return obj.body


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(_ReadOnly):
    list_display = ("channel", "masked_from", "received_at", "handled_by")
    list_filter = ("channel",)
    fields = ("channel", "from_number", "text", "provider_message_id", "received_at", "handled_by")
    readonly_fields = fields

    @admin.display(description=_("dari"), ordering="from_number")
    def masked_from(self, obj: InboundMessage) -> str:
        return mask_phone(obj.from_number)


@admin.register(NumberHealth)
class NumberHealthAdmin(_ReadOnly):
    list_display = ("masked_phone", "not_working", "reason", "updated_at")
    list_filter = ("not_working",)
    fields = ("phone", "not_working", "reason", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("nomor"), ordering="phone")
    def masked_phone(self, obj: NumberHealth) -> str:
        return mask_phone(obj.phone)


@admin.register(TemplateStatus)
class TemplateStatusAdmin(_ReadOnly):
    """WhatsApp's review of our templates: written by `whatsapp_templates sync` and the webhook."""

    list_display = ("name", "language", "status", "reason", "updated_at")
    list_filter = ("status", "language")
    search_fields = ("name",)
    fields = list_display
    readonly_fields = fields
