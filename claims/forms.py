"""Claimant forms: one small form per screen, every message in plain words."""

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Branch, ClaimReason, HeirRelation, Programme
from .validators import nik_matches_birth_date, normalize_mobile, validate_kpj, validate_nik

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_person_name(value: str) -> str:
    """Names are kept as typed (any script), without control characters or doubled spaces."""
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value or ""))
    return " ".join(value.split())


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


class IdentityForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (16 angka di e-KTP)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Tulis NIK Anda. Ada di e-KTP, 16 angka.")},
    )
    kpj_number = forms.CharField(
        label=_("Nomor KPJ (11 angka di kartu peserta)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Tulis nomor KPJ. Ada di kartu peserta BPJS Ketenagakerjaan.")},
    )
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai e-KTP)"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tulis nama lengkap Anda seperti di e-KTP.")},
    )
    date_of_birth = forms.DateField(
        label=_("Tanggal lahir"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Tulis tanggal lahir Anda."),
            "invalid": _("Tanggal lahir tidak bisa dibaca. Tulis seperti 31-12-1990."),
        },
    )

    def __init__(self, *args, heir_claim: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if heir_claim:
            # An heir fills in the data of the worker who died.
            self.fields["nik"].label = _("NIK peserta yang meninggal")
            self.fields["kpj_number"].label = _("Nomor KPJ peserta yang meninggal")
            self.fields["full_name"].label = _("Nama lengkap peserta yang meninggal")
            self.fields["date_of_birth"].label = _("Tanggal lahir peserta yang meninggal")

    def clean_nik(self) -> str:
        return validate_nik(self.cleaned_data["nik"])

    def clean_kpj_number(self) -> str:
        return validate_kpj(self.cleaned_data["kpj_number"])

    def clean_full_name(self) -> str:
        name = clean_person_name(self.cleaned_data["full_name"])
        if len(name) < 2:
            raise ValidationError(_("Tulis nama lengkap Anda seperti di e-KTP."))
        return name

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today or born.year < today.year - 120:
            raise ValidationError(_("Tanggal lahir tidak mungkin. Periksa lagi."))
        return born

    def clean(self):
        data = super().clean()
        nik, born = data.get("nik"), data.get("date_of_birth")
        if nik and born and not nik_matches_birth_date(nik, born):
            self.add_error(
                "date_of_birth",
                _("Tanggal lahir tidak sama dengan tanggal lahir di NIK. Periksa lagi e-KTP Anda."),
            )
        return data


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Nomor HP (WhatsApp jika ada)"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Kami kirim nomor klaim dan kode ke nomor ini."),
        error_messages={"required": _("Tulis nomor HP yang aktif.")},
    )
    email = forms.EmailField(
        label=_("E-mail (boleh dikosongkan)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Alamat e-mail tidak benar. Periksa lagi, atau kosongkan saja.")},
    )

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])


class HeirForm(forms.Form):
    heir_name = forms.CharField(
        label=_("Nama lengkap ahli waris"),
        max_length=120,
        error_messages={"required": _("Tulis nama lengkap ahli waris.")},
    )
    heir_nik = forms.CharField(
        label=_("NIK ahli waris"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Tulis NIK ahli waris. Ada di e-KTP ahli waris.")},
    )
    heir_relation = forms.ChoiceField(
        label=_("Hubungan dengan peserta"),
        choices=HeirRelation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih hubungan ahli waris dengan peserta.")},
    )
    heir_phone = forms.CharField(
        label=_("Nomor HP ahli waris"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Kami kirim kabar klaim ke nomor ini."),
        error_messages={"required": _("Tulis nomor HP ahli waris yang aktif.")},
    )

    def clean_heir_name(self) -> str:
        name = clean_person_name(self.cleaned_data["heir_name"])
        if len(name) < 2:
            raise ValidationError(_("Tulis nama lengkap ahli waris."))
        return name

    def clean_heir_nik(self) -> str:
        return validate_nik(self.cleaned_data["heir_nik"])

    def clean_heir_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["heir_phone"])


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
