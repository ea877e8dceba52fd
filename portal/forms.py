"""The claimant's own screens: one small form per screen, every message in plain words.

The forms for the claimant's data (identity, contact, heir) are claims/forms.py: the
officer's assisted and dropbox pages use the same ones.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.models import Branch, ClaimReason, Programme


class ProgrammeForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Pilih salah satu program."), "invalid_choice": _("Pilih salah satu program.")},
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class ReasonForm(forms.Form):
    reason = forms.ModelChoiceField(
        queryset=ClaimReason.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Pilih alasan klaim."), "invalid_choice": _("Pilih alasan klaim.")},
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons


class BranchForm(forms.Form):
    branch = forms.ModelChoiceField(
        queryset=Branch.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Pilih kantor cabang terdekat."),
            "invalid_choice": _("Pilih kantor cabang dari daftar."),
        },
    )
    intake_token = forms.UUIDField(widget=forms.HiddenInput)


class DocumentUploadForm(forms.Form):
    # Empty and missing files get the service's own plain message.
    file = forms.FileField(required=False, allow_empty_file=True)


class CancelForm(forms.Form):
    EXPLANATIONS = [
        ("wrong_data", _("Saya salah mengisi data")),
        ("visit_branch", _("Saya akan datang ke kantor cabang")),
        ("not_now", _("Saya tidak jadi mengajukan klaim")),
        ("other", _("Alasan lain")),
    ]
    explanation = forms.ChoiceField(
        label=_("Kenapa klaim dibatalkan?"),
        choices=EXPLANATIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih alasan pembatalan.")},
    )
    note = forms.CharField(label=_("Catatan (boleh dikosongkan)"), max_length=300, required=False)
    confirm = forms.BooleanField(
        label=_("Ya, saya ingin membatalkan klaim ini."),
        error_messages={"required": _("Centang kotak ini untuk membatalkan klaim.")},
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Nomor klaim"),
        max_length=20,
        help_text=_("Contoh: LA-7K3M-Q9XP. Ada di pesan WhatsApp/SMS dari kami."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        error_messages={"required": _("Tulis nomor klaim Anda.")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Tulis kode 6 angka dari pesan kami.")},
    )
