"""The default catalogue seeded by claims/migrations/0002_catalogue.py, and the admin around it."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimReason, DocumentRequirement, DocumentType, Programme, Status
from documents.models import Document, DocumentAccess
from tests.factories import VALID_NIK, make_claim

pytestmark = pytest.mark.django_db


def test_catalogue_has_the_four_programmes_with_english_names():
    programmes = Programme.objects.all()

    assert {programme.code for programme in programmes} == {"JHT", "JKK", "JKM", "JPN"}
    assert all(
        programme.name and programme.name_en and programme.summary and programme.summary_en for programme in programmes
    )


def test_every_programme_has_reasons_and_every_reason_requires_a_document():
    for programme in Programme.objects.all():
        assert programme.reasons.exists(), programme.code
    for reason in ClaimReason.objects.all():
        assert reason.requirements.filter(required=True).exists(), str(reason)


def test_every_document_type_explains_itself_and_how_to_photograph_it():
    for document_type in DocumentType.objects.all():
        assert document_type.explanation, document_type.code
        assert document_type.explanation_en, document_type.code
        assert document_type.photo_hint, document_type.code
        assert document_type.photo_hint_en, document_type.code


def test_jkm_death_needs_an_heir_and_requires_the_death_certificate():
    reason = ClaimReason.objects.get(programme__code="JKM", code="death")

    assert reason.needs_heir
    required = set(reason.requirements.filter(required=True).values_list("document_type__code", flat=True))
    assert {"death_certificate", "heir_statement", "heir_ektp", "heir_bank_book", "deceased_ktp"} <= required


def test_fatal_work_accident_and_survivor_pension_need_heirs():
    fatal = ClaimReason.objects.get(programme__code="JKK", code="fatal")
    survivor = ClaimReason.objects.get(programme__code="JPN", code="survivor")

    assert fatal.needs_heir
    assert survivor.needs_heir
    assert fatal.requirements.filter(document_type__code="death_certificate", required=True).exists()
    assert survivor.requirements.filter(document_type__code="marriage_or_birth_certificate", required=True).exists()


def test_npwp_is_optional_for_jht_and_says_when_it_is_needed():
    npwp = DocumentRequirement.objects.filter(reason__programme__code="JHT", document_type__code="npwp")

    assert npwp.count() == ClaimReason.objects.filter(programme__code="JHT").count()
    assert not npwp.filter(required=True).exists()
    assert all("50 juta" in requirement.note for requirement in npwp)


def test_claim_admin_lists_a_claim_without_its_nik(admin_client):
    claim = make_claim()

    response = admin_client.get(reverse("admin:claims_claim_changelist"))

    assert response.status_code == 200
    assert claim.reference in response.content.decode()
    assert VALID_NIK not in response.content.decode()


def test_claim_admin_shows_a_claim_but_cannot_change_its_status(admin_client):
    claim = make_claim()
    url = reverse("admin:claims_claim_change", args=[claim.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"status": Status.APPROVED})

    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert VALID_NIK not in page.content.decode()
    assert posted.status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == Status.DRAFT
    assert admin_client.get(reverse("admin:claims_claim_add")).status_code == 403


def test_claim_history_cannot_be_edited_in_admin(admin_client):
    claim = make_claim()
    event = claim.events.get()

    assert admin_client.get(reverse("admin:claims_claimevent_add")).status_code == 403
    assert admin_client.get(reverse("admin:claims_claimevent_delete", args=[event.pk])).status_code == 403


def test_document_access_log_refuses_add_change_and_delete_even_for_a_superuser(admin_client, admin_user):
    claim = make_claim()
    document = Document.objects.create(
        claim=claim,
        document_type=DocumentType.objects.get(code="ektp"),
        file="documents/test/ektp",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
    )
    access = DocumentAccess.objects.create(document=document, user=admin_user, what="file")
    change_url = reverse("admin:documents_documentaccess_change", args=[access.pk])

    assert admin_client.get(reverse("admin:documents_documentaccess_add")).status_code == 403
    assert admin_client.post(change_url, {"what": "thumbnail"}).status_code == 403
    assert admin_client.get(reverse("admin:documents_documentaccess_delete", args=[access.pk])).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:documents_documentaccess_delete", args=[access.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:documents_documentaccess_changelist")).status_code == 200
    assert DocumentAccess.objects.get(pk=access.pk).what == "file"


def test_documents_and_messages_cannot_be_added_in_admin(admin_client):
    assert admin_client.get(reverse("admin:documents_document_add")).status_code == 403
    assert admin_client.get(reverse("admin:notifications_message_add")).status_code == 403
    assert admin_client.get(reverse("admin:notifications_message_changelist")).status_code == 200


def test_catalogue_admin_pages_load(admin_client):
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")

    for url in (
        reverse("admin:claims_programme_change", args=[reason.programme_id]),
        reverse("admin:claims_claimreason_change", args=[reason.pk]),
        reverse("admin:claims_documenttype_changelist"),
        reverse("admin:claims_branch_changelist"),
        reverse("admin:claims_region_changelist"),
    ):
        assert admin_client.get(url).status_code == 200, url
