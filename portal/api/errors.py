"""Every API error has one shape: {"detail": "...", "code": "..."}, plus "fields" for form errors.

Services raise Django's ValidationError with a message already written for the claimant
(Indonesian, or English when the request asked for it); this handler only picks the HTTP
status and the shape.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.views import exception_handler as drf_exception_handler

from claims.models import Status
from claims.services import ClaimTransitionNotAllowed
from core.throttle import Throttled

# Service error codes that are not "your input is wrong" and get their own HTTP status.
STATUS_FOR_CODE = {
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    # The claim holds DOCUMENT_CLAIM_MAX_BYTES already: this file does not fit.
    "claim_full": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
}


class ApiError(exceptions.APIException):
    # Seconds to wait, when set: DRF's handler turns it into a Retry-After header.
    wait: int | None = None

    def __init__(self, detail: str, code: str, status_code: int = status.HTTP_400_BAD_REQUEST):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code


def payload_too_large(message: str) -> ApiError:
    return ApiError(message, "too_large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def _from_django(exc: DjangoValidationError) -> exceptions.APIException:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(get_error_detail(exc))
    code = next((error.code for error in exc.error_list if error.code), None) or "invalid"
    return ApiError(" ".join(exc.messages), code, STATUS_FOR_CODE.get(code, status.HTTP_400_BAD_REQUEST))


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return _from_django(exc)
    if isinstance(exc, Http404):
        # get_object_or_404's text names a model, in English: say "not found" in the claimant's language.
        return exceptions.NotFound(_("Klaim atau dokumen ini tidak ditemukan."))
    if isinstance(exc, exceptions.NotAuthenticated):
        # DRF's own wording ("credentials") means nothing to a claimant.
        plain = exceptions.NotAuthenticated(
            _("Untuk membuka klaim ini, minta kode ke nomor HP klaim Anda, lalu masukkan kodenya.")
        )
        # Set by the view (DRF's APIView.handle_exception), read by DRF's handler: becomes
        # WWW-Authenticate. Neither side is in the stubs.
        plain.auth_header = getattr(exc, "auth_header", None)  # type: ignore[attr-defined]
        return plain
    if isinstance(exc, ClaimTransitionNotAllowed):
        return ApiError(
            _('Klaim ini berstatus "%(status)s", jadi tidak bisa diubah menjadi "%(to)s".')
            % {"status": Status(exc.from_status).label, "to": Status(exc.to_status).label},
            "transition_not_allowed",
            status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Throttled):
        wait = max(settings.OTP_PER_IP_WINDOW, settings.OTP_PER_PHONE_WINDOW)
        error = ApiError(
            _("Terlalu sering meminta kode. Tunggu %(minutes)d menit, lalu coba lagi, atau telepon %(call_centre)s.")
            % {"minutes": wait // 60, "call_centre": settings.CALL_CENTRE_NUMBER},
            "throttled",
            status.HTTP_429_TOO_MANY_REQUESTS,
        )
        error.wait = wait  # DRF turns this into a Retry-After header.
        return error
    return exc


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def exception_handler(exc, context):
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        detail = data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", None) or "error"}
    elif isinstance(data, dict):
        response.data = {
            "detail": _("Ada isian yang belum benar. Lihat keterangan di setiap isian."),
            "code": "invalid",
            "fields": {name: _messages(value) for name, value in data.items()},
        }
    else:
        messages = _messages(data)
        codes = [getattr(item, "code", None) for item in data] if isinstance(data, list) else []
        response.data = {"detail": " ".join(messages), "code": next((c for c in codes if c), "invalid")}
    return response
