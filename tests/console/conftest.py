"""Claims ready for an officer, made the real way: uploads through document_upload, verdicts
from document_check, submission through claim_submit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Claim, Status
from claims.services import claim_transition
from core.staff import Role
from documents.models import Document
from documents.services import claim_submit, document_check, document_upload
from tests.browser.conftest import chromium, screenshots  # noqa: F401 (Chromium fixtures for the browser test)
from tests.factories import StaffFactory, make_claim, make_jpeg
from tests.notifications.conftest import provider, provider_server  # noqa: F401 (the provider stand-in: the inbox's answers)


def upload_checked(claim: Claim, document_type, content: bytes | None = None) -> Document:
    """One file for one requirement, checked in process (as the worker would)."""
    document = document_upload(
        claim=claim,
        document_type=document_type,
        uploaded=SimpleUploadedFile("foto.jpg", content or make_jpeg(text=f"{document_type.code} {claim.pk}")),
    )
    return document_check(document_id=document.pk) or Document.objects.get(pk=document.pk)


def make_submitted_claim(*, branch, **kwargs) -> Claim:
    """A claim with every required document uploaded and accepted by the checks: "in_review"."""
    claim = make_claim(branch=branch, **kwargs)
    for requirement in claim.reason.requirements.filter(required=True).select_related("document_type"):
        upload_checked(claim, requirement.document_type)
    claim_submit(claim=claim)
    claim.refresh_from_db()
    return claim


def make_claim_after_call(*, branch, **kwargs) -> Claim:
    """A claim whose video call confirmed the claimant ("interview_done"): ready for a decision.

    The call itself (slots, booking, the checklist) is tests/interviews' business; here the
    claim only walks the lifecycle, through claim_transition like the interview services.
    """
    claim = make_submitted_claim(branch=branch, **kwargs)
    claim_transition(claim=claim, to=Status.INTERVIEW_SCHEDULED, reason="interview_booked")
    claim = claim_transition(claim=claim, to=Status.INTERVIEW_DONE, reason="interview_confirmed")
    return Claim.objects.get(pk=claim.pk)


def make_accepted_claim(*, branch, officer=None, **kwargs) -> Claim:
    """A claim in review whose documents an officer accepted: the claimant is invited to choose the call."""
    from documents.services import ReviewDecision, documents_review

    claim = make_submitted_claim(branch=branch, **kwargs)
    documents_review(
        claim=claim,
        decisions=[ReviewDecision(document=document, accept=True) for document in current_documents(claim)],
        by=officer or StaffFactory(branch=branch),
        claim_version=claim.version,
    )
    return Claim.objects.get(pk=claim.pk)


def current_documents(claim: Claim) -> list[Document]:
    from documents.selectors import claim_current_documents

    return list(claim_current_documents(claim).values())


def staff_client(user) -> Client:
    client = Client(HTTP_USER_AGENT="Laptop cabang", REMOTE_ADDR="10.9.8.7")
    client.force_login(user)
    return client


@pytest.fixture
def claim_in_review(branch):
    return make_submitted_claim(branch=branch)


@pytest.fixture
def claim_after_call(branch):
    return make_claim_after_call(branch=branch)


@pytest.fixture
def other_officer(branch):
    return StaffFactory(branch=branch, first_name="Rina", last_name="Wulandari")


@pytest.fixture
def branch_manager(branch):
    return StaffFactory(branch=branch, role=Role.BRANCH_MANAGER, first_name="Kepala", last_name="Cabang")


@pytest.fixture
def officer_client(officer):
    return staff_client(officer)
