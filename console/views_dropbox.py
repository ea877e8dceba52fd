"""The branch dropbox in the console (/petugas/dropbox/): batches, envelopes, scans, the unmatched list.

Views parse, call one service or selector, and render. Every view is staff-only and never
cached; batches and envelopes are looked up on the user's scoped querysets (404 outside).
The small forms of these pages live here, beside the only views that use them.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.forms import ContactForm, HeirForm, IdentityForm
from claims.models import ClaimReason, DocumentType
from claims.selectors import requirements_for_reason
from claims.services import ClaimantData
from claims.validators import normalize_mobile
from documents.models import EnvelopeResolution, EnvelopeStatus
from documents.selectors import (
    batch_envelopes,
    dropbox_batches_for_staff,
    dropbox_open_batch,
    envelope_checklist,
    envelope_documents,
    envelope_pages,
    envelope_pending_pages,
    envelopes_for_staff,
    envelopes_unmatched_for_staff,
)
from documents.services import (
    IGNORE_PAGE,
    dropbox_batch_close,
    dropbox_batch_open,
    envelope_claim_create,
    envelope_contents_set,
    envelope_match,
    envelope_open,
    envelope_pages_assign,
    envelope_scans_add,
    envelope_set_aside,
)
from documents.uploads import upload_was_too_large

from .views import staff_only

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


class MatchForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Nomor klaim yang benar"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Tulis nomor klaim.")},
    )


class SetAsideForm(forms.Form):
    resolution = forms.ChoiceField(
        label=gettext_lazy("Amplop ini"),
        choices=[
            (EnvelopeResolution.RETURNED, EnvelopeResolution.RETURNED.label),
            (EnvelopeResolution.DISPOSED, EnvelopeResolution.DISPOSED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pilih: dikembalikan atau dimusnahkan.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Tulis catatan: kepada siapa dikembalikan, atau kenapa dimusnahkan.")},
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


class ContentsForm(forms.Form):
    contents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Dokumen di dalam amplop"),
        queryset=DocumentType.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contents"].queryset = DocumentType.objects.filter(
            pk__in=[r.document_type_id for r in requirements]
        )
        self.fields["contents"].label_from_instance = lambda t: t.localized("name")


class AssignForm(forms.Form):
    """One choice per waiting page: which document it belongs to, or none."""

    def __init__(self, *args, pages, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— pilih —")),
            *[(r.document_type.code, r.document_type.localized("name")) for r in requirements],
            (IGNORE_PAGE, _("Bukan dokumen (lembar sampul, halaman kosong)")),
        ]
        self.pages = list(pages)
        for page in self.pages:
            self.fields[f"page_{page.pk}"] = forms.ChoiceField(
                label=_("Halaman %(n)d") % {"n": page.page_number}, choices=choices, required=False
            )

    def rows(self):
        return [(page, self[f"page_{page.pk}"]) for page in self.pages]

    def assignments(self) -> dict[int, str]:
        return {
            page.pk: self.cleaned_data[f"page_{page.pk}"]
            for page in self.pages
            if self.cleaned_data.get(f"page_{page.pk}")
        }


# --- batches ----------------------------------------------------------------------------


@staff_only
@require_GET
def home(request: HttpRequest) -> HttpResponse:
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
def batch_open(request: HttpRequest) -> HttpResponse:
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
            if envelope.claim_id:
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
        if valid:
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


# --- one envelope -----------------------------------------------------------------------


def _envelope_page(request: HttpRequest, envelope, *, status: int = 200, error: str = "", **forms_) -> HttpResponse:
    requirements = list(requirements_for_reason(envelope.claim.reason)) if envelope.claim_id else []
    checklist = envelope_checklist(envelope)
    pending = envelope_pending_pages(envelope)
    context = {
        "envelope": envelope,
        "claim": envelope.claim,
        "checklist": checklist,
        "pages": envelope_pages(envelope),
        "documents": envelope_documents(envelope),
        "contents_form": ContentsForm(
            requirements=requirements,
            initial={"contents": [item.requirement.document_type.code for item in checklist if item.inside]},
        ),
        "assign_form": AssignForm(pages=pending, requirements=requirements),
        "match_form": MatchForm(),
        "set_aside_form": SetAsideForm(),
        "max_mb": settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024),
        "error": error,
    }
    context.update(forms_)
    return render(request, "console/dropbox/envelope.html", context, status=status)


def _scoped_envelope(request: HttpRequest, envelope_id: int):
    return get_object_or_404(envelopes_for_staff(request.user), pk=envelope_id)


@staff_only
@require_GET
def envelope(request: HttpRequest, envelope_id: int) -> HttpResponse:
    return _envelope_page(request, _scoped_envelope(request, envelope_id))


@staff_only
@require_POST
def envelope_contents(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """Tick which of the claim's documents are inside."""
    envelope = _scoped_envelope(request, envelope_id)
    if envelope.claim_id is None:
        return redirect("console:dropbox_envelope", envelope_id=envelope.pk)
    form = ContentsForm(request.POST, requirements=requirements_for_reason(envelope.claim.reason))
    if not form.is_valid():
        return _envelope_page(request, envelope, status=400, contents_form=form)
    envelope_contents_set(envelope=envelope, document_types=form.cleaned_data["contents"], by=request.user)
    messages.success(request, _("Isi amplop dicatat."))
    return redirect("console:dropbox_envelope", envelope_id=envelope.pk)


@staff_only
@require_POST
def envelope_scans(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """The scans: one multi-page PDF or several photos; pages are assigned next."""
    envelope = _scoped_envelope(request, envelope_id)
    if upload_was_too_large(request):
        limit_mb = settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
        return _envelope_page(
            request,
            envelope,
            status=400,
            error=_("Berkas lebih dari %(limit)d MB. Pindai dengan resolusi lebih kecil.") % {"limit": limit_mb},
        )
    try:
        pages = envelope_scans_add(envelope=envelope, files=request.FILES.getlist("scans"), by=request.user)
    except ValidationError as exc:
        return _envelope_page(request, envelope, status=400, error=exc.messages[0])
    messages.success(request, _("%(n)d halaman tersimpan. Pilih dokumen untuk setiap halaman.") % {"n": len(pages)})
    return redirect("console:dropbox_envelope", envelope_id=envelope.pk)


@staff_only
@require_POST
def envelope_assign(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """Pages → documents; each document then goes through the background checks."""
    envelope = _scoped_envelope(request, envelope_id)
    requirements = list(requirements_for_reason(envelope.claim.reason)) if envelope.claim_id else []
    form = AssignForm(request.POST, pages=envelope_pending_pages(envelope), requirements=requirements)
    if not form.is_valid():
        return _envelope_page(request, envelope, status=400, assign_form=form)
    try:
        documents = envelope_pages_assign(envelope=envelope, assignments=form.assignments(), by=request.user)
    except ValidationError as exc:
        return _envelope_page(request, envelope, status=400, assign_form=form, error=exc.messages[0])
    messages.success(request, _("%(n)d dokumen dibuat dan sedang diperiksa otomatis.") % {"n": len(documents)})
    return redirect("console:dropbox_envelope", envelope_id=envelope.pk)


@staff_only
@require_POST
def envelope_match_view(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """Settle an unmatched envelope with the right reference."""
    envelope = _scoped_envelope(request, envelope_id)
    form = MatchForm(request.POST)
    if form.is_valid():
        try:
            envelope = envelope_match(
                envelope=envelope, typed_reference=form.cleaned_data["reference"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("reference", exc)
        else:
            messages.success(
                request,
                _("Amplop %(n)d cocok dengan klaim %(reference)s.")
                % {"n": envelope.number, "reference": envelope.claim.reference},
            )
            return redirect("console:dropbox_envelope", envelope_id=envelope.pk)
    # The match form shows only while the envelope is unmatched: a late post (another tab, a
    # colleague was faster) is told so instead of a silent 400.
    error = (
        "" if envelope.status == EnvelopeStatus.UNMATCHED else _("Amplop ini sudah diselesaikan. Muat ulang halaman.")
    )
    return _envelope_page(request, envelope, status=400, match_form=form, error=error)


@staff_only
@require_POST
def envelope_set_aside_view(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """An unmatched envelope returned to its sender or disposed of, with a note."""
    envelope = _scoped_envelope(request, envelope_id)
    form = SetAsideForm(request.POST)
    if form.is_valid():
        try:
            envelope_set_aside(
                envelope=envelope,
                resolution=EnvelopeResolution(form.cleaned_data["resolution"]),
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Amplop %(n)d diselesaikan.") % {"n": envelope.number})
            return redirect("console:dropbox_unmatched")
    return _envelope_page(request, envelope, status=400, set_aside_form=form)


@staff_only
@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    """Envelopes that matched no claim, oldest first, until each is settled."""
    return render(request, "console/dropbox/unmatched.html", {"envelopes": envelopes_unmatched_for_staff(request.user)})
