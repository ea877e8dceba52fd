from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "branch", "region", "is_active")
    list_filter = ("role", "branch__region", "is_active", "is_staff")
    list_select_related = ("branch", "region")
    search_fields = ("username", "first_name", "last_name", "email")
    # UserAdmin always sets fieldsets; the stubs type the attribute as ModelAdmin's optional one.
    fieldsets = (*(UserAdmin.fieldsets or ()), ("LapakAsik", {"fields": ("role", "branch", "region")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("LapakAsik", {"fields": ("role", "branch", "region")}))
