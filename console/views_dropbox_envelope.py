"""One dropbox envelope in the console (/petugas/dropbox/amplop/…): its page, the documents
inside, scanning and assigning its pages, and settling it when it matched no claim.

Same rules as views_dropbox: staff-only views on the user's scoped envelopes (404 outside),
the small forms beside the only views that use them.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from claims.models import DocumentType
from claims.selectors import requirements_for_reason
from core.staff import staff_only
from documents.models import EnvelopeResolution, EnvelopeStatus
from documents.selectors import (
    envelope_checklist,
    envelope_documents,
    envelope_pages,
    envelope_pending_pages,
    envelopes_for_staff,
)
from documents.services import (
    IGNORE_PAGE,
    envelope_contents_set,
    envelope_match,
    envelope_pages_assign,
    envelope_scans_add,
    envelope_set_aside,
)
from documents.uploads import upload_was_too_large

# --- forms ------------------------------------------------------------------------------


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
        scans: list[File] = list(request.FILES.getlist("scans"))
        pages = envelope_scans_add(envelope=envelope, files=scans, by=request.user)
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
            matched = envelope.claim
            assert matched is not None  # envelope_match() matches the envelope or raises
            messages.success(
                request,
                _("Amplop %(n)d cocok dengan klaim %(reference)s.")
                % {"n": envelope.number, "reference": matched.reference},
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
