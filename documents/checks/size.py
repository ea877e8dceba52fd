"""Whether the file is within the size a document needs.

The upload handler already refuses a body past the limit while it streams in; this check
covers every other way in (the dropbox scans, the operator command) and a limit lowered
since the upload. An empty file normally stops at filetype.check already.
"""

from .base import Candidate, CheckConfig, CheckRejected


def check(candidate: Candidate, config: CheckConfig) -> None:
    size = len(candidate.content)
    if size == 0:
        raise CheckRejected("empty")
    limit = config.max_upload_bytes
    if size > limit:
        raise CheckRejected("too_large", size=size, limit=limit)
