import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from claims.access import normalize_reference
from claims.validators import nik_matches_birth_date, normalize_mobile, validate_kpj, validate_nik
from core.masking import mask_nik, mask_phone


@pytest.mark.parametrize("nik", ["3174011205900003", "3174 0112 0590 0003", "3174-0112-0590-0003", "9471012902000001"])
def test_valid_nik_is_accepted_and_cleaned(nik):
    assert validate_nik(nik) == nik.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("317401120590000", "nik_length"),
        ("31740112059000031", "nik_length"),
        ("31740112059000A3", "nik_digits"),
        ("2074011205900003", "nik_region"),
        ("3100011205900003", "nik_region"),
        ("3174001205900003", "nik_region"),
        ("3174013005010003", "nik_birth_date"),  # 30 May is fine, so use 30 Feb below
        ("3174013002900003", "nik_birth_date"),
        ("3174012902010003", "nik_birth_date"),  # 29 Feb 2001
        ("3174018002900003", "nik_birth_date"),  # woman, day 40 → 0
        ("3174011205900000", "nik_serial"),
    ],
)
def test_invalid_nik_is_refused_with_its_reason(nik, code):
    if code == "nik_birth_date" and nik == "3174013005010003":
        assert validate_nik(nik)
        return
    with pytest.raises(ValidationError) as excinfo:
        validate_nik(nik)
    assert excinfo.value.code == code


def test_nik_birth_date_part_matches_date_of_birth_for_men_and_women():
    assert nik_matches_birth_date("3174011205900003", dt.date(1990, 5, 12))
    assert nik_matches_birth_date("3174015205900003", dt.date(1990, 5, 12))
    assert not nik_matches_birth_date("3174011205900003", dt.date(1991, 5, 12))


def test_kpj_is_eleven_digits():
    assert validate_kpj("123 4567 8901") == "12345678901"
    with pytest.raises(ValidationError):
        validate_kpj("1234567890")


@pytest.mark.parametrize(
    "typed", ["081234567890", "6281234567890", "+6281234567890", "0812-3456-7890", "(0812) 3456 7890"]
)
def test_mobile_numbers_normalise_to_e164(typed):
    assert normalize_mobile(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["", "0812", "0215551234", "+16502530000", "+6281"])
def test_non_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_mobile(typed)


def test_masks_hide_the_middle():
    assert mask_nik("3174011205900003") == "3174********0003"
    assert "4567" not in mask_phone("+6281234567890")


@pytest.mark.parametrize("typed", ["la-7k3m-q9xp", "LA7K3MQ9XP", "7K3M Q9XP", " LA-7K3M-Q9XP "])
def test_references_are_read_kindly(typed):
    assert normalize_reference(typed) == "LA-7K3M-Q9XP"
