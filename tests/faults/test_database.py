"""The PostgreSQL connection dropped (pg_terminate_backend on this test database only).

Between two requests the drop is absorbed: production's persistent connections are
health-checked before a request uses them (CONN_HEALTH_CHECKS), so the claimant sees the
normal next page. In the middle of a request the claimant gets the friendly 503 page with
what they typed in a "send again" form; sending it again works and creates nothing twice.
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimReason
from documents.models import Document, DocumentStatus
from tests.factories import VALID_DOB, VALID_NIK, BranchFactory, make_claim, make_jpeg, open_claim_in
from tests.messages import start_code

from .conftest import DropConnectionAt, drop_database_connections, request_cycle
from .pages import assert_friendly_503, resend_form

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue", "production_connections"),
]

IDENTITY = {"nik": VALID_NIK, "kpj_number": "12345678901", "full_name": "Siti Aminah", "date_of_birth": VALID_DOB}


def _claimant(language: str = "id") -> Client:
    # As a browser: an error is a page, not an exception raised into the test.
    client = Client(raise_request_exception=False)
    if language != "id":
        request_cycle(client, "post", reverse("set_language"), {"language": language, "next": "/"})
    return client


def _to_identity_step(client: Client) -> None:
    reason = ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first()
    request_cycle(client, "get", reverse("portal:start_programme") + "?baru=1")
    response = request_cycle(client, "post", reverse("portal:start_programme"), {"programme": "JHT"})
    assert response.status_code == 302
    response = request_cycle(client, "post", reverse("portal:start_reason"), {"reason": reason.pk})
    assert response["Location"] == reverse("portal:start_identity")


def _identity_form() -> dict[str, str]:
    return {**IDENTITY, "date_of_birth": VALID_DOB.isoformat()}


def test_connection_dropped_between_requests_is_absorbed_and_nothing_entered_is_lost():
    client = _claimant()
    _to_identity_step(client)
    assert drop_database_connections() >= 1  # this process's idle connection among them

    response = request_cycle(client, "post", reverse("portal:start_identity"), _identity_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start_contact")
    intake = client.session["intake"]
    assert intake["programme"] == "JHT"
    assert intake["identity"]["nik"] == VALID_NIK

    claim = make_claim(branch=BranchFactory())
    open_claim_in(client, claim)
    requirement = claim.reason.requirements.filter(required=True).select_related("document_type").first()
    content = make_jpeg(text="setelah putus")
    drop_database_connections()
    response = request_cycle(
        client,
        "post",
        reverse("portal:document", args=[claim.reference, requirement.document_type.code]),
        {"file": SimpleUploadedFile("ktp.jpg", content, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    document = Document.objects.get(claim=claim, document_type=requirement.document_type)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.status == DocumentStatus.ACCEPTED  # checked (in process here): not stuck


def test_connection_dropped_while_saving_the_form_gives_the_503_page_with_the_form_to_send_again(caplog):
    client = _claimant()
    _to_identity_step(client)
    # The form is valid; the session write at the end of the request meets a dead connection
    # (an error escaping a middleware: handler500's path, not the view's).
    drop = DropConnectionAt('UPDATE "django_session"')
    with connection.execute_wrapper(drop):
        response = request_cycle(client, "post", reverse("portal:start_identity"), _identity_form())
    assert drop.fired
    assert_friendly_503(response)
    assert VALID_NIK not in caplog.text
    assert "Siti Aminah" not in caplog.text

    action, fields = resend_form(response)
    assert action == reverse("portal:start_identity")
    assert fields["nik"] == [VALID_NIK]
    assert fields["full_name"] == ["Siti Aminah"]
    assert fields["date_of_birth"] == [VALID_DOB.isoformat()]
    # "Kirim lagi": the same values again, now that the connection is back.
    response = request_cycle(client, "post", action, fields)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start_contact")
    assert client.session["intake"]["identity"]["full_name"] == "Siti Aminah"


def test_connection_dropped_while_creating_the_claim_in_english_sends_again_into_one_claim():
    BranchFactory()
    client = _claimant("en")
    _to_identity_step(client)
    request_cycle(client, "post", reverse("portal:start_identity"), _identity_form())
    request_cycle(client, "post", reverse("portal:start_contact"), {"phone": "0812 3456 7890", "email": ""})
    page = request_cycle(client, "get", reverse("portal:start_branch"))
    token, branch = page.context["intake_token"], page.context["branches"][0]

    response = request_cycle(
        client, "post", reverse("portal:start_branch"), {"branch": branch.code, "intake_token": token}
    )
    assert response["Location"] == reverse("portal:start_code")
    code = start_code()

    # The claim is written when the code comes back (claims/services/start.py).
    drop = DropConnectionAt('INSERT INTO "claims_claim"')
    with connection.execute_wrapper(drop):
        response = request_cycle(client, "post", reverse("portal:start_code"), {"code": code})
    assert drop.fired
    assert_friendly_503(response, "en")
    assert not Claim.objects.filter(intake_token=token).exists()

    action, fields = resend_form(response)
    assert action == reverse("portal:start_code")
    assert fields["code"] == [code]
    for _ in range(2):  # pressed twice: still one claim, and the code still good for the retry
        response = request_cycle(client, "post", action, fields)
        assert response.status_code == 302
    claim = Claim.objects.get(intake_token=token)
    assert response["Location"] == reverse("portal:checklist", args=[claim.reference])
    assert claim.nik == VALID_NIK


def test_connection_dropped_while_recording_an_upload_asks_for_the_file_again_and_the_retry_is_kept():
    client = _claimant()
    claim = make_claim(branch=BranchFactory())
    open_claim_in(client, claim)
    requirement = claim.reason.requirements.filter(required=True).select_related("document_type").first()
    url = reverse("portal:document", args=[claim.reference, requirement.document_type.code])
    content = make_jpeg(text="unggah saat putus")

    def upload():
        return request_cycle(
            client, "post", url, {"file": SimpleUploadedFile("kk.jpg", content, content_type="image/jpeg")}
        )

    drop = DropConnectionAt('INSERT INTO "documents_document"')
    with connection.execute_wrapper(drop):
        response = upload()
    assert drop.fired
    body = assert_friendly_503(response)
    assert "Berkas yang Anda pilih belum terkirim" in body
    assert f'href="{url}"' in body
    assert not Document.objects.filter(claim=claim).exists()  # nothing half-recorded

    response = upload()
    assert response.status_code == 302
    [document] = Document.objects.filter(claim=claim)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.status == DocumentStatus.ACCEPTED
