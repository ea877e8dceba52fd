"""The officer's interview page (/petugas/wawancara/<reference>/) and the number-not-working banner."""

import datetime as dt

import pytest

from claims.models import ClaimEvent, Status
from interviews.models import AttemptOutcome, IdentityCheck, InterviewAttempt, InterviewStatus
from notifications.models import Message, NumberHealth
from tests.factories import BranchFactory, StaffFactory
from tests.interviews.conftest import BRANCH_NUMBER, MONDAY, book, local, travel

from .conftest import make_submitted_claim, staff_client

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)
ALL_CHECKS = list(IdentityCheck.values)


@pytest.fixture
def booked(db):
    """A claim in review at a WIT branch, its call booked on Monday for Tuesday 10:00 WIT."""
    branch = BranchFactory(time_zone="Asia/Jayapura", whatsapp_number=BRANCH_NUMBER)
    officer = StaffFactory(branch=branch, first_name="Rina", last_name="Wulandari")
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
        claim = make_submitted_claim(branch=branch)
    with travel(local(branch, MONDAY, 9)):
        interview = book(claim, officer, local(branch, TUESDAY, 10))
    claim.refresh_from_db()
    return branch, officer, claim, interview


def url(claim, name: str = "") -> str:
    return f"/petugas/wawancara/{claim.reference}/{name + '/' if name else ''}"


def test_the_page_shows_photo_documents_checklist_and_call_details(booked):
    branch, officer, claim, interview = booked
    face = claim.documents.get(document_type__code="face_with_ektp")
    ektp = claim.documents.get(document_type__code="ektp")
    with travel(local(branch, TUESDAY, 9, 55)):
        page = staff_client(officer).get(url(claim))
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert f"/dokumen/{face.pk}/gambar-kecil/" in text or f"{face.pk}/gambar-kecil/" in text
    assert f"{ektp.pk}/gambar-kecil/" in text
    assert claim.nik not in text  # masked as on the claim page
    assert claim.full_name in text
    for label in IdentityCheck.labels:
        assert str(label) in text
    assert "Selasa, 3 Maret 2026 pukul 10.00 WIT" in text
    assert f'href="tel:{claim.contact_phone}"' in text
    assert "Belum ada percobaan." in text


def test_the_page_of_a_claim_in_another_branch_is_not_found(booked):
    branch, officer, claim, interview = booked
    stranger = StaffFactory(branch=BranchFactory())
    client = staff_client(stranger)
    assert client.get(url(claim)).status_code == 404
    response = client.post(url(claim, "tidak-diangkat"), {"versi": claim.version})
    assert response.status_code == 404
    assert not InterviewAttempt.objects.exists()


def test_the_claim_page_links_to_the_interview_page_while_a_call_is_booked(booked):
    branch, officer, claim, interview = booked
    page = staff_client(officer).get(f"/petugas/klaim/{claim.reference}/")
    assert url(claim) in page.content.decode()


def test_confirmed_posts_the_checklist_and_the_claim_page_then_offers_the_decision(booked):
    branch, officer, claim, interview = booked
    client = staff_client(officer)
    with travel(local(branch, TUESDAY, 10, 5)):
        response = client.post(
            url(claim, "terkonfirmasi"), {"versi": claim.version, "periksa": ALL_CHECKS, "catatan": "Lancar"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/petugas/klaim/{claim.reference}/"
        page = client.get(response["Location"]).content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_DONE
    attempt = InterviewAttempt.objects.get()
    assert attempt.checks == ALL_CHECKS
    assert attempt.note == "Lancar"
    assert "Setujui klaim" in page
    assert "Tolak klaim" in page


def test_no_answer_three_times_then_the_page_proposes_failed_confirmation(booked, settings):
    branch, officer, claim, interview = booked
    settings.INTERVIEW_MAX_ATTEMPTS = 3
    for hour in (10, 11, 13):
        claim.refresh_from_db()
        with travel(local(branch, TUESDAY, hour, 5)):
            # A new login each time: the staff session would lapse between calls hours apart.
            response = staff_client(officer).post(
                url(claim, "tidak-diangkat"), {"versi": claim.version, "catatan": f"jam {hour}"}
            )
        assert response.status_code == 302
        assert response["Location"] == url(claim)
    assert InterviewAttempt.objects.filter(outcome=AttemptOutcome.NO_ANSWER).count() == 3
    with travel(local(branch, TUESDAY, 14)):
        text = staff_client(officer).get(url(claim)).content.decode()
    assert "Sudah 3 kali tidak diangkat" in text
    assert "Tidak diangkat – coba lagi nanti" not in text
    assert 'value="no_answer_all_attempts" selected' in text
    assert "jam 13" in text  # previous attempts are listed


def test_failed_confirmation_from_the_page(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        response = staff_client(officer).post(
            url(claim, "gagal"), {"versi": claim.version, "alasan": "no_device", "catatan": "HP rusak"}
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    interview.refresh_from_db()
    assert claim.status == Status.FAILED_CONFIRMATION
    assert interview.status == InterviewStatus.FAILED
    assert Message.objects.filter(claim=claim, template="interview_failed").exists()


def test_failed_confirmation_without_a_reason_is_shown_again(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        response = staff_client(officer).post(url(claim, "gagal"), {"versi": claim.version})
    assert response.status_code == 400
    assert "Pilih alasan konfirmasi gagal." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED


def test_an_outcome_from_a_stale_page_is_refused_with_a_message(booked):
    branch, officer, claim, interview = booked
    client = staff_client(officer)
    stale = claim.version
    with travel(local(branch, TUESDAY, 10, 5)):
        client.post(url(claim, "tidak-diangkat"), {"versi": stale})
        response = client.post(url(claim, "terkonfirmasi"), {"versi": stale, "periksa": ALL_CHECKS}, follow=True)
    assert "baru saja diubah" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert InterviewAttempt.objects.count() == 1


def test_claimant_asked_to_reschedule_picks_a_new_slot(booked):
    branch, officer, claim, interview = booked
    client = staff_client(officer)
    with travel(local(branch, TUESDAY, 10, 5)):
        page = client.get(url(claim, "pindah-jadwal"))
        assert page.status_code == 200
        new_start = local(branch, TUESDAY, 13)
        value = new_start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert value in page.content.decode()
        response = client.post(url(claim, "pindah-jadwal"), {"versi": claim.version, "waktu": value})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.starts_at == new_start
    assert InterviewAttempt.objects.get().outcome == AttemptOutcome.RESCHEDULE


# --- the number that does not work ---------------------------------------------------------


def broken(claim) -> None:
    NumberHealth.objects.create(phone=claim.contact_phone, not_working=True, reason="both_failed")


def test_no_banner_while_the_number_works(booked):
    branch, officer, claim, interview = booked
    client = staff_client(officer)
    assert "Nomor HP tidak bisa dihubungi" not in client.get(f"/petugas/klaim/{claim.reference}/").content.decode()
    assert "Nomor HP tidak bisa dihubungi" not in client.get(url(claim)).content.decode()


def test_the_banner_shows_on_the_claim_and_interview_pages_when_the_number_does_not_work(booked):
    branch, officer, claim, interview = booked
    broken(claim)
    client = staff_client(officer)
    for page in (client.get(f"/petugas/klaim/{claim.reference}/"), client.get(url(claim))):
        text = page.content.decode()
        assert "Nomor HP tidak bisa dihubungi" in text
        assert "Perbarui nomor" in text
        assert "Hubungi lewat kantor cabang" in text


def test_update_number_changes_the_contact_phone_without_writing_it_in_the_history(booked):
    branch, officer, claim, interview = booked
    broken(claim)
    old_version = claim.version
    type(claim).objects.filter(pk=claim.pk).update(phone_verified_at=local(branch, MONDAY, 8))
    response = staff_client(officer).post(
        url(claim, "nomor-hp"), {"versi": claim.version, "nomor": "0813-9876 5432", "kembali": "wawancara"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(claim)
    claim.refresh_from_db()
    assert claim.contact_phone == "+6281398765432"
    assert claim.phone_verified_at is None
    assert claim.version > old_version
    event = ClaimEvent.objects.get(claim=claim, reason="contact_phone_updated")
    assert "6281398765432" not in event.note
    assert "9876" not in event.note
    assert "Nomor HP tidak bisa dihubungi" not in staff_client(officer).get(url(claim)).content.decode()


def test_update_number_refuses_a_number_that_is_not_a_mobile(booked):
    branch, officer, claim, interview = booked
    broken(claim)
    response = staff_client(officer).post(
        url(claim, "nomor-hp"), {"versi": claim.version, "nomor": "12345"}, follow=True
    )
    assert "Nomor HP tidak dikenali" in response.content.decode()
    old = claim.contact_phone
    claim.refresh_from_db()
    assert claim.contact_phone == old


def test_update_number_changes_the_heirs_phone_when_the_heir_is_the_contact(db):
    branch = BranchFactory()
    officer = StaffFactory(branch=branch)
    claim = make_submitted_claim(branch=branch, programme="JKM")
    assert claim.heir_phone
    phone = claim.phone
    staff_client(officer).post(url(claim, "nomor-hp"), {"versi": claim.version, "nomor": "081398765432"})
    claim.refresh_from_db()
    assert claim.heir_phone == "+6281398765432"
    assert claim.phone == phone


def test_contact_through_branch_from_the_banner(booked):
    branch, officer, claim, interview = booked
    broken(claim)
    response = staff_client(officer).post(url(claim, "lewat-cabang"), {"versi": claim.version})
    assert response.status_code == 302
    assert response["Location"] == f"/petugas/klaim/{claim.reference}/"
    claim.refresh_from_db()
    assert claim.contact_via_branch
    assert ClaimEvent.objects.filter(claim=claim, reason="contact_via_branch").exists()
    text = staff_client(officer).get(url(claim)).content.decode()
    assert "Nomor HP tidak bisa dihubungi" not in text
    assert "Hubungi lewat kantor cabang" in text  # the number to call is replaced by the branch note


def test_a_second_click_after_the_call_is_settled_changes_nothing(booked):
    branch, officer, claim, interview = booked
    with travel(local(branch, TUESDAY, 10, 5)):
        client = staff_client(officer)
        client.post(url(claim, "gagal"), {"versi": claim.version, "alasan": "bad_connection"})
        claim.refresh_from_db()
        response = client.post(url(claim, "gagal"), {"versi": claim.version, "alasan": "bad_connection"}, follow=True)
    assert "Video call ini sudah tidak berlaku." in response.content.decode()
    assert InterviewAttempt.objects.count() == 1
    assert Message.objects.filter(claim=claim, template="interview_failed").count() == 1
