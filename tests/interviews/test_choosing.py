"""The claimant chooses the call: the link on acceptance, the slot and the kind of call, the
contact card, and the service's booking when nobody chooses in time."""

import datetime as dt
import re

import pytest
from django.test import Client

from claims.models import NonWorkingDay, Status
from claims.services import call_choice_path
from interviews.models import BookedBy, CallChannel, Interview, InterviewStatus
from interviews.selectors import free_slots
from interviews.services import interviews_auto_book_sweep
from notifications.models import Message
from tests.console.conftest import make_submitted_claim
from tests.factories import StaffFactory
from tests.messages import claimant_text

from .conftest import BRANCH_NUMBER, MONDAY, book, local, travel

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


def _slot_links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*/cara/\?waktu=[^"]+)"', html)


def test_accepted_documents_send_a_link_to_choose_the_call_with_nothing_personal_in_it(setup_zone):
    branch, officer, claim = setup_zone()
    message = Message.objects.get(claim=claim, template="interview_choose")
    path = call_choice_path(claim)
    assert path in claimant_text(message)
    assert path not in message.body, "staff never see the choosing link"
    assert BRANCH_NUMBER in message.body
    assert "2 hari kerja" in message.body
    assert message.to == claim.contact_phone
    token = path.split("/")[2]
    # The readable part is the claim's random intake token and a phone fingerprint, never its id.
    assert token.split(":")[0].split(".")[0] == claim.intake_token.hex
    for personal in (claim.nik, claim.phone.lstrip("+"), claim.full_name, claim.reference, claim.kpj_number):
        assert personal not in token


def test_the_claimant_chooses_a_time_and_a_phone_call_and_it_is_booked(setup_zone):
    branch, officer, claim = setup_zone()
    client = Client()
    with travel(local(branch, MONDAY, 9)):
        page = client.get(call_choice_path(claim))
        assert page.status_code == 200
        links = _slot_links(page.content.decode())
        assert links, "free slots are listed as links"
        assert "10.00 WIB" in page.content.decode()
        kind = client.get(links[0].replace("&amp;", "&"))
        assert kind.status_code == 200
        assert "Telepon biasa" in kind.content.decode()
        waktu = links[0].split("waktu=")[1]
        done = client.post(
            f"{call_choice_path(claim)}cara/", {"waktu": waktu, "cara": CallChannel.PHONE_CALL}, follow=True
        )
    assert done.status_code == 200
    assert "Simpan nomor ini" in done.content.decode()
    interview = Interview.objects.get(claim=claim)
    assert interview.starts_at == local(branch, MONDAY, 10)
    assert interview.channel == CallChannel.PHONE_CALL
    assert interview.booked_by == BookedBy.CLAIMANT
    assert interview.officer == officer
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert Message.objects.filter(claim=claim, template="interview_booked").count() == 1


def test_a_double_submit_books_the_call_once(setup_zone):
    branch, officer, claim = setup_zone()
    client = Client()
    data = {"waktu": local(branch, TUESDAY, 10).strftime("%Y-%m-%dT%H:%M:%SZ"), "cara": CallChannel.WHATSAPP_VIDEO}
    with travel(local(branch, MONDAY, 9)):
        first = client.post(f"{call_choice_path(claim)}cara/", data)
        second = client.post(f"{call_choice_path(claim)}cara/", data)
    assert first.status_code == second.status_code == 302
    assert second["Location"].endswith("/selesai/")
    assert Interview.objects.filter(claim=claim).count() == 1
    assert Message.objects.filter(claim=claim, template="interview_booked").count() == 1


def test_a_slot_taken_meanwhile_says_to_pick_another_time_or_call_175(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
        other = make_submitted_claim(branch=branch)
    starts = local(branch, TUESDAY, 10)
    with travel(local(branch, MONDAY, 9)):
        book(other, officer, starts)  # the branch's only officer is now busy at 10:00
        response = Client().post(
            f"{call_choice_path(claim)}cara/",
            {"waktu": starts.strftime("%Y-%m-%dT%H:%M:%SZ"), "cara": CallChannel.WHATSAPP_VIDEO},
        )
    assert response.status_code == 409
    text = response.content.decode()
    assert "baru saja diambil" in text
    assert "Pilih jam lain" in text
    assert "175" in text
    assert _slot_links(text), "other times are offered on the same page"
    assert not Interview.objects.filter(claim=claim).exists()


def test_a_second_officer_takes_the_time_the_first_one_is_busy(setup_zone):
    from tests.factories import StaffFactory

    branch, officer, claim = setup_zone()
    second = StaffFactory(branch=branch)
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
        other = make_submitted_claim(branch=branch)
    starts = local(branch, TUESDAY, 10)
    with travel(local(branch, MONDAY, 9)):
        book(other, officer, starts)
        Client().post(
            f"{call_choice_path(claim)}cara/",
            {"waktu": starts.strftime("%Y-%m-%dT%H:%M:%SZ"), "cara": "whatsapp_video"},
        )
    assert Interview.objects.get(claim=claim).officer == second


def test_the_contact_card_is_a_vcard_with_the_branchs_number_and_name(setup_zone):
    branch, officer, claim = setup_zone()
    response = Client().get(f"{call_choice_path(claim)}kontak.vcf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".vcf" in response["Content-Disposition"]
    card = response.content.decode()
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert f"TEL;TYPE=WORK,VOICE:{BRANCH_NUMBER}\r\n" in card
    assert f"FN:BPJS Ketenagakerjaan {branch.name}\r\n" in card
    assert card.endswith("END:VCARD\r\n")
    assert claim.full_name not in card


@pytest.mark.parametrize("suffix", ["", "cara/?waktu=2026-03-03T03:00:00Z", "selesai/", "kontak.vcf"])
def test_a_forged_choosing_link_is_not_found(setup_zone, suffix):
    setup_zone()
    assert Client().get(f"/jadwal/00000000000000000000000000000000.abc:forged/{suffix}").status_code == 404


def test_the_link_of_a_claim_no_longer_waiting_says_what_to_do(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        book(claim, officer, local(branch, TUESDAY, 10))
        response = Client().get(call_choice_path(claim), follow=True)
    # Booked by the officer: the claimant sees the call, and how to move it.
    assert "Jadwal panggilan sudah dibuat" in response.content.decode()


# --- the service books when nobody chooses ---------------------------------------------------


def test_nobody_chose_in_two_working_days_the_service_books_the_earliest_slot_with_the_whole_plan(setup_zone):
    branch, officer, claim = setup_zone()  # in review since Sunday 08:00
    with travel(local(branch, MONDAY, 15)):
        assert interviews_auto_book_sweep() == 0  # one working day: still the claimant's to choose
    assert not Interview.objects.filter(claim=claim).exists()

    now = local(branch, TUESDAY, 9, 30)
    with travel(now):
        assert interviews_auto_book_sweep() == 1
        assert interviews_auto_book_sweep() == 0  # run twice: booked once
        staff_first = free_slots(branch=branch, officer=officer, count=1)[0]
    interview = Interview.objects.get(claim=claim)
    assert interview.booked_by == BookedBy.SERVICE
    assert interview.status == InterviewStatus.BOOKED
    # The earliest slot with room for the whole plan (24 h, 2 h, 15 min), not the first free one.
    assert interview.starts_at == local(branch, WEDNESDAY, 9, 40)
    assert staff_first.starts_at < interview.starts_at
    assert sorted(r.offset_minutes for r in interview.reminders.all()) == [15, 120, 1440]
    message = Message.objects.get(claim=claim, template="interview_booked")
    assert "kami pilihkan" in message.body
    assert "/wawancara/" in claimant_text(message)


def test_the_service_counts_working_days_a_branch_closure_gives_one_more(setup_zone):
    branch, officer, claim = setup_zone()
    NonWorkingDay.objects.create(branch=branch, date=MONDAY, name="Tutup")
    with travel(local(branch, TUESDAY, 9, 30)):
        assert interviews_auto_book_sweep() == 0
    with travel(local(branch, WEDNESDAY, 9, 30)):
        assert interviews_auto_book_sweep() == 1


def test_the_service_leaves_a_claim_the_claimant_already_booked(setup_zone):
    branch, officer, claim = setup_zone()
    with travel(local(branch, MONDAY, 9)):
        Client().post(
            f"{call_choice_path(claim)}cara/",
            {"waktu": local(branch, MONDAY, 10).strftime("%Y-%m-%dT%H:%M:%SZ"), "cara": "whatsapp_video"},
        )
    with travel(local(branch, TUESDAY, 9, 30)):
        assert interviews_auto_book_sweep() == 0
    assert Interview.objects.get(claim=claim).booked_by == BookedBy.CLAIMANT


# --- the invitation waits for an officer -------------------------------------------------------


def test_the_invitation_goes_once_an_officer_has_accepted_every_required_document(make_branch):
    from documents.services import ReviewDecision, documents_review
    from tests.console.conftest import current_documents

    branch = make_branch()
    officer = StaffFactory(branch=branch)
    claim = make_submitted_claim(branch=branch)
    assert claim.status == Status.IN_REVIEW  # the checks passed: the officer's queue, not yet the call
    assert not Message.objects.filter(claim=claim, template="interview_choose").exists()
    first, *others = current_documents(claim)

    claim = documents_review(
        claim=claim, decisions=[ReviewDecision(document=first, accept=True)], by=officer, claim_version=claim.version
    )
    assert not Message.objects.filter(claim=claim, template="interview_choose").exists()
    claim = documents_review(
        claim=claim,
        decisions=[ReviewDecision(document=document, accept=True) for document in others],
        by=officer,
        claim_version=claim.version,
    )
    assert Message.objects.filter(claim=claim, template="interview_choose").count() == 1
    # Accepting again (an officer restating a verdict) does not invite twice.
    documents_review(
        claim=claim, decisions=[ReviewDecision(document=first, accept=True)], by=officer, claim_version=claim.version
    )
    assert Message.objects.filter(claim=claim, template="interview_choose").count() == 1


def test_without_an_invitation_the_service_books_nothing(make_branch):
    branch = make_branch()
    with travel(local(branch, MONDAY - dt.timedelta(days=1), 8)):
        claim = make_submitted_claim(branch=branch)  # in review, no officer has looked
    with travel(local(branch, MONDAY + dt.timedelta(days=7), 9, 30)):
        assert interviews_auto_book_sweep() == 0
    assert not Interview.objects.filter(claim=claim).exists()
