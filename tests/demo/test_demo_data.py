"""The demo_data management command: regions, branches and staff logins for development."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from accounts.models import User
from claims.models import Branch, Region
from core.staff import Role
from demo.management.commands.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def run_demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def test_demo_data_creates_the_eleven_regions_and_branches_in_all_time_zones():
    run_demo_data("--force")

    assert Region.objects.count() == 11
    assert Branch.objects.count() >= 30
    assert set(Branch.objects.values_list("region", flat=True)) == set(Region.objects.values_list("pk", flat=True))
    assert set(Branch.objects.values_list("time_zone", flat=True)) == set(Branch.Zone.values)


def test_demo_branches_sit_in_their_real_time_zones():
    run_demo_data("--force")

    zones = dict(Branch.objects.values_list("city", "time_zone"))
    assert zones["Medan"] == Branch.Zone.WIB
    assert zones["Pontianak"] == Branch.Zone.WIB
    assert zones["Balikpapan"] == Branch.Zone.WITA
    assert zones["Denpasar"] == Branch.Zone.WITA
    assert zones["Makassar"] == Branch.Zone.WITA
    assert zones["Ambon"] == Branch.Zone.WIT
    assert zones["Jayapura"] == Branch.Zone.WIT


def test_every_demo_branch_has_one_officer_and_one_manager():
    run_demo_data("--force")

    for branch in Branch.objects.all():
        assert branch.whatsapp_number.startswith("+62"), branch.code
        assert User.objects.filter(branch=branch, role=Role.OFFICER, is_staff=True).count() == 1, branch.code
        assert User.objects.filter(branch=branch, role=Role.BRANCH_MANAGER, is_staff=True).count() == 1, branch.code
    for region in Region.objects.all():
        assert User.objects.filter(region=region, role=Role.REGIONAL_MANAGER).count() == 1, region.code
    assert User.objects.filter(role=Role.NATIONAL, is_superuser=False).exists()


def test_demo_logins_work_with_the_printed_password():
    output = run_demo_data("--force")

    assert DEMO_PASSWORD in output
    assert "petugas.medan" in output
    assert "/admin/" in output
    assert "/petugas/pesan/" in output
    officer = authenticate(RequestFactory().post("/admin/login/"), username="petugas.medan", password=DEMO_PASSWORD)
    admin = authenticate(RequestFactory().post("/admin/login/"), username="admin", password=DEMO_PASSWORD)
    assert officer is not None
    assert officer.role == Role.OFFICER
    assert officer.branch.city == "Medan"
    assert admin is not None
    assert admin.is_superuser
    assert officer.has_perm("claims.view_programme")
    assert not officer.has_perm("claims.change_programme")
    assert not officer.has_perm("claims.view_claim")


def test_demo_data_run_twice_changes_no_counts():
    run_demo_data("--force")
    counts = (Region.objects.count(), Branch.objects.count(), User.objects.count())

    run_demo_data("--force")

    assert (Region.objects.count(), Branch.objects.count(), User.objects.count()) == counts
    assert (
        authenticate(RequestFactory().post("/admin/login/"), username="kepala.medan", password=DEMO_PASSWORD)
        is not None
    )


def test_demo_data_refuses_without_force_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        run_demo_data()

    assert not Region.objects.exists()
    assert not User.objects.exists()


def test_demo_data_runs_without_force_in_debug(settings):
    settings.DEBUG = True

    run_demo_data()

    assert Region.objects.count() == 11


@pytest.mark.django_db
def test_demo_claims_fill_the_medan_queue_once(settings):
    from django.core.management import call_command

    from claims.models import Claim
    from demo.claims import DEMO_EMAIL

    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    call_command("demo_data", stdout=io.StringIO())
    claims = Claim.objects.filter(email=DEMO_EMAIL)
    assert sorted(claims.values_list("status", flat=True)) == [
        "draft",
        "in_review",
        "in_review",
        "needs_fix",
        "submitted",
    ]
    # One of them waits for the claimant to choose the call: the invitation is in the outbox.
    from notifications.models import Message

    assert Message.objects.filter(claim__in=claims, template="interview_choose").count() == 1
    assert claims.filter(channel="dropbox").count() == 1
    assert {claim.branch.city for claim in claims} == {"Medan"}
