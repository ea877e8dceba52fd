"""The dashboard's scope is the console's: claims_for_staff, for every role."""

import pytest

from claims.models import Claim
from claims.selectors import claims_for_staff
from core.staff import Role, is_manager_on_duty
from reports.figures.scope import branches_in_scope
from tests.factories import BranchFactory, RegionFactory, StaffFactory

from .conftest import WEEK, claim_row, local

pytestmark = pytest.mark.django_db


def test_branch_scope_of_interviews_and_documents_agrees_with_claims_for_staff():
    regions = [RegionFactory(code=f"KWS{n}") for n in range(2)]
    branches = [BranchFactory(region=region) for region in regions for _ in range(2)]
    for branch in branches:
        claim_row(branch, submitted_at=local(WEEK))
    users = [
        StaffFactory(role=Role.NATIONAL, branch=None),
        StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=regions[0]),
        StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=None),
        StaffFactory(role=Role.BRANCH_MANAGER, branch=branches[3]),
        StaffFactory(role=Role.BRANCH_MANAGER, branch=None),
        StaffFactory(role=Role.OFFICER, branch=branches[1], is_superuser=True),
    ]
    for user in users:
        through_branches = Claim.objects.filter(branch__in=branches_in_scope(user))
        assert set(claims_for_staff(user)) == set(through_branches), user.role


def test_only_managers_have_a_dashboard():
    branch = BranchFactory()
    assert not is_manager_on_duty(StaffFactory(role=Role.OFFICER, branch=branch))
    assert is_manager_on_duty(StaffFactory(role=Role.BRANCH_MANAGER, branch=branch))
    assert not is_manager_on_duty(StaffFactory(role=Role.NATIONAL, branch=None, is_active=False))
