"""Claimant pages of a claim that already exists: documents, sending, status, cancelling,
coming back with a one-time code, and picking up an unfinished claim."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from claims import access
from claims.models import CancelReason, Status
from claims.selectors import claim_decision_due, claim_timeline, requirements_for_reason
from claims.services import ClaimTransitionNotAllowed, claim_cancel
from core.throttle import Throttled, client_ip
from documents.models import Document, DocumentStatus
from documents.selectors import claim_checklist, claim_missing_requirements
from documents.services import claim_submit, document_remove, document_upload, too_large_message
from documents.uploads import upload_was_too_large

from .forms import CancelForm, CodeForm, DocumentUploadForm, ReferenceForm
from .next_step import claimant_next_step
from .views import form_data, render_page, session_claim

PENDING_REFERENCE_KEY = "pending_reference"
PENDING_ATTEMPTS_KEY = "pending_attempts"


# --- helpers ------------------------------------------------------------------------


def _refresh_while_checking(items) -> int | None:
    """Reload the page every few seconds while a document is being checked (works without JS)."""
    checking = any(item.document is not None and item.document.status == DocumentStatus.CHECKING for item in items)
    return 4 if checking else None


# --- documents ------------------------------------------------------------------------


def checklist(request: HttpRequest, reference: str) -> HttpResponse:
    claim = session_claim(request, reference)
    items = claim_checklist(claim)
    return render_page(
        request,
        "checklist.html",
        {
            "claim": claim,
            "items": items,
            "missing": [i for i in items if i.requirement.required and not i.done],
            "refresh_seconds": _refresh_while_checking(items),
        },
    )


@require_http_methods(["GET", "POST"])
def document_step(request: HttpRequest, reference: str, type_code: str) -> HttpResponse:
    claim = session_claim(request, reference)
    requirement = get_object_or_404(requirements_for_reason(claim.reason), document_type__code=type_code)
    current = {item.requirement.pk: item.document for item in claim_checklist(claim)}.get(requirement.pk)
    form = DocumentUploadForm(form_data(request), request.FILES or None)
    error = None
    if request.method == "POST":
        if upload_was_too_large(request):
            error = too_large_message()
        elif form.is_valid() and form.cleaned_data["file"] is None:
            error = _("Pilih foto atau berkas dulu, lalu tekan Unggah.")
        elif form.is_valid():
            try:
                document_upload(
                    claim=claim, document_type=requirement.document_type, uploaded=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                messages.success(
                    request, _("%(name)s sudah terunggah.") % {"name": requirement.document_type.localized("name")}
                )
                return redirect("portal:checklist", reference=claim.reference)
        else:
            error = _("Berkas tidak terbaca. Coba lagi.")
    return render_page(
        request,
        "document.html",
        {
            "claim": claim,
            "requirement": requirement,
            "current": current,
            "form": form,
            "error": error,
            "max_mb": settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024),
            "tus_chunk_bytes": settings.DOCUMENT_RESUMABLE_CHUNK_BYTES,
        },
        status=400 if error else 200,
    )


@require_POST
def document_delete(request: HttpRequest, reference: str, document_id: uuid.UUID) -> HttpResponse:
    claim = session_claim(request, reference)
    document = get_object_or_404(Document, pk=document_id, claim=claim)
    try:
        document_remove(document=document)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Dokumen dihapus."))
    return redirect("portal:checklist", reference=claim.reference)


# --- submit, status, cancel -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    claim = session_claim(request, reference)
    if claim.status != Status.DRAFT:
        return redirect("portal:submitted", reference=claim.reference)
    error = None
    if request.method == "POST":
        try:
            claim_submit(claim=claim)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("portal:submitted", reference=claim.reference)
    return render_page(
        request,
        "submit.html",
        {"claim": claim, "items": claim_checklist(claim), "missing": claim_missing_requirements(claim), "error": error},
        status=400 if error else 200,
    )


def submitted(request: HttpRequest, reference: str) -> HttpResponse:
    claim = session_claim(request, reference)
    if claim.status == Status.DRAFT:
        return redirect("portal:submit", reference=claim.reference)
    return render_page(request, "submitted.html", {"claim": claim})


def status(request: HttpRequest, reference: str) -> HttpResponse:
    claim = session_claim(request, reference)
    items = claim_checklist(claim)
    to_fix = [i for i in items if i.requirement.required and not i.done] if claim.accepts_uploads else []
    return render_page(
        request,
        "status.html",
        {
            "claim": claim,
            "next_step": claimant_next_step(claim, to_fix=len(to_fix), language=request.LANGUAGE_CODE or "id"),
            # Promised only while a decision is still to come.
            "decision_due": claim_decision_due(claim) if claim.is_open else None,
            "timeline": claim_timeline(claim),
            "items": items,
            "to_fix": to_fix,
            "refresh_seconds": _refresh_while_checking(items),
        },
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    claim = session_claim(request, reference)
    if not claim.is_open:
        return redirect("portal:status", reference=claim.reference)
    form = CancelForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        explanation = dict(CancelForm.EXPLANATIONS)[form.cleaned_data["explanation"]]
        note = f"{explanation}. {form.cleaned_data['note']}".strip(" .")
        try:
            claim_cancel(claim=claim, reason=CancelReason.CLAIMANT_REQUEST, note=note)
        except ClaimTransitionNotAllowed:
            messages.error(request, _("Klaim ini tidak bisa dibatalkan lagi."))
        else:
            messages.success(request, _("Klaim sudah dibatalkan."))
        return redirect("portal:status", reference=claim.reference)
    return render_page(request, "cancel.html", {"claim": claim, "form": form}, status=400 if form.errors else 200)


# --- coming back with a reference and a one-time code -------------------------------


@require_http_methods(["GET", "POST"])
def status_start(request: HttpRequest) -> HttpResponse:
    # Messages link here with the claim number filled in (?nomor=…).
    form = ReferenceForm(form_data(request), initial={"reference": request.GET.get("nomor", "")[:20]})
    if request.method == "POST" and form.is_valid():
        reference = access.normalize_reference(form.cleaned_data["reference"])
        if not reference:
            form.add_error("reference", _("Nomor klaim tidak lengkap. Contohnya LA-7K3M-Q9XP."))
        else:
            try:
                access.one_time_code_request(reference=reference, ip=client_ip(request))
            except Throttled:
                form.add_error(
                    None,
                    _(
                        "Terlalu banyak permintaan kode. Tunggu %(minutes)d menit, lalu coba lagi. "
                        "Butuh bantuan? Telepon %(cc)s."
                    )
                    % {"minutes": settings.OTP_PER_IP_WINDOW // 60, "cc": settings.CALL_CENTRE_NUMBER},
                )
            else:
                request.session[PENDING_REFERENCE_KEY] = reference
                request.session[PENDING_ATTEMPTS_KEY] = 0
                return redirect("portal:status_code")
    return render_page(request, "status_start.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def status_code(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(PENDING_REFERENCE_KEY)
    if not reference:
        return redirect("portal:status_start")
    form = CodeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        attempts = request.session.get(PENDING_ATTEMPTS_KEY, 0) + 1
        request.session[PENDING_ATTEMPTS_KEY] = attempts
        result = access.one_time_code_verify(reference=reference, code=form.cleaned_data["code"])
        if result.claim is not None:
            access.session_grant(request.session, result.claim)
            request.session.pop(PENDING_REFERENCE_KEY, None)
            request.session.pop(PENDING_ATTEMPTS_KEY, None)
            return redirect("portal:status", reference=result.claim.reference)
        if result.exhausted or attempts >= settings.OTP_MAX_ATTEMPTS:
            form.add_error(
                None, _("Kode ini sudah salah %(n)d kali. Minta kode baru.") % {"n": settings.OTP_MAX_ATTEMPTS}
            )
        else:
            form.add_error(
                "code",
                _("Kode salah atau sudah tidak berlaku. Periksa pesan terakhir dari kami, atau minta kode baru."),
            )
    return render_page(
        request,
        "status_code.html",
        {"form": form, "reference": reference, "minutes": settings.OTP_TTL_SECONDS // 60},
        status=400 if form.errors else 200,
    )


def claim_resume(request: HttpRequest, reference: str) -> HttpResponse:
    """Where an unfinished claim picks up: the first thing still to do.

    A draft goes to its first required document not yet uploaded (or rejected), or to
    "check and send" when none is left; any other claim to its status.
    """
    claim = session_claim(request, reference)
    if claim.status != Status.DRAFT:
        return redirect("portal:status", reference=claim.reference)
    missing = claim_missing_requirements(claim)
    if missing:
        return redirect("portal:document", reference=claim.reference, type_code=missing[0].document_type.code)
    return redirect("portal:submit", reference=claim.reference)
