"""The tus endpoint against a second, independent client: tuspy (tus-py-client) from PyPI.

tuspy talks HTTP to pytest-django's live server, with the claimant's session cookie and
the CSRF token in X-CSRFToken, as the browser client does.
"""

import hashlib
import io

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string
from tusclient import client as tus
from tusclient.exceptions import TusCommunicationError
from tusclient.storage.filestorage import FileStorage

from claims.access import session_grant
from documents.models import Document, DocumentStatus, ResumableUpload
from tests.factories import make_claim, make_jpeg

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_catalogue")]

CHUNK = 16 * 1024


@pytest.fixture
def claim():
    return make_claim()


@pytest.fixture
def tus_client(live_server, claim):
    """A TusClient with a session that holds the claim, and a CSRF cookie + header."""
    session = SessionStore()
    session_grant(session, claim)
    session.save()
    token = _get_new_csrf_string()
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={token}",
        "X-CSRFToken": token,
    }
    return tus.TusClient(f"{live_server.url}/dokumen/unggah/", headers=headers)


def _metadata(claim) -> dict[str, str]:
    code = claim.reason.requirements.select_related("document_type").first().document_type.code
    return {"claim": claim.reference, "requirement": code, "filename": "ktp.jpg", "filetype": "image/jpeg"}


def test_tuspy_creates_resumes_and_completes(tus_client, claim, tmp_path):
    photo = make_jpeg(1600, 1200, text="TUSPY")
    path = tmp_path / "ktp.jpg"
    path.write_bytes(photo)
    urls = FileStorage(str(tmp_path / "tus-urls.json"))
    first = tus_client.uploader(
        file_path=str(path), chunk_size=CHUNK, metadata=_metadata(claim), store_url=True, url_storage=urls
    )
    first.upload(stop_at=3 * CHUNK)  # the phone went to sleep here
    assert ResumableUpload.objects.get().offset == 3 * CHUNK

    # Later, a new client finds the upload by the file's fingerprint and asks the server how far it got.
    again = tus_client.uploader(
        file_path=str(path), chunk_size=CHUNK, metadata=_metadata(claim), store_url=True, url_storage=urls
    )
    assert again.url == first.url
    assert again.offset == 3 * CHUNK
    again.upload()

    document = Document.objects.get(claim=claim)
    # What arrived is what was sent (the stored copy is then replaced by the checks' clean one).
    assert document.sha256 == hashlib.sha256(photo).hexdigest()
    assert document.status == DocumentStatus.ACCEPTED
    assert ResumableUpload.objects.get().completed_at is not None


def test_tuspy_piece_at_a_wrong_offset_gets_409(tus_client, claim):
    photo = make_jpeg(1200, 800, text="SALAH")
    uploader = tus_client.uploader(file_stream=io.BytesIO(photo), chunk_size=CHUNK, metadata=_metadata(claim))
    uploader.upload(stop_at=CHUNK)
    uploader.offset = 2 * CHUNK  # a client that lost track

    with pytest.raises(TusCommunicationError) as refused:
        uploader.upload_chunk()

    assert refused.value.status_code == 409
    assert uploader.get_offset() == CHUNK


def test_tuspy_terminates_an_upload(tus_client, claim, live_server):
    import requests

    photo = make_jpeg(1200, 800, text="HAPUS")
    uploader = tus_client.uploader(file_stream=io.BytesIO(photo), chunk_size=CHUNK, metadata=_metadata(claim))
    uploader.upload(stop_at=CHUNK)
    part = ResumableUpload.objects.get().storage_key

    # tuspy has no termination call of its own: DELETE with its headers, as the extension says.
    response = requests.delete(uploader.url, headers=uploader.get_headers(), timeout=10)

    assert response.status_code == 204
    assert not ResumableUpload.objects.exists()
    assert not Document.objects.exists()
    assert not (settings.MEDIA_ROOT / part).exists()
    with pytest.raises(TusCommunicationError):
        uploader.get_offset()


def test_piece_cut_off_by_a_dropped_connection_keeps_what_arrived(tus_client, claim, live_server):
    """A phone losing signal mid-piece: the bytes that got through are kept, and the next
    piece starts there (tus: the server should store as much as it received)."""
    import socket
    import time
    from urllib.parse import urlsplit

    photo = make_jpeg(1200, 800, text="PUTUS")
    uploader = tus_client.uploader(file_stream=io.BytesIO(photo), chunk_size=CHUNK, metadata=_metadata(claim))
    uploader.upload(stop_at=CHUNK)
    path = urlsplit(uploader.url).path
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: {urlsplit(live_server.url).netloc}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in tus_client.headers.items())
        + f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {CHUNK}\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {CHUNK}\r\n\r\n"
    )
    with socket.create_connection((urlsplit(live_server.url).hostname, urlsplit(live_server.url).port)) as raw:
        raw.sendall(head.encode() + photo[CHUNK : CHUNK + 5000])
        time.sleep(0.3)
    # The server sees the body end early and stores those 5000 bytes.
    deadline = time.monotonic() + 5
    while ResumableUpload.objects.get().offset != CHUNK + 5000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uploader.get_offset() == CHUNK + 5000

    uploader.offset = uploader.get_offset()
    uploader.upload()
    document = Document.objects.get(claim=claim)
    assert document.sha256 == hashlib.sha256(photo).hexdigest()
