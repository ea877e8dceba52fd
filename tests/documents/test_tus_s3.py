"""Resumable uploads with documents in S3 (moto on loopback): a multipart upload per file.

Pieces are kept as small objects until they add up to S3's 5 MiB part minimum, then sent
as one part; completion sends the rest as the last part. Nothing of an unfinished upload
is ever under documents/ (the orphan sweep's ground).
"""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from documents.models import Document, ResumableUpload
from documents.resumable_store import S3_MIN_PART
from documents.services import resumable_sweep_expired
from tests.factories import make_claim, open_claim_in
from tests.s3 import BUCKET

from .test_tus import TUS, _create, _patch

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

PIECE = 1024 * 1024


@pytest.fixture
def claim():
    return make_claim()


@pytest.fixture
def claimant(claim):
    client = Client()
    open_claim_in(client, claim)
    return client


def _keys(s3, prefix: str) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def _multipart_uploads(s3) -> list[dict]:
    return s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])


def test_large_file_goes_up_as_multipart_parts_and_lands_under_a_random_key(s3, claimant, claim):
    content = random.Random(6).randbytes(6 * PIECE + 12345)
    documents_before = _keys(s3, "documents/")
    url = _create(claimant, claim, len(content))["Location"]
    upload = ResumableUpload.objects.get()

    for start in range(0, 3 * PIECE, PIECE):
        assert _patch(claimant, url, start, content[start : start + PIECE]).status_code == 204
    # Written as they came: three pieces in the bucket, nothing under documents/ yet.
    assert len(_keys(s3, f"uploads/{upload.pk.hex}/")) == 3
    assert _keys(s3, "documents/") == documents_before
    assert len(_multipart_uploads(s3)) == 1

    for start in range(3 * PIECE, len(content), PIECE):
        assert _patch(claimant, url, start, content[start : start + PIECE]).status_code == 204

    upload.refresh_from_db()
    assert len(upload.parts) == 2  # one 5 MiB part folded from pieces, then the rest
    document = Document.objects.get(claim=claim)
    assert document.file.name == upload.storage_key
    stored = s3.get_object(Bucket=BUCKET, Key=document.file.name)
    assert stored["Body"].read() == content
    assert stored["ServerSideEncryption"] == "AES256"
    assert _keys(s3, "uploads/") == []
    assert _multipart_uploads(s3) == []


def test_first_part_is_at_least_the_s3_minimum(s3, claimant, claim):
    content = random.Random(7).randbytes(S3_MIN_PART + 100)
    url = _create(claimant, claim, len(content))["Location"]
    for start in range(0, len(content), 700_000):
        _patch(claimant, url, start, content[start : start + 700_000])

    key = Document.objects.get(claim=claim).file.name
    head = s3.head_object(Bucket=BUCKET, Key=key, PartNumber=1)
    assert head["ContentLength"] >= S3_MIN_PART
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == content


def test_small_photo_completes_with_a_single_small_part(s3, claimant, claim):
    content = random.Random(8).randbytes(300_000)
    url = _create(claimant, claim, len(content))["Location"]
    for start in range(0, len(content), 64 * 1024):
        _patch(claimant, url, start, content[start : start + 64 * 1024])

    document = Document.objects.get(claim=claim)
    assert s3.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read() == content
    assert claimant.head(url, **TUS)["Upload-Offset"] == str(len(content))


def test_termination_aborts_the_multipart_upload_and_deletes_pieces(s3, claimant, claim):
    content = random.Random(9).randbytes(2 * PIECE)
    documents_before = _keys(s3, "documents/")
    url = _create(claimant, claim, len(content))["Location"]
    _patch(claimant, url, 0, content[:PIECE])

    assert claimant.delete(url, **TUS).status_code == 204

    assert _keys(s3, "uploads/") == []
    assert _multipart_uploads(s3) == []
    assert _keys(s3, "documents/") == documents_before


def test_expiry_sweep_aborts_and_deletes_in_s3(s3, claimant, claim):
    content = random.Random(10).randbytes(2 * PIECE)
    url = _create(claimant, claim, len(content))["Location"]
    _patch(claimant, url, 0, content[:PIECE])
    ResumableUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert resumable_sweep_expired() == 1

    assert _keys(s3, "uploads/") == []
    assert _multipart_uploads(s3) == []
    assert claimant.head(url, **TUS).status_code == 404
