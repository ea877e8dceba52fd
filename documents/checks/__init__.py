"""The checks every uploaded document goes through, in order, before anyone relies on it.

Each check is a small module with one function, ``check(candidate)``. A check either
returns (possibly filling in the candidate: its type, a clean re-encoded copy, a
thumbnail, details), raises ``CheckRejected`` with a code from ``codes.REJECTIONS``, or
raises ``CheckUnavailable`` when it could not run at all (clamd unreachable): then the
document stays "checking" and the task tries again later. A document is never
accepted with a check skipped.

The pipeline knows nothing of Django models or storage: it takes bytes and a name, so
the background task, the operator command and the benchmark run exactly the same code.
"""

from dataclasses import dataclass, field


class CheckRejected(Exception):
    """The file is not acceptable; ``code`` says why (see codes.REJECTIONS)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


class CheckUnavailable(Exception):
    """A check could not run now (a service down, a scan cut short): try again later."""


@dataclass
class Candidate:
    """One file going through the checks."""

    content: bytes
    # The name the claimant's phone gave it: used only to catch an extension that lies.
    name: str = ""
    # Filled in by the checks:
    content_type: str = ""
    clean: bytes | None = None  # the re-encoded copy (images); the only bytes ever served
    clean_content_type: str = ""
    thumbnail: bytes | None = None  # small JPEG for lists
    details: dict = field(default_factory=dict)


def run_checks(candidate: Candidate) -> Candidate:
    """Run every check in order; return the candidate when all passed."""
    from . import antivirus, filetype, image, pdf, size

    for check in (filetype.check, size.check, antivirus.check, image.check, pdf.check):
        check(candidate)
    return candidate
