"""Where the pieces of a resumable upload are kept while it is unfinished.

Two stores, chosen by the documents storage in use:

- Filesystem: one part file, ``uploads/<id>.part``, written at the offset each piece
  starts at (so a piece stored by a request whose database update then failed is simply
  overwritten by the retry). On completion the part file is renamed to its final random
  key under ``documents/``: no copy.
- S3: an S3 multipart upload to the final random key, opened when the upload is created.
  S3 wants every part but the last to be at least 5 MiB, and a phone sends pieces of a
  few hundred KB, so each piece is first stored as its own small object
  (``uploads/<id>/<offset>``); once those add up to 5 MiB they are read back (inside the
  region: cheap) and sent as one part, then deleted. Completion sends what is left as the
  last part and completes the multipart upload. A multipart copy cannot do this instead:
  copied parts have the same 5 MiB minimum. Pieces live in the bucket, not on one web
  server's disk, so any web process can take the next piece.

Neither keeps anything under ``documents/`` before completion (an S3 multipart upload is
invisible until completed), so the orphan sweep never sees an unfinished upload; the
expiry sweep (services/resumable.py) removes what an abandoned one left.

Every method is called under the upload row's lock (select_for_update) and is given the
row; the store changes only the row's ``parts``/``pending``/``multipart_id`` fields, and
the caller saves the row.
"""

import contextlib
import os
import shutil
import uuid
from typing import IO

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

from .models import ResumableUpload, new_document_key
from .storage import documents_storage

S3_MIN_PART = 5 * 1024 * 1024
COPY_BUFFER = 256 * 1024


class FilesystemStore:
    def __init__(self, storage: FileSystemStorage):
        self.storage = storage

    def open(self, upload: ResumableUpload) -> None:
        upload.storage_key = f"uploads/{upload.pk.hex}.part"
        path = self.storage.path(upload.storage_key)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)

    def write(self, upload: ResumableUpload, offset: int, data: IO[bytes]) -> None:
        with open(self.storage.path(upload.storage_key), "r+b") as part:
            part.seek(offset)
            shutil.copyfileobj(data, part, COPY_BUFFER)
            part.truncate()
            part.flush()
            os.fsync(part.fileno())

    def finish(self, upload: ResumableUpload) -> str:
        key = new_document_key(None, "")
        target = self.storage.path(key)
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        os.replace(self.storage.path(upload.storage_key), target)
        upload.storage_key = key
        return key

    def discard(self, upload: ResumableUpload) -> None:
        if upload.storage_key.startswith("uploads/"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.storage.path(upload.storage_key))


class S3MultipartStore:
    def __init__(self, storage):
        self.storage = storage
        self.client = storage.connection.meta.client
        self.bucket = storage.bucket_name

    def _key(self, name: str) -> str:
        return self.storage._normalize_name(name)

    def _piece_prefix(self, upload: ResumableUpload) -> str:
        return self._key(f"uploads/{upload.pk.hex}/")

    def open(self, upload: ResumableUpload) -> None:
        key = new_document_key(None, "")
        params = self.storage.get_object_parameters(key)
        params.pop("ContentType", None)
        answer = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=self._key(key), ContentType="application/octet-stream", **params
        )
        upload.storage_key = key
        upload.multipart_id = answer["UploadId"]
        upload.parts, upload.pending = [], []

    def write(self, upload: ResumableUpload, offset: int, data: IO[bytes]) -> None:
        # The key carries a random part: a request whose database update failed leaves an
        # object no row names, and the retry of the same offset never reads it.
        body = data.read()
        key = f"{self._piece_prefix(upload)}{offset:012d}-{uuid.uuid4().hex[:8]}"
        params = {k: v for k, v in self.storage.get_object_parameters(key).items() if k == "ServerSideEncryption"}
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, **params)
        upload.pending.append({"offset": offset, "length": len(body), "key": key})
        if sum(p["length"] for p in upload.pending) >= S3_MIN_PART:
            self._fold(upload)

    def _fold(self, upload: ResumableUpload) -> None:
        """Send the pending pieces as the next part of the multipart upload, then delete them."""
        if not upload.pending:
            return
        body = b"".join(self.client.get_object(Bucket=self.bucket, Key=p["key"])["Body"].read() for p in upload.pending)
        number = len(upload.parts) + 1
        answer = self.client.upload_part(
            Bucket=self.bucket,
            Key=self._key(upload.storage_key),
            UploadId=upload.multipart_id,
            PartNumber=number,
            Body=body,
        )
        upload.parts = [*upload.parts, {"PartNumber": number, "ETag": answer["ETag"]}]
        self._delete_keys([p["key"] for p in upload.pending])
        upload.pending = []

    def finish(self, upload: ResumableUpload) -> str:
        self._fold(upload)
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self._key(upload.storage_key),
            UploadId=upload.multipart_id,
            MultipartUpload={"Parts": upload.parts},
        )
        upload.multipart_id = ""
        self._delete_prefix(upload)
        return upload.storage_key

    def discard(self, upload: ResumableUpload) -> None:
        if upload.multipart_id:
            with contextlib.suppress(self.client.exceptions.NoSuchUpload):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self._key(upload.storage_key), UploadId=upload.multipart_id
                )
            upload.multipart_id = ""
        self._delete_prefix(upload)

    def _delete_prefix(self, upload: ResumableUpload) -> None:
        """Every piece object of the upload, including any a failed request left behind."""
        listed = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self._piece_prefix(upload))
        self._delete_keys([item["Key"] for item in listed.get("Contents", [])])

    def _delete_keys(self, keys: list[str]) -> None:
        if keys:
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
            )


def resumable_store():
    """The store that fits the documents storage configured now."""
    storage = documents_storage()
    if isinstance(storage, FileSystemStorage):
        return FilesystemStore(storage)
    if hasattr(storage, "connection") and hasattr(storage, "bucket_name"):
        return S3MultipartStore(storage)
    raise ImproperlyConfigured(f"resumable uploads do not support {type(storage).__name__}")
