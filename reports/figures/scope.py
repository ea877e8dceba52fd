"""Whose claims a manager's figures count, and how the table is split into rows.

The scope is the console's own: claims.selectors.claims_for_staff. Claims are filtered by
it directly; interviews and documents through their claim's branch, among the branches
of branches_in_scope() (the same rule, tested to agree), except for a national user, whose
scope is every claim and needs no filter at all.
"""

from dataclasses import dataclass

from django.db.models import Model, QuerySet

from claims.models import Branch, Claim, Region
from claims.selectors import branches_for_staff, claims_for_staff
from core.staff import is_national

from .definitions import Base


@dataclass(frozen=True)
class Filters:
    region_id: int | None = None
    branch_id: int | None = None
    programme_id: int | None = None
    channel: str = ""

    def key(self) -> str:
        return f"r{self.region_id or ''}b{self.branch_id or ''}p{self.programme_id or ''}c{self.channel}"


def rows_by(user, filters: Filters) -> str:
    """National users see a row per region until they pick one; everyone else a row per branch."""
    if is_national(user) and not filters.region_id and not filters.branch_id:
        return "region"
    return "branch"


def group_path(base: Base, level: str) -> str:
    return f"{base.to_claim}branch__region_id" if level == "region" else f"{base.to_claim}branch_id"


def scoped(base: Base, user, filters: Filters) -> QuerySet:
    """The base's rows within the user's scope and the filters (no period yet)."""
    if base.model is Claim:
        rows: QuerySet[Model] = claims_for_staff(user).filter(base.condition)
    else:
        # Through the claim's branch: a semi-join over the scope's branches (at most a few
        # hundred rows), not over its claims. tests/dashboard/test_scope.py holds this to
        # claims_for_staff for every role.
        rows = base.model._default_manager.filter(base.condition)
        if not is_national(user):
            rows = rows.filter(claim__branch__in=branches_in_scope(user).values("pk"))
    path = base.to_claim
    lookups = {
        f"{path}branch__region_id": filters.region_id,
        f"{path}branch_id": filters.branch_id,
        f"{path}programme_id": filters.programme_id,
        f"{path}channel": filters.channel or None,
    }
    return rows.filter(**{lookup: value for lookup, value in lookups.items() if value is not None})


def branches_in_scope(user) -> QuerySet[Branch]:
    """The branches a user's claims can belong to (the filter's choices)."""
    return branches_for_staff(user).select_related("region").order_by("region__name", "name")


def regions_in_scope(user) -> QuerySet[Region]:
    if is_national(user):
        return Region.objects.order_by("name")
    return Region.objects.filter(branches__in=branches_in_scope(user)).distinct().order_by("name")
