"""Identity formats of DOMAIN.md: NIK, KPJ number, Indonesian mobile numbers.

Every message says what to do next, in plain words.
"""

import datetime as dt
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province codes (kode wilayah) in use, including the Papua provinces formed in 2022.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)

_SEPARATORS = re.compile(r"[\s.\-]")


def clean_digits(value: str) -> str:
    """People type numbers with spaces, dots or dashes; keep only what they meant.

    Digits from another script (full-width from some keyboards, Arabic-Indic) mean the
    same number and become 0-9; anything else that is not a separator is left for the
    caller to refuse.
    """
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
        for ch in _SEPARATORS.sub("", value or "")
    )


def _ascii_digits(value: str) -> bool:
    # str.isdigit() also says yes to "²" or "①", which int() cannot read.
    return value.isascii() and value.isdigit()


def nik_birth_date(nik: str) -> tuple[int, int, int]:
    """(day, month, two-digit year) from a NIK; women's day has 40 added."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    return (day - 40 if day > 40 else day), month, year


def validate_nik(value: str) -> str:
    nik = clean_digits(value)
    if not _ascii_digits(nik):
        raise ValidationError(_("NIK hanya berisi angka. Lihat 16 angka di e-KTP Anda."), code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("NIK harus 16 angka. Anda mengisi %(count)d angka. Periksa lagi e-KTP Anda."),
            code="nik_length",
            params={"count": len(nik)},
        )
    if int(nik[:2]) not in PROVINCE_CODES or nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError(
            _("Kode wilayah di 6 angka pertama NIK tidak dikenal. Periksa lagi e-KTP Anda."), code="nik_region"
        )
    day, month, year = nik_birth_date(nik)
    try:
        # The century is unknown: 29 February is checked against the two-digit year alone.
        dt.date(2000 + year if year % 4 == 0 else 2001, month, day)
    except ValueError:
        raise ValidationError(
            _("Angka tanggal lahir di NIK (angka ke-7 sampai ke-12) tidak mungkin. Periksa lagi e-KTP Anda."),
            code="nik_birth_date",
        ) from None
    if nik[12:] == "0000":
        raise ValidationError(_("4 angka terakhir NIK tidak boleh 0000. Periksa lagi e-KTP Anda."), code="nik_serial")
    return nik


def nik_matches_birth_date(nik: str, date_of_birth: dt.date) -> bool:
    day, month, year = nik_birth_date(nik)
    return (day, month, year) == (date_of_birth.day, date_of_birth.month, date_of_birth.year % 100)


def validate_kpj(value: str) -> str:
    kpj = clean_digits(value)
    if not _ascii_digits(kpj) or len(kpj) != 11:
        raise ValidationError(
            _("Nomor KPJ harus 11 angka. Lihat kartu peserta BPJS Ketenagakerjaan atau aplikasi JMO."), code="kpj"
        )
    return kpj


def normalize_mobile(value: str) -> str:
    """An Indonesian mobile number typed as 08…, 62… or +62… → E.164 (+628…)."""
    raw = (value or "").strip()
    digits = clean_digits(raw).replace("(", "").replace(")", "")
    if digits.startswith("62") and not digits.startswith("+"):
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 62
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number)
        not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    ):
        raise ValidationError(
            _("Nomor HP tidak dikenali. Tulis nomor HP Indonesia yang aktif, misalnya 0812 3456 7890."),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
