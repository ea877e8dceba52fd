"""Claimant pages of the dropbox channel: "I cannot upload now", and the cover sheet."""

import segno
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from claims import access
from documents.selectors import claim_uses_dropbox, dropbox_cover_items
from documents.services import claim_switch_to_dropbox

from .views import session_claim


def reference_qr_svg(reference: str) -> SafeString:
    """The claim reference as a QR code, inline SVG. Only the reference: nothing personal goes in it."""
    code = segno.make_qr(reference, error="m")
    # segno writes the SVG itself from the QR matrix; the reference's alphabet needs no escaping.
    return mark_safe(code.svg_inline(scale=4, omitsize=True, svgclass="qr", title=_("Kode QR nomor klaim")))


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, reference: str) -> HttpResponse:
    """'I cannot upload now': send paper copies through the branch dropbox instead."""
    claim = session_claim(request, reference)
    if not claim.accepts_uploads:
        return redirect("portal:status", reference=claim.reference)
    error = None
    if request.method == "POST":
        try:
            claim_switch_to_dropbox(claim=claim)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("portal:dropbox_cover", reference=claim.reference)
    elif claim_uses_dropbox(claim):
        return redirect("portal:dropbox_cover", reference=claim.reference)
    return render(
        request,
        "portal/dropbox/offer.html",
        {"claim": claim, "items": dropbox_cover_items(claim), "error": error},
        status=400 if error else 200,
    )


def cover_sheet(request: HttpRequest, reference: str) -> HttpResponse:
    """The cover sheet: printed and put in the envelope, or shown from the phone at the branch."""
    try:
        claim = session_claim(request, reference)
    except Http404:
        # Opened from the message on another phone or after the session ended: ask for the
        # one-time code, the same answer whether or not the reference exists.
        normalized = access.normalize_reference(reference)
        if not normalized:
            raise
        return redirect(f"{reverse('portal:status_start')}?nomor={normalized}")
    if not claim_uses_dropbox(claim):
        return redirect("portal:dropbox_offer", reference=claim.reference)
    return render(
        request,
        "portal/dropbox/cover.html",
        {
            "claim": claim,
            "items": dropbox_cover_items(claim),
            "qr_svg": reference_qr_svg(claim.reference),
        },
    )
