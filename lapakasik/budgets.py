"""The claimant's side of the budgets (claims/services/abuse.py, notifications/budgets.py).

``BudgetMiddleware`` tells the services which client address a claimant's request comes
from (core/origin.py; none for logged-in staff, who are exempt by their login), and turns a
budget refusal into the plain 429 page (the API's JSON error under /api/) with Retry-After:
a claim refused before it was written (BudgetExceeded raised), or a message written in
passing but kept unsent (the request goes on, the answer says nothing was sent).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.origin import origin_current, origin_end, origin_not_a_claimant, origin_start
from core.staff import is_active_staff
from core.throttle import BudgetExceeded, client_ip


class BudgetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff = is_active_staff(getattr(request, "user", None) or _Nobody)
        token = origin_start("" if staff else client_ip(request))
        try:
            response = self.get_response(request)
            origin = origin_current()
            # A 429 already (a refused claim, or a view's own throttle) says it best.
            if origin is not None and origin.refused and not staff and response.status_code != 429:
                return over_budget_response(request, retry_after=origin.retry_after, sent=False)
            return response
        finally:
            origin_end(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # A provider's webhook is not a claimant: what it causes (the link an interview reply
        # asks for, a status answer) counts per phone and per claim, never against the
        # provider's address, which every claimant's replies share.
        if request.resolver_match is not None and request.resolver_match.namespace == "webhooks":
            origin_not_a_claimant()
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BudgetExceeded):
            return over_budget_response(request, retry_after=exception.retry_after, sent=None)
        return None


class _Nobody:
    is_authenticated = False


def over_budget_response(request: HttpRequest, *, retry_after: int, sent: bool | None) -> HttpResponse:
    """429: what to do next (later, 175, a branch). ``sent`` False: a message was kept unsent."""
    minutes = max(1, retry_after // 60)
    cc = settings.CALL_CENTRE_NUMBER
    if request.path.startswith("/api/"):
        detail = _(
            "Terlalu banyak permintaan dari perangkat atau nomor ini. Coba lagi %(minutes)d menit lagi, "
            "telepon %(cc)s, atau datang ke kantor cabang."
        ) % {"minutes": minutes, "cc": cc}
        response: HttpResponse = JsonResponse({"detail": detail, "code": "budget_exceeded"}, status=429)
    else:
        context = {"CALL_CENTRE_NUMBER": cc, "minutes": minutes, "message_kept": sent is False}
        response = HttpResponse(render_to_string("429.html", context, request=None), status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response
