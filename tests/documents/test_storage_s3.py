"""Claim documents in S3, against moto's S3 server on loopback.

The storage options come from running lapakasik/settings/base.py with
STORAGE_BACKEND=s3, so these tests follow the real settings rather than a copy.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from storages.backends.s3 import S3Storage

from documents.services import document_check, document_upload
from documents.storage import documents_storage
from tests.factories import VALID_NIK, make_claim, make_jpeg, open_claim_in
from tests.s3 import BUCKET

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def _upload(claim, content: bytes, name: str):
    document_type = claim.reason.requirements.first().document_type
    uploaded = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return document_upload(claim=claim, document_type=document_type, uploaded=uploaded)


def test_production_storage_options_keep_documents_private(s3):
    storage = storages["documents"]

    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == BUCKET
    assert storage.default_acl == "private"
    assert storage.file_overwrite is False
    assert storage.querystring_auth is True
    assert 0 < storage.querystring_expire <= 300


def test_uploaded_document_is_stored_in_the_bucket_under_a_random_key(s3):
    claim = make_claim()
    content = make_jpeg()
    original_name = f"KTP {claim.full_name} {VALID_NIK} {claim.reference}.jpg"

    document = _upload(claim, content, original_name)

    key = document.file.name
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}", key), key
    for personal in (claim.reference, claim.nik, VALID_NIK, "KTP", "Siti", ".jpg"):
        assert personal not in key
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == content


def test_stored_document_is_not_publicly_readable(s3, s3_endpoint):
    claim = make_claim()
    document = _upload(claim, make_jpeg(), "ktp.jpg")

    response = requests.get(f"{s3_endpoint}/{BUCKET}/{document.file.name}", timeout=10)

    assert response.status_code == 403
    grants = s3.get_object_acl(Bucket=BUCKET, Key=document.file.name)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith(("AllUsers", "AuthenticatedUsers"))]


def test_document_url_is_a_presigned_link_valid_for_five_minutes_at_most(s3):
    claim = make_claim()
    content = make_jpeg()
    document = _upload(claim, content, "ktp.jpg")

    url = documents_storage().url(document.file.name)

    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Expires" in query:
        assert "X-Amz-Signature" in query
        assert int(query["X-Amz-Expires"][0]) <= 300
    else:
        assert "Signature" in query
        assert "Expires" in query
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == content


def test_saving_the_same_name_twice_keeps_both_files(s3):
    storage = documents_storage()
    name = "documents/2026/01/" + "0" * 32

    first = storage.save(name, ContentFile(b"first"))
    second = storage.save(name, ContentFile(b"second"))

    assert first != second
    assert s3.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"first"
    assert s3.get_object(Bucket=BUCKET, Key=second)["Body"].read() == b"second"


def test_file_view_redirects_the_owner_to_a_short_presigned_link_with_safe_headers(s3, client):
    claim = make_claim()
    document = document_check(document_id=_upload(claim, make_jpeg(), "ktp.jpg").pk)
    assert document.sanitized
    content = s3.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read()
    open_claim_in(client, claim)

    response = client.get(reverse("documents:file", args=[document.pk]))

    assert response.status_code == 302
    link = response["Location"]
    query = parse_qs(urlsplit(link).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    fetched = requests.get(link, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["Content-Type"] == "image/jpeg"
    assert fetched.headers["Content-Disposition"].startswith("inline")
    assert "ktp" not in fetched.headers["Content-Disposition"]
    assert fetched.headers["Cache-Control"] == "private, no-store"
    # Someone else's browser gets nothing, not even a link.
    assert Client().get(reverse("documents:file", args=[document.pk])).status_code == 404


def test_orphan_sweep_lists_the_bucket_and_removes_only_unreferenced_objects(s3):
    from datetime import timedelta

    from django.utils import timezone

    from documents.services import documents_sweep_orphans

    claim = make_claim()
    kept = _upload(claim, make_jpeg(), "ktp.jpg")
    orphan = f"documents/{timezone.now():%Y/%m}/{'c' * 32}"
    s3.put_object(Bucket=BUCKET, Key=orphan, Body=b"left by a rolled-back upload")

    # Earlier tests' rows were rolled back, so their objects are orphans too.
    assert documents_sweep_orphans(min_age=timedelta(0)) >= 1

    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert orphan not in keys
    assert kept.file.name in keys
