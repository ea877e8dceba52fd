"""Admin for the catalogue (editable) and for claims (read-only).

A claim's status only changes through claims.services.claim_transition(), which
records who did it and why; the admin therefore shows claims and their history but
never edits them. Personal numbers are masked here: officers see claims in full
through the officer pages, which are scoped to their branch.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.masking import mask_nik, mask_phone

from .models import (
    Branch,
    Claim,
    ClaimDataAccess,
    ClaimEvent,
    ClaimReason,
    DocumentRequirement,
    DocumentType,
    NonWorkingDay,
    Programme,
    Region,
)


class ReadOnlyAdminMixin:
    """Nothing is added, changed or deleted here, whoever asks (superusers too)."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class BranchInline(admin.TabularInline):
    model = Branch
    fields = ("code", "name", "city", "time_zone", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "branch_count")
    search_fields = ("code", "name")
    inlines = [BranchInline]

    @admin.display(description=_("kantor cabang"))
    def branch_count(self, obj: Region) -> int:
        return obj.branches.count()


class NonWorkingDayInline(admin.TabularInline):
    """The branch's own closures (national holidays and cuti bersama are known already)."""

    model = NonWorkingDay
    fields = ("date", "name")
    extra = 0


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "city", "region", "time_zone", "whatsapp_number", "is_active")
    list_filter = ("region", "time_zone", "is_active")
    list_select_related = ("region",)
    search_fields = ("city", "name", "code")
    inlines = [NonWorkingDayInline]


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    """Days off beyond what the holidays package knows: a branch's, or (no branch) a national one."""

    list_display = ("date", "name", "branch")
    list_filter = ("branch__region", "branch")
    list_select_related = ("branch",)
    date_hierarchy = "date"


class ClaimReasonInline(admin.TabularInline):
    model = ClaimReason
    fields = ("code", "name", "name_en", "needs_heir", "ordering", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "payment_days", "ordering", "is_active")
    list_editable = ("payment_days", "ordering", "is_active")
    search_fields = ("code", "name", "name_en")
    inlines = [ClaimReasonInline]


class DocumentRequirementInline(admin.TabularInline):
    model = DocumentRequirement
    fields = ("document_type", "required", "note", "note_en", "ordering")
    autocomplete_fields = ("document_type",)
    extra = 0


@admin.register(ClaimReason)
class ClaimReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "code", "needs_heir", "ordering", "is_active")
    list_filter = ("programme", "needs_heir", "is_active")
    list_select_related = ("programme",)
    search_fields = ("code", "name", "name_en")
    inlines = [DocumentRequirementInline]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "explanation")
    search_fields = ("code", "name", "name_en")
    fieldsets = (
        (None, {"fields": ("code", "name", "explanation", "photo_hint")}),
        ("English", {"fields": ("name_en", "explanation_en", "photo_hint_en")}),
    )


class ClaimEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimEvent
    fields = ("at", "from_status", "to_status", "reason", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("reference", "programme", "status", "channel", "branch", "submitted_at")
    list_filter = ("status", "channel", "programme", "branch__region")
    list_select_related = ("programme", "branch")
    # Only the reference: searching by NIK or name would turn the admin into a lookup tool.
    search_fields = ("reference",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [ClaimEventInline]
    fieldsets = (
        (None, {"fields": ("reference", "programme", "reason", "channel", "status", "cancel_reason", "branch")}),
        (_("Peserta"), {"fields": ("masked_nik", "kpj_number", "full_name", "masked_phone", "language")}),
        (_("Ahli waris"), {"fields": ("heir_name", "masked_heir_nik", "heir_relation", "masked_heir_phone")}),
        (_("Waktu"), {"fields": ("created_at", "submitted_at", "closed_at", "updated_at")}),
    )
    readonly_fields = (
        "reference",
        "programme",
        "reason",
        "channel",
        "status",
        "cancel_reason",
        "branch",
        "masked_nik",
        "kpj_number",
        "full_name",
        "masked_phone",
        "language",
        "heir_name",
        "masked_heir_nik",
        "heir_relation",
        "masked_heir_phone",
        "created_at",
        "submitted_at",
        "closed_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # View-only: the status is written by claim_transition() alone.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting a claim would delete its history; cancel it through the service instead.
        return False

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Claim) -> str:
        return mask_nik(obj.nik)

    @admin.display(description=_("nomor HP"))
    def masked_phone(self, obj: Claim) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("NIK ahli waris"))
    def masked_heir_nik(self, obj: Claim) -> str:
        return mask_nik(obj.heir_nik) if obj.heir_nik else "-"

    @admin.display(description=_("nomor HP ahli waris"))
    def masked_heir_phone(self, obj: Claim) -> str:
        return mask_phone(obj.heir_phone) if obj.heir_phone else "-"


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "claim", "from_status", "to_status", "reason", "actor")
    list_filter = ("to_status", "reason")
    list_select_related = ("claim", "actor")
    search_fields = ("claim__reference",)
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(ClaimDataAccess)
class ClaimDataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who revealed a claimant's full NIK: read-only for everyone, superusers included."""

    list_display = ("at", "user", "claim", "what", "ip_address")
    list_filter = ("what",)
    list_select_related = ("user", "claim")
    search_fields = ("user__username", "claim__reference")
    date_hierarchy = "at"
    show_full_result_count = False
