from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims.access import normalize_reference
from claims.services.abuse import claim_budgets
from core.staff import is_manager_on_duty, staff_only
from notifications.budgets import budgets_use
from notifications.selectors import templates_not_approved

from .selectors import messages_for_staff


@staff_only
def outbox(request: HttpRequest) -> HttpResponse:
    """Every WhatsApp/SMS message the system sent (or, in development, would have sent), and
    the WhatsApp templates not approved, whose messages go by SMS."""
    reference = normalize_reference(request.GET.get("klaim", ""))
    return render(
        request,
        "console/outbox.html",
        {
            "messages_sent": messages_for_staff(request.user, reference=reference),
            "reference": reference,
            "templates_not_approved": templates_not_approved(),
            "show_budgets": is_manager_on_duty(request.user),
        },
    )


@staff_only
def budgets(request: HttpRequest) -> HttpResponse:
    """Each budget on claims and messages: its limit, its window, the use and the refusals now.

    Managers only: the figures are national (the counters are shared by every branch).
    """
    if not is_manager_on_duty(request.user):
        raise PermissionDenied
    return render(request, "console/budgets.html", {"budgets": budgets_use(extra=claim_budgets())})
