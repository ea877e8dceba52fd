import datetime as dt

import pytest
from django.core import signing
from django.test import Client

from claims.models import Status
from interviews.models import CallChannel, InterviewStatus, ReminderStatus
from interviews.selectors import interview_token
from tests.console.conftest import staff_client
from tests.factories import BranchFactory, StaffFactory

from .conftest import MONDAY, book, local, travel

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def booked(setup_zone):
    branch, officer, claim = setup_zone("Asia/Makassar")
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    return branch, claim, interview, f"/wawancara/{interview_token(interview)}/"


def test_the_token_is_the_signed_interview_id_and_nothing_personal(booked):
    branch, claim, interview, url = booked
    token = interview_token(interview)
    assert token.split(":")[0] == str(interview.pk)
    for personal in (claim.nik, claim.phone, claim.full_name, claim.reference, claim.kpj_number):
        assert personal not in token


def test_the_claimant_page_shows_time_officer_and_number_only(booked):
    branch, claim, interview, url = booked
    with travel(local(branch, MONDAY, 12)):
        page = Client().get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "pukul 10.00 WITA" in text
    assert "Rina Wulandari" in text
    assert branch.whatsapp_number in text
    assert claim.nik not in text
    assert claim.full_name not in text
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("token", ["1:forged", "abc", signing.Signer(salt="other").sign("1")])
def test_a_forged_token_is_not_found(booked, token):
    assert Client().get(f"/wawancara/{token}/").status_code == 404


def test_the_link_expires_after_the_interview(booked):
    branch, claim, interview, url = booked
    with travel(local(branch, TUESDAY, 11, 19)):
        assert Client().get(url).status_code == 200
    with travel(local(branch, TUESDAY, 11, 21)):
        assert Client().get(url).status_code == 404


def test_the_claimant_confirms(booked):
    branch, claim, interview, url = booked
    with travel(local(branch, MONDAY, 12)):
        response = Client().post(url + "konfirmasi/")
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CONFIRMED
    assert interview.claimant_confirmed_at


def test_the_claimant_asks_for_a_phone_call_instead_of_video(booked):
    branch, claim, interview, url = booked
    with travel(local(branch, MONDAY, 12)):
        Client().post(url + "telepon/")
    interview.refresh_from_db()
    assert interview.channel == CallChannel.PHONE_CALL
    assert interview.phone_call_requested
    assert claim.events.filter(reason="interview_phone_call_requested").exists()


def test_the_claimant_moves_the_call_to_another_free_slot(booked):
    branch, claim, interview, url = booked
    client = Client()
    with travel(local(branch, MONDAY, 12)):
        page = client.get(url)
        new_value = local(branch, MONDAY, 15).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert new_value in page.content.decode()
        assert client.post(url + "ubah/", {"waktu": new_value}).status_code == 302
        assert client.post(url + "ubah/", {"waktu": "2026-03-03T04:10:00Z"}).status_code == 400  # not a slot
    interview.refresh_from_db()
    assert interview.starts_at == local(branch, MONDAY, 15)
    # 2 h and 15 min before the new time (24 h before it is already past); the old three are gone.
    assert interview.reminders.filter(status=ReminderStatus.PENDING).count() == 2
    assert interview.reminders.filter(status=ReminderStatus.CANCELLED).count() == 3


def test_the_explainer_page_has_pictures_and_short_steps(client):
    page = client.get("/wawancara/cara-kerja/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("<svg") == 4
    assert "e-KTP asli" in text


def test_the_officer_books_from_the_first_free_slots(setup_zone):
    branch, officer, claim = setup_zone("Asia/Jayapura")
    client = staff_client(officer)
    url = f"/petugas/wawancara/{claim.reference}/jadwalkan/"
    with travel(local(branch, MONDAY, 9)):
        page = client.get(url)
        assert page.status_code == 200
        assert "10:00 WIT" in page.content.decode()
        value = local(branch, MONDAY, 10).strftime("%Y-%m-%dT%H:%M:%SZ")
        response = client.post(url, {"versi": claim.version, "waktu": value, "cara": "whatsapp_video"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert claim.interviews.get().officer == officer


def test_an_officer_of_another_branch_does_not_find_the_booking_page(setup_zone):
    branch, officer, claim = setup_zone()
    stranger = StaffFactory(branch=BranchFactory())
    assert staff_client(stranger).get(f"/petugas/wawancara/{claim.reference}/jadwalkan/").status_code == 404
