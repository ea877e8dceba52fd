"""The branch dropbox in the console (/petugas/dropbox/): batches, envelopes, the unmatched list.

Views parse, call one service or selector, and render. Every view is staff-only and never
cached; batches and envelopes are looked up on the user's scoped querysets (404 outside).
The small forms of these pages live here, beside the only views that use them. One
envelope's page (contents, scans, page assignment, settling it) is in views_dropbox_envelope.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import StaffRequest
from claims.forms import ContactForm, HeirForm, IdentityForm
from claims.models import ClaimReason
from claims.services import ClaimantData
from claims.validators import normalize_mobile
from core.staff import staff_only
from documents.models import EnvelopeStatus
from documents.selectors import (
    batch_envelopes,
    dropbox_batches_for_staff,
    dropbox_open_batch,
    envelopes_for_staff,
    envelopes_unmatched_for_staff,
)
from documents.services import (
    dropbox_batch_close,
    dropbox_batch_open,
    envelope_claim_create,
    envelope_open,
)

# --- forms ------------------------------------------------------------------------------


class EnvelopeReferenceForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Nomor klaim di amplop"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "placeholder": "LA-XXXX-XXXX"}
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan (boleh dikosongkan)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Misalnya: tidak ada nomor klaim, nama di amplop, isi amplop."),
    )


class ReasonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ClaimReason) -> str:
        return f"{obj.programme.code} – {obj.localized('name')}"


class NewClaimForm(forms.Form):
    intake_token = forms.UUIDField(widget=forms.HiddenInput)
    reason = ReasonChoiceField(
        label=gettext_lazy("Program dan alasan klaim"),
        queryset=ClaimReason.objects.filter(is_active=True, programme__is_active=True).select_related("programme"),
        error_messages={"required": gettext_lazy("Pilih program dan alasan klaim.")},
    )


class EnvelopeContactForm(ContactForm):
    """The phone written in the papers, if any: without one the branch contacts the claimant."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = False
        self.fields["phone"].label = _("Nomor HP (boleh dikosongkan)")
        self.fields["phone"].help_text = _("Tanpa nomor HP, semua kabar klaim disampaikan lewat kantor cabang.")

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return normalize_mobile(phone) if phone.strip() else ""


# --- batches ----------------------------------------------------------------------------


@staff_only
@require_GET
def home(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "console/dropbox/home.html",
        {
            "open_batch": dropbox_open_batch(request.user.branch),
            "batches": dropbox_batches_for_staff(request.user)[:20],
            "unmatched_count": envelopes_unmatched_for_staff(request.user).count(),
        },
    )


@staff_only
@require_POST
def batch_open(request: StaffRequest) -> HttpResponse:
    if request.user.branch is None:
        messages.error(request, _("Akun Anda tidak terhubung ke kantor cabang, jadi tidak bisa membuka dropbox."))
        return redirect("console:dropbox_home")
    try:
        batch = dropbox_batch_open(branch=request.user.branch, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("console:dropbox_home")
    return redirect("console:dropbox_batch", batch_id=batch.pk)


def _batch_page(request: HttpRequest, batch, *, form=None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "console/dropbox/batch.html",
        {"batch": batch, "envelopes": batch_envelopes(batch), "form": form or EnvelopeReferenceForm()},
        status=status,
    )


@staff_only
@require_GET
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _batch_page(request, get_object_or_404(dropbox_batches_for_staff(request.user), pk=batch_id))


@staff_only
@require_POST
def envelope_add(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The next envelope, by the reference typed or read from its QR code."""
    batch = get_object_or_404(dropbox_batches_for_staff(request.user), pk=batch_id)
    form = EnvelopeReferenceForm(request.POST)
    if form.is_valid():
        try:
            envelope = envelope_open(
                batch=batch,
                typed_reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if envelope.claim is not None:
                messages.success(
                    request,
                    _("Amplop %(n)d cocok dengan klaim %(reference)s.")
                    % {"n": envelope.number, "reference": envelope.claim.reference},
                )
            else:
                # The same words for an unknown reference and another branch's claim.
                messages.warning(
                    request,
                    _("Nomor klaim tidak ditemukan di kantor cabang ini. Amplop %(n)d masuk daftar belum cocok.")
                    % {"n": envelope.number},
                )
            return redirect("console:dropbox_envelope", envelope_id=envelope.pk)
    return _batch_page(request, batch, form=form, status=400)


@staff_only
@require_POST
def batch_close(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(dropbox_batches_for_staff(request.user), pk=batch_id)
    dropbox_batch_close(batch=batch, by=request.user)
    messages.success(request, _("Pembukaan dropbox ditutup."))
    return redirect("console:dropbox_home")


# --- a claim made from the papers in an envelope ---------------------------------------


def _new_claim(request: HttpRequest, *, batch=None, envelope=None) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    claim_form = NewClaimForm(posted, initial={"intake_token": uuid.uuid4()})
    identity = IdentityForm(posted)
    contact = EnvelopeContactForm(posted)
    reason = None
    if claim_form.is_bound and (claim_form.is_valid() or "reason" in claim_form.cleaned_data):
        reason = claim_form.cleaned_data["reason"]
    needs_heir = reason is not None and reason.needs_heir
    heir = HeirForm(posted if needs_heir else None)
    if posted is not None:
        valid = all([claim_form.is_valid(), identity.is_valid(), contact.is_valid(), not needs_heir or heir.is_valid()])
        if valid and reason is not None:  # a valid claim_form always has a reason
            data = ClaimantData(
                **identity.cleaned_data, **contact.cleaned_data, **(heir.cleaned_data if needs_heir else {})
            )
            try:
                envelope = envelope_claim_create(
                    batch=batch,
                    envelope=envelope,
                    intake_token=claim_form.cleaned_data["intake_token"],
                    reason=reason,
                    data=data,
                    by=request.user,
                )
            except ValidationError as exc:
                claim_form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Klaim %(reference)s dibuat dari amplop %(n)d.")
                    % {"reference": envelope.claim.reference, "n": envelope.number},
                )
                return redirect("console:dropbox_envelope", envelope_id=envelope.pk)
    forms_ = [claim_form, identity, contact, heir]
    return render(
        request,
        "console/dropbox/new_claim.html",
        {
            "batch": batch or envelope.batch,
            "envelope": envelope,
            "claim_form": claim_form,
            "identity": identity,
            "contact": contact,
            "heir": heir,
            "has_errors": any(form.is_bound and form.errors for form in forms_),
        },
        status=400 if posted is not None else 200,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def batch_new_claim(request: HttpRequest, batch_id: int) -> HttpResponse:
    """An envelope with no reference on it: the claim is made from its papers."""
    batch = get_object_or_404(dropbox_batches_for_staff(request.user), pk=batch_id)
    if not batch.is_open:
        return redirect("console:dropbox_batch", batch_id=batch.pk)
    return _new_claim(request, batch=batch)


@staff_only
@require_http_methods(["GET", "POST"])
def envelope_new_claim(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """Settle an unmatched envelope by making the claim from its papers."""
    envelope = get_object_or_404(envelopes_for_staff(request.user), pk=envelope_id)
    if envelope.status != EnvelopeStatus.UNMATCHED:
        return redirect("console:dropbox_envelope", envelope_id=envelope.pk)
    return _new_claim(request, envelope=envelope)


# --- the unmatched list -----------------------------------------------------------------


@staff_only
@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    """Envelopes that matched no claim, oldest first, until each is settled."""
    return render(request, "console/dropbox/unmatched.html", {"envelopes": envelopes_unmatched_for_staff(request.user)})
