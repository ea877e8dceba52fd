"""A bounded schemathesis pass over the JSON API (/api/v1/), in process through Django's WSGI app.

Every operation of the OpenAPI schema served at /api/schema/ is fuzzed three ways:
schemathesis's valid (positive) and invalid (negative) inputs built from the schema, and
"informed" inputs: a real request (a real programme, branch, document type or claim
reference) with some fields replaced by junk, so the fuzz reaches the services behind
the format checks. The claim operations carry a real claim token for a real draft claim
of the seeded catalogue. Every answer must be no server error, a status code the schema
declares for that operation, the declared content type, and a body matching the schema.

Bounded and stable for CI: EXAMPLES examples per operation, generated deterministically
(derandomized), no example database.
"""

import datetime as dt

import hypothesis
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.access import claim_token_issue
from claims.models import Branch, ClaimReason, HeirRelation
from claims.selectors import requirements_for_reason
from documents.services import document_upload
from tests.factories import VALID_DOB, VALID_NIK, make_claim, make_jpeg, make_pdf

from .conftest import FUZZ_SETTINGS, InProcessWSGI
from .junk import junk_json

pytestmark = [
    pytest.mark.django_db,
    # The informed upload bodies hold a small JPEG: Hypothesis warns that their repr is large.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

EXAMPLES = 30

# Every operation of the schema, listed so that a new one is fuzzed once it is named here
# (test_every_schema_operation_is_fuzzed fails until then).
OPERATIONS = [
    ("GET", "/api/v1/programmes/"),
    ("GET", "/api/v1/branches/"),
    ("POST", "/api/v1/claims/"),
    ("POST", "/api/v1/claims/confirm/"),
    ("POST", "/api/v1/claims/resend-code/"),
    ("GET", "/api/v1/claims/{reference}/"),
    ("POST", "/api/v1/claims/{reference}/documents/"),
    ("DELETE", "/api/v1/claims/{reference}/documents/{document_id}/"),
    ("POST", "/api/v1/claims/{reference}/submit/"),
    ("POST", "/api/v1/claims/{reference}/cancel/"),
    ("POST", "/api/v1/access/code/"),
    ("POST", "/api/v1/access/token/"),
]


def not_a_server_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"server error {response.status_code}: {response.text[:500]}")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    return InProcessWSGI()


@pytest.fixture
def api_schema(wsgi_app):
    config = schemathesis.Config.from_dict({"generation": {"max-examples": EXAMPLES, "deterministic": True}})
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=config)


@pytest.fixture
def claim_with_document(branch, django_capture_on_commit_callbacks):
    """A draft claim of the seeded catalogue with one uploaded (and checked) document."""
    claim = make_claim(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_upload(
            claim=claim,
            document_type=claim.reason.requirements.first().document_type,
            uploaded=SimpleUploadedFile("ktp.jpg", make_jpeg()),
        )
    return claim, document


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_every_schema_operation_is_fuzzed(api_schema):
    served = {(operation.method.upper(), operation.path) for operation in _operations(api_schema)}
    assert served == set(OPERATIONS)


# --- informed bodies: real values with some replaced by junk ----------------------------


def _mostly(value, junk=junk_json):
    """The real value two times in three, else junk: a request that gets past the first check."""
    return st.one_of(st.just(value), st.just(value), junk)


def _claim_create_bodies(claim):
    reasons = list(ClaimReason.objects.filter(programme__code__in=["JHT", "JKM"], is_active=True))
    branch = Branch.objects.filter(is_active=True).first()

    def body(reason):
        fields = {
            "programme": _mostly(reason.programme.code),
            "reason": _mostly(reason.code),
            "branch": _mostly(branch.code),
            "nik": _mostly(VALID_NIK),
            "kpj_number": _mostly("12345678901"),
            "full_name": _mostly("Siti Aminah"),
            "date_of_birth": _mostly(VALID_DOB.isoformat()),
            "phone": _mostly("0812-3456-7890"),
        }
        optional = {
            "email": _mostly("siti@example.com"),
            "idempotency_key": _mostly(str(claim.intake_token)),
        }
        if reason.needs_heir:
            fields |= {
                "heir_name": _mostly("Budi Santoso"),
                "heir_nik": _mostly("3273015506850002"),
                "heir_relation": _mostly(HeirRelation.values[0]),
                "heir_phone": _mostly("085712345678"),
            }
        return st.fixed_dictionaries(fields, optional=optional)

    return st.sampled_from(reasons).flatmap(body)


def _document_bodies(claim):
    codes = [r.document_type.code for r in requirements_for_reason(claim.reason)]
    files = st.one_of(
        st.binary(max_size=512),
        st.just(b""),
        st.just(make_jpeg(320, 240)),
        st.just(make_pdf("fuzz")),
        st.just(b"<html><script>alert(1)</script></html>"),
    )
    return st.fixed_dictionaries(
        {"document_type": _mostly(codes[0], st.sampled_from([*codes, "ektp\x00"]))}, optional={"file": files}
    )


def _start_fields():
    start = st.one_of(st.uuids().map(str), junk_json)
    return {"start": start, "code": st.one_of(st.from_regex(r"\A[0-9]{6}\Z"), junk_json)}


def _informed_bodies(path: str, claim):
    if path == "/api/v1/claims/":
        return _claim_create_bodies(claim)
    if path == "/api/v1/claims/confirm/":
        code = st.fixed_dictionaries(_start_fields())
        return st.builds(lambda body, extra: {**body, **extra}, _claim_create_bodies(claim), code)
    if path == "/api/v1/claims/resend-code/":
        return st.fixed_dictionaries({"start": _start_fields()["start"]})
    if path.endswith("/documents/"):
        return _document_bodies(claim)
    if path.endswith("/cancel/"):
        return st.fixed_dictionaries({}, optional={"note": junk_json})
    if path == "/api/v1/access/code/":
        return st.fixed_dictionaries({"reference": _mostly(claim.reference)})
    if path == "/api/v1/access/token/":
        code = st.one_of(st.from_regex(r"\A[0-9]{6}\Z"), junk_json)
        return st.fixed_dictionaries({"reference": _mostly(claim.reference), "code": code})
    return None


def _with_body(case, body):
    case.body = body
    return case


def _strategy(schema, method: str, path: str, *, claim, document, token: str):
    operation = schema[path][method]
    kwargs: dict = {}
    if "{reference}" in path:
        kwargs["headers"] = {"Authorization": f"Bearer {token}"}
        kwargs["path_parameters"] = {"reference": claim.reference}
    strategies = [operation.as_strategy(generation_mode=mode, **kwargs) for mode in GenerationMode]
    if "{document_id}" in path:
        # The claim's real document too, not only made-up ids.
        real = {**kwargs["path_parameters"], "document_id": str(document.pk)}
        strategies.append(operation.as_strategy(**{**kwargs, "path_parameters": real}))
    informed = _informed_bodies(path, claim)
    if informed is not None:
        valid = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, **kwargs)
        strategies.append(st.builds(_with_body, valid, informed))
    return st.one_of(strategies)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_operation_survives_fuzzing(
    method, path, api_schema, wsgi_app, claim_with_document, django_capture_on_commit_callbacks
):
    claim, document = claim_with_document
    strategy = _strategy(api_schema, method, path, claim=claim, document=document, token=claim_token_issue(claim))
    statuses: list[int] = []

    @hypothesis.settings(FUZZ_SETTINGS, max_examples=EXAMPLES)
    @given(case=strategy)
    def fuzz(case):
        wsgi_app.exceptions.clear()
        # Background work (document checks, messages) runs as it would after the commit.
        with django_capture_on_commit_callbacks(execute=True):
            response = case.call(app=wsgi_app)
        statuses.append(response.status_code)
        if wsgi_app.exceptions:
            raise AssertionError(f"{method} {path} raised") from wsgi_app.exceptions[-1]
        case.validate_response(response, checks=CHECKS)

    fuzz()
    assert len(statuses) >= EXAMPLES // 2, statuses


# --- regressions found by the fuzz pass --------------------------------------------------


def test_branch_search_with_a_nul_byte_finds_nothing_instead_of_failing(client, branch):
    response = client.get("/api/v1/branches/", {"q": "med\x00an"})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_claim_create_with_a_nul_byte_in_a_code_is_a_field_error(client, branch):
    response = client.post(
        "/api/v1/claims/",
        {
            "programme": "JHT\x00",
            "reason": "resign",
            "branch": "\x00",
            "nik": VALID_NIK,
            "kpj_number": "12345678901",
            "full_name": "Siti Aminah",
            "date_of_birth": VALID_DOB.isoformat(),
            "phone": "081234567890",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"programme", "branch"}


def test_document_upload_with_a_nul_byte_in_the_type_is_a_field_error(client, claim_with_document):
    claim, _document = claim_with_document
    response = client.post(
        f"/api/v1/claims/{claim.reference}/documents/",
        {"document_type": "ektp\x00", "file": SimpleUploadedFile("a.jpg", make_jpeg(320, 240))},
        HTTP_AUTHORIZATION=f"Bearer {claim_token_issue(claim)}",
    )
    assert response.status_code == 400
    assert "document_type" in response.json()["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/{reference}/documents/not-a-uuid/",
        "/api/v1/claims/LA-AAAA/BBBB/",
        "/api/v1/tidak-ada/",
        "/api/v1/tidak-ada",
        "/api/v1/",
        "/api/v2/claims/",
    ],
)
def test_an_address_the_api_does_not_have_answers_json_404(client, claim_with_document, path):
    claim, _document = claim_with_document
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(
            path.format(reference=claim.reference), HTTP_AUTHORIZATION=f"Bearer {claim_token_issue(claim)}"
        )
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_cancel_with_a_body_that_is_not_an_object_is_a_declared_400(client, claim_with_document, api_schema):
    claim, _document = claim_with_document
    response = client.post(
        f"/api/v1/claims/{claim.reference}/cancel/",
        "7.5e-134",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {claim_token_issue(claim)}",
    )
    assert response.status_code == 400
    assert "400" in api_schema.raw_schema["paths"]["/api/v1/claims/{reference}/cancel/"]["post"]["responses"]
    assert response.json()["detail"]


def test_fuzz_harness_reaches_the_app_with_the_claim_token(wsgi_app, api_schema, claim_with_document):
    claim, _document = claim_with_document
    operation = api_schema["/api/v1/claims/{reference}/"]["GET"]
    bad = operation.Case(path_parameters={"reference": claim.reference}, headers={"Authorization": "Bearer x"})
    assert bad.call(app=wsgi_app).status_code == 401
    good = operation.Case(
        path_parameters={"reference": claim.reference},
        headers={"Authorization": f"Bearer {claim_token_issue(claim)}"},
    )
    response = good.call(app=wsgi_app)
    assert response.status_code == 200
    assert response.json()["reference"] == claim.reference
    assert dt.date.fromisoformat(response.json()["created_at"][:10])
