from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims.access import normalize_reference

from .selectors import messages_for_staff


@staff_member_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Every WhatsApp/SMS message the system sent (or, in development, would have sent)."""
    reference = normalize_reference(request.GET.get("klaim", ""))
    return render(
        request,
        "notifications/outbox.html",
        {"messages_sent": messages_for_staff(request.user, reference=reference), "reference": reference},
    )
