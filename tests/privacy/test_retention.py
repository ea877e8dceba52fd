"""Personal data after a claim is closed (UU PDP No. 27/2022): deleted after the retention
period, exported on request, and the access log that cannot be rewritten."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import CancelReason, Claim, ClaimDataAccess, ClaimEvent
from claims.personal_data import ANONYMISED
from claims.services import claim_cancel, claim_reveal_nik
from core.audit import AppendOnlyError
from documents.models import Document, DocumentAccess, DocumentStatus, Envelope
from documents.services import (
    document_access_record,
    document_check,
    document_upload,
    dropbox_batch_open,
    envelope_open,
    envelope_scans_add,
)
from notifications.models import InboundMessage, Message
from notifications.services import inbound_reply_receive, message_send
from privacy.retention import claims_anonymise_due
from tests.dropbox import jpeg_upload
from tests.factories import BranchFactory, StaffFactory, make_claim, make_jpeg

pytestmark = pytest.mark.django_db


def closed_claim_with_a_photo(branch, *, days_ago: int, nik: str = "3174011205900003"):
    claim = make_claim(branch=branch, nik=nik, phone="+6281234567001")
    document = document_upload(
        claim=claim,
        document_type=claim.reason.requirements.first().document_type,
        uploaded=SimpleUploadedFile("ktp saya.jpg", make_jpeg(text=f"retensi {days_ago}")),
    )
    document = document_check(document_id=document.pk)
    claim_cancel(claim=claim, reason=CancelReason.INCOMPLETE_DOCUMENTS, note="Peserta Siti minta batal")
    message_send(to=claim.phone, template="claim_cancelled", context={"reference": claim.reference}, claim=claim)
    Claim.objects.filter(pk=claim.pk).update(closed_at=timezone.now() - dt.timedelta(days=days_ago))
    return Claim.objects.get(pk=claim.pk), document


def test_a_claim_closed_past_the_retention_period_loses_its_files_and_personal_fields(
    settings, branch, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    claim, document = closed_claim_with_a_photo(branch, days_ago=31)
    recent, recent_document = closed_claim_with_a_photo(branch, days_ago=29, nik="3174011205900011")
    open_claim = make_claim(branch=branch)
    officer = StaffFactory(branch=branch)
    document_access_record(document=document, user=officer, what="file", ip="10.0.0.1", user_agent="x")
    storage = document.file.storage
    stored = [document.file.name, document.thumbnail.name]
    assert all(storage.exists(name) for name in stored)
    assert Message.objects.filter(claim=claim).exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = claims_anonymise_due()
    assert (result.claims, result.files) == (1, 2)

    assert not any(storage.exists(name) for name in stored)
    claim.refresh_from_db()
    assert claim.anonymised_at is not None
    assert (claim.nik, claim.kpj_number, claim.phone, claim.email) == ("", "", "", "")
    assert claim.full_name == ANONYMISED
    assert claim.date_of_birth == dt.date(1900, 1, 1)
    # What the figures count stays.
    assert claim.status == "cancelled"
    assert claim.cancel_reason == CancelReason.INCOMPLETE_DOCUMENTS
    document.refresh_from_db()
    assert not document.file
    assert not document.thumbnail
    assert document.original_name == ""
    assert document.sha256 == ""
    assert document.status == "accepted"
    assert document.checked_at is not None
    assert set(Message.objects.filter(claim=claim).values_list("to", "body")) == {("", ANONYMISED)}
    assert not ClaimEvent.objects.filter(claim=claim).exclude(note="").exists()
    assert ClaimEvent.objects.filter(claim=claim, reason="anonymised").count() == 1
    # Who looked stays accountable.
    assert DocumentAccess.objects.filter(document=document, user=officer).count() == 1
    # Not yet due, and open claims: untouched.
    recent.refresh_from_db(), open_claim.refresh_from_db()
    assert recent.anonymised_at is None
    assert recent.nik == "3174011205900011"
    assert storage.exists(recent_document.file.name)
    assert open_claim.anonymised_at is None
    assert open_claim.full_name != ANONYMISED
    # A second run finds nothing.
    assert claims_anonymise_due().claims == 0


def test_staff_see_that_the_data_is_gone_and_the_file_is_not_found(settings, branch, client):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    claim, document = closed_claim_with_a_photo(branch, days_ago=40)
    claims_anonymise_due()
    client.force_login(StaffFactory(branch=branch))
    page = client.get(reverse("console:claim", args=[claim.reference])).content.decode()
    assert "dihapus pada" in page
    assert reverse("privacy:claim_export", args=[claim.reference]) not in page
    assert client.get(reverse("documents:file", args=[document.pk])).status_code == 404


def test_the_retention_sweep_runs_daily_from_beat(settings):
    from django.utils.module_loading import import_string

    entry = settings.CELERY_BEAT_SCHEDULE["claims-anonymise-due"]
    assert import_string(entry["task"]).name == entry["task"]


def test_export_gives_every_claim_of_the_person_in_scope_with_files_and_is_recorded(branch):
    first, document = closed_claim_with_a_photo(branch, days_ago=1)
    # One open claim per NIK and programme: the person's other claims are in other programmes.
    second = make_claim(branch=branch, nik=first.nik, programme="JKM")
    elsewhere = make_claim(branch=BranchFactory(), nik=first.nik, programme="JPN")  # another branch: not this officer's
    stranger = make_claim(branch=branch, nik="3174011205900029")
    officer = StaffFactory(branch=branch)
    claim_reveal_nik(claim=first, by=officer, ip="10.0.0.2", user_agent="x")
    client = Client()
    client.force_login(officer)
    url = reverse("privacy:claim_export", args=[first.reference])

    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert first.nik not in response["Content-Disposition"]
    assert first.reference in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert {c["reference"] for c in data["claims"]} == {first.reference, second.reference}
    assert elsewhere.reference not in archive.read("data.json").decode()
    assert stranger.reference not in archive.read("data.json").decode()
    record = next(c for c in data["claims"] if c["reference"] == first.reference)
    assert record["nik"] == first.nik
    assert record["full_name"] == first.full_name
    assert record["history"]
    assert record["messages"]
    assert {"user": officer.username, "what": "nik"}.items() <= record["staff_access"][0].items()
    [path] = [d["file_in_this_zip"] for d in record["documents"]]
    with document.file.open("rb") as stored:
        assert archive.read(path) == stored.read()
    assert set(
        ClaimDataAccess.objects.filter(what=ClaimDataAccess.What.EXPORT, user=officer).values_list("claim", flat=True)
    ) == {first.pk, second.pk}


def test_export_of_another_branchs_claim_is_not_found(branch):
    claim = make_claim(branch=branch)
    client = Client()
    client.force_login(StaffFactory(branch=BranchFactory()))
    assert client.post(reverse("privacy:claim_export", args=[claim.reference])).status_code == 404
    assert not ClaimDataAccess.objects.exists()


def test_access_logs_are_append_only_in_the_models(branch):
    claim = make_claim(branch=branch)
    access = claim_reveal_nik(claim=claim, by=StaffFactory(branch=branch), ip="", user_agent="")
    with pytest.raises(AppendOnlyError):
        access.save()
    with pytest.raises(AppendOnlyError):
        access.delete()
    with pytest.raises(AppendOnlyError):
        ClaimDataAccess.objects.filter(pk=access.pk).update(what="x")
    with pytest.raises(AppendOnlyError):
        ClaimDataAccess.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE claims_claimdataaccess SET what = 'x'",
        "DELETE FROM claims_claimdataaccess",
        "UPDATE documents_documentaccess SET what = 'x'",
        "DELETE FROM documents_documentaccess",
        "UPDATE claims_claimevent SET reason = 'rewritten'",
        "DELETE FROM claims_claimevent",
    ],
)
def test_the_database_refuses_to_rewrite_the_audit_trail(branch, statement):
    claim, document = closed_claim_with_a_photo(branch, days_ago=1)
    officer = StaffFactory(branch=branch)
    claim_reveal_nik(claim=claim, by=officer, ip="", user_agent="")
    document_access_record(document=document, user=officer, what="file", ip="", user_agent="")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_database_lets_the_retention_sweep_blank_a_history_note(branch):
    claim, _ = closed_claim_with_a_photo(branch, days_ago=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claimevent SET note = '' WHERE claim_id = %s", [claim.pk])
    assert not ClaimEvent.objects.filter(claim=claim).exclude(note="").exists()


def test_a_numbers_health_goes_with_the_person_unless_a_live_claim_still_uses_it(settings, branch):
    from notifications.models import NumberHealth

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    claim, _ = closed_claim_with_a_photo(branch, days_ago=31)
    other, _ = closed_claim_with_a_photo(branch, days_ago=31, nik="3174011205900037")
    Claim.objects.filter(pk=other.pk).update(phone="+6281234567002")
    # A live claim names the first number as its heir's.
    make_claim(branch=branch, reason="death", heir_phone=claim.phone)
    for phone in (claim.phone, "+6281234567002"):
        NumberHealth.objects.create(phone=phone, not_working=True, reason="invalid_number")

    assert claims_anonymise_due().claims == 2

    assert set(NumberHealth.objects.values_list("phone", flat=True)) == {claim.phone}


def test_export_holds_the_dropbox_scans_and_the_replies_from_the_claimants_number(branch):

    claim = make_claim(branch=branch, phone="+6281234567003")
    officer = StaffFactory(branch=branch)
    envelope = envelope_open(
        batch=dropbox_batch_open(branch=branch, by=officer),
        typed_reference=claim.reference,
        by=officer,
        note="Amplop dari Bu Siti",
    )
    [page] = envelope_scans_add(envelope=envelope, files=[jpeg_upload("halaman sampul")], by=officer)
    inbound_reply_receive(from_number="6281234567003", text="Saya Siti, sudah kirim", provider_message_id="wamid.1")
    inbound_reply_receive(from_number="6281234567999", text="orang lain", provider_message_id="wamid.2")
    client = Client()
    client.force_login(officer)

    response = client.post(reverse("privacy:claim_export", args=[claim.reference]))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    [record] = data["claims"]
    assert [e["note"] for e in record["dropbox_envelopes"]] == ["Amplop dari Bu Siti"]
    [scan] = record["dropbox_scans"]
    with page.file.open("rb") as stored:
        assert archive.read(scan["file_in_this_zip"]) == stored.read()
    assert [r["text"] for r in data["replies"]] == ["Saya Siti, sudah kirim"]


def test_the_replies_from_a_number_and_the_envelope_notes_go_with_the_person(settings, branch):

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    claim, _ = closed_claim_with_a_photo(branch, days_ago=31)
    other, _ = closed_claim_with_a_photo(branch, days_ago=31, nik="3174011205900037")
    Claim.objects.filter(pk=other.pk).update(phone="+6281234567002")
    # A live claim names the first number as its heir's.
    make_claim(branch=branch, reason="death", heir_phone=claim.phone)
    for n, phone in enumerate((claim.phone, "+6281234567002")):
        inbound_reply_receive(from_number=phone, text="Ya, saya Siti", provider_message_id=f"wamid.{n}")
    officer = StaffFactory(branch=branch)
    batch = dropbox_batch_open(branch=branch, by=officer)
    envelope = Envelope.objects.create(batch=batch, claim=other, note="Amplop dari Bu Siti", created_by=officer)

    assert claims_anonymise_due().claims == 2

    assert set(InboundMessage.objects.values_list("from_number", flat=True)) == {claim.phone}
    envelope.refresh_from_db()
    assert envelope.note == ""


def test_a_draft_document_staff_opened_can_still_be_replaced_and_the_look_stays_logged(branch):
    claim = make_claim(branch=branch)
    document_type = claim.reason.requirements.first().document_type
    first = document_upload(
        claim=claim, document_type=document_type, uploaded=SimpleUploadedFile("a.jpg", make_jpeg(text="a"))
    )
    officer = StaffFactory(branch=branch)
    document_access_record(document=first, user=officer, what="file", ip="", user_agent="")

    document_upload(claim=claim, document_type=document_type, uploaded=SimpleUploadedFile("b.jpg", make_jpeg(text="b")))

    assert Document.objects.get(pk=first.pk).status == DocumentStatus.REPLACED
    assert list(DocumentAccess.objects.filter(user=officer).values_list("document_id", flat=True)) == [first.pk]
