"""The checks every uploaded document goes through, in order, before anyone relies on it.

Each check is a small module with one function, ``check(candidate, config)``. A check
either returns (possibly filling in the candidate: its type, a clean re-encoded copy, a
thumbnail, details), raises ``CheckRejected`` with a code from ``codes.REJECTION_CODES``,
or raises ``CheckUnavailable`` when it could not run at all (clamd unreachable): then the
document stays "checking" and the task tries again later. A document is never
accepted with a check skipped.

The pipeline is pure: bytes, a name and a ``CheckConfig`` (the limits and the scanner)
in, a verdict out. It knows nothing of Django, settings, models or storage, so the
background task, the operator command and the benchmark run exactly the same code;
documents/pipeline.py builds the config from settings, and documents/rejections.py
turns a code into words for the claimant.
"""

from . import antivirus, filetype, image, pdf, size
from .base import Candidate, CheckConfig, CheckRejected, CheckUnavailable

__all__ = ["Candidate", "CheckConfig", "CheckRejected", "CheckUnavailable", "run_checks"]

# In the order they run: the type first (libmagic on 8 KB), the size, then the scan,
# before any decoder reads the bytes as a picture or a PDF.
CHECKS = (filetype, size, antivirus, image, pdf)


def run_checks(candidate: Candidate, config: CheckConfig) -> Candidate:
    """Run every check in order; return the candidate when all passed."""
    for module in CHECKS:
        # Looked up on the module at each call, so bench/validation.py can time each one.
        module.check(candidate, config)
    return candidate
