"""The claimant's data as a claim needs it (identity, contact, heir), every message in plain words.

The claimant's pages (portal/) and the officer's assisted and dropbox pages (console/)
use these same forms, so every rule about NIK, KPJ, names, dates and phones is here once.
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import HeirRelation
from .validators import nik_matches_birth_date, normalize_mobile, validate_kpj, validate_nik

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_person_name(value: str) -> str:
    """Names are kept as typed (any script), without control characters or doubled spaces."""
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value or ""))
    return " ".join(value.split())


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
