"""Documents and their access log, read-only.

The files themselves are not linked from here: staff open a document through the
officer pages, which record every opening in DocumentAccess (UU PDP No. 27/2022).
The access log is only ever appended to, so nobody edits or deletes it here,
superusers included.
"""

from django.contrib import admin
from django.http import HttpRequest

from .models import Document, DocumentAccess, DropboxBatch, Envelope, ResumableUpload, ScanPage


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "claim", "document_type", "status", "rejection_code", "content_type", "size")
    list_filter = ("status", "document_type", "rejection_code")
    list_select_related = ("claim", "document_type")
    search_fields = ("claim__reference",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    # No file or thumbnail field: opening a file here would bypass the access log.
    fields = (
        "id",
        "claim",
        "document_type",
        "status",
        "rejection_code",
        "rejection_note",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = fields


@admin.register(DocumentAccess)
class DocumentAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "user", "document", "what", "ip_address")
    list_filter = ("what",)
    list_select_related = ("user", "document")
    search_fields = ("user__username", "document__claim__reference")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("at", "user", "document", "what", "ip_address", "user_agent")
    readonly_fields = fields


@admin.register(DropboxBatch)
class DropboxBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("opened_at", "branch", "opened_by", "closed_at")
    list_filter = ("branch__region",)
    list_select_related = ("branch", "opened_by")
    date_hierarchy = "opened_at"


@admin.register(Envelope)
class EnvelopeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "batch", "number", "status", "claim", "typed_reference")
    list_filter = ("status",)
    list_select_related = ("batch", "claim")
    search_fields = ("claim__reference", "typed_reference")
    exclude = ("contents",)


@admin.register(ScanPage)
class ScanPageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which scanned page went to which claim and document. The scans themselves are not served."""

    list_display = ("created_at", "envelope", "page_number", "claim", "document", "ignored")
    list_select_related = ("envelope", "claim", "document")
    search_fields = ("claim__reference",)
    exclude = ("file",)


@admin.register(ResumableUpload)
class ResumableUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploads arriving in pieces: how far each got, and when an unfinished one expires."""

    list_display = ("created_at", "claim", "document_type", "offset", "length", "completed_at", "expires_at")
    list_select_related = ("claim", "document_type")
    search_fields = ("claim__reference",)
    exclude = ("original_name", "storage_key", "multipart_id", "parts", "pending")
