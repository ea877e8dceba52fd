"""The JSON API for the claimant flow: /api/v1/."""

import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from claims.access import claim_token_issue
from claims.models import Claim, ClaimReason, DocumentRequirement, DocumentType, Programme, Status
from claims.services import claim_transition
from documents.models import Document
from documents.services import too_large_message
from notifications.models import Message
from tests.factories import VALID_DOB, VALID_NIK, BranchFactory, make_claim, make_jpeg
from tests.messages import claimant_text, start_code, start_messages

CLAIMS = "/api/v1/claims/"
CONFIRM = "/api/v1/claims/confirm/"


@pytest.fixture
def catalogue(db):
    """The seeded catalogue (migration 0002_catalogue); the few rows these tests need if it is missing."""
    types = {}
    for code, name in [("ektp", "e-KTP"), ("kk", "Kartu Keluarga")]:
        types[code], _ = DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "explanation": name, "photo_hint": "Foto seluruh kartu."}
        )
    for code, name in [("JHT", "Jaminan Hari Tua"), ("JKK", "Jaminan Kecelakaan Kerja")] + [
        ("JKM", "Jaminan Kematian"),
        ("JPN", "Jaminan Pensiun"),
    ]:
        programme, _ = Programme.objects.get_or_create(code=code, defaults={"name": name})
        if code == "JHT":
            reason, _ = ClaimReason.objects.get_or_create(
                programme=programme, code="resign", defaults={"name": "Berhenti bekerja"}
            )
            for document_type in types.values():
                DocumentRequirement.objects.get_or_create(reason=reason, document_type=document_type)
        elif code == "JKM":
            reason, _ = ClaimReason.objects.get_or_create(
                programme=programme, code="death", defaults={"name": "Peserta meninggal dunia", "needs_heir": True}
            )
            DocumentRequirement.objects.get_or_create(reason=reason, document_type=types["ektp"])
        elif not programme.reasons.filter(is_active=True).exists():
            reason = ClaimReason.objects.create(programme=programme, code="default", name=name)
            DocumentRequirement.objects.create(reason=reason, document_type=types["ektp"])


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def branch(db):
    return BranchFactory(code="MDN01", name="Kantor Cabang Medan Kota", city="Medan")


def payload(branch, *, programme="JHT", reason="resign", **overrides) -> dict:
    data = {
        "programme": programme,
        "reason": reason,
        "branch": branch.code,
        "nik": VALID_NIK,
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB.isoformat(),
        "phone": "0812-3456-7890",
    }
    if ClaimReason.objects.filter(programme__code=programme, code=reason, needs_heir=True).exists():
        data.update(
            heir_name="Budi Santoso", heir_nik="3273015506850002", heir_relation="spouse", heir_phone="085712345678"
        )
    data.update(overrides)
    return data


def start(api, branch, headers=None, **overrides):
    """The first half of starting a claim: 202, a code on its way, the claim not made yet."""
    return api.post(CLAIMS, payload(branch, **overrides), format="json", **(headers or {}))


def create(api, branch, headers=None, **overrides):
    """Start a claim and confirm it with the code sent (claims/services/start.py)."""
    started = start(api, branch, headers, **overrides)
    if started.status_code != 202:
        return started
    body = {**payload(branch, **overrides), "start": started.json()["start"], "code": start_code()}
    return api.post(CONFIRM, body, format="json", **(headers or {}))


def opened(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def upload(client, reference, document_type, content=None, name="foto.jpg"):
    # A different photo per document: the same file twice on one claim is a duplicate.
    content = make_jpeg(text=document_type) if content is None else content
    file = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post(
        f"{CLAIMS}{reference}/documents/", {"document_type": document_type, "file": file}, format="multipart"
    )


def checklist_documents(client, reference) -> dict:
    body = client.get(f"{CLAIMS}{reference}/").json()
    return {item["requirement"]["document_type"]: item["document"] for item in body["checklist"]}


def last_code() -> str:
    message = Message.objects.filter(template="one_time_code").latest("created_at", "id")
    return re.search(r"\b\d{6}\b", claimant_text(message)).group()


# --- catalogue ------------------------------------------------------------------------


@pytest.mark.django_db
def test_programmes_list_reasons_and_their_documents_in_the_asked_language(api, catalogue):
    Programme.objects.filter(code="JHT").update(name="Jaminan Hari Tua", name_en="Old-Age Savings")

    indonesian = api.get("/api/v1/programmes/").json()
    english = api.get("/api/v1/programmes/", HTTP_ACCEPT_LANGUAGE="en").json()

    jht = next(programme for programme in indonesian if programme["code"] == "JHT")
    assert {"JHT", "JKK", "JKM", "JPN"} <= {programme["code"] for programme in indonesian}
    assert jht["name"] == "Jaminan Hari Tua"
    assert next(p for p in english if p["code"] == "JHT")["name"] == "Old-Age Savings"
    resign = next(reason for reason in jht["reasons"] if reason["code"] == "resign")
    ektp = next(item for item in resign["requirements"] if item["document_type"] == "ektp")
    assert ektp["required"] is True
    assert set(ektp) == {"document_type", "name", "explanation", "photo_hint", "required", "note"}
    jkm = next(programme for programme in indonesian if programme["code"] == "JKM")
    assert next(reason for reason in jkm["reasons"] if reason["code"] == "death")["needs_heir"] is True


@pytest.mark.django_db
def test_branch_search_finds_by_city(api, branch):
    BranchFactory(code="SBY01", name="Kantor Cabang Surabaya", city="Surabaya")
    BranchFactory(code="MDN99", name="Kantor Cabang Medan Lama", city="Medan", is_active=False)

    response = api.get("/api/v1/branches/", {"q": "medan"})

    assert response.status_code == 200
    assert [found["code"] for found in response.json()] == ["MDN01"]


# --- the whole flow -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("programme", ["JHT", "JKK", "JKM", "JPN"])
def test_claimant_creates_uploads_submits_and_reads_status(
    api, catalogue, branch, programme, django_capture_on_commit_callbacks
):
    listed = next(p for p in api.get("/api/v1/programmes/").json() if p["code"] == programme)
    reason = listed["reasons"][0]

    created = create(api, branch, programme=programme, reason=reason["code"])
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    reference, claimant = body["reference"], opened(body["token"])

    for requirement in reason["requirements"]:
        if requirement["required"]:
            with django_capture_on_commit_callbacks(execute=True):  # the background check runs
                uploaded = upload(claimant, reference, requirement["document_type"])
            assert uploaded.status_code == 201, uploaded.json()
            assert uploaded.json()["status"] == "checking"
            assert uploaded.json()["content_type"] == "image/jpeg"
            assert uploaded.json()["original_name"] == "foto.jpg"

    submitted = claimant.post(f"{CLAIMS}{reference}/submit/")
    assert submitted.status_code == 200, submitted.json()

    status = claimant.get(f"{CLAIMS}{reference}/")
    assert status.status_code == 200
    claim = status.json()
    # Every document passed its checks: the claim goes straight on to the branch officers.
    assert claim["status"] == "in_review"
    assert claim["status_label"] == "Sedang diverifikasi petugas"
    assert [event["status"] for event in claim["timeline"]] == ["draft", "submitted", "checking", "in_review"]
    assert all(item["document"]["status"] == "accepted" for item in claim["checklist"] if item["document"])
    assert all(item["done"] for item in claim["checklist"] if item["requirement"]["required"])
    assert claim["phone_masked"] == "+62 812-****-890"
    assert claim["nik_masked"] == "3174********0003"
    assert VALID_NIK not in status.content.decode()
    assert "+6281234567890" not in status.content.decode()
    assert Claim.objects.get(reference=reference).programme.code == programme


# --- creating a claim -----------------------------------------------------------------


@pytest.mark.django_db
def test_create_with_the_same_idempotency_key_gives_the_same_claim(api, catalogue, branch):
    key = str(uuid.uuid4())

    first = create(api, branch, idempotency_key=key)
    again = create(api, branch, idempotency_key=key)

    # The second start finds the open claim of the NIK: its code opens that claim.
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_start_with_the_same_idempotency_key_sends_one_code(api, catalogue, branch):
    key = str(uuid.uuid4())

    first = start(api, branch, idempotency_key=key)
    again = start(api, branch, idempotency_key=key)

    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json() == again.json()
    assert start_messages().count() == 1


@pytest.mark.django_db
def test_idempotency_key_reused_with_other_data_is_refused(api, catalogue, branch):
    key = str(uuid.uuid4())
    create(api, branch, idempotency_key=key)

    other = create(
        api, branch, idempotency_key=key, nik="3174011205900029", full_name="Orang Lain", kpj_number="99999999999"
    )

    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"
    assert "token" not in other.json()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["0812-3456-7890", "62 812 3456 7890", "+62 812-3456-7890", "081234567890"])
def test_phone_typed_any_common_way_is_stored_in_e164(api, catalogue, branch, typed):
    response = create(api, branch, phone=typed)

    assert response.status_code == 201, response.json()
    assert Claim.objects.get(reference=response.json()["reference"]).phone == "+6281234567890"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "says"),
    [
        ("317401120590000", "harus 16 angka"),
        ("31740112059000031", "harus 16 angka"),
        ("31740112O590000A", "hanya berisi angka"),
        ("3174013205900003", "tidak mungkin"),
    ],
)
def test_bad_nik_is_refused_with_a_plain_message(api, catalogue, branch, nik, says):
    response = create(api, branch, nik=nik)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert says in body["fields"]["nik"][0]
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_nik_not_matching_birth_date_is_refused(api, catalogue, branch):
    response = create(api, branch, date_of_birth="1991-05-12")

    assert response.status_code == 400
    assert "tidak cocok dengan NIK" in response.json()["fields"]["date_of_birth"][0]


@pytest.mark.django_db
def test_birth_date_in_the_future_is_refused(api, catalogue, branch):
    response = create(api, branch, date_of_birth="2090-05-12")

    assert response.status_code == 400
    assert "date_of_birth" in response.json()["fields"]


@pytest.mark.django_db
def test_claim_remembers_the_language_the_claimant_used(api, catalogue, branch):
    response = create(api, branch, headers={"HTTP_ACCEPT_LANGUAGE": "en"})

    assert Claim.objects.get(reference=response.json()["reference"]).language == "en"


@pytest.mark.django_db
def test_woman_nik_matches_birth_date_with_forty_added_to_the_day(api, catalogue, branch):
    response = create(api, branch, nik="3174015205900003", date_of_birth="1990-05-12")

    assert response.status_code == 201, response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "says"), [("kpj_number", "1234567890", "11 angka"), ("phone", "12345", "HP")]
)
def test_bad_kpj_or_phone_is_refused(api, catalogue, branch, field, value, says):
    response = create(api, branch, **{field: value})

    assert response.status_code == 400
    assert says in response.json()["fields"][field][0]


@pytest.mark.django_db
def test_foreign_phone_is_refused(api, catalogue, branch):
    response = create(api, branch, phone="+1 202 555 0100")

    assert response.status_code == 400
    assert "phone" in response.json()["fields"]


@pytest.mark.django_db
def test_unknown_reason_for_the_programme_is_refused(api, catalogue, branch):
    response = create(api, branch, reason="death-of-a-cat")

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]


@pytest.mark.django_db
def test_death_claim_without_heir_is_refused(api, catalogue, branch):
    data = payload(branch, programme="JKM", reason="death")
    for field in ("heir_name", "heir_nik", "heir_relation", "heir_phone"):
        data.pop(field)

    response = api.post(CLAIMS, data, format="json")

    assert response.status_code == 400
    assert "ahli waris" in response.json()["detail"]


@pytest.mark.django_db
def test_errors_are_indonesian_by_default_and_english_when_asked(api, catalogue):
    indonesian = api.post(CLAIMS, {}, format="json")
    english = api.post(CLAIMS, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert indonesian.json()["fields"]["full_name"] == ["Bidang ini harus diisi."]
    assert english.json()["fields"]["full_name"] == ["This field is required."]


# --- who may open a claim -------------------------------------------------------------


@pytest.mark.django_db
def test_token_of_one_claim_does_not_open_another(catalogue, branch):
    claim_a, claim_b = make_claim(branch=branch), make_claim(branch=branch)
    document_b = Document.objects.create(
        claim=claim_b, document_type=DocumentType.objects.get(code="ektp"), content_type="image/jpeg", size=1
    )
    holder_of_a = opened(claim_token_issue(claim_a))
    other = f"{CLAIMS}{claim_b.reference}/"

    assert holder_of_a.get(other).json() == {"detail": "Klaim atau dokumen ini tidak ditemukan.", "code": "not_found"}
    assert upload(holder_of_a, claim_b.reference, "ektp").status_code == 404
    assert holder_of_a.post(f"{other}submit/").status_code == 404
    assert holder_of_a.post(f"{other}cancel/").status_code == 404
    assert holder_of_a.delete(f"{other}documents/{document_b.pk}/").status_code == 404
    # Nor through its own reference: the document belongs to B.
    not_found = holder_of_a.delete(f"{CLAIMS}{claim_a.reference}/documents/{document_b.pk}/")
    assert not_found.status_code == 404
    assert not_found.json()["code"] == "not_found"
    assert holder_of_a.get(f"{CLAIMS}LA-XXXX-XXXX/").status_code == 404
    claim_b.refresh_from_db()
    assert claim_b.status == Status.DRAFT
    assert Document.objects.filter(pk=document_b.pk).exists()


@pytest.mark.django_db
def test_reference_in_the_url_may_be_typed_loosely(catalogue, branch):
    claim = make_claim(branch=branch)

    response = opened(claim_token_issue(claim)).get(f"{CLAIMS}{claim.reference.lower().replace('-', '')}/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_claim_without_token_asks_for_one(api, catalogue, branch):
    claim = make_claim(branch=branch)

    response = api.get(f"{CLAIMS}{claim.reference}/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"
    assert "kode" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "eyJjbGFpbSI6MX0:forged:signature"])
def test_bad_token_is_refused_with_a_plain_message(catalogue, branch, token):
    claim = make_claim(branch=branch)

    response = opened(token).get(f"{CLAIMS}{claim.reference}/")

    assert response.status_code == 401
    assert "kode" in response.json()["detail"]


@pytest.mark.django_db
def test_expired_token_is_refused(catalogue, branch, settings):
    claim = make_claim(branch=branch)
    token = claim_token_issue(claim)
    settings.CLAIM_TOKEN_MAX_AGE = -1

    assert opened(token).get(f"{CLAIMS}{claim.reference}/").status_code == 401


@pytest.mark.django_db
def test_stale_token_does_not_break_the_public_catalogue(catalogue):
    assert opened("stale").get("/api/v1/programmes/").status_code == 200


# --- documents ------------------------------------------------------------------------


@pytest.mark.django_db
def test_oversized_file_is_refused_with_413_and_other_documents_stay(catalogue, branch, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    claim = make_claim(branch=branch, reason="resign")
    claimant = opened(claim_token_issue(claim))
    first = upload(claimant, claim.reference, "ektp").json()
    other = upload(claimant, claim.reference, "kk").json()

    response = upload(claimant, claim.reference, "ektp", content=b"\xff\xd8\xff\xe0" + b"\0" * (1024 * 1024 + 10))

    assert response.status_code == 413
    with translation.override("id"):
        assert response.json() == {"detail": too_large_message(), "code": "too_large"}
    current = checklist_documents(claimant, claim.reference)
    assert current["ektp"]["id"] == first["id"]
    assert current["kk"]["id"] == other["id"]
    assert Document.objects.filter(claim=claim).count() == 2


@pytest.mark.django_db
def test_upload_past_the_claims_stored_bytes_is_413_and_other_documents_stay(catalogue, branch, settings):
    claim = make_claim(branch=branch, reason="resign")
    claimant = opened(claim_token_issue(claim))
    first = upload(claimant, claim.reference, "ektp").json()
    settings.DOCUMENT_CLAIM_MAX_BYTES = Document.objects.get(claim=claim).size + 100

    response = upload(claimant, claim.reference, "kk")

    assert response.status_code == 413
    assert response.json()["code"] == "claim_full"
    assert checklist_documents(claimant, claim.reference)["ektp"]["id"] == first["id"]
    assert Document.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
def test_empty_file_is_refused(catalogue, branch):
    claim = make_claim(branch=branch, reason="resign")

    response = upload(opened(claim_token_issue(claim)), claim.reference, "ektp", content=b"")

    assert response.status_code == 400
    assert response.json()["code"] == "empty"
    assert not Document.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_upload_without_a_file_is_refused(catalogue, branch):
    claim = make_claim(branch=branch, reason="resign")

    response = opened(claim_token_issue(claim)).post(
        f"{CLAIMS}{claim.reference}/documents/", {"document_type": "ektp"}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "empty"


@pytest.mark.django_db
def test_file_that_is_not_a_photo_or_pdf_is_rejected_by_the_check(
    catalogue, branch, django_capture_on_commit_callbacks
):
    claim = make_claim(branch=branch, reason="resign")
    claimant = opened(claim_token_issue(claim))

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(claimant, claim.reference, "ektp", content=b"#!/bin/sh\necho hi\n")

    assert response.status_code == 201
    assert response.json()["status"] == "checking"
    document = checklist_documents(claimant, claim.reference)["ektp"]
    assert document["status"] == "rejected"


@pytest.mark.django_db
def test_document_the_claim_does_not_need_is_refused(catalogue, branch):
    DocumentType.objects.create(code="not-needed", name="Tidak perlu", explanation="-", photo_hint="-")
    claim = make_claim(branch=branch, reason="resign")
    claimant = opened(claim_token_issue(claim))

    assert upload(claimant, claim.reference, "not-needed").json()["code"] == "not_required"
    assert "document_type" in upload(claimant, claim.reference, "no-such-type").json()["fields"]


@pytest.mark.django_db
def test_claimant_removes_a_document_before_submitting(catalogue, branch):
    claim = make_claim(branch=branch, reason="resign")
    claimant = opened(claim_token_issue(claim))
    document = upload(claimant, claim.reference, "ektp").json()

    response = claimant.delete(f"{CLAIMS}{claim.reference}/documents/{document['id']}/")

    assert response.status_code == 204
    assert checklist_documents(claimant, claim.reference)["ektp"] is None


# --- submit and cancel ----------------------------------------------------------------


@pytest.mark.django_db
def test_submit_with_missing_documents_names_them(catalogue, branch):
    claim = make_claim(branch=branch, reason="resign")

    response = opened(claim_token_issue(claim)).post(f"{CLAIMS}{claim.reference}/submit/")

    assert response.status_code == 400
    assert response.json()["code"] == "missing"
    assert "e-KTP" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


@pytest.mark.django_db
def test_second_submit_changes_nothing(catalogue, branch):
    claim = make_claim(branch=branch, reason="resign")
    claimant = opened(claim_token_issue(claim))
    for item in claimant.get(f"{CLAIMS}{claim.reference}/").json()["checklist"]:
        if item["requirement"]["required"]:
            upload(claimant, claim.reference, item["requirement"]["document_type"])
    first = claimant.post(f"{CLAIMS}{claim.reference}/submit/")

    again = claimant.post(f"{CLAIMS}{claim.reference}/submit/")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["status"] == "checking"  # the documents' checks have not run in this test
    assert again.json()["timeline"] == first.json()["timeline"]


@pytest.mark.django_db
def test_claimant_cancels_with_a_note(catalogue, branch):
    claim = make_claim(branch=branch)

    response = opened(claim_token_issue(claim)).post(
        f"{CLAIMS}{claim.reference}/cancel/", {"note": "Salah pilih program"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "claimant_request"
    assert claim.events.last().note == "Salah pilih program"


@pytest.mark.django_db
def test_decided_claim_cannot_be_cancelled(catalogue, branch):
    claim = make_claim(branch=branch)
    for status in (
        Status.SUBMITTED,
        Status.CHECKING,
        Status.IN_REVIEW,
        Status.INTERVIEW_SCHEDULED,
        Status.INTERVIEW_DONE,
        Status.APPROVED,
    ):
        claim = claim_transition(claim=claim, to=status)

    response = opened(claim_token_issue(claim)).post(f"{CLAIMS}{claim.reference}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert "Disetujui" in response.json()["detail"]


# --- coming back with a one-time code -------------------------------------------------


@pytest.mark.django_db
def test_code_request_answers_the_same_for_an_unknown_reference(api, catalogue, branch):
    claim = make_claim(branch=branch)

    known = api.post("/api/v1/access/code/", {"reference": claim.reference}, format="json")
    unknown = api.post("/api/v1/access/code/", {"reference": "LA-XXXX-YYYY"}, format="json")
    malformed = api.post("/api/v1/access/code/", {"reference": "hello"}, format="json")

    assert known.status_code == unknown.status_code == malformed.status_code == 202
    assert known.content == unknown.content == malformed.content
    assert Message.objects.filter(template="one_time_code", claim=claim).count() == 1


@pytest.mark.django_db
def test_right_code_gives_a_token_that_opens_the_claim(api, catalogue, branch, django_capture_on_commit_callbacks):
    claim = make_claim(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/access/code/", {"reference": claim.reference.lower()}, format="json")

    response = api.post("/api/v1/access/token/", {"reference": claim.reference, "code": last_code()}, format="json")

    assert response.status_code == 200
    assert response.json()["reference"] == claim.reference
    assert opened(response.json()["token"]).get(f"{CLAIMS}{claim.reference}/").status_code == 200


@pytest.mark.django_db
def test_wrong_code_and_unknown_reference_get_the_same_answer(api, catalogue, branch):
    claim = make_claim(branch=branch)
    api.post("/api/v1/access/code/", {"reference": claim.reference}, format="json")
    wrong = "000000" if last_code() != "000000" else "111111"

    bad_code = api.post("/api/v1/access/token/", {"reference": claim.reference, "code": wrong}, format="json")
    no_claim = api.post("/api/v1/access/token/", {"reference": "LA-XXXX-YYYY", "code": wrong}, format="json")

    assert bad_code.status_code == no_claim.status_code == 400
    assert bad_code.json() == no_claim.json()
    assert bad_code.json()["code"] == "code_invalid"


@pytest.mark.django_db
def test_sixth_try_fails_even_with_the_right_code(api, catalogue, branch, settings):
    settings.OTP_MAX_ATTEMPTS = 5
    claim = make_claim(branch=branch)
    api.post("/api/v1/access/code/", {"reference": claim.reference}, format="json")
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        tried = api.post("/api/v1/access/token/", {"reference": claim.reference, "code": wrong}, format="json")
        assert tried.status_code == 400

    sixth = api.post("/api/v1/access/token/", {"reference": claim.reference, "code": right}, format="json")

    assert sixth.status_code == 400
    assert sixth.json()["code"] == "code_exhausted"
    assert "kode baru" in sixth.json()["detail"]
    assert "token" not in sixth.json()


@pytest.mark.django_db
def test_too_many_code_requests_are_throttled(api, catalogue, settings):
    settings.OTP_PER_IP_LIMIT = 2
    for _ in range(2):
        assert api.post("/api/v1/access/code/", {"reference": "LA-XXXX-YYYY"}, format="json").status_code == 202

    response = api.post("/api/v1/access/code/", {"reference": "LA-XXXX-YYYY"}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


# --- the OpenAPI document -------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_schema_lists_the_claim_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/programmes/",
        "/api/v1/branches/",
        "/api/v1/claims/",
        "/api/v1/claims/{reference}/",
        "/api/v1/claims/{reference}/documents/",
        "/api/v1/claims/{reference}/documents/{document_id}/",
        "/api/v1/claims/{reference}/submit/",
        "/api/v1/claims/{reference}/cancel/",
        "/api/v1/access/code/",
        "/api/v1/access/token/",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["claimToken"]["scheme"] == "bearer"
    assert schema["paths"]["/api/v1/claims/{reference}/"]["get"]["security"] == [{"claimToken": []}]
    upload_body = schema["paths"]["/api/v1/claims/{reference}/documents/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(schema)
