"""The claimant's whole flow through the Django test client, page by page."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimReason, Status
from documents.models import Document, DocumentStatus
from notifications.models import Message, MessageStatus
from tests.factories import VALID_DOB, VALID_NIK, make_jpeg, make_pdf
from tests.messages import start_code

pytestmark = pytest.mark.django_db

IDENTITY = {
    "nik": "3174 0112 0590 0003",
    "kpj_number": "123-4567-8901",
    "full_name": "Siti  Aminah",
    "date_of_birth": VALID_DOB.isoformat(),
}
HEIR = {
    "heir_name": "Budi Santoso",
    "heir_nik": "3273015506850002",
    "heir_relation": "spouse",
    "heir_phone": "0857-1234-5678",
}


def _fill_intake(client: Client, reason: ClaimReason, *, phone: str = "0812 3456 7890", identity=None, heir=None):
    """Programme → reason → identity → contact → (heir): returns the branch page's token and first branch."""
    client.get(reverse("portal:start_programme") + "?baru=1")
    response = client.post(reverse("portal:start_programme"), {"programme": reason.programme.code})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start_reason")
    response = client.post(reverse("portal:start_reason"), {"reason": reason.pk})
    assert response["Location"] == reverse("portal:start_identity")
    response = client.post(reverse("portal:start_identity"), identity or IDENTITY)
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(reverse("portal:start_contact"), {"phone": phone, "email": ""})
    if reason.needs_heir:
        assert response["Location"] == reverse("portal:start_heir")
        response = client.post(reverse("portal:start_heir"), heir or HEIR)
        assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("portal:start_branch")
    page = client.get(reverse("portal:start_branch"))
    return page.context["intake_token"], page.context["branches"][0]


def _start(client: Client, reason: ClaimReason, *, phone: str = "0812 3456 7890", identity=None) -> Claim:
    """The whole start, code step included: one draft claim, ready for documents."""
    token, branch = _fill_intake(client, reason, phone=phone, identity=identity)
    response = client.post(reverse("portal:start_branch"), {"branch": branch.code, "intake_token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start_code")
    assert not Claim.objects.filter(intake_token=token).exists()  # made only with the code
    response = client.post(reverse("portal:start_code"), {"code": start_code()})
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(intake_token=token)
    assert response["Location"] == reverse("portal:checklist", args=[claim.reference])
    return claim


def _upload(client: Client, claim: Claim, type_code: str, content: bytes, name: str = "foto.jpg"):
    return client.post(
        reverse("portal:document", args=[claim.reference, type_code]),
        {"file": SimpleUploadedFile(name, content, content_type="image/jpeg")},
    )


def _upload_required(client: Client, claim: Claim, capture=None) -> None:
    """Upload every required document (different files: the same file twice is a duplicate).

    With ``capture`` (django_capture_on_commit_callbacks) the background checks run too.
    """
    for requirement in claim.reason.requirements.filter(required=True).select_related("document_type"):
        code = requirement.document_type.code
        content, name = (
            (make_pdf(code), "surat.pdf") if requirement.ordering % 20 else (make_jpeg(text=code), "foto.jpg")
        )
        if capture is None:
            response = _upload(client, claim, code, content, name)
        else:
            with capture(execute=True):
                response = _upload(client, claim, code, content, name)
        assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize(
    ("programme", "reason_code"), [("JHT", "resign"), ("JKK", "fatal"), ("JKM", "death"), ("JPN", "old_age")]
)
def test_claimant_starts_uploads_and_submits_a_claim(
    client, branch, programme, reason_code, django_capture_on_commit_callbacks
):
    reason = ClaimReason.objects.get(programme__code=programme, code=reason_code)
    claim = _start(client, reason)

    assert claim.status == Status.DRAFT
    assert claim.nik == VALID_NIK
    assert claim.kpj_number == "12345678901"
    assert claim.full_name == "Siti Aminah"
    assert claim.phone == "+6281234567890"
    if reason.needs_heir:
        assert claim.heir_phone == "+6285712345678"
        assert claim.heir_relation == "spouse"

    checklist = client.get(reverse("portal:checklist", args=[claim.reference]))
    for requirement in reason.requirements.all():
        assert requirement.document_type.name in checklist.content.decode()

    first = claim.reason.requirements.filter(required=True).first().document_type.code
    _upload(client, claim, first, make_jpeg(text="belum diperiksa"))
    checklist = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert "Sedang diperiksa" in checklist  # the check has not run yet

    _upload_required(client, claim, capture=django_capture_on_commit_callbacks)
    checklist = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert "Sedang diperiksa" not in checklist
    assert "Lolos pemeriksaan otomatis" in checklist  # the checks passed; no officer has looked yet

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:submit", args=[claim.reference]))
    assert response["Location"] == reverse("portal:submitted", args=[claim.reference])
    claim.refresh_from_db()
    # Every document was checked and accepted already: straight on to the branch officers.
    assert claim.status == Status.IN_REVIEW
    assert claim.submitted_at is not None

    done = client.get(response["Location"]).content.decode()
    assert claim.reference in done
    assert "Apa selanjutnya?" in done

    message = Message.objects.get(claim=claim, template="claim_submitted")
    assert message.to == claim.contact_phone
    assert claim.reference in message.body
    assert message.status == MessageStatus.SENT

    status_page = client.get(reverse("portal:status", args=[claim.reference])).content.decode()
    assert "Klaim sudah kami terima" in status_page
    assert "Petugas cabang sedang memeriksa" in status_page
    # The steps (a file replaced before submitting is a line of its own, not a step).
    assert [e.to_status for e in claim.events.all() if e.from_status != e.to_status] == [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHECKING,
        Status.IN_REVIEW,
    ]


def test_the_whole_flow_works_in_english(client, branch, django_capture_on_commit_callbacks):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in home
    assert "Make a new claim" in home
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    claim = _start(client, reason)
    assert claim.language == "en"
    checklist = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert "Upload your documents" in checklist
    response = _upload(client, claim, claim.reason.requirements.first().document_type.code, b"", "x.jpg")
    assert "The file is empty" in response.content.decode()
    _upload_required(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:submit", args=[claim.reference]))
    body = Message.objects.get(claim=claim, template="claim_submitted").body
    assert "BPJS Ketenagakerjaan" in body
    assert "kami terima" not in body


def test_submit_is_refused_while_a_required_document_is_missing(client, branch):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    response = client.post(reverse("portal:submit", args=[claim.reference]))
    assert response.status_code == 400
    assert "belum diunggah" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_replacing_and_removing_a_document_before_submitting(client, branch, django_capture_on_commit_callbacks):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    type_code = claim.reason.requirements.filter(required=True).first().document_type.code
    _upload(client, claim, type_code, make_jpeg(text="first"))
    first = Document.objects.get(claim=claim)
    first_path = Path(first.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, claim, type_code, make_jpeg(text="second"))
    second = Document.objects.exclude(status=DocumentStatus.REPLACED).get(claim=claim)
    assert second.pk != first.pk
    # The first is kept as history (DOMAIN.md), with its file, while the claim lives.
    first.refresh_from_db()
    assert first.status == DocumentStatus.REPLACED
    assert first_path.exists()
    second_path = Path(second.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:document_delete", args=[claim.reference, second.pk]))
    assert response.status_code == 302
    assert list(Document.objects.filter(claim=claim).values_list("pk", flat=True)) == [first.pk]
    assert not second_path.exists()
    # The replaced one cannot be taken back.
    response = client.post(reverse("portal:document_delete", args=[claim.reference, first.pk]), follow=True)
    assert "sudah diganti tidak bisa dihapus" in response.content.decode()
    assert Document.objects.filter(pk=first.pk).exists()


def test_checklist_shows_size_and_thumbnail_that_only_the_owner_can_open(
    client, branch, django_capture_on_commit_callbacks
):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    type_code = claim.reason.requirements.filter(required=True).first().document_type.code
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, claim, type_code, make_jpeg())
    document = Document.objects.get(claim=claim)
    page = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert reverse("documents:thumbnail", args=[document.pk]) in page
    assert "KB" in page

    thumbnail = client.get(reverse("documents:thumbnail", args=[document.pk]))
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail["X-Content-Type-Options"] == "nosniff"
    assert thumbnail["Content-Disposition"].startswith("inline")
    file = client.get(reverse("documents:file", args=[document.pk]))
    assert b"".join(file.streaming_content)[:3] == b"\xff\xd8\xff"

    stranger = Client()
    assert stranger.get(reverse("documents:thumbnail", args=[document.pk])).status_code == 404
    assert stranger.get(reverse("portal:checklist", args=[claim.reference])).status_code == 404


def test_unfinished_claim_is_offered_again_on_the_same_phone(client, branch):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:resume", args=[claim.reference]) in home
    response = client.get(reverse("portal:resume", args=[claim.reference]))
    # Straight to the first required document still missing, where the claimant stopped.
    first = claim.reason.requirements.filter(required=True).first()
    assert response["Location"] == reverse("portal:document", args=[claim.reference, first.document_type.code])


# --- coming back with a reference and a one-time code ------------------------------------


def _request_code(client: Client, reference: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("portal:status_start"), {"reference": reference})


def _last_code(claim: Claim) -> str:
    body = Message.objects.filter(claim=claim, template="one_time_code").latest("pk").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_claimant_comes_back_with_reference_and_code(branch, draft_claim, django_capture_on_commit_callbacks):
    client = Client()
    response = _request_code(client, draft_claim.reference.lower().replace("-", ""), django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("portal:status_code")
    code = _last_code(draft_claim)
    response = client.post(reverse("portal:status_code"), {"code": code})
    assert response["Location"] == reverse("portal:status", args=[draft_claim.reference])
    page = client.get(response["Location"]).content.decode()
    assert "Lanjutkan mengisi" in page  # a draft can be resumed by reference and code
    # Single use: the same code does not open the claim a second time.
    other = Client()
    _request_code(other, draft_claim.reference, django_capture_on_commit_callbacks)
    other.post(reverse("portal:status_code"), {"code": code})
    assert other.get(reverse("portal:status", args=[draft_claim.reference])).status_code == 404


def test_code_page_does_not_reveal_whether_a_reference_exists(branch, draft_claim, django_capture_on_commit_callbacks):
    real, fake = Client(), Client()
    real_response = _request_code(real, draft_claim.reference, django_capture_on_commit_callbacks)
    fake_response = _request_code(fake, "LA-XXXX-YYYY", django_capture_on_commit_callbacks)
    assert real_response.status_code == fake_response.status_code == 302
    assert real_response["Location"] == fake_response["Location"]
    real_page = real.get(real_response["Location"]).content.decode().replace(draft_claim.reference, "REF")
    fake_page = fake.get(fake_response["Location"]).content.decode().replace("LA-XXXX-YYYY", "REF")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", real_page) == strip.sub("", fake_page)
    wrong_real = real.post(reverse("portal:status_code"), {"code": "000000"}).content.decode()
    wrong_fake = fake.post(reverse("portal:status_code"), {"code": "000000"}).content.decode()
    assert strip.sub("", wrong_real).replace(draft_claim.reference, "REF") == strip.sub("", wrong_fake).replace(
        "LA-XXXX-YYYY", "REF"
    )


def test_wrong_code_is_refused(client, branch, draft_claim, django_capture_on_commit_callbacks):
    _request_code(client, draft_claim.reference, django_capture_on_commit_callbacks)
    code = _last_code(draft_claim)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("portal:status_code"), {"code": wrong})
    assert response.status_code == 400
    assert "Kode salah" in response.content.decode()
    assert client.get(reverse("portal:status", args=[draft_claim.reference])).status_code == 404


def test_expired_code_is_refused(client, branch, draft_claim, django_capture_on_commit_callbacks):
    _request_code(client, draft_claim.reference, django_capture_on_commit_callbacks)
    code = _last_code(draft_claim)
    from datetime import timedelta

    from django.utils import timezone

    draft_claim.one_time_codes.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("portal:status_code"), {"code": code})
    assert response.status_code == 400
    assert client.get(reverse("portal:status", args=[draft_claim.reference])).status_code == 404


def test_sixth_try_on_one_code_fails_even_when_right(branch, draft_claim, django_capture_on_commit_callbacks):
    client = Client()
    _request_code(client, draft_claim.reference, django_capture_on_commit_callbacks)
    code = _last_code(draft_claim)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(reverse("portal:status_code"), {"code": wrong})
    # A fresh browser, so only the server's count of tries stands in the way.
    fresh = Client()
    fresh.session  # noqa: B018 - create the session
    session = fresh.session
    session["pending_reference"] = draft_claim.reference
    session.save()
    response = fresh.post(reverse("portal:status_code"), {"code": code})
    assert response.status_code == 400
    assert "Minta kode baru" in response.content.decode()
    assert fresh.get(reverse("portal:status", args=[draft_claim.reference])).status_code == 404


def test_code_requests_are_throttled_per_phone_and_per_ip(
    settings, branch, draft_claim, django_capture_on_commit_callbacks
):
    settings.OTP_PER_PHONE_LIMIT = 2
    for n in range(2):
        client = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert _request_code(client, draft_claim.reference, django_capture_on_commit_callbacks).status_code == 302
    # The third ask for the same phone is answered like any other, but nothing is sent.
    third = _request_code(Client(REMOTE_ADDR="10.0.0.9"), draft_claim.reference, django_capture_on_commit_callbacks)
    assert third.status_code == 302
    assert Message.objects.filter(claim=draft_claim, template="one_time_code").count() == 2

    settings.OTP_PER_IP_LIMIT = 3
    same_ip = Client(REMOTE_ADDR="10.9.9.9")
    statuses = [
        _request_code(same_ip, f"LA-AAAA-AA{n}{n}", django_capture_on_commit_callbacks).status_code for n in range(3, 8)
    ]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [400, 400]


def test_code_is_stored_only_as_a_hash(branch, draft_claim, django_capture_on_commit_callbacks):
    _request_code(Client(), draft_claim.reference, django_capture_on_commit_callbacks)
    code = _last_code(draft_claim)
    record = draft_claim.one_time_codes.get()
    assert code not in record.code_hash
    assert len(record.code_hash) == 64


# --- cancelling ------------------------------------------------------------------------------


def test_claimant_cancels_with_a_reason(client, branch, django_capture_on_commit_callbacks):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    response = client.post(reverse("portal:cancel", args=[claim.reference]), {"explanation": "not_now"})
    assert response.status_code == 400  # not confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:cancel", args=[claim.reference]), {"explanation": "visit_branch", "confirm": "on"}
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.CANCELLED
    assert claim.cancel_reason == "claimant_request"
    event = claim.events.last()
    assert event.reason == "claimant_request"
    assert "kantor cabang" in event.note
    assert Message.objects.filter(claim=claim, template="claim_cancelled").exists()
    assert "Klaim dibatalkan" in client.get(reverse("portal:status", args=[claim.reference])).content.decode()
