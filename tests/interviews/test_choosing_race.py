"""Two claimants, one slot, at the same moment: one call is booked, the other claimant is told
to pick another time. Real threads on real PostgreSQL connections (transactional test)."""

import threading

import pytest
from django.db import connection

from interviews.models import BookedBy, Interview
from interviews.selectors import branch_free_slots
from interviews.services import InterviewRefused, interview_choose
from tests.console.conftest import make_submitted_claim
from tests.factories import BranchFactory, StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]


def test_two_claimants_choosing_one_slot_at_once_book_it_once():
    branch = BranchFactory(whatsapp_number="+6221500910")
    StaffFactory(branch=branch)  # one officer: one call at a time
    claims = [make_submitted_claim(branch=branch) for _ in range(2)]
    starts_at = branch_free_slots(branch=branch, count=1, min_reminders=0)[0].slot.starts_at
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def choose(claim) -> None:
        try:
            barrier.wait()
            interview_choose(claim=claim, starts_at=starts_at, channel="whatsapp_video")
            outcomes.append("booked")
        except InterviewRefused as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=choose, args=(claim,)) for claim in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[-1] == "booked"
    assert outcomes.count("booked") == 1
    refused = next(text for text in outcomes if text != "booked")
    assert "Pilih jam lain" in refused
    assert "175" in refused
    assert Interview.objects.filter(starts_at=starts_at, booked_by=BookedBy.CLAIMANT).count() == 1
