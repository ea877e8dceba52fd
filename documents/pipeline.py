"""The document checks as this deployment runs them: the config built from settings.

documents/checks/ is pure (bytes and a ``CheckConfig`` in, a verdict out); this is the
one place that reads the settings for it, so the background task, the operator command,
the readiness probe and the benchmark check against the same limits with the same
scanner:

- ``check_config()``: the limits (DOCUMENT_MAX_UPLOAD_BYTES, DOCUMENT_IMAGE_MAX_PIXELS,
  DOCUMENT_IMAGE_LONG_SIDE, DOCUMENT_IMAGE_MIN_SHORT_SIDE, DOCUMENT_THUMBNAIL_SIZE,
  DOCUMENT_PDF_MAX_PAGES) as they are now, and the scanner.
- ``get_scanner()``: the scanner named by ANTIVIRUS_BACKEND (a dotted path, the way
  Django chooses an e-mail backend), one instance per path. A ``ClamdScanner`` is given
  ``clamd_options``, which it calls at each scan and ping: CLAMD_SOCKET, CLAMD_HOST,
  CLAMD_PORT and CLAMD_TIMEOUT are read then, so a changed setting is followed by the
  same instance.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .checks import CheckConfig
from .checks.antivirus import BaseScanner, ClamdOptions, ClamdScanner


def clamd_options() -> ClamdOptions:
    """Where clamd is, read from settings now (CLAMD_SOCKET wins over host and port)."""
    return ClamdOptions(
        socket_path=settings.CLAMD_SOCKET,
        host=settings.CLAMD_HOST,
        port=settings.CLAMD_PORT,
        timeout=settings.CLAMD_TIMEOUT,
    )


@cache
def _scanner(path: str) -> BaseScanner:
    backend = import_string(path)
    if isinstance(backend, type) and issubclass(backend, ClamdScanner):
        return backend(options=clamd_options)
    return backend()


def get_scanner() -> BaseScanner:
    # The setting is read on every call (tests override it); one instance per path.
    return _scanner(settings.ANTIVIRUS_BACKEND)


def check_config() -> CheckConfig:
    """The checks' config from the settings as they are now (tests override them)."""
    return CheckConfig(
        scanner=get_scanner(),
        max_upload_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES,
        image_max_pixels=settings.DOCUMENT_IMAGE_MAX_PIXELS,
        image_long_side=settings.DOCUMENT_IMAGE_LONG_SIDE,
        image_min_short_side=settings.DOCUMENT_IMAGE_MIN_SHORT_SIDE,
        thumbnail_size=settings.DOCUMENT_THUMBNAIL_SIZE,
        pdf_max_pages=settings.DOCUMENT_PDF_MAX_PAGES,
    )
