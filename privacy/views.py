"""The claimant's data export, from the claim page of the console (a subject-access request)."""

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from claims.models import Status
from claims.selectors import claims_for_staff
from core.staff import staff_only
from core.throttle import client_ip

from .export import claimant_data_export


@staff_only
@require_POST
def claim_export(request: HttpRequest, reference: str) -> FileResponse:
    """Everything held about the claimant, as a ZIP (subject-access request); recorded first."""
    claim = get_object_or_404(
        claims_for_staff(request.user).exclude(status=Status.DRAFT).select_related("programme", "reason", "branch"),
        reference=reference,
    )
    archive = claimant_data_export(
        claim=claim, by=request.user, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
    # The claim number names the file; no NIK or name in it.
    response = FileResponse(archive, as_attachment=True, filename=f"data-peserta-{claim.reference}.zip")
    response["Cache-Control"] = "no-store"
    return response
