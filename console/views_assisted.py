"""The assisted channel: an officer starts a claim for a claimant without a smartphone."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from claims.selectors import claims_for_staff
from claims.services import (
    OpenClaimForStaff,
    assisted_branches,
    assisted_contact_via_branch,
    assisted_phone_code_send,
    assisted_phone_code_verify,
    assisted_phone_state,
    claim_create_assisted,
)
from core.staff import staff_only
from core.throttle import Throttled

from .forms_assisted import AssistedIntake, NoPhoneForm, PhoneCodeForm


def _claim_page(reference: str):
    """On to the console's claim page (console/urls_claims.py), where the officer uploads scans."""
    return redirect("console:claim", reference=reference)


@staff_only
@require_http_methods(["GET", "POST"])
def assisted_start(request: HttpRequest) -> HttpResponse:
    if not assisted_branches(request.user).exists():
        return render(request, "console/assisted/no_branch.html", status=403)
    intake = AssistedIntake(request.POST if request.method == "POST" else None, user=request.user)
    open_claim = None
    if intake.is_valid():
        cleaned = intake.cleaned
        try:
            claim = claim_create_assisted(
                data=intake.claimant_data(),
                reason=cleaned["reason"],
                branch=cleaned["branch"],
                channel=cleaned["channel"],
                by=request.user,
                intake_token=cleaned["intake_token"],
                where=cleaned["where"],
            )
        except OpenClaimForStaff as exc:
            intake.add_error(exc)
            open_claim = exc.claim
        except ValidationError as exc:
            intake.add_error(exc)
        else:
            if claim.contact_via_branch:
                return _claim_page(claim.reference)
            return redirect("console:assisted_phone", reference=claim.reference)
    return render(
        request,
        "console/assisted/start.html",
        {"intake": intake, "open_claim": open_claim},
        status=400 if intake.has_errors else 200,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def assisted_phone(request: HttpRequest, reference: str) -> HttpResponse:
    claim = get_object_or_404(
        claims_for_staff(request.user).filter(created_by__isnull=False).select_related("programme", "branch"),
        reference=reference,
    )
    if claim.phone_verified_at is not None or claim.contact_via_branch:
        return _claim_page(claim.reference)
    action = request.POST.get("action") if request.method == "POST" else None
    code_form = PhoneCodeForm(request.POST if action == "verify" else None)
    no_phone_form = NoPhoneForm(request.POST if action == "no_phone" else None)
    error = None
    try:
        if action == "send":
            assisted_phone_code_send(claim=claim, by=request.user)
            return redirect("console:assisted_phone", reference=claim.reference)
        if action == "verify" and code_form.is_valid():
            check = assisted_phone_code_verify(claim=claim, code=code_form.cleaned_data["code"], by=request.user)
            if check.verified:
                return _claim_page(claim.reference)
            if check.expired:
                error = _("Kode sudah tidak berlaku atau belum dikirim. Kirim kode baru.")
            elif check.exhausted:
                error = _("Kode salah terlalu sering. Kirim kode baru ke HP peserta.")
            else:
                error = _("Kode salah. Minta peserta membacakan lagi kode di pesan terbaru. Sisa %(n)d kali.") % {
                    "n": check.tries_left
                }
        if action == "no_phone" and no_phone_form.is_valid():
            assisted_contact_via_branch(claim=claim, by=request.user)
            return _claim_page(claim.reference)
    except Throttled:
        error = _("Kode sudah dikirim terlalu sering ke nomor ini. Tunggu %(minutes)d menit, lalu kirim lagi.") % {
            "minutes": settings.OTP_PER_PHONE_WINDOW // 60
        }
    except ValidationError as exc:
        error = exc.messages[0]
    failed = bool(error or code_form.errors or no_phone_form.errors)
    return render(
        request,
        "console/assisted/phone.html",
        {
            "claim": claim,
            # In full: the officer reads it back to the claimant before sending a code.
            "phone": claim.contact_phone,
            "state": assisted_phone_state(claim),
            "code_form": code_form,
            "no_phone_form": no_phone_form,
            "error": error,
        },
        status=400 if failed else 200,
    )
