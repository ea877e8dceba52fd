"""Every claim ends (DOMAIN.md): drafts and fixes nobody finishes are nudged twice, then cancelled."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from claims.models import CancelReason, Claim, ClaimEvent, Status
from claims.services import claim_request_documents
from claims.services.lifecycle import CANCEL_EXPLANATIONS
from documents.services import claims_expiry_sweep, document_review
from notifications.models import Message
from tests.console.conftest import make_submitted_claim, upload_checked
from tests.documents import corpus
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA)  # no national holiday in November 2026


def at(day: dt.datetime):
    return time_machine.travel(day, tick=False)


def later(working_days: int, start: dt.datetime = MONDAY) -> dt.datetime:
    """``start`` plus this many working days of November 2026 (Monday to Friday), at 09:00."""
    day, left = start, working_days
    while left:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day.replace(hour=9)


def nudges(claim: Claim, template: str) -> int:
    return Message.objects.filter(claim=claim, template=template).count()


@pytest.fixture
def settings_expiry(settings):
    settings.CLAIM_DRAFT_NUDGE_DAYS = settings.CLAIM_FIX_NUDGE_DAYS = 3
    settings.CLAIM_DRAFT_EXPIRE_DAYS = settings.CLAIM_FIX_EXPIRE_DAYS = 10
    return settings


def test_an_untouched_draft_is_nudged_twice_with_its_link_then_cancelled_expired(branch, settings_expiry):
    with at(MONDAY):
        claim = make_claim(branch=branch)
    with at(later(2)):
        claims_expiry_sweep()
    assert nudges(claim, "claim_draft_nudge") == 0
    with at(later(3)):
        claims_expiry_sweep()
        claims_expiry_sweep()  # beat twice: one nudge
    [first] = Message.objects.filter(claim=claim, template="claim_draft_nudge")
    assert "/lanjut/" in first.body  # a fresh finish-later link
    assert "Senin, 16 November 2026" in first.body  # ten working days after the last move
    with at(later(6)):
        claims_expiry_sweep()
    with at(later(9)):
        claims_expiry_sweep()
    assert nudges(claim, "claim_draft_nudge") == 2
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT
    with at(later(10)):
        result = claims_expiry_sweep()
    claim.refresh_from_db()
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.EXPIRED)
    assert result.cancelled == {CancelReason.EXPIRED: 1}
    event = claim.events.get(to_status=Status.CANCELLED)
    assert (event.actor, event.reason) == (None, CancelReason.EXPIRED)


def test_an_expired_draft_is_told_why_and_how_to_start_again_in_one_message(branch, settings_expiry):
    with at(MONDAY):
        claim = make_claim(branch=branch)
    with at(later(10)):
        claims_expiry_sweep()
        claims_expiry_sweep()  # beat twice: still one cancellation, one message
    claim.refresh_from_db()
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.EXPIRED)
    [message] = Message.objects.filter(claim=claim, template="claim_cancelled")
    assert "Alasan: Klaim ini belum dikirim sampai batas waktu." in message.body
    assert reverse("portal:start_programme") in message.body
    assert "dropbox" in message.body
    assert "175" in message.body
    assert "sesuai permintaan Anda" not in message.body


def test_a_fix_cancelled_by_the_sweep_says_the_documents_were_incomplete(branch, officer, settings_expiry):
    with at(MONDAY):
        claim = make_submitted_claim(branch=branch)
        claim_request_documents(
            claim=claim, document_types=[], note="Kirim NPWP.", by=officer, claim_version=claim.version
        )
    with at(later(10)):
        claims_expiry_sweep()
    claim.refresh_from_db()
    assert claim.status == Status.CANCELLED
    messages = Message.objects.filter(claim=claim, template="claim_cancelled")
    assert messages.count() == 1
    assert str(CANCEL_EXPLANATIONS[CancelReason(claim.cancel_reason)]) in messages.get().body


def test_an_upload_restarts_the_drafts_clock(branch, settings_expiry):
    with at(MONDAY):
        claim = make_claim(branch=branch)
    requirement = claim.reason.requirements.filter(required=True).select_related("document_type").first()
    with at(later(2)):
        upload_checked(claim, requirement.document_type)
    with at(later(4)):
        claims_expiry_sweep()
    assert nudges(claim, "claim_draft_nudge") == 0
    with at(later(5)):
        claims_expiry_sweep()
    assert nudges(claim, "claim_draft_nudge") == 1


def test_working_days_skip_christmas_and_its_cuti_bersama(branch, settings_expiry):
    tuesday = dt.datetime(2026, 12, 22, 10, 0, tzinfo=JAKARTA)
    with at(tuesday):
        claim = make_claim(branch=branch)
    # Wed 23 and Mon 28 are working days; 24 (cuti bersama) and 25 (Christmas) are not.
    with at(dt.datetime(2026, 12, 28, 9, 0, tzinfo=JAKARTA)):
        claims_expiry_sweep()
    assert nudges(claim, "claim_draft_nudge") == 0
    with at(dt.datetime(2026, 12, 29, 9, 0, tzinfo=JAKARTA)):
        claims_expiry_sweep()
    assert nudges(claim, "claim_draft_nudge") == 1


def test_a_fix_whose_last_try_the_checks_refused_ends_upload_failed(branch, officer, settings_expiry):
    with at(MONDAY):
        claim = make_submitted_claim(branch=branch)
        ektp = claim.documents.get(document_type__code="ektp")
        document_review(
            document=ektp, accept=False, reason="officer_unreadable", by=officer, claim_version=claim.version
        )
        claim.refresh_from_db()
        upload_checked(claim, ektp.document_type, corpus.blurred_jpeg())  # the claimant's new try: blurred
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_FIX
    with at(later(3)):
        claims_expiry_sweep()
    [nudge] = Message.objects.filter(claim=claim, template="claim_fix_nudge")
    assert "e-KTP" in nudge.body
    assert "kabur" in nudge.body
    with at(later(10)):
        claims_expiry_sweep()
    claim.refresh_from_db()
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.UPLOAD_FAILED)


def test_a_fix_nobody_uploaded_for_ends_incomplete_documents(branch, officer, settings_expiry):
    with at(MONDAY):
        claim = make_submitted_claim(branch=branch)
        claim = claim_request_documents(
            claim=claim, document_types=[], note="Kirim surat keterangan beda nama.", by=officer,
            claim_version=claim.version,
        )  # fmt: skip
    assert claim.status == Status.NEEDS_FIX
    with at(later(10)):
        claims_expiry_sweep()
    claim.refresh_from_db()
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.INCOMPLETE_DOCUMENTS)


def test_claims_moving_along_are_left_alone(branch, settings_expiry):
    with at(MONDAY):
        claim = make_submitted_claim(branch=branch)
    with at(later(30)):
        claims_expiry_sweep()
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert not ClaimEvent.objects.filter(claim=claim, reason__in=["draft_nudged", "fix_nudged"]).exists()
