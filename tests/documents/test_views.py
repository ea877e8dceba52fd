"""Documents leave storage only to their claimant or to staff allowed to see the branch."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.staff import Role
from documents.models import DocumentAccess
from documents.services import document_check, document_upload
from tests.factories import BranchFactory, StaffFactory, make_claim, make_jpeg, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(branch):
    claim = make_claim(branch=branch)
    uploaded = document_upload(
        claim=claim,
        document_type=claim.reason.requirements.first().document_type,
        uploaded=SimpleUploadedFile("ktp siti.jpg", make_jpeg()),
    )
    return document_check(document_id=uploaded.pk)


def _client_for(user) -> Client:
    client = Client(HTTP_USER_AGENT="Officer laptop", REMOTE_ADDR="10.1.2.3")
    client.force_login(user)
    return client


def test_officer_of_the_branch_opens_the_file_and_the_view_is_recorded(document, officer):
    response = _client_for(officer).get(reverse("documents:file", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "siti" not in response["Content-Disposition"]
    access = DocumentAccess.objects.get()
    assert (access.user, access.document, access.what, access.ip_address, access.user_agent) == (
        officer,
        document,
        "file",
        "10.1.2.3",
        "Officer laptop",
    )


def test_officer_of_another_branch_gets_404_and_nothing_is_recorded(document):
    stranger = StaffFactory(branch=BranchFactory())
    for name in ("documents:file", "documents:thumbnail"):
        assert _client_for(stranger).get(reverse(name, args=[document.pk])).status_code == 404
    assert not DocumentAccess.objects.exists()


def test_regional_manager_sees_their_region_only(document):
    own = StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=document.claim.branch.region)
    other = StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=BranchFactory().region)
    assert _client_for(own).get(reverse("documents:thumbnail", args=[document.pk])).status_code == 200
    assert _client_for(other).get(reverse("documents:thumbnail", args=[document.pk])).status_code == 404


def test_pdf_is_served_as_an_attachment_with_its_stored_type(branch, officer):
    claim = make_claim(branch=branch)
    document = document_upload(
        claim=claim,
        document_type=claim.reason.requirements.first().document_type,
        uploaded=SimpleUploadedFile("surat", make_pdf(), content_type="text/html"),
    )
    document = document_check(document_id=document.pk)
    assert document.content_type == "application/pdf"
    assert document.status == "accepted"
    response = _client_for(officer).get(reverse("documents:file", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_anonymous_visitor_gets_404(document):
    assert Client().get(reverse("documents:file", args=[document.pk])).status_code == 404


def test_original_name_is_kept_as_plain_metadata(branch):
    claim = make_claim(branch=branch)
    document = document_upload(
        claim=claim,
        document_type=claim.reason.requirements.first().document_type,
        uploaded=SimpleUploadedFile("../../etc/pass\x00wd<b>.jpg", make_jpeg()),
    )
    assert document.original_name == "pass" + "wd<b>.jpg"
    assert "pass" not in document.file.name
    assert document.file.name.startswith("documents/")
