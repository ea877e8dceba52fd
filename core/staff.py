"""Staff roles and what each one may see: the one rule every view, service and template uses.

Four roles (accounts.User.role): an officer works for one branch, a branch manager
manages one, a regional manager sees the branches of their region, the national office
sees everything. Superusers count as national. Claims, documents, messages and every
other row outside a user's scope are simply not found (404), never "forbidden".
"""

from collections.abc import Callable

from django.contrib.admin.views.decorators import staff_member_required
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache


class Role(models.TextChoices):
    OFFICER = "officer", _("Petugas cabang")
    BRANCH_MANAGER = "branch_manager", _("Kepala cabang")
    REGIONAL_MANAGER = "regional_manager", _("Manajer kantor wilayah")
    NATIONAL = "national", _("Kantor pusat")


# Everyone but an officer manages (a branch, a region, the nation).
MANAGER_ROLES = (Role.BRANCH_MANAGER, Role.REGIONAL_MANAGER, Role.NATIONAL)


def is_active_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_manager(user) -> bool:
    """A manager of any level (branch, region, nation) or a superuser: everyone but an officer."""
    return bool(user.is_superuser or user.role in MANAGER_ROLES)


def is_national(user) -> bool:
    return bool(user.is_superuser or user.role == Role.NATIONAL)


def is_branch_manager(user) -> bool:
    return bool(user.role == Role.BRANCH_MANAGER and not user.is_superuser)


def is_manager_on_duty(user) -> bool:
    """Active staff who manage (the dashboard and the audit log are theirs)."""
    return is_active_staff(user) and is_manager(user)


def scope_key(user) -> str:
    """Two users with the same key see exactly the same rows (a cache may be shared between them)."""
    if is_national(user):
        return "national"
    if user.role == Role.REGIONAL_MANAGER:
        return f"region:{user.region_id}"
    return f"branch:{user.branch_id}"


def in_staff_scope(queryset: QuerySet, user, *, to_branch: str = "") -> QuerySet:
    """The staff scope rule, once: their branch, their region, or everything.

    ``to_branch`` is the lookup path from the queryset's model to its Branch ("" for
    branches, "branch__" for claims, "claim__branch__" for messages). Anyone who is not
    active staff, and staff missing the branch or region their role needs, get nothing.
    """
    if not is_active_staff(user):
        return queryset.none()
    if is_national(user):
        return queryset
    if user.role == Role.REGIONAL_MANAGER:
        return queryset.filter(**{f"{to_branch}region_id": user.region_id}) if user.region_id else queryset.none()
    return queryset.filter(**{f"{to_branch}id": user.branch_id}) if user.branch_id else queryset.none()


def staff_only(view: Callable) -> Callable:
    """Logged-in, active staff only (others go to the admin login), and never cached anywhere.

    Every staff page (console, dashboard, exports) uses this one.
    """
    return never_cache(staff_member_required(view, login_url="admin:login"))
