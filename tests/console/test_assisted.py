"""The assisted channel: an officer starts a claim for a claimant without a smartphone."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from claims.models import CancelReason, Channel, Claim, ClaimEvent, ClaimReason, Status
from claims.services import (
    AssistedWhere,
    assisted_contact_via_branch,
    assisted_phone_code_send,
    assisted_phone_code_verify,
    claim_cancel,
    claim_create_assisted,
)
from core.staff import Role
from notifications import services as notification_services
from notifications.models import Message, MessageStatus
from notifications.providers.base import BaseBackend, SendResult
from notifications.registry import _backend, provider_register
from tests.messages import claimant_text

from ..factories import VALID_DOB, VALID_NIK, BranchFactory, RegionFactory, StaffFactory, claimant_data

pytestmark = pytest.mark.django_db

START_URL = "/petugas/bantuan/baru/"


@provider_register("test-assisted-recording")
class RecordingBackend(BaseBackend):
    sent: list = []

    def send(self, *, to, body, template, idempotency_key):
        self.sent.append((to, template, body))
        return SendResult(provider_message_id=f"rec.{idempotency_key}")


@pytest.fixture
def recording(settings):
    RecordingBackend.sent = []
    settings.NOTIFICATION_BACKENDS = {"whatsapp": "test-assisted-recording", "sms": "test-assisted-recording"}
    _backend.cache_clear()
    yield RecordingBackend
    _backend.cache_clear()


@pytest.fixture
def staff(client, officer):
    client.force_login(officer)
    return client


def _reason(programme="JHT", code="resign") -> ClaimReason:
    return ClaimReason.objects.get(programme__code=programme, code=code)


def _form(branch, **overrides) -> dict:
    data = {
        "reason": _reason().pk,
        "branch": branch.code,
        "channel": Channel.ELECTRONIC,
        "where": AssistedWhere.BRANCH,
        "intake_token": str(uuid.uuid4()),
        "nik": VALID_NIK,
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": "0812-3456-7890",
        "email": "",
    }
    data.update(overrides)
    return data


def _assisted_claim(officer, **data) -> Claim:
    return claim_create_assisted(
        data=claimant_data(**data),
        reason=_reason(),
        branch=officer.branch,
        channel=Channel.ELECTRONIC,
        by=officer,
        intake_token=uuid.uuid4(),
        where=AssistedWhere.CALL_CENTRE,
    )


def _sent_code(claim: Claim) -> str:
    message = Message.objects.filter(claim=claim, template="phone_confirm_code").order_by("-id").first()
    return re.search(r"\b(\d{6})\b", claimant_text(message)).group(1)


# --- starting the claim -------------------------------------------------------------------


def test_officer_starts_a_claim_for_their_branch_recording_who_and_where(staff, officer):
    response = staff.post(START_URL, _form(officer.branch, where=AssistedWhere.CALL_CENTRE))

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:assisted_phone", args=[claim.reference])
    assert claim.created_by == officer
    assert claim.branch == officer.branch
    assert claim.status == Status.DRAFT
    assert claim.channel == Channel.ELECTRONIC
    assert claim.phone == "+6281234567890"
    assert claim.phone_verified_at is None
    assert not claim.contact_via_branch
    event = ClaimEvent.objects.get(claim=claim, reason="assisted_start")
    assert event.actor == officer
    assert "lewat telepon (call centre)" in event.note


def test_start_page_shows_the_officers_branch_fixed(staff, officer):
    response = staff.get(START_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert officer.branch.name in body
    assert f'type="hidden" name="branch" value="{officer.branch.code}"' in body


def test_officer_cannot_start_a_claim_for_another_branch(staff, officer):
    other = BranchFactory()

    response = staff.post(START_URL, _form(other))

    assert response.status_code == 400
    assert "kantor cabang Anda sendiri" in response.content.decode()
    assert not Claim.objects.exists()
    with pytest.raises(PermissionDenied):
        claim_create_assisted(
            data=claimant_data(),
            reason=_reason(),
            branch=other,
            channel=Channel.ELECTRONIC,
            by=officer,
            intake_token=uuid.uuid4(),
            where=AssistedWhere.BRANCH,
        )


def test_regional_manager_chooses_among_the_branches_of_their_region(client):
    region = RegionFactory()
    inside, outside = BranchFactory(region=region), BranchFactory()
    manager = StaffFactory(role=Role.REGIONAL_MANAGER, region=region, branch=None)
    client.force_login(manager)

    refused = client.post(START_URL, _form(outside))
    accepted = client.post(START_URL, _form(inside, channel=Channel.DROPBOX))

    assert refused.status_code == 400
    assert accepted.status_code == 302
    claim = Claim.objects.get()
    assert claim.branch == inside
    assert claim.channel == Channel.DROPBOX
    assert claim.created_by == manager


def test_the_same_form_posted_twice_makes_one_claim(staff, officer):
    form = _form(officer.branch)

    first = staff.post(START_URL, form)
    second = staff.post(START_URL, form)

    assert first["Location"] == second["Location"]
    claim = Claim.objects.get()
    assert ClaimEvent.objects.filter(claim=claim, reason="assisted_start").count() == 1


def test_heir_claim_needs_the_heir_block(staff, officer):
    form = _form(officer.branch, reason=_reason("JKM", "death").pk)

    refused = staff.post(START_URL, form)
    accepted = staff.post(
        START_URL,
        {
            **form,
            "heir_name": "Budi Santoso",
            "heir_nik": "3273015506850002",
            "heir_relation": "spouse",
            "heir_phone": "0857 1234 5678",
        },
    )

    assert refused.status_code == 400
    assert "Tulis nama lengkap ahli waris." in refused.content.decode()
    assert accepted.status_code == 302
    claim = Claim.objects.get()
    assert claim.heir_name == "Budi Santoso"
    assert claim.contact_phone == "+6285712345678"


def test_identity_is_checked_like_the_claimants_own_form(staff, officer):
    response = staff.post(START_URL, _form(officer.branch, nik="3174011205900", kpj_number="123"))

    assert response.status_code == 400
    body = response.content.decode()
    assert "NIK harus 16 angka" in body
    assert not Claim.objects.exists()


def test_claim_without_a_phone_is_contacted_through_the_branch_from_the_start(staff, officer):
    response = staff.post(START_URL, _form(officer.branch, phone=""))

    claim = Claim.objects.get()
    assert response["Location"] == f"/petugas/klaim/{claim.reference}/"
    assert claim.phone == ""
    assert claim.contact_via_branch
    assert ClaimEvent.objects.filter(claim=claim, reason="contact_via_branch").exists()


def test_only_staff_reach_the_assisted_pages(client, officer):
    claim = _assisted_claim(officer)

    for url in (START_URL, reverse("console:assisted_phone", args=[claim.reference])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_officer_without_a_branch_cannot_start_a_claim(client):
    client.force_login(StaffFactory(branch=None))

    assert client.get(START_URL).status_code == 403


def test_assisted_pages_are_never_cached(staff, officer):
    claim = _assisted_claim(officer)

    for url in (START_URL, reverse("console:assisted_phone", args=[claim.reference])):
        assert "no-store" in staff.get(url)["Cache-Control"]


# --- confirming the phone ---------------------------------------------------------------


def test_code_goes_to_the_claimants_phone_through_the_outbox(
    staff, officer, recording, django_capture_on_commit_callbacks
):
    claim = _assisted_claim(officer)
    url = reverse("console:assisted_phone", args=[claim.reference])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"action": "send"})

    assert response.status_code == 302
    message = Message.objects.get(claim=claim)
    assert message.template == "phone_confirm_code"
    assert message.to == "+6281234567890"
    assert message.sensitive
    assert message.status == MessageStatus.SENT
    code = re.search(r"\b(\d{6})\b", recording.sent[0][2]).group(1)
    assert recording.sent[0][0] == "+6281234567890"
    # Only a keyed hash is kept.
    stored = cache.get(f"assisted-phone-code:{claim.pk}")
    assert code not in repr(stored)
    page = staff.get(url).content.decode()
    assert "Kode terakhir dikirim" in page


def test_wrong_code_is_refused_and_the_right_one_confirms_the_phone(staff, officer):
    claim = _assisted_claim(officer)
    url = reverse("console:assisted_phone", args=[claim.reference])
    staff.post(url, {"action": "send"})
    code = _sent_code(claim)
    wrong = "000000" if code != "000000" else "111111"

    refused = staff.post(url, {"action": "verify", "code": wrong})
    claim.refresh_from_db()
    assert refused.status_code == 400
    assert "Kode salah" in refused.content.decode()
    assert claim.phone_verified_at is None

    accepted = staff.post(url, {"action": "verify", "code": f"{code[:3]} {code[3:]}"})
    claim.refresh_from_db()
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/petugas/klaim/{claim.reference}/"
    assert claim.phone_verified_at is not None
    event = ClaimEvent.objects.get(claim=claim, reason="phone_verified")
    assert event.actor == officer
    assert "+62 812-****-890" in event.note


def test_sixth_try_fails_even_with_the_right_code(officer):
    claim = _assisted_claim(officer)
    assisted_phone_code_send(claim=claim, by=officer)
    code = _sent_code(claim)
    wrong = "000000" if code != "000000" else "111111"

    checks = [assisted_phone_code_verify(claim=claim, code=wrong, by=officer) for _ in range(5)]
    sixth = assisted_phone_code_verify(claim=claim, code=code, by=officer)

    assert [check.tries_left for check in checks] == [4, 3, 2, 1, 0]
    assert checks[-1].exhausted
    assert not sixth.verified
    assert sixth.exhausted
    claim.refresh_from_db()
    assert claim.phone_verified_at is None


def test_a_new_code_replaces_the_old_one(officer):
    claim = _assisted_claim(officer)
    assisted_phone_code_send(claim=claim, by=officer)
    old = _sent_code(claim)
    assisted_phone_code_send(claim=claim, by=officer)
    new = _sent_code(claim)

    if old != new:
        assert not assisted_phone_code_verify(claim=claim, code=old, by=officer).verified
    assert assisted_phone_code_verify(claim=claim, code=new, by=officer).verified


def test_code_expires(officer, settings):
    claim = _assisted_claim(officer)
    assisted_phone_code_send(claim=claim, by=officer)
    code = _sent_code(claim)
    cache.delete(f"assisted-phone-code:{claim.pk}")  # what the cache does after OTP_TTL_SECONDS

    check = assisted_phone_code_verify(claim=claim, code=code, by=officer)

    assert not check.verified
    assert check.expired


def test_code_sends_share_the_phones_limit_with_the_claimants_codes(staff, officer, settings):
    settings.OTP_PER_PHONE_LIMIT = 2
    claim = _assisted_claim(officer)
    url = reverse("console:assisted_phone", args=[claim.reference])

    responses = [staff.post(url, {"action": "send"}) for _ in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 400]
    assert "terlalu sering" in responses[-1].content.decode()
    assert Message.objects.filter(claim=claim).count() == 2


def test_confirmation_code_cannot_open_the_claim_as_an_access_code(officer):
    from claims.access import one_time_code_verify

    claim = _assisted_claim(officer)
    assisted_phone_code_send(claim=claim, by=officer)

    assert one_time_code_verify(reference=claim.reference, code=_sent_code(claim)).claim is None


def test_no_working_phone_sends_nothing_from_then_on(staff, officer, recording, django_capture_on_commit_callbacks):
    claim = _assisted_claim(officer)
    url = reverse("console:assisted_phone", args=[claim.reference])

    refused = staff.post(url, {"action": "no_phone"})
    assert refused.status_code == 400
    assert not Claim.objects.get(pk=claim.pk).contact_via_branch

    response = staff.post(url, {"action": "no_phone", "confirm": "on"})
    claim.refresh_from_db()
    assert response["Location"] == f"/petugas/klaim/{claim.reference}/"
    assert claim.contact_via_branch
    assert ClaimEvent.objects.get(claim=claim, reason="contact_via_branch").actor == officer

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim_cancel(claim=claim, reason=CancelReason.CLAIMANT_REQUEST, by=officer)
        stale = Claim.objects.get(pk=claim.pk)
        stale.contact_via_branch = False  # a caller's out-of-date copy still sends nothing
        notification_services.message_send(
            to="+6281234567890", template="claim_cancelled", context={"reference": claim.reference}, claim=stale
        )
    messages = Message.objects.filter(claim=claim)
    assert messages.count() == 2
    assert all(m.status == MessageStatus.SKIPPED and "lewat kantor cabang" in m.error for m in messages)
    assert recording.sent == []
    assert callbacks == []


def test_phone_step_is_closed_once_the_claim_is_marked_contact_via_branch(staff, officer):
    claim = _assisted_claim(officer)
    assisted_contact_via_branch(claim=claim, by=officer)
    url = reverse("console:assisted_phone", args=[claim.reference])

    assert staff.get(url)["Location"] == f"/petugas/klaim/{claim.reference}/"
    with pytest.raises(Exception, match="kantor cabang"):
        assisted_phone_code_send(claim=claim, by=officer)


def test_phone_step_of_another_branchs_claim_is_not_found(client, officer):
    claim = _assisted_claim(officer)
    client.force_login(StaffFactory(branch=BranchFactory()))

    assert client.get(reverse("console:assisted_phone", args=[claim.reference])).status_code == 404


def test_a_typed_code_that_is_not_six_digits_does_not_use_a_try(staff, officer):
    claim = _assisted_claim(officer)
    url = reverse("console:assisted_phone", args=[claim.reference])
    staff.post(url, {"action": "send"})

    response = staff.post(url, {"action": "verify", "code": "12"})

    assert response.status_code == 400
    assert "Kode harus 6 angka" in response.content.decode()
    code = _sent_code(claim)
    wrong = "000000" if code != "000000" else "111111"
    assert assisted_phone_code_verify(claim=claim, code=wrong, by=officer).tries_left == 4


# --- one open claim per NIK and programme -----------------------------------------------------


def test_officer_is_told_of_the_open_claim_in_their_branch_with_a_link(staff, officer):
    from tests.factories import make_claim

    open_claim = make_claim(branch=officer.branch, nik=VALID_NIK)

    response = staff.post(START_URL, _form(officer.branch))

    html = response.content.decode()
    assert response.status_code == 400
    assert open_claim.reference in html
    assert reverse("console:claim", args=[open_claim.reference]) in html
    assert Claim.objects.count() == 1


def test_an_open_claim_of_another_branch_is_only_said_to_be_elsewhere(staff, officer):
    from tests.factories import make_claim

    elsewhere = BranchFactory(name="Kantor Cabang Rahasia", city="Ambon")
    open_claim = make_claim(branch=elsewhere, nik=VALID_NIK)

    response = staff.post(START_URL, _form(officer.branch))

    html = response.content.decode()
    assert response.status_code == 400
    assert "kantor cabang lain" in html
    assert "175" in html
    assert open_claim.reference not in html
    assert "Rahasia" not in html
    assert "Ambon" not in html
    assert Claim.objects.count() == 1


def test_an_assisted_start_in_another_programme_is_not_blocked(staff, officer):
    from tests.factories import make_claim

    make_claim(branch=officer.branch, nik=VALID_NIK, programme="JPN")

    response = staff.post(START_URL, _form(officer.branch))

    assert response.status_code == 302
    assert Claim.objects.count() == 2
