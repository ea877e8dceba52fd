"""What officers do to claims and documents: the services behind the console."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.models import CancelReason, Claim, ClaimDataAccess, ClaimEvent, DocumentType, Status
from claims.services import (
    ClaimHeld,
    ClaimTransitionNotAllowed,
    OfficerActionRefused,
    RejectReason,
    StaleEdit,
    claim_release,
    claim_request_documents,
    claim_reveal_nik,
    claim_status_path,
    claim_take,
)
from core.staff import Role, is_manager
from documents.models import DocumentStatus
from documents.rejections import OFFICER_REJECTIONS, fix_hint
from documents.services import ReviewDecision, document_review, document_upload, documents_review
from interviews.services import claim_approve, claim_cancel_by_staff, claim_reject
from notifications.models import Message, MessageChannel
from notifications.services import message_fail
from tests.documents import corpus
from tests.factories import StaffFactory, make_jpeg

from .conftest import current_documents, make_claim_after_call, make_submitted_claim, upload_checked

pytestmark = pytest.mark.django_db


def _fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("assigned_to").get(pk=claim.pk)


def _fix_messages(claim: Claim):
    return list(Message.objects.filter(claim=claim, template="claim_needs_fix"))


# --- per-document review ----------------------------------------------------------------


@pytest.mark.parametrize("reason", sorted(OFFICER_REJECTIONS))
def test_officer_rejects_a_document_with_each_reason_and_the_claimant_is_told(claim_in_review, officer, reason):
    document = current_documents(claim_in_review)[0]
    note = "Sudut kanan bawah tidak terlihat" if reason == "officer_other" else ""
    claim = document_review(
        document=document, accept=False, reason=reason, note=note, by=officer, claim_version=claim_in_review.version
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert (document.rejection_code, document.rejection_note) == (reason, note)
    assert str(OFFICER_REJECTIONS[reason]) in fix_hint(document)
    assert claim.status == Status.NEEDS_FIX
    event = ClaimEvent.objects.get(claim=claim, reason="document_rejected")
    assert event.actor == officer
    assert event.note == f"{document.document_type.code}: {reason}"
    assert "Siti" not in event.note
    assert "3174" not in event.note
    [message] = _fix_messages(claim)
    assert str(OFFICER_REJECTIONS[reason]) in message.body
    assert document.fix_notified_at is not None


def test_fix_hint_gives_the_officer_message_and_note(claim_in_review, officer):
    document = current_documents(claim_in_review)[0]
    document_review(
        document=document,
        accept=False,
        reason="officer_cut_off",
        note="Bagian bawah KTP terpotong.",
        by=officer,
        claim_version=claim_in_review.version,
    )
    document.refresh_from_db()
    hint = fix_hint(document)
    assert hint.startswith("Foto dokumen terpotong. Foto ulang seluruh dokumen sampai keempat sudutnya terlihat.")
    assert hint.endswith("Catatan petugas: Bagian bawah KTP terpotong.")


def test_other_reason_needs_a_note_and_nothing_changes_without_it(claim_in_review, officer):
    document = current_documents(claim_in_review)[0]
    with pytest.raises(ValidationError):
        document_review(
            document=document, accept=False, reason="officer_other", by=officer, claim_version=claim_in_review.version
        )
    with pytest.raises(ValidationError):
        document_review(
            document=document, accept=False, reason="made_up", by=officer, claim_version=claim_in_review.version
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert _fresh(claim_in_review).status == Status.IN_REVIEW
    assert not Message.objects.filter(template="claim_needs_fix").exists()


def test_officer_accepting_a_document_records_it_and_keeps_the_claim_in_review(claim_in_review, officer):
    document = current_documents(claim_in_review)[0]
    claim = document_review(document=document, accept=True, by=officer, claim_version=claim_in_review.version)
    assert claim.status == Status.IN_REVIEW
    assert claim.version == claim_in_review.version + 1
    event = ClaimEvent.objects.get(claim=claim, reason="document_accepted")
    assert (event.actor, event.note) == (officer, f"{document.document_type.code}: accepted")


def test_a_batch_of_two_rejections_sends_one_message_listing_both_with_the_link(claim_in_review, officer):
    first, second = current_documents(claim_in_review)[:2]
    claim = documents_review(
        claim=claim_in_review,
        decisions=[
            ReviewDecision(document=first, accept=False, reason="officer_unreadable"),
            ReviewDecision(document=second, accept=False, reason="officer_expired"),
        ],
        by=officer,
        claim_version=claim_in_review.version,
    )
    assert claim.status == Status.NEEDS_FIX
    [message] = _fix_messages(claim)
    assert first.document_type.name in message.body
    assert second.document_type.name in message.body
    assert str(OFFICER_REJECTIONS["officer_unreadable"]) in message.body
    assert str(OFFICER_REJECTIONS["officer_expired"]) in message.body
    assert f"?nomor={claim.reference}" in message.body
    assert ClaimEvent.objects.filter(claim=claim, reason="document_rejected", actor=officer).count() == 2


def test_a_second_batch_tells_only_the_new_rejection(claim_in_review, officer):
    first, second = current_documents(claim_in_review)[:2]
    claim = document_review(
        document=first, accept=False, reason="officer_unreadable", by=officer, claim_version=claim_in_review.version
    )
    claim = document_review(
        document=second, accept=False, reason="officer_cut_off", by=officer, claim_version=claim.version
    )
    messages = sorted(_fix_messages(claim), key=lambda message: message.pk)
    assert len(messages) == 2
    assert second.document_type.name in messages[1].body
    assert first.document_type.name not in messages[1].body


def test_accepting_every_remaining_document_moves_a_needs_fix_claim_to_review(claim_in_review, officer):
    first, second = current_documents(claim_in_review)[:2]
    claim = documents_review(
        claim=claim_in_review,
        decisions=[
            ReviewDecision(document=first, accept=False, reason="officer_unreadable"),
            ReviewDecision(document=second, accept=False, reason="officer_name_mismatch"),
        ],
        by=officer,
        claim_version=claim_in_review.version,
    )
    assert claim.status == Status.NEEDS_FIX
    claim = document_review(document=first, accept=True, by=officer, claim_version=claim.version)
    assert claim.status == Status.NEEDS_FIX  # the second one still waits
    claim = document_review(document=second, accept=True, by=officer, claim_version=claim.version)
    assert claim.status == Status.IN_REVIEW
    second.refresh_from_db()
    assert (second.status, second.rejection_code, second.rejection_note) == (DocumentStatus.ACCEPTED, "", "")


def _needs_fix_by_officer(claim: Claim, officer) -> Claim:
    """The officer asks for one document again, so the claimant may upload (uploads stop at in_review)."""
    document = current_documents(claim)[0]
    return document_review(
        document=document, accept=False, reason="officer_unreadable", by=officer, claim_version=claim.version
    )


def test_officer_overrules_an_automatic_rejection(branch, officer):
    claim = _needs_fix_by_officer(make_submitted_claim(branch=branch), officer)
    document_type = current_documents(claim)[0].document_type
    blurred = upload_checked(claim, document_type, corpus.blurred_jpeg())
    assert (blurred.status, blurred.rejection_code) == (DocumentStatus.REJECTED, "image_blurry")
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == Status.NEEDS_FIX
    claim = document_review(document=blurred, accept=True, by=officer, claim_version=claim.version)
    assert claim.status == Status.IN_REVIEW
    event = ClaimEvent.objects.get(claim=claim, reason="document_accepted")
    assert event.note == f"{document_type.code}: accepted (was image_blurry)"


def test_a_document_whose_file_did_not_pass_the_file_checks_cannot_be_accepted(branch, officer):
    claim = _needs_fix_by_officer(make_submitted_claim(branch=branch), officer)
    broken = upload_checked(claim, current_documents(claim)[0].document_type, corpus.truncated_jpeg())
    assert broken.status == DocumentStatus.REJECTED
    assert not broken.sanitized
    claim = Claim.objects.get(pk=claim.pk)
    with pytest.raises(OfficerActionRefused):
        document_review(document=broken, accept=True, by=officer, claim_version=claim.version)
    broken.refresh_from_db()
    assert broken.status == DocumentStatus.REJECTED


def test_a_document_still_being_checked_or_replaced_is_not_reviewed(claim_in_review, officer):
    old = current_documents(claim_in_review)[0]
    # First reject it so the claimant may upload a replacement (uploads are allowed in needs_fix).
    claim = document_review(
        document=old, accept=False, reason="officer_unreadable", by=officer, claim_version=claim_in_review.version
    )
    new = document_upload(
        claim=claim, document_type=old.document_type, uploaded=SimpleUploadedFile("baru.jpg", make_jpeg(text="baru"))
    )
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == Status.CHECKING
    assert new.status == DocumentStatus.CHECKING
    with pytest.raises(OfficerActionRefused, match="masih diperiksa"):
        document_review(document=new, accept=True, by=officer, claim_version=claim.version)
    with pytest.raises(OfficerActionRefused, match="sudah mengganti"):
        document_review(document=old, accept=True, by=officer, claim_version=claim.version)


def test_documents_of_a_closed_claim_are_not_reviewed(claim_in_review, officer):
    claim = claim_reject(
        claim=claim_in_review, reason=RejectReason.DUPLICATE, by=officer, claim_version=claim_in_review.version
    )
    with pytest.raises(OfficerActionRefused):
        document_review(
            document=current_documents(claim)[0],
            accept=False,
            reason="officer_expired",
            by=officer,
            claim_version=claim.version,
        )


# --- stale edits ------------------------------------------------------------------------


def test_a_save_over_someone_elses_newer_change_is_refused_and_nothing_changes(claim_in_review, officer, other_officer):
    loaded_version = claim_in_review.version
    first, second = current_documents(claim_in_review)[:2]
    document_review(document=first, accept=True, by=other_officer, claim_version=loaded_version)
    claim_release(claim=claim_in_review, by=other_officer)
    events_before = ClaimEvent.objects.count()
    with pytest.raises(StaleEdit) as refused:
        document_review(
            document=second, accept=False, reason="officer_expired", by=officer, claim_version=loaded_version
        )
    assert refused.value.message == (
        "Klaim ini baru saja diubah oleh Rina Wulandari. Muat ulang halaman, lalu periksa lagi."
    )
    second.refresh_from_db()
    assert second.status == DocumentStatus.ACCEPTED
    assert ClaimEvent.objects.count() == events_before
    assert _fresh(claim_in_review).status == Status.IN_REVIEW
    assert not Message.objects.filter(template="claim_needs_fix").exists()
    with pytest.raises(StaleEdit):
        claim_approve(claim=claim_in_review, by=officer, claim_version=loaded_version)
    assert _fresh(claim_in_review).status == Status.IN_REVIEW


def test_a_change_by_the_system_is_named_as_such(claim_in_review, officer):
    loaded_version = claim_in_review.version
    document = current_documents(claim_in_review)[0]
    # The claimant's replacement, checked automatically, moves the claim (no officer involved).
    claim = document_review(
        document=document, accept=False, reason="officer_cut_off", by=officer, claim_version=loaded_version
    )
    upload_checked(claim, document.document_type)
    with pytest.raises(StaleEdit, match="diubah oleh sistem"):
        claim_approve(claim=claim, by=officer, claim_version=claim.version)


# --- assignment ---------------------------------------------------------------------------


def test_officer_takes_a_claim_and_others_are_refused_while_the_hold_is_live(claim_in_review, officer, other_officer):
    claim = claim_take(claim=claim_in_review, by=officer, claim_version=claim_in_review.version)
    assert claim.assigned_to == officer
    assert claim.assigned_at is not None
    assert claim.version == claim_in_review.version  # taking changes nobody's view of the claim
    with pytest.raises(ClaimHeld, match="sedang ditangani oleh Petugas"):
        claim_take(claim=claim, by=other_officer, claim_version=claim.version)
    with pytest.raises(ClaimHeld):
        claim_approve(claim=claim, by=other_officer, claim_version=claim.version)
    with pytest.raises(ClaimHeld):
        claim_release(claim=claim, by=other_officer)
    assert _fresh(claim).assigned_to == officer
    assert _fresh(claim).status == Status.IN_REVIEW


def test_the_hold_lapses_after_inactivity(claim_in_review, officer, other_officer, settings):
    settings.CLAIM_ASSIGNMENT_LAPSE_MINUTES = 30
    claim = claim_take(claim=claim_in_review, by=officer, claim_version=claim_in_review.version)
    Claim.objects.filter(pk=claim.pk).update(assigned_at=timezone.now() - timedelta(minutes=31))
    claim = claim_take(claim=claim, by=other_officer, claim_version=claim.version)
    assert _fresh(claim).assigned_to == other_officer


def test_every_officer_action_refreshes_the_hold(claim_in_review, officer):
    claim = claim_take(claim=claim_in_review, by=officer, claim_version=claim_in_review.version)
    long_ago = timezone.now() - timedelta(minutes=20)
    Claim.objects.filter(pk=claim.pk).update(assigned_at=long_ago)
    claim = document_review(document=current_documents(claim)[0], accept=True, by=officer, claim_version=claim.version)
    assert claim.assigned_to == officer
    assert claim.assigned_at > long_ago


def test_acting_on_an_unheld_claim_takes_it(claim_in_review, officer):
    claim = document_review(
        document=current_documents(claim_in_review)[0], accept=True, by=officer, claim_version=claim_in_review.version
    )
    assert claim.assigned_to == officer


def test_holder_releases_the_claim(claim_in_review, officer, other_officer):
    claim = claim_take(claim=claim_in_review, by=officer, claim_version=claim_in_review.version)
    claim = claim_release(claim=claim, by=officer)
    assert claim.assigned_to is None
    assert claim.assigned_at is None
    assert claim_take(claim=claim, by=other_officer, claim_version=claim.version).assigned_to == other_officer


def test_branch_manager_may_take_over_a_live_hold(claim_after_call, officer, branch_manager):
    claim = claim_take(claim=claim_after_call, by=officer, claim_version=claim_after_call.version)
    claim = claim_take(claim=claim, by=branch_manager, claim_version=claim.version)
    assert _fresh(claim).assigned_to == branch_manager
    claim = claim_approve(claim=claim, by=branch_manager, claim_version=claim.version)
    assert claim.status == Status.APPROVED


def test_a_closed_claim_cannot_be_taken(claim_after_call, officer):
    claim = claim_approve(claim=claim_after_call, by=officer, claim_version=claim_after_call.version)
    with pytest.raises(OfficerActionRefused):
        claim_take(claim=claim, by=officer, claim_version=claim.version)


# --- claim decisions ----------------------------------------------------------------------


def test_officer_approves_a_claim_after_the_call(claim_after_call, officer):
    claim = claim_approve(claim=claim_after_call, by=officer, claim_version=claim_after_call.version)
    assert claim.status == Status.APPROVED
    assert claim.closed_at is not None
    assert claim.assigned_to is None  # a closed claim is nobody's to hold
    event = claim.events.last()
    assert (event.from_status, event.to_status, event.actor) == (Status.INTERVIEW_DONE, Status.APPROVED, officer)


def test_approval_tells_the_claimant_the_payment_days_and_the_status_link_on_whatsapp_first(claim_after_call, officer):
    programme = claim_after_call.programme
    programme.payment_days = 7  # from the catalogue, edited in admin: not a number in the template
    programme.save(update_fields=["payment_days"])
    claim = claim_approve(claim=claim_after_call, by=officer, claim_version=claim_after_call.version)
    [message] = Message.objects.filter(claim=claim, template="claim_approved")
    assert message.to == claim.contact_phone
    assert message.channel == MessageChannel.WHATSAPP
    assert f"klaim {claim.reference} ({programme.name}) sudah disetujui" in message.body
    assert "rekening bank yang Anda tulis di klaim, paling lambat 7 hari kerja lagi" in message.body
    assert f"{settings.PUBLIC_BASE_URL}{claim_status_path(claim)}" in message.body
    assert "Telepon 175" in message.body
    assert claim.nik not in message.body
    # SMS second: a failed WhatsApp message gets one SMS copy of the same text.
    message_fail(message_id=message.pk, reason="not_on_whatsapp")
    [sms] = Message.objects.filter(claim=claim, template="claim_approved", channel=MessageChannel.SMS)
    assert (sms.fallback_for, sms.body) == (message, message.body)


def test_approval_message_is_in_the_claimants_language(branch, officer):
    claim = make_claim_after_call(branch=branch)
    Claim.objects.filter(pk=claim.pk).update(language="en")  # the claimant used the English pages
    claim = _fresh(claim)
    claim_approve(claim=claim, by=officer, claim_version=claim.version)
    body = Message.objects.get(claim=claim, template="claim_approved").body
    assert f"claim {claim.reference} (Old-Age Savings) has been approved" in body
    assert "within 5 working days" in body


def test_approving_a_claim_in_review_before_the_call_is_refused(claim_in_review, officer):
    """DOMAIN.md: no decision without the call; approval only from interview_done."""
    with pytest.raises(ClaimTransitionNotAllowed):
        claim_approve(claim=claim_in_review, by=officer, claim_version=claim_in_review.version)
    claim = _fresh(claim_in_review)
    assert claim.status == Status.IN_REVIEW
    assert not claim.events.filter(to_status=Status.APPROVED).exists()
    assert not Message.objects.filter(claim=claim, template="claim_approved").exists()


def test_approving_a_claim_that_waits_for_documents_is_refused(claim_in_review, officer):
    claim = document_review(
        document=current_documents(claim_in_review)[0],
        accept=False,
        reason="officer_unreadable",
        by=officer,
        claim_version=claim_in_review.version,
    )
    with pytest.raises(ClaimTransitionNotAllowed):
        claim_approve(claim=claim, by=officer, claim_version=claim.version)
    assert _fresh(claim).status == Status.NEEDS_FIX


@pytest.mark.parametrize("reason", [value for value in RejectReason.values if value != RejectReason.OTHER])
def test_officer_rejects_a_claim_with_a_reason_and_the_claimant_is_told(claim_after_call, officer, reason):
    claim = claim_reject(claim=claim_after_call, reason=reason, by=officer, claim_version=claim_after_call.version)
    assert claim.status == Status.REJECTED
    event = claim.events.last()
    assert (event.to_status, event.reason, event.actor) == (Status.REJECTED, reason, officer)
    [message] = Message.objects.filter(claim=claim, template="claim_rejected")
    assert claim.reference in message.body
    assert f"?nomor={claim.reference}" in message.body


def test_rejecting_a_claim_for_another_reason_needs_a_note(claim_after_call, officer):
    with pytest.raises(ValidationError):
        claim_reject(
            claim=claim_after_call, reason=RejectReason.OTHER, by=officer, claim_version=claim_after_call.version
        )
    assert _fresh(claim_after_call).status == Status.INTERVIEW_DONE
    claim = claim_reject(
        claim=claim_after_call,
        reason=RejectReason.OTHER,
        note="Masa kepesertaan belum cukup.",
        by=officer,
        claim_version=claim_after_call.version,
    )
    assert claim.status == Status.REJECTED
    assert "Masa kepesertaan belum cukup." in Message.objects.get(template="claim_rejected").body


@pytest.mark.parametrize("reason", [RejectReason.OTHER, RejectReason.DATA_MISMATCH])
def test_rejecting_before_the_call_for_a_reason_the_call_must_settle_is_refused(claim_in_review, officer, reason):
    with pytest.raises(ValidationError, match="Sebelum video call") as refused:
        claim_reject(
            claim=claim_in_review,
            reason=reason,
            note="Masa kepesertaan belum cukup.",
            by=officer,
            claim_version=claim_in_review.version,
        )
    assert refused.value.code == "before_call"
    claim = _fresh(claim_in_review)
    assert claim.status == Status.IN_REVIEW
    assert not claim.events.filter(to_status=Status.REJECTED).exists()
    assert not Message.objects.filter(claim=claim, template="claim_rejected").exists()


@pytest.mark.parametrize("reason", [RejectReason.INELIGIBLE, RejectReason.DUPLICATE])
def test_rejecting_before_the_call_as_ineligible_or_duplicate_is_allowed_with_the_reason(
    claim_in_review, officer, reason
):
    claim = claim_reject(claim=claim_in_review, reason=reason, by=officer, claim_version=claim_in_review.version)
    assert claim.status == Status.REJECTED
    event = claim.events.last()
    assert (event.from_status, event.to_status, event.reason) == (Status.IN_REVIEW, Status.REJECTED, reason)
    assert Message.objects.filter(claim=claim, template="claim_rejected").count() == 1


def test_officer_cancels_with_a_reason(claim_in_review, officer):
    claim = claim_cancel_by_staff(
        claim=claim_in_review,
        reason=CancelReason.DUPLICATE,
        note="Sama dengan klaim lain",
        by=officer,
        claim_version=claim_in_review.version,
    )
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.DUPLICATE)
    event = claim.events.last()
    assert (event.reason, event.actor, event.note) == (CancelReason.DUPLICATE, officer, "Sama dengan klaim lain")
    with pytest.raises(ClaimTransitionNotAllowed):
        claim_cancel_by_staff(
            claim=claim, reason=CancelReason.DUPLICATE, by=officer, claim_version=_fresh(claim).version
        )


def test_a_cancellation_by_staff_tells_the_claimant_why_and_how_to_start_again_once(claim_in_review, officer):
    claim = claim_cancel_by_staff(
        claim=claim_in_review,
        reason=CancelReason.DUPLICATE,
        note="Sama dengan klaim LA-XXXX",  # the officer's note stays on the history, not in the message
        by=officer,
        claim_version=claim_in_review.version,
    )
    [message] = Message.objects.filter(claim=claim, template="claim_cancelled")
    assert message.channel == MessageChannel.WHATSAPP
    assert not Message.objects.filter(claim=claim, template="interview_cancelled").exists()
    body = message.body
    assert f"klaim {claim.reference} dibatalkan." in body
    assert "Alasan: Klaim yang sama sudah pernah diajukan." in body
    assert f"{settings.PUBLIC_BASE_URL}{reverse('portal:start_programme')}" in body  # start a new claim
    assert f"dropbox {claim.branch.name}" in body
    assert "telepon 175" in body
    assert f"{settings.PUBLIC_BASE_URL}{claim_status_path(claim)}" in body
    assert "sesuai permintaan Anda" not in body
    assert "LA-XXXX" not in body


def test_cancelling_at_the_claimants_request_tells_them(claim_in_review, officer):
    claim_cancel_by_staff(
        claim=claim_in_review,
        reason=CancelReason.CLAIMANT_REQUEST,
        by=officer,
        claim_version=claim_in_review.version,
    )
    assert Message.objects.filter(claim=claim_in_review, template="claim_cancelled").count() == 1


def test_officer_requests_more_documents(claim_in_review, officer):
    npwp = DocumentType.objects.get(code="npwp")
    claim = claim_request_documents(
        claim=claim_in_review,
        document_types=[npwp],
        note="Saldo di atas Rp 50 juta.",
        by=officer,
        claim_version=claim_in_review.version,
    )
    assert claim.status == Status.NEEDS_FIX
    event = claim.events.last()
    assert (event.reason, event.actor) == ("more_documents", officer)
    [message] = Message.objects.filter(claim=claim, template="claim_more_documents")
    assert npwp.name in message.body
    assert "Saldo di atas Rp 50 juta." in message.body
    assert f"?nomor={claim.reference}" in message.body
    # The claimant uploads it; once checked, the claim is back with the officer.
    upload_checked(claim, npwp)
    assert _fresh(claim).status == Status.IN_REVIEW


def test_requesting_a_document_the_claim_does_not_need_is_refused(claim_in_review, officer):
    foreign = DocumentType.objects.get(code="death_certificate")
    with pytest.raises(ValidationError):
        claim_request_documents(
            claim=claim_in_review, document_types=[foreign], by=officer, claim_version=claim_in_review.version
        )
    with pytest.raises(ValidationError):
        claim_request_documents(claim=claim_in_review, document_types=[], by=officer, claim_version=1)
    assert _fresh(claim_in_review).status == Status.IN_REVIEW


def test_revealing_the_nik_is_recorded(claim_in_review, officer):
    access = claim_reveal_nik(claim=claim_in_review, by=officer, ip="10.0.0.5", user_agent="Tablet")
    assert ClaimDataAccess.objects.get() == access
    assert (access.user, access.what, access.ip_address, access.user_agent) == (officer, "nik", "10.0.0.5", "Tablet")


def test_managers_and_officers_are_told_apart(branch):
    assert not is_manager(StaffFactory(branch=branch))
    assert is_manager(StaffFactory(branch=branch, role=Role.BRANCH_MANAGER))
    assert is_manager(StaffFactory(branch=None, role=Role.NATIONAL))
