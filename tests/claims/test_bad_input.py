"""Bad input gets a plain message and loses nothing already saved."""

import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims import access
from claims.models import Claim, ClaimReason
from documents.models import Document
from notifications.models import Message
from tests.factories import BranchFactory, make_claim, make_jpeg

from .test_claimant_flow import IDENTITY, _start, _upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_identity_step(client, branch):
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    client.post(reverse("portal:start_programme"), {"programme": "JHT"})
    client.post(reverse("portal:start_reason"), {"reason": reason.pk})
    return client


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("317401120590000", "NIK harus 16 angka. Anda mengisi 15 angka"),
        ("31740112059000031", "NIK harus 16 angka. Anda mengisi 17 angka"),
        ("3174O112O59OOOO3", "NIK hanya berisi angka"),
        ("3174013205900003", "tanggal lahir di NIK"),  # day 32
        ("3174017205900003", "tanggal lahir di NIK"),  # a woman's day 32 (72)
        ("3174011213900003", "tanggal lahir di NIK"),  # month 13
        ("9974011205900003", "Kode wilayah"),
        ("3174011205900000", "tidak boleh 0000"),
    ],
)
def test_bad_nik_is_refused_with_a_plain_message(at_identity_step, nik, message):
    response = at_identity_step.post(reverse("portal:start_identity"), {**IDENTITY, "nik": nik})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "identity" not in at_identity_step.session.get("intake", {})


def test_nik_that_disagrees_with_the_date_of_birth_is_refused(at_identity_step):
    response = at_identity_step.post(reverse("portal:start_identity"), {**IDENTITY, "date_of_birth": "1990-05-13"})
    assert response.status_code == 400
    assert "tidak sama dengan tanggal lahir di NIK" in response.content.decode()


def test_womans_nik_has_forty_added_to_the_day(at_identity_step):
    response = at_identity_step.post(
        reverse("portal:start_identity"), {**IDENTITY, "nik": "3174015205900003", "date_of_birth": "12/05/1990"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("kpj", ["1234567890", "123456789012", "1234567890A", ""])
def test_bad_kpj_is_refused(at_identity_step, kpj):
    response = at_identity_step.post(reverse("portal:start_identity"), {**IDENTITY, "kpj_number": kpj})
    assert response.status_code == 400
    assert "KPJ" in response.content.decode()


@pytest.mark.parametrize("phone", ["0812", "021 555 1234", "+1 650 253 0000", "08123456789012345", "halo"])
def test_bad_phone_is_refused_with_a_plain_message(at_identity_step, phone):
    at_identity_step.post(reverse("portal:start_identity"), IDENTITY)
    response = at_identity_step.post(reverse("portal:start_contact"), {"phone": phone})
    assert response.status_code == 400
    assert "Nomor HP tidak dikenali" in response.content.decode()


@pytest.mark.parametrize("typed", ["081234567890", "6281234567890", "+62 812-3456-7890", "0812 3456 7890"])
def test_phone_typed_any_usual_way_is_stored_in_e164(at_identity_step, typed):
    at_identity_step.post(reverse("portal:start_identity"), IDENTITY)
    response = at_identity_step.post(reverse("portal:start_contact"), {"phone": typed})
    assert response.status_code == 302
    assert at_identity_step.session["intake"]["contact"]["phone"] == "+6281234567890"


def test_empty_file_is_refused_and_nothing_is_stored(client, branch):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    type_code = claim.reason.requirements.filter(required=True).first().document_type.code
    response = _upload(client, claim, type_code, b"", "kosong.jpg")
    assert response.status_code == 400
    assert "Berkas kosong" in response.content.decode()
    assert not Document.objects.filter(claim=claim).exists()


def test_file_that_is_not_a_photo_or_pdf_is_refused_with_a_fix_hint(client, branch, django_capture_on_commit_callbacks):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    type_code = claim.reason.requirements.filter(required=True).first().document_type.code
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, claim, type_code, b"<html><script>alert(1)</script></html>", "ktp.jpg")
    assert response.status_code == 302  # stored as "checking"; the background check decides
    document = Document.objects.get(claim=claim)
    assert (document.status, document.rejection_code) == ("rejected", "type_not_allowed")
    assert not document.file  # the rejected original is not kept
    page = client.get(reverse("portal:checklist", args=[claim.reference])).content.decode()
    assert "Jenis berkas ini tidak bisa kami terima" in page


def test_oversized_file_is_refused_while_streaming_and_other_documents_stay(client, branch, settings):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    first, second = [r.document_type.code for r in claim.reason.requirements.filter(required=True)[:2]]
    _upload(client, claim, first, make_jpeg())
    kept = Document.objects.get(claim=claim)
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 300 * 1024
    big = make_jpeg(3000, 3000) + b"\0" * (400 * 1024)
    response = _upload(client, claim, second, big, "besar.jpg")
    assert response.status_code == 400
    assert "Berkas terlalu besar" in response.content.decode()
    assert list(Document.objects.filter(claim=claim)) == [kept]
    assert kept.file.storage.exists(kept.file.name)


def test_size_limit_handler_stops_storing_at_the_limit(rf, settings):
    """The handler drops the file part as soon as the count passes the limit, not at the end."""
    from django.core.files.uploadhandler import SkipFile

    from documents.uploads import SizeLimitUploadHandler, upload_was_too_large

    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    request = rf.post("/")
    handler = SizeLimitUploadHandler(request)
    handler.new_file("file", "a.jpg", "image/jpeg", 10_000)
    assert handler.receive_data_chunk(b"x" * 64, 0) == b"x" * 64
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 64, 64)
    assert upload_was_too_large(request)


def test_double_submitted_branch_form_gives_one_claim(client, branch):
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    _start(client, reason)
    claim = Claim.objects.get()
    # The phone sends the same form again (a double tap, or a resend on a weak signal).
    response = client.post(
        reverse("portal:start_branch"), {"branch": branch.code, "intake_token": str(claim.intake_token)}
    )
    assert response["Location"] == reverse("portal:checklist", args=[claim.reference])
    assert Claim.objects.count() == 1


# Committed rows, for real concurrent transactions.
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_intake_form_create_one_claim(seeded_catalogue):
    import uuid

    from claims.services import claim_create
    from tests.factories import claimant_data

    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    branch = BranchFactory()
    token = uuid.uuid4()
    results, barrier = [], threading.Barrier(4)

    def post():
        barrier.wait()
        try:
            results.append(claim_create(intake_token=token, reason=reason, branch=branch, data=claimant_data()).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Claim.objects.count() == 1
    assert set(results) == {Claim.objects.get().pk}


def test_double_submitted_claim_is_submitted_once(client, branch, django_capture_on_commit_callbacks):
    from .test_claimant_flow import _upload_required

    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    _upload_required(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("portal:submit", args=[claim.reference]))
        second = client.post(reverse("portal:submit", args=[claim.reference]))
    assert first["Location"] == second["Location"] == reverse("portal:submitted", args=[claim.reference])
    assert claim.events.filter(to_status="submitted").count() == 1
    assert Message.objects.filter(claim=claim, template="claim_submitted").count() == 1


def test_claimant_session_cannot_open_another_claims_pages_or_documents(client, branch):
    mine = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    theirs = make_claim(branch=branch)
    from documents.services import document_upload

    document = document_upload(
        claim=theirs,
        document_type=theirs.reason.requirements.first().document_type,
        uploaded=SimpleUploadedFile("ktp.jpg", make_jpeg()),
    )
    assert mine.pk in access.session_claim_ids(client.session)
    for url in (
        reverse("portal:status", args=[theirs.reference]),
        reverse("portal:checklist", args=[theirs.reference]),
        reverse("portal:submit", args=[theirs.reference]),
        reverse("portal:cancel", args=[theirs.reference]),
        reverse("portal:document", args=[theirs.reference, document.document_type.code]),
        reverse("documents:file", args=[document.pk]),
        reverse("documents:thumbnail", args=[document.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # Nor through its own claim's URL.
    response = client.post(reverse("portal:document_delete", args=[mine.reference, document.pk]))
    assert response.status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_post_without_csrf_token_is_refused(branch):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("portal:start_programme"))
    response = client.post(reverse("portal:start_programme"), {"programme": "JHT"})
    assert response.status_code == 403


def test_script_in_the_name_is_escaped_on_every_page(client, branch, django_capture_on_commit_callbacks, officer):
    from .test_claimant_flow import _upload_required

    script = '<script>alert("x")</script>'
    identity = {**IDENTITY, "full_name": f"Siti {script}"}
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"), identity=identity)
    assert claim.full_name == f"Siti {script}"
    _upload_required(client, claim)
    type_code = claim.reason.requirements.filter(required=True).first().document_type.code
    _upload(client, claim, type_code, make_jpeg(), f"{script}.jpg")
    pages = [
        reverse("portal:checklist", args=[claim.reference]),
        reverse("portal:document", args=[claim.reference, type_code]),
        reverse("portal:submit", args=[claim.reference]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
    assert "&lt;script&gt;alert" in client.get(reverse("portal:submit", args=[claim.reference])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:submit", args=[claim.reference]))
    for url in (reverse("portal:submitted", args=[claim.reference]), reverse("portal:status", args=[claim.reference])):
        assert "<script>alert" not in client.get(url).content.decode(), url
    officer.is_superuser = True
    officer.save()
    staff = Client()
    staff.force_login(officer)
    for url in (reverse("console:outbox"), reverse("admin:claims_claim_change", args=[claim.pk])):
        body = staff.get(url).content.decode()
        assert "<script>alert" not in body, url


def test_branch_form_with_a_tampered_intake_token_gets_a_plain_page_not_an_error(client, branch):
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    _start(client, reason)
    response = client.post(reverse("portal:start_branch"), {"branch": branch.code, "intake_token": "not-a-uuid"})
    assert response.status_code in (302, 400)
    assert Claim.objects.count() == 1


def test_upload_past_the_claims_stored_bytes_is_refused_on_the_page_and_the_rest_stays(client, branch, settings):
    claim = _start(client, ClaimReason.objects.get(programme__code="JHT", code="resign"))
    first, second = [r.document_type.code for r in claim.reason.requirements.filter(required=True)[:2]]
    photo = make_jpeg(text="PERTAMA")
    _upload(client, claim, first, photo)
    kept = Document.objects.get(claim=claim)
    settings.DOCUMENT_CLAIM_MAX_BYTES = kept.size + 100

    response = _upload(client, claim, second, make_jpeg(text="KEDUA"), "kedua.jpg")

    assert response.status_code == 400
    page = response.content.decode()
    assert "sudah penuh" in page
    assert "dropbox di kantor cabang" in page
    assert "175" in page
    assert list(Document.objects.filter(claim=claim)) == [kept]
    assert kept.file.storage.exists(kept.file.name)
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == 1  # the refused file is not left behind
