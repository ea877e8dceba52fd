"""Refuse an oversized file while it streams in, before the body is held anywhere."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

TOO_LARGE_ATTRIBUTE = "upload_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts each file's bytes and drops the file past the limit.

    The rest of that file is read and discarded (not stored), so the client still gets a
    proper page saying the file is too large, and the form's other fields are kept.
    The request is marked, so the view can tell "too large" from "no file".
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.DOCUMENT_MAX_UPLOAD_BYTES:
            setattr(self.request, TOO_LARGE_ATTRIBUTE, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_was_too_large(request) -> bool:
    return getattr(request, TOO_LARGE_ATTRIBUTE, False)
