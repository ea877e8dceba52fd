import pytest
from django.core.exceptions import ValidationError

from claims.models import ALLOWED_TRANSITIONS, CancelReason, Claim, Status
from claims.services import ClaimTransitionNotAllowed, claim_cancel, claim_transition
from documents.services import claim_submit
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


def _force(claim: Claim, status: Status) -> Claim:
    """Put a claim in a status for a test, the way the lifecycle would not."""
    Claim.objects.filter(pk=claim.pk).update(status=status)
    claim.refresh_from_db()
    return claim


@pytest.mark.parametrize("from_status", list(Status))
@pytest.mark.parametrize("to_status", list(Status))
def test_transition_follows_the_table_exactly(branch, from_status, to_status):
    claim = _force(make_claim(branch=branch), from_status)
    events_before = claim.events.count()
    if to_status in ALLOWED_TRANSITIONS[from_status]:
        claim = claim_transition(claim=claim, to=to_status, reason="duplicate" if to_status == Status.CANCELLED else "")
        assert claim.status == to_status
        event = claim.events.last()
        assert (event.from_status, event.to_status) == (from_status, to_status)
    else:
        with pytest.raises(ClaimTransitionNotAllowed):
            claim_transition(claim=claim, to=to_status)
        claim.refresh_from_db()
        assert claim.status == from_status
        assert claim.events.count() == events_before


@pytest.mark.parametrize("closed", [Status.APPROVED, Status.REJECTED, Status.CANCELLED])
def test_closed_claims_cannot_move(branch, closed):
    """DOMAIN.md: a decided or cancelled claim is over. Driven through claim_transition, so it
    fails if the table gains a way out of a closed status or the service stops reading it."""
    claim = _force(make_claim(branch=branch), closed)
    for to_status in Status:
        with pytest.raises(ClaimTransitionNotAllowed):
            claim_transition(claim=claim, to=to_status, reason="duplicate")
    claim.refresh_from_db()
    assert claim.status == closed
    assert not claim.events.exclude(to_status=Status.DRAFT).exists()


def test_cancel_records_reason_and_closes(branch, officer):
    claim = claim_cancel(claim=make_claim(branch=branch), reason=CancelReason.DUPLICATE, by=officer, note="sama")
    assert claim.status == Status.CANCELLED
    assert claim.cancel_reason == "duplicate"
    assert claim.closed_at
    event = claim.events.last()
    assert event.actor == officer
    assert event.reason == "duplicate"
    assert event.note == "sama"


def test_submit_refuses_missing_documents_and_keeps_the_draft(branch):
    claim = make_claim(branch=branch)
    with pytest.raises(ValidationError) as excinfo:
        claim_submit(claim=claim)
    assert "belum diunggah" in excinfo.value.messages[0]
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_submit_of_a_submitted_claim_changes_nothing(branch):
    claim = _force(make_claim(branch=branch), Status.SUBMITTED)
    assert claim_submit(claim=claim).status == Status.SUBMITTED
    assert claim.events.count() == 1


def test_reference_is_random_and_readable(branch):
    references = {make_claim(branch=branch).reference for _ in range(20)}
    assert len(references) == 20
    for reference in references:
        assert reference.startswith("LA-")
        assert len(reference) == 12
        assert not set(reference[3:].replace("-", "")) & set("0O1IL5S2Z")


def test_approval_is_reached_only_from_interview_done(branch):
    """DOMAIN.md: no decision without the call. Fails if the table lets any other status approve."""
    assert {status for status, targets in ALLOWED_TRANSITIONS.items() if Status.APPROVED in targets} == {
        Status.INTERVIEW_DONE
    }
    claim = _force(make_claim(branch=branch), Status.IN_REVIEW)
    with pytest.raises(ClaimTransitionNotAllowed):
        claim_transition(claim=claim, to=Status.APPROVED)
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
