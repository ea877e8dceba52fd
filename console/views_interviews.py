"""The officer books a video call from a claim in review: the first free slots, in the branch's zone."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from claims.models import Claim
from claims.services import OfficerActionRefused, TransitionNotAllowed
from interviews.forms import BookForm
from interviews.selectors import free_slots, interview_active_for_claim, zone_label
from interviews.services import interview_book

from .selectors import claim_for_staff
from .views import staff_only


def _claim(request: HttpRequest, reference: str) -> Claim:
    return get_object_or_404(claim_for_staff(request.user, reference).select_related("branch", "reason"))


@staff_only
@require_http_methods(["GET", "POST"])
def interview_book_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    slots = free_slots(branch=claim.branch, officer=request.user, count=settings.INTERVIEW_SLOTS_SHOWN)
    form = BookForm(request.POST or None, slots=slots, initial={"versi": claim.version})
    if request.method == "POST" and form.is_valid():
        try:
            interview_book(
                claim=claim,
                officer=request.user,
                starts_at=form.cleaned_data["waktu"],
                channel=form.cleaned_data["cara"],
                by=request.user,
                claim_version=form.cleaned_data["versi"],
            )
        except OfficerActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("console:interview_book", reference=claim.reference)
        except TransitionNotAllowed:
            messages.error(request, _("Klaim ini tidak sedang menunggu jadwal video call."))
            return redirect("console:claim", reference=claim.reference)
        messages.success(request, _("Video call dijadwalkan. Peserta mendapat pesan dengan jam dan tautannya."))
        return redirect("console:claim", reference=claim.reference)
    return render(
        request,
        "console/interviews/book.html",
        {
            "claim": claim,
            "form": form,
            "slots": slots,
            "zone": zone_label(claim.branch),
            "active": interview_active_for_claim(claim),
        },
        status=400 if form.errors else 200,
    )
