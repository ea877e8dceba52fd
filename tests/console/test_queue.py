"""The queue at /petugas/: scope, order, filters, age against the service target."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Branch, Channel, Claim, ClaimReason, NonWorkingDay, Status
from claims.services import claim_create, claim_take, claim_transition
from console.selectors import claim_age
from core.staff import Role
from tests.factories import BranchFactory, StaffFactory, claimant_data, make_claim

from .conftest import make_accepted_claim, staff_client

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = dt.date(2026, 11, 2)


def _advance(claim: Claim, *statuses: Status) -> Claim:
    for status in statuses:
        claim = claim_transition(claim=claim, to=status)
    return claim


def _in_review(branch: Branch, *, submitted_at: dt.datetime | None = None, **kwargs) -> Claim:
    claim = _advance(make_claim(branch=branch, **kwargs), Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW)
    if submitted_at is not None:
        Claim.objects.filter(pk=claim.pk).update(submitted_at=submitted_at)
        claim.refresh_from_db()
    return claim


def _approved(claim: Claim, *, by) -> Claim:
    """Approved the only way there is: after the call (DOMAIN.md)."""
    claim = _advance(claim, Status.INTERVIEW_SCHEDULED, Status.INTERVIEW_DONE)
    return claim_transition(claim=claim, to=Status.APPROVED, by=by)


def test_age_is_counted_in_working_days_against_the_target(branch, settings):
    settings.CLAIM_SERVICE_TARGET_DAYS = 5
    claim = _in_review(branch, submitted_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=JAKARTA))  # a Monday
    on_target = claim_age(claim, now=dt.datetime(2026, 11, 9, 15, 0, tzinfo=JAKARTA))  # next Monday
    assert (on_target.working_days, on_target.target, on_target.overdue, on_target.due_today) == (5, 5, False, True)
    weekend = claim_age(claim, now=dt.datetime(2026, 11, 8, 15, 0, tzinfo=JAKARTA))  # Sunday
    assert (weekend.working_days, weekend.overdue) == (4, False)
    late = claim_age(claim, now=dt.datetime(2026, 11, 10, 8, 0, tzinfo=JAKARTA))  # Tuesday
    assert (late.working_days, late.overdue) == (6, True)


def test_age_skips_national_holidays_cuti_bersama_and_the_branchs_closures(branch, settings):
    claim = _in_review(branch, submitted_at=dt.datetime(2026, 12, 22, 9, 0, tzinfo=JAKARTA))  # a Tuesday
    now = dt.datetime(2026, 12, 29, 15, 0, tzinfo=JAKARTA)  # the Tuesday after
    # Wed 23, (Thu 24 cuti bersama, Fri 25 Christmas, the weekend), Mon 28, Tue 29.
    assert claim_age(claim, now=now).working_days == 3
    NonWorkingDay.objects.create(date=dt.date(2026, 12, 28), branch=branch, name="Pindah kantor")
    assert claim_age(claim, now=now).working_days == 2


def test_age_uses_the_branchs_local_date(settings):
    east = BranchFactory(time_zone=Branch.Zone.WIT)
    west = BranchFactory(time_zone=Branch.Zone.WIB)
    # Thursday 22:30 in Jakarta is already Friday 00:30 in Jayapura.
    submitted = dt.datetime(2026, 11, 5, 15, 30, tzinfo=dt.UTC)
    now = dt.datetime(2026, 11, 6, 3, 0, tzinfo=dt.UTC)
    assert claim_age(_in_review(west, submitted_at=submitted), now=now).working_days == 1
    assert claim_age(_in_review(east, submitted_at=submitted), now=now).working_days == 0


def test_a_closed_claim_is_never_overdue(branch, officer):
    claim = _in_review(branch, submitted_at=timezone.now() - dt.timedelta(days=30))
    claim = _approved(claim, by=officer)
    age = claim_age(claim)
    assert not age.overdue


# --- the page -------------------------------------------------------------------------------


def _references(response) -> list[str]:
    return [row.claim.reference for row in response.context["rows"]]


def test_queue_is_oldest_first_and_leaves_drafts_and_closed_claims_out(branch, officer):
    now = timezone.now()
    newest = _in_review(branch, submitted_at=now - dt.timedelta(hours=1))
    oldest = _in_review(branch, submitted_at=now - dt.timedelta(days=9))
    middle = _in_review(branch, submitted_at=now - dt.timedelta(days=2))
    make_claim(branch=branch)  # a draft
    closed = _approved(_in_review(branch), by=officer)
    response = staff_client(officer).get(reverse("console:queue"))
    assert response.status_code == 200
    assert _references(response) == [oldest.reference, middle.reference, newest.reference]
    assert closed.reference not in response.content.decode()


def test_queue_shows_every_status_waiting_for_staff(branch, officer):
    submitted = _advance(make_claim(branch=branch), Status.SUBMITTED)
    needs_fix = _advance(make_claim(branch=branch), Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX)
    interview = claim_transition(claim=_in_review(branch), to=Status.INTERVIEW_SCHEDULED)
    failed = claim_transition(claim=interview, to=Status.FAILED_CONFIRMATION)
    review = _in_review(branch)
    references = set(_references(staff_client(officer).get(reverse("console:queue"))))
    assert references == {submitted.reference, needs_fix.reference, failed.reference, review.reference}


def _dropbox_claim(branch: Branch) -> Claim:
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()
    claim = claim_create(
        intake_token=uuid.uuid4(),
        reason=reason,
        branch=branch,
        data=claimant_data(nik="3174011205900091"),  # not the NIK of the other JHT claims here
        channel=Channel.DROPBOX,
    )
    return _advance(claim, Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW)


def test_queue_filters_by_programme_channel_and_status(branch, officer):
    jht = _in_review(branch)
    jkm = _in_review(branch, programme="JKM")
    dropbox = _dropbox_claim(branch)
    needs_fix = _advance(make_claim(branch=branch), Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX)
    approved = _approved(_in_review(branch), by=officer)
    client = staff_client(officer)
    url = reverse("console:queue")
    assert _references(client.get(url, {"program": "JKM"})) == [jkm.reference]
    assert _references(client.get(url, {"jalur": "dropbox"})) == [dropbox.reference]
    assert _references(client.get(url, {"status": "needs_fix"})) == [needs_fix.reference]
    assert _references(client.get(url, {"status": "approved"})) == [approved.reference]
    assert set(_references(client.get(url, {"status": "all"}))) == {
        jht.reference,
        jkm.reference,
        dropbox.reference,
        needs_fix.reference,
        approved.reference,
    }
    assert _references(client.get(url, {"program": "JHT", "jalur": "electronic", "status": "in_review"})) == [
        jht.reference
    ]
    # Nonsense in the query string is ignored, not an error.
    assert client.get(url, {"status": "'; drop table", "program": "XYZ"}).status_code == 200


def test_officer_sees_only_their_own_branch(officer):
    mine = _in_review(officer.branch)
    other_branch = BranchFactory(region=officer.branch.region)
    theirs = _in_review(other_branch)
    assert _references(staff_client(officer).get(reverse("console:queue"))) == [mine.reference]
    stranger = StaffFactory(branch=other_branch)
    response = staff_client(stranger).get(reverse("console:queue"))
    assert _references(response) == [theirs.reference]
    assert mine.reference not in response.content.decode()
    regional = StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=officer.branch.region)
    assert set(_references(staff_client(regional).get(reverse("console:queue")))) == {
        mine.reference,
        theirs.reference,
    }


def test_overdue_rows_are_marked(branch, officer, settings):
    settings.CLAIM_SERVICE_TARGET_DAYS = 5
    late = _in_review(branch, submitted_at=timezone.now() - dt.timedelta(days=14))
    fresh = _in_review(branch, submitted_at=timezone.now())
    response = staff_client(officer).get(reverse("console:queue"))
    rows = {row.claim.reference: row for row in response.context["rows"]}
    assert rows[late.reference].age.overdue
    assert not rows[fresh.reference].age.overdue
    html = response.content.decode()
    assert html.count('class="overdue"') == 1
    assert "Lewat target" in html
    assert "/ 5 hari kerja" in html


def test_queue_shows_who_holds_each_claim(branch, officer, other_officer):
    held = _in_review(branch)
    claim_take(claim=held, by=other_officer, claim_version=held.version)
    response = staff_client(officer).get(reverse("console:queue"))
    assert "Rina Wulandari" in response.content.decode()


def test_queue_is_paginated_by_fifty(branch, officer):
    start = timezone.now() - dt.timedelta(days=3)
    claims = [_in_review(branch, submitted_at=start + dt.timedelta(minutes=n)) for n in range(51)]
    client = staff_client(officer)
    first = client.get(reverse("console:queue"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("console:queue"), {"halaman": 2})
    assert _references(second) == [claims[-1].reference]
    assert "halaman=2" in first.content.decode()


def test_queue_is_for_staff_only_and_never_cached(branch, officer):
    anonymous = Client().get(reverse("console:queue"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    not_staff = StaffFactory(branch=branch, is_staff=False)
    response = staff_client(not_staff).get(reverse("console:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = staff_client(officer).get(reverse("console:queue"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_queue_marks_a_call_booked_by_the_service_and_one_the_claimant_chose(branch, officer):
    from interviews.selectors import branch_free_slots
    from interviews.services import interview_choose, interviews_auto_book_sweep

    by_service = make_accepted_claim(branch=branch, officer=officer)
    by_claimant = make_accepted_claim(branch=branch, officer=officer)
    make_accepted_claim(branch=branch, officer=officer)  # nobody chooses for this one either
    slot = branch_free_slots(branch=branch, count=1, min_reminders=0)[0]
    interview_choose(claim=by_claimant, starts_at=slot.slot.starts_at, channel="whatsapp_video")
    # Ten days on, nobody chose for the first and the third: the service books them.
    assert interviews_auto_book_sweep(now=timezone.now() + dt.timedelta(days=10)) == 2

    response = staff_client(officer).get(reverse("console:queue"))
    rows = {row.claim.reference: row for row in response.context["rows"]}
    assert rows[by_service.reference].booked_by_service
    assert not rows[by_claimant.reference].booked_by_service
    assert rows[by_claimant.reference].chosen_by_claimant
    html = response.content.decode()
    assert html.count("booked-by-service") == 2
    assert "Dijadwalkan sistem" in html
    assert "Dipilih peserta" in html
