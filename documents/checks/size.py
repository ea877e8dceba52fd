"""Whether the file is within the size a document needs.

The upload handler already refuses a body past the limit while it streams in; this check
covers every other way in (the dropbox scans, the operator command) and a limit lowered
since the upload. An empty file normally stops at filetype.check already.
"""

from django.conf import settings

from . import Candidate, CheckRejected


def check(candidate: Candidate) -> None:
    size = len(candidate.content)
    if size == 0:
        raise CheckRejected("empty")
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if size > limit:
        raise CheckRejected("too_large", size=size, limit=limit)
