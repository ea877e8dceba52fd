"""The tus 1.0 endpoint for claimants' files, spoken to the way a browser does.

OPTIONS / POST (creation) / HEAD / PATCH / DELETE (termination) and Upload-Expires
(expiration), through Django's test client on the real URLs; storage is a temporary
folder (and S3 on moto in the tests marked s3).
"""

import base64
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from documents.models import Document, DocumentStatus, ResumableUpload
from documents.services import OffsetConflict, resumable_append, resumable_sweep_expired
from tests.factories import make_claim, make_jpeg, open_claim_in

pytestmark = pytest.mark.django_db

CREATE_URL = "/dokumen/unggah/"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def _metadata(**pairs: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items())


def _type_code(claim) -> str:
    return claim.reason.requirements.select_related("document_type").first().document_type.code


def _type_codes(claim) -> list[str]:
    """Every document the claim asks for: one open upload each, since a new upload of the same
    document from the same browser supersedes the unfinished one."""
    return [r.document_type.code for r in claim.reason.requirements.select_related("document_type")]


def _browser(claim) -> Client:
    """Another phone with the claim open (its own session)."""
    client = Client()
    open_claim_in(client, claim)
    return client


def _create(client, claim, length: int, *, code: str | None = None, filename: str = "ktp.jpg", **extra):
    headers = {**TUS, **extra}
    return client.post(
        CREATE_URL,
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=_metadata(
            claim=claim.reference, requirement=code or _type_code(claim), filename=filename, filetype="image/jpeg"
        ),
        **headers,
    )


def _patch(client, url: str, offset: int, data: bytes, **extra):
    headers = {**TUS, "HTTP_UPLOAD_OFFSET": str(offset), **extra}
    content_type = headers.pop("content_type", "application/offset+octet-stream")
    return client.generic("PATCH", url, data, content_type=content_type, **headers)


@pytest.fixture
def claim():
    return make_claim()


@pytest.fixture
def claimant(claim):
    client = Client()
    open_claim_in(client, claim)
    return client


@pytest.fixture
def photo() -> bytes:
    return make_jpeg(1600, 1200, text="KTP TUS")


def _part_files() -> list[Path]:
    return list((Path(settings.MEDIA_ROOT) / "uploads").glob("*.part"))


def test_options_tells_version_extensions_and_max_size(client):
    response = client.options(CREATE_URL)

    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination,expiration"
    assert response["Tus-Max-Size"] == str(settings.DOCUMENT_MAX_UPLOAD_BYTES)


def test_upload_in_pieces_becomes_a_checked_document(claimant, claim, photo, django_capture_on_commit_callbacks):
    created = _create(claimant, claim, len(photo))
    assert created.status_code == 201
    url = created["Location"]
    assert re.fullmatch(r"http://testserver/dokumen/unggah/[0-9a-f-]{36}/", url)
    assert created["Tus-Resumable"] == "1.0.0"
    assert "GMT" in created["Upload-Expires"]

    half = len(photo) // 2
    first = _patch(claimant, url, 0, photo[:half])
    assert first.status_code == 204
    assert first["Upload-Offset"] == str(half)
    assert not Document.objects.filter(claim=claim).exists()

    head = claimant.head(url, **TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == str(half)
    assert head["Upload-Length"] == str(len(photo))
    assert "no-store" in head["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        last = _patch(claimant, url, half, photo[half:])
    assert last.status_code == 204
    assert last["Upload-Offset"] == str(len(photo))

    document = Document.objects.get(claim=claim)
    assert document.original_name == "ktp.jpg"
    # The background check ran (eager in tests) once the upload was whole.
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert document.checked_at is not None
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}", document.file.name)
    assert _part_files() == []
    # The checklist says so, as after the plain form.
    page = claimant.get(f"/klaim/{claim.reference}/dokumen/")
    assert "sudah terunggah" in page.content.decode()


def test_stored_file_is_the_bytes_sent_without_a_copy_left_behind(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    for start in range(0, len(photo), 10_000):
        assert _patch(claimant, url, start, photo[start : start + 10_000]).status_code == 204

    document = Document.objects.get(claim=claim)
    assert document.size == len(photo)
    assert document.status == DocumentStatus.CHECKING
    with document.file.open("rb") as stored:
        assert stored.read() == photo
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert files == [Path(settings.MEDIA_ROOT) / document.file.name]


def test_head_after_the_last_piece_still_answers_the_full_offset(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, url, 0, photo)

    head = claimant.head(url, **TUS)

    assert head.status_code == 200
    assert head["Upload-Offset"] == head["Upload-Length"] == str(len(photo))
    assert Document.objects.filter(claim=claim).count() == 1


def test_piece_at_the_wrong_offset_is_refused_with_409(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, url, 0, photo[:1000])

    again = _patch(claimant, url, 0, photo[:1000])
    ahead = _patch(claimant, url, 5000, photo[5000:6000])

    assert again.status_code == 409
    assert ahead.status_code == 409
    assert again["Upload-Offset"] == "1000"
    assert claimant.head(url, **TUS)["Upload-Offset"] == "1000"


def test_wrong_protocol_version_is_412(claimant, claim, photo):
    refused = _create(claimant, claim, len(photo), HTTP_TUS_RESUMABLE="0.2.2")
    assert refused.status_code == 412
    assert refused["Tus-Version"] == "1.0.0"
    url = _create(claimant, claim, len(photo))["Location"]
    assert _patch(claimant, url, 0, photo[:10], HTTP_TUS_RESUMABLE="2.0.0").status_code == 412
    assert claimant.head(url).status_code == 412


def test_patch_with_another_content_type_is_415(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]

    response = _patch(claimant, url, 0, photo[:100], content_type="application/octet-stream")

    assert response.status_code == 415
    assert claimant.head(url, **TUS)["Upload-Offset"] == "0"


def test_too_large_is_413_at_creation_and_past_the_announced_length(claimant, claim, photo):
    too_long = _create(claimant, claim, settings.DOCUMENT_MAX_UPLOAD_BYTES + 1)
    assert too_long.status_code == 413
    assert "terlalu besar" in too_long.content.decode()
    assert not ResumableUpload.objects.exists()

    url = _create(claimant, claim, 100)["Location"]
    assert _patch(claimant, url, 0, photo[:101]).status_code == 413
    assert claimant.head(url, **TUS)["Upload-Offset"] == "0"


def test_another_session_cannot_use_the_upload_url(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, url, 0, photo[:500])
    stranger = Client()
    open_claim_in(stranger, make_claim())

    assert stranger.head(url, **TUS).status_code == 404
    assert _patch(stranger, url, 500, photo[500:]).status_code == 404
    assert stranger.delete(url, **TUS).status_code == 404
    assert _create(stranger, claim, len(photo)).status_code == 404
    assert claimant.head(url, **TUS)["Upload-Offset"] == "500"


def test_unknown_upload_is_404(claimant):
    assert claimant.head("/dokumen/unggah/1f0e0c1a-0000-4000-8000-000000000000/", **TUS).status_code == 404


def test_creation_refuses_a_document_the_claim_does_not_need(claimant, claim):
    response = _create(claimant, claim, 1000, code="bukan-dokumen")

    assert response.status_code == 404
    assert not ResumableUpload.objects.exists()


def test_metadata_carries_no_personal_data_into_the_url(claimant, claim, photo):
    created = _create(claimant, claim, len(photo), filename=f"KTP {claim.full_name} {claim.nik}.jpg")

    location = created["Location"]
    for personal in (claim.reference, claim.nik, "Siti", "KTP"):
        assert personal not in location


def test_termination_deletes_the_pieces(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, url, 0, photo[:2000])
    assert len(_part_files()) == 1

    response = claimant.delete(url, **TUS)

    assert response.status_code == 204
    assert _part_files() == []
    assert not ResumableUpload.objects.exists()
    assert claimant.head(url, **TUS).status_code == 404


def test_expired_upload_is_410_and_the_sweep_deletes_its_pieces(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, url, 0, photo[:2000])
    ResumableUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert claimant.head(url, **TUS).status_code == 410
    assert _patch(claimant, url, 2000, photo[2000:]).status_code == 410

    assert resumable_sweep_expired() == 1
    assert resumable_sweep_expired() == 0
    assert _part_files() == []
    assert claimant.head(url, **TUS).status_code == 404
    assert not Document.objects.exists()


def test_sweep_keeps_unexpired_uploads_and_finished_files(claimant, claim, photo):
    fresh = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, fresh, 0, photo[:100])
    other = make_claim()
    open_claim_in(claimant, other)
    done = _create(claimant, other, len(photo))["Location"]
    _patch(claimant, done, 0, photo)
    ResumableUpload.objects.filter(claim=other).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert resumable_sweep_expired() == 1

    assert claimant.head(fresh, **TUS)["Upload-Offset"] == "100"
    document = Document.objects.get(claim=other)
    assert document.file.storage.exists(document.file.name)


def test_expiry_is_pushed_back_by_each_piece(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    ResumableUpload.objects.update(expires_at=timezone.now() + timedelta(minutes=1))

    response = _patch(claimant, url, 0, photo[:100])

    upload = ResumableUpload.objects.get()
    hours = settings.DOCUMENT_RESUMABLE_EXPIRE_HOURS
    assert upload.expires_at > timezone.now() + timedelta(hours=hours) - timedelta(minutes=5)
    assert response["Upload-Expires"].endswith("GMT")


def test_csrf_is_still_required(claim, photo):
    browser = Client(enforce_csrf_checks=True)
    open_claim_in(browser, claim)
    page = browser.get(f"/klaim/{claim.reference}/dokumen/{_type_code(claim)}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    assert _create(browser, claim, len(photo)).status_code == 403
    created = _create(browser, claim, len(photo), HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201
    url = created["Location"]
    assert _patch(browser, url, 0, photo[:100]).status_code == 403
    assert _patch(browser, url, 0, photo[:100], HTTP_X_CSRFTOKEN=token).status_code == 204
    assert browser.delete(url, **TUS).status_code == 403


def test_upload_for_a_closed_claim_is_refused_and_deleted(claimant, claim, photo):
    url = _create(claimant, claim, len(photo))["Location"]
    _patch(claimant, url, 0, photo[:100])
    type(claim).objects.filter(pk=claim.pk).update(status="cancelled")

    response = _patch(claimant, url, 100, photo[100:])

    assert response.status_code == 400
    assert "tidak bisa diubah" in response.content.decode()
    assert not Document.objects.exists()
    assert not ResumableUpload.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_a_second_upload_replaces_the_draft_document_and_keeps_the_first(claimant, claim, photo):
    for text in ("PERTAMA", "KEDUA"):
        content = make_jpeg(1600, 1200, text=text)
        url = _create(claimant, claim, len(content))["Location"]
        _patch(claimant, url, 0, content)

    document = Document.objects.exclude(status=DocumentStatus.REPLACED).get(claim=claim)
    with document.file.open("rb") as stored:
        assert stored.read() == make_jpeg(1600, 1200, text="KEDUA")
    first = Document.objects.get(claim=claim, status=DocumentStatus.REPLACED)
    with first.file.open("rb") as stored:
        assert stored.read() == make_jpeg(1600, 1200, text="PERTAMA")


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_piece_store_it_once(seeded_catalogue, photo):
    """The offset is checked under the row lock: the second request waits, then gets 409."""
    claim = make_claim()
    client = Client()
    open_claim_in(client, claim)
    url = _create(client, claim, len(photo))["Location"]
    upload = ResumableUpload.objects.get()
    reading = threading.Event()
    release = threading.Event()

    class SlowPiece:
        """The first request's body, still arriving while it holds the lock."""

        def __init__(self, data: bytes):
            self.data, self.done = data, False

        def read(self, size: int = -1) -> bytes:
            if self.done:
                return b""
            reading.set()
            release.wait(10)
            self.done = True
            return self.data

    outcome = {}

    def first():
        try:
            outcome["first"] = resumable_append(upload_id=upload.pk, offset=0, data=SlowPiece(photo[:1000]), size=1000)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert reading.wait(10)
    second = threading.Thread(
        target=lambda: outcome.__setitem__("second", _patch(client, url, 0, photo[:1000])) or connection.close()
    )
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second request must wait for the first one's lock"
    release.set()
    thread.join(10)
    second.join(10)

    assert outcome["first"].offset == 1000
    assert outcome["second"].status_code == 409
    assert outcome["second"]["Upload-Offset"] == "1000"
    with pytest.raises(OffsetConflict):
        resumable_append(upload_id=upload.pk, offset=0, data=SlowPiece(b"x"), size=1)
    part = Path(settings.MEDIA_ROOT) / ResumableUpload.objects.get().storage_key
    assert part.read_bytes() == photo[:1000]


# --- caps (issue 15, point 4) ------------------------------------------------------------


def test_one_upload_past_the_claims_open_cap_is_refused_with_409_and_what_to_do(claimant, claim):
    cap = settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM
    assert cap < 30  # the attack opened 30 at once
    for _ in range(cap):  # each from its own session: one browser's retakes supersede each other
        assert _create(_browser(claim), claim, 1000).status_code == 201

    refused = _create(_browser(claim), claim, 1000)

    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("text/plain")  # upload.js shows a plain-text body as is
    text = refused.content.decode()
    assert "Selesaikan atau batalkan unggahan lain" in text
    assert "175" in text
    assert "dropbox" in text
    assert ResumableUpload.objects.filter(claim=claim).count() == cap


def test_open_cap_per_session_counts_uploads_across_its_claims(seeded_catalogue, settings):
    settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM = 3
    settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_SESSION = 4
    first, second = make_claim(), make_claim()
    browser = Client()
    open_claim_in(browser, first)
    open_claim_in(browser, second)
    codes = _type_codes(first)
    for code in codes[:3]:
        assert _create(browser, first, 1000, code=code).status_code == 201
    assert _create(browser, second, 1000, code=codes[0]).status_code == 201

    refused = _create(browser, second, 1000, code=codes[1])  # the second claim has one open: the session has four

    assert refused.status_code == 409
    assert ResumableUpload.objects.count() == 4
    # Another browser holding the second claim is not held back by this one's uploads.
    other = Client()
    open_claim_in(other, second)
    assert _create(other, second, 1000).status_code == 201


def test_bytes_per_claim_are_refused_at_creation_with_413_and_nothing_stored_is_lost(claimant, claim, photo, settings):
    settings.DOCUMENT_CLAIM_MAX_BYTES = 2 * len(photo) + 100
    _patch(claimant, _create(claimant, claim, len(photo))["Location"], 0, photo)
    kept = Document.objects.get(claim=claim)
    codes = _type_codes(claim)
    open_url = _create(claimant, claim, len(photo), code=codes[1])["Location"]  # announced length counts as stored

    refused = _create(claimant, claim, len(photo), code=codes[2])

    assert refused.status_code == 413
    assert "sudah penuh" in refused.content.decode()
    assert "175" in refused.content.decode()
    assert list(Document.objects.filter(claim=claim)) == [kept]
    assert kept.file.storage.exists(kept.file.name)
    # The open one still finishes: its bytes were counted when it was opened.
    assert _patch(claimant, open_url, 0, make_jpeg(1600, 1200, text="KTP TUS")).status_code == 204
    assert Document.objects.filter(claim=claim).count() == 2


def test_replaced_documents_count_against_the_claims_bytes(claimant, claim, photo, settings):
    settings.DOCUMENT_CLAIM_MAX_BYTES = 2 * len(photo) + 100
    for text in ("PERTAMA", "KEDUA"):
        content = make_jpeg(1600, 1200, text=text)
        _patch(claimant, _create(claimant, claim, len(content))["Location"], 0, content)
    assert Document.objects.filter(claim=claim, status=DocumentStatus.REPLACED).count() == 1

    assert _create(claimant, claim, len(photo)).status_code == 413


def test_terminating_finishing_or_expiry_frees_an_open_slot(claimant, claim, photo, settings):
    settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM = 2
    codes = iter(_type_codes(claim))
    first = _create(claimant, claim, len(photo), code=next(codes))["Location"]
    second = _create(claimant, claim, len(photo), code=next(codes))["Location"]
    code = next(codes)
    assert _create(claimant, claim, len(photo), code=code).status_code == 409

    assert claimant.delete(first, **TUS).status_code == 204
    assert _create(claimant, claim, len(photo), code=code).status_code == 201
    code = next(codes)
    assert _create(claimant, claim, len(photo), code=code).status_code == 409

    _patch(claimant, second, 0, photo)  # finished: its row stays a day, but no longer open
    assert ResumableUpload.objects.filter(completed_at__isnull=False).exists()
    assert _create(claimant, claim, len(photo), code=code).status_code == 201
    code = next(codes)
    assert _create(claimant, claim, len(photo), code=code).status_code == 409

    ResumableUpload.objects.filter(completed_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _create(claimant, claim, len(photo), code=code).status_code == 201  # expired, not yet swept


def test_terminating_frees_the_bytes_it_announced(claimant, claim, settings):
    settings.DOCUMENT_CLAIM_MAX_BYTES = 5000
    first, second = _type_codes(claim)[:2]
    url = _create(claimant, claim, 4000, code=first)["Location"]
    assert _create(claimant, claim, 4000, code=second).status_code == 413

    claimant.delete(url, **TUS)

    assert _create(claimant, claim, 4000, code=second).status_code == 201


def test_a_new_upload_of_the_same_document_from_the_same_phone_supersedes_the_unfinished_one(claimant, claim, photo):
    """A retake while the first photo was still on its way: the first can never become the
    document, so it stops holding a slot and its bytes at once (not after it expires)."""
    abandoned = _create(claimant, claim, len(photo))["Location"]
    assert _patch(claimant, abandoned, 0, photo[:1000]).status_code == 204
    assert len(_part_files()) == 1

    retake = _create(claimant, claim, len(photo))["Location"]

    assert ResumableUpload.objects.filter(claim=claim).count() == 1
    assert claimant.head(abandoned, **TUS).status_code == 404
    assert len(_part_files()) == 1  # the abandoned pieces are gone; the retake's file is open
    assert _patch(claimant, retake, 0, photo).status_code == 204
    # Another phone's upload of the same document is left alone.
    other = _browser(claim)
    _create(other, claim, len(photo))
    _create(claimant, claim, len(photo))
    assert ResumableUpload.objects.filter(claim=claim, completed_at__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_creation_counts_under_the_claims_lock_so_two_cannot_take_the_last_slot(seeded_catalogue, settings):
    """A creation waits for another one holding the claim's lock, then sees its upload."""
    from django.db import transaction

    from claims.models import Claim

    settings.DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM = 1
    claim = make_claim()
    browser = Client()
    open_claim_in(browser, claim)
    locked, release = threading.Event(), threading.Event()

    def other_creation():
        try:
            with transaction.atomic():
                Claim.objects.select_for_update().get(pk=claim.pk)
                ResumableUpload.objects.create(
                    claim=claim,
                    document_type=claim.reason.requirements.first().document_type,
                    length=1000,
                    storage_key="uploads/other.part",
                    expires_at=timezone.now() + timedelta(hours=1),
                )
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=other_creation)
    holder.start()
    assert locked.wait(10)
    outcome = {}
    second = threading.Thread(
        target=lambda: outcome.__setitem__("r", _create(browser, claim, 1000)) or connection.close()
    )
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the creation must wait for the claim's lock"
    release.set()
    holder.join(10)
    second.join(10)

    assert outcome["r"].status_code == 409
    assert ResumableUpload.objects.filter(claim=claim).count() == 1


def test_staff_uploads_are_not_held_to_the_claims_bytes(claimant, claim, photo, officer, settings):
    """The branch dropbox (staff) is where the "storage full" message sends the claimant."""
    from django.core.files.base import ContentFile

    from documents.services import document_upload

    settings.DOCUMENT_CLAIM_MAX_BYTES = len(photo) + 100
    _patch(claimant, _create(claimant, claim, len(photo))["Location"], 0, photo)
    document_type = claim.reason.requirements.first().document_type
    scan = make_jpeg(1600, 1200, text="PINDAIAN")

    document_upload(claim=claim, document_type=document_type, uploaded=ContentFile(scan, name="scan.jpg"), by=officer)

    assert Document.objects.filter(claim=claim).count() == 2
