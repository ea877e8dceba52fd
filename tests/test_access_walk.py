"""Every staff and API route, walked with another branch's objects: nothing is found.

The walk reads the URL configuration itself, so a new route is walked as soon as it
exists; a route with a parameter this file does not know fails the test until the
parameter is added below (and with it, the object of branch A to try).
"""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims.access import claim_token_issue
from documents.services import document_check, document_upload
from tests.factories import BranchFactory, StaffFactory, make_claim, make_jpeg

pytestmark = pytest.mark.django_db

WALKED_NAMESPACES = ("console", "api", "documents", "notifications")


def _routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield namespace, f"{namespace}:{entry.name}", prefix + str(entry.pattern)


def _walked():
    return sorted(
        {(name, pattern) for namespace, name, pattern in _routes() if namespace.split(":")[0] in WALKED_NAMESPACES}
    )


@pytest.fixture
def branch_a_objects(django_capture_on_commit_callbacks):
    """A claim of branch A with a checked document, and whatever else routes point at."""
    branch_a = BranchFactory()
    claim = make_claim(branch=branch_a, full_name="Rahmat Hidayat", nik="3578012304880001")
    document = document_upload(
        claim=claim,
        document_type=claim.reason.requirements.first().document_type,
        uploaded=SimpleUploadedFile("ktp.jpg", make_jpeg(text="cabang A")),
    )
    document = document_check(document_id=document.pk)
    objects = {"reference": claim.reference, "document_id": document.pk, "pk": document.pk}
    # An unfinished resumable (tus) upload of branch A's claim.
    from documents.services.resumable import resumable_create

    upload = resumable_create(claim=claim, document_type=document.document_type, length=1000, original_name="ktp.jpg")
    objects["upload_id"] = upload.pk
    objects.update(_dropbox_objects(branch_a, claim))
    # A reply of branch A's claimant waiting in branch A's inbox.
    from claims.models import ClaimReply
    from notifications.services import inbound_reply_receive

    inbound = inbound_reply_receive(from_number=claim.contact_phone, text="Kapan cair?", provider_message_id="wamid.A")
    objects["reply_id"] = ClaimReply.objects.get(inbound=inbound).pk
    return claim, document, objects


def _dropbox_objects(branch, claim) -> dict:
    """Dropbox batches and envelopes of branch A, when the dropbox models exist."""
    try:
        from documents.models import DropboxBatch, Envelope
    except ImportError:
        return {}
    opener = StaffFactory(branch=branch)
    batch = DropboxBatch.objects.create(branch=branch, opened_by=opener)
    envelope = Envelope.objects.create(batch=batch, claim=claim, typed_reference=claim.reference)
    return {"batch_id": batch.pk, "envelope_id": envelope.pk}


def _url(pattern: str, objects: dict) -> str:
    def value(match):
        name = match.group("name")
        if name not in objects:
            raise AssertionError(f"route {pattern!r} takes <{name}>: add branch A's object for it to this walk")
        return str(objects[name])

    path = re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", value, pattern)
    return "/" + path.lstrip("^").rstrip("$")


def test_every_staff_and_api_route_hides_another_branchs_objects(branch_a_objects):
    claim, document, objects = branch_a_objects
    officer_b = StaffFactory(branch=BranchFactory())
    staff = Client()
    staff.force_login(officer_b)
    # A claimant of branch B's claim, holding a valid token for THEIR claim only.
    other_claim = make_claim(branch=officer_b.branch)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {claim_token_issue(other_claim)}")
    walked = _walked()
    assert len(walked) > 10, walked
    for name, pattern in walked:
        url = _url(pattern, objects)
        client = api if name.startswith("api:") else staff
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
            takes_object = "<" in pattern
            if takes_object:
                assert response.status_code in (404, 405), f"{method.upper()} {url} ({name}) → {response.status_code}"
            else:
                assert response.status_code < 500, f"{method.upper()} {url} ({name}) → {response.status_code}"
            assert claim.reference not in body, f"{method.upper()} {url} ({name}) shows branch A's claim"
            assert claim.nik not in body, f"{method.upper()} {url} ({name})"
            assert claim.full_name not in body, f"{method.upper()} {url} ({name})"


def test_walk_fails_for_a_route_parameter_it_does_not_know():
    with pytest.raises(AssertionError, match="add branch A's object"):
        _url("petugas/sesuatu/<int:widget_id>/", {"reference": "LA-AAAA-AAAA"})


def test_walk_covers_the_console_and_the_api():
    names = {name for name, _ in _walked()}
    assert any(name.startswith("console:") for name in names)
    assert any(name.startswith("api:") for name in names)
    assert "documents:file" in names
    assert "documents:thumbnail" in names


def test_unknown_document_is_404_not_500():
    client = Client()
    assert client.get(f"/dokumen/{uuid.uuid4()}/berkas/").status_code == 404
