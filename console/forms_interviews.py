"""Forms of the officer's interview page: one per outcome, each carrying the claim's version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from interviews.forms import SlotField
from interviews.models import FailReason, IdentityCheck


class OutcomeForm(forms.Form):
    versi = forms.IntegerField(widget=forms.HiddenInput)
    periksa = forms.MultipleChoiceField(
        label=_("Pemeriksaan identitas"),
        choices=IdentityCheck.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    catatan = forms.CharField(
        label=_("Catatan"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FailForm(OutcomeForm):
    alasan = forms.ChoiceField(
        label=_("Alasan konfirmasi gagal"),
        choices=[("", _("— pilih —")), *FailReason.choices],
        error_messages={"required": _("Pilih alasan konfirmasi gagal.")},
    )


class MoveForm(forms.Form):
    versi = forms.IntegerField(widget=forms.HiddenInput)
    waktu = SlotField(label=_("Jam baru"), widget=forms.RadioSelect, error_messages={"required": _("Pilih jam.")})
    catatan = forms.CharField(
        label=_("Catatan"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waktu"].choices = [(slot.value, slot.local) for slot in slots]


class PhoneUpdateForm(forms.Form):
    versi = forms.IntegerField(widget=forms.HiddenInput)
    nomor = forms.CharField(label=_("Nomor HP baru"), max_length=24)
    # Which page the officer came from: "wawancara" (the interview page) or the claim page.
    kembali = forms.CharField(required=False, widget=forms.HiddenInput)


class ContactViaBranchForm(forms.Form):
    versi = forms.IntegerField(widget=forms.HiddenInput)
    kembali = forms.CharField(required=False, widget=forms.HiddenInput)
