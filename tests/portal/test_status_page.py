"""The claimant's status page: what to do now, when the decision is due, and each document in plain words."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims.access import claim_token_issue
from claims.models import CancelReason, Claim, Status
from claims.services import call_choice_path, claim_cancel
from documents.models import Document, DocumentStatus
from documents.services import ReviewDecision, document_review, documents_review
from notifications.models import Message
from tests.console.conftest import (
    current_documents,
    make_accepted_claim,
    make_claim_after_call,
    make_submitted_claim,
)
from tests.factories import StaffFactory, make_claim, open_claim_in

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def _status_page(claim: Claim, *, language: str = "id") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    open_claim_in(client, claim)
    response = client.get(reverse("portal:status", args=[claim.reference]))
    assert response.status_code == 200
    return response.content.decode()


def _top(html: str) -> str:
    """The part of the page above the history: what the claimant reads first."""
    return html[html.index("<h1") : html.index("Riwayat")]


def test_a_document_passed_by_the_checks_is_not_yet_accepted_by_an_officer(branch):
    claim = make_submitted_claim(branch=branch)
    html = _status_page(claim)
    assert "Lolos pemeriksaan otomatis" in html
    assert "Diterima petugas" not in html

    officer = StaffFactory(branch=branch)
    first, *others = current_documents(claim)
    document_review(document=first, accept=True, by=officer, claim_version=claim.version)
    reviewed = Document.objects.get(pk=first.pk)
    assert reviewed.reviewed_by == officer
    assert reviewed.reviewed_at is not None

    html = _status_page(claim)
    assert html.count("Diterima petugas") == 1
    assert html.count("Lolos pemeriksaan otomatis") == len(others)


def test_a_document_the_officer_turned_down_needs_replacing_even_after_the_checks_passed(branch):
    claim = make_submitted_claim(branch=branch)
    officer = StaffFactory(branch=branch)
    first = current_documents(claim)[0]
    document_review(document=first, accept=False, reason="officer_unreadable", by=officer, claim_version=claim.version)
    assert Document.objects.get(pk=first.pk).status == DocumentStatus.REJECTED
    html = _status_page(claim)
    assert "Perlu diganti" in html
    assert "Diterima petugas" not in html


def test_the_decision_date_counts_working_days_and_skips_christmas(branch):
    # Monday 21 December 2026: five working days later, skipping cuti bersama (24th) and
    # Christmas (25th) and the weekend, is Wednesday 30 December.
    with time_machine.travel(dt.datetime(2026, 12, 21, 9, 0, tzinfo=JAKARTA), tick=False):
        claim = make_submitted_claim(branch=branch)
    assert claim.status == Status.IN_REVIEW
    assert "Keputusan klaim paling lambat Rabu, 30 Desember 2026." in _status_page(claim)
    assert "A decision on the claim by Wednesday, 30 December 2026 at the latest." in _status_page(claim, language="en")


def test_no_decision_date_before_submitting_or_once_closed(branch):
    draft = make_claim(branch=branch)
    assert "paling lambat" not in _status_page(draft)
    claim = make_submitted_claim(branch=branch)
    claim_cancel(claim=claim, reason=CancelReason.CLAIMANT_REQUEST, by=None)
    assert "paling lambat" not in _status_page(claim)


def test_the_top_of_the_page_says_what_to_do_now(branch):
    draft = make_claim(branch=branch)
    top = _top(_status_page(draft))
    assert "Yang perlu Anda lakukan sekarang" in top
    assert reverse("portal:checklist", args=[draft.reference]) in top

    waiting = make_submitted_claim(branch=branch)
    assert waiting.status == Status.IN_REVIEW
    top = _top(_status_page(waiting))
    assert "Tidak ada yang perlu Anda lakukan sekarang. Petugas memeriksa dokumen Anda" in top
    assert call_choice_path(waiting) not in top  # no call before an officer has looked

    accepted = make_accepted_claim(branch=branch)
    top = _top(_status_page(accepted))
    assert "Pilih waktu panggilan video" in top
    assert call_choice_path(accepted) in top  # the same link as the invitation message

    after_call = make_claim_after_call(branch=branch)
    top = _top(_status_page(after_call))
    assert "Langkah berikutnya" in top
    assert "Tidak ada yang perlu Anda lakukan. Petugas sedang memutuskan klaim Anda." in top
    assert "Yang perlu Anda lakukan sekarang" not in top

    claim_cancel(claim=waiting, reason=CancelReason.CLAIMANT_REQUEST, by=None)
    top = _top(_status_page(waiting))
    assert "Yang perlu Anda lakukan sekarang" in top
    assert reverse("portal:start_programme") in top


def test_a_claim_waiting_for_a_fix_says_how_many_documents_to_replace(branch):
    claim = make_submitted_claim(branch=branch)
    officer = StaffFactory(branch=branch)
    first, second, *_ = current_documents(claim)
    documents_review(
        claim=claim,
        decisions=[
            ReviewDecision(document=first, accept=False, reason="officer_unreadable"),
            ReviewDecision(document=second, accept=False, reason="officer_unreadable"),
        ],
        by=officer,
        claim_version=claim.version,
    )
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX
    top = _top(_status_page(claim))
    assert "Ganti 2 dokumen yang ditandai di bawah" in top


def test_the_api_tells_the_app_the_same_plain_status(branch):
    claim = make_submitted_claim(branch=branch)
    first = current_documents(claim)[0]
    document_review(document=first, accept=True, by=StaffFactory(branch=branch), claim_version=claim.version)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {claim_token_issue(claim)}")
    body = client.get(f"/api/v1/claims/{claim.reference}/").json()
    documents = [item["document"] for item in body["checklist"] if item["document"]]
    by_officer = [d for d in documents if d["accepted_by_officer"]]
    assert [d["id"] for d in by_officer] == [str(first.pk)]
    assert by_officer[0]["status_label"] == "Diterima petugas"
    assert {d["status_label"] for d in documents if not d["accepted_by_officer"]} == {"Lolos pemeriksaan otomatis"}


def test_an_approved_claim_says_by_when_the_money_comes(branch):
    from interviews.services import claim_approve

    claim = make_claim_after_call(branch=branch)
    claim.programme.payment_days = 5
    claim.programme.save(update_fields=["payment_days"])
    # Approved Monday 21 December 2026: five working days past Christmas is Wednesday 30 December.
    with time_machine.travel(dt.datetime(2026, 12, 21, 10, 0, tzinfo=JAKARTA), tick=False):
        claim = claim_approve(claim=claim, by=StaffFactory(branch=branch), claim_version=claim.version)
    top = _top(_status_page(claim))
    assert "Dana dikirim ke rekening yang Anda daftarkan di klaim ini. Paling lambat Rabu, 30 Desember 2026." in top
    message = Message.objects.get(claim=claim, template="claim_approved")
    assert "5 hari kerja lagi: Rabu, 30 Desember 2026" in message.body
