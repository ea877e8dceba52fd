from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims.access import normalize_reference
from core.staff import staff_only
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
        },
    )
