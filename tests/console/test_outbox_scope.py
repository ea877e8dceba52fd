"""The outbox is scoped like every staff list (claims.selectors.in_staff_scope)."""

import pytest

from console.selectors import messages_for_staff
from core.staff import Role
from notifications.services import message_send
from tests.factories import BranchFactory, StaffFactory, make_claim

pytestmark = pytest.mark.django_db


def _message(claim=None):
    return message_send(
        to="+6281234567890", template="claim_cancelled", context={"reference": "LA-7K3M-Q9XP"}, claim=claim
    )


def test_each_member_of_staff_sees_the_messages_of_their_branch_region_or_all():
    here = BranchFactory()
    same_region = BranchFactory(region=here.region)
    elsewhere = BranchFactory()
    mine, neighbours, far, unclaimed = (
        _message(make_claim(branch=here)),
        _message(make_claim(branch=same_region)),
        _message(make_claim(branch=elsewhere)),
        _message(),
    )
    officer = StaffFactory(branch=here)
    regional = StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=here.region)
    national = StaffFactory(role=Role.NATIONAL, branch=None)
    assert set(messages_for_staff(officer)) == {mine}
    assert set(messages_for_staff(regional)) == {mine, neighbours}
    assert set(messages_for_staff(national)) == {mine, neighbours, far, unclaimed}


def test_staff_missing_their_branch_or_region_see_nothing_not_the_messages_without_a_claim():
    _message(make_claim(branch=BranchFactory()))
    _message()
    assert not messages_for_staff(StaffFactory(branch=None))
    assert not messages_for_staff(StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=None))
