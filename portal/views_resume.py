"""Claimant pages of "save and finish later": asking for the link, and opening it.

See claims/services/resume.py for what the link is and why it may be opened again.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from claims import access
from claims.models import Status
from claims.services import ResumeLinkThrottled, resume_link_read, resume_link_send

from .views import session_claim

SENT_FLAG = "terkirim"


@require_http_methods(["GET", "POST"])
def resume_later(request: HttpRequest, reference: str) -> HttpResponse:
    """Send me a link so I can finish later (from any step once the claim exists)."""
    claim = session_claim(request, reference)
    if claim.status != Status.DRAFT:
        return redirect("portal:status", reference=claim.reference)
    error, status = None, 200
    if request.method == "POST":
        try:
            resume_link_send(claim=claim)
        except ResumeLinkThrottled as exc:
            error, status = (
                _(
                    "Tautan sudah dikirim %(n)d kali dalam satu jam. Periksa WhatsApp atau SMS Anda. "
                    "Pesan belum ada? Coba lagi %(minutes)d menit lagi, atau telepon %(cc)s."
                )
                % {"n": settings.CLAIM_RESUME_LINK_LIMIT, "minutes": exc.minutes, "cc": settings.CALL_CENTRE_NUMBER},
                429,
            )
        except ValidationError as exc:
            error, status = exc.messages[0], 400
        else:
            return redirect(f"{reverse('portal:resume_later', args=[claim.reference])}?{SENT_FLAG}=1")
    return render(
        request,
        "portal/resume_later.html",
        {
            "claim": claim,
            "error": error,
            "sent": request.method == "GET" and request.GET.get(SENT_FLAG) == "1",
            "can_send": bool(claim.contact_phone) and not claim.contact_via_branch,
            "phone_tail": claim.contact_phone[-4:],
            "days": settings.CLAIM_RESUME_LINK_DAYS,
        },
        status=status,
    )


@never_cache
@require_GET
def resume_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the message: this browser may now open the claim; go to what is left to do."""
    check = resume_link_read(token)
    claim = check.claim
    if claim is not None and check.state == "ok":
        access.session_grant(request.session, claim)
        messages.info(request, _("Klaim %(reference)s dibuka. Lanjutkan dari sini.") % {"reference": claim.reference})
        return redirect("portal:resume", reference=claim.reference)
    if claim is not None and check.state == "closed" and claim.pk in access.session_claim_ids(request.session):
        return redirect("portal:status", reference=claim.reference)
    return render(
        request,
        "portal/resume_invalid.html",
        {"state": check.state, "claim": claim, "days": settings.CLAIM_RESUME_LINK_DAYS},
        status=404 if check.state == "invalid" else 410,
    )
