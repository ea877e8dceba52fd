"""Junk posted to every claimant form: no server error, no traceback, and a refusal says why.

Each form is posted EXAMPLES times (hypothesis, derandomized) through Django's test client
as the person who would post it: a fresh session part-way through starting a claim, the
browser that owns a draft claim, a claimant behind an interview link. Values are junk
(junk.py: empty, very long, unicode, control characters, NUL, SQL/HTML, huge numbers, bad
dates, files where text goes), or the real value, so later checks are reached too; any
field may be missing or sent twice. Staff forms are in test_forms_console.py.
"""

import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import strategies as st

import claims.forms
import interviews.forms
import portal.forms
from claims.models import ClaimReason
from claims.validators import clean_digits, validate_kpj, validate_nik
from portal.forms import CancelForm
from tests.factories import VALID_DOB, VALID_NIK

from .forms_harness import (
    Target,
    button,
    choice,
    contact_fields,
    files,
    forms_defined_in,
    heir_fields,
    identity_fields,
    mostly,
    real,
    run_target,
    text_or_file,
)
from .junk import junk_text

pytestmark = pytest.mark.django_db


# --- the intake steps, kept in the session ---------------------------------------------


def _reason(*, heir: bool) -> ClaimReason:
    code = "JKM" if heir else "JHT"
    return ClaimReason.objects.filter(programme__code=code, needs_heir=heir, is_active=True).first()


def _intake(*, upto: str, heir: bool = False) -> dict:
    reason = _reason(heir=heir)
    data = {"token": str(uuid.uuid4()), "programme": reason.programme.code}
    steps = ["reason", "identity", "contact", "heir"]
    for step in steps[: steps.index(upto) if upto in steps else len(steps)]:
        if step == "reason":
            data["reason"] = reason.pk
        elif step == "identity":
            data["identity"] = {
                "nik": VALID_NIK,
                "kpj_number": "12345678901",
                "full_name": "Siti Aminah",
                "date_of_birth": VALID_DOB.isoformat(),
            }
        elif step == "contact":
            data["contact"] = {"phone": "+6281234567890", "email": ""}
        elif step == "heir" and heir:
            data["heir"] = {
                "heir_name": "Budi Santoso",
                "heir_nik": "3273015506850002",
                "heir_relation": "spouse",
                "heir_phone": "+6285712345678",
            }
    return data


def at_step(upto: str, *, heir: bool = False):
    """Before each example: the session holds what the claimant entered before this step."""

    def prepare(world, client):
        session = client.session
        session["intake"] = world.intake = _intake(upto=upto, heir=heir)
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    return prepare


def pending_code(world, client):
    session = client.session
    session["pending_reference"] = world.draft.reference
    session["pending_attempts"] = 0
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def _claim_url(suffix: str):
    return lambda world: f"/klaim/{world.draft.reference}/{suffix}"


def _interview_link(suffix: str):
    return lambda world: f"/wawancara/{world.interview_token}/{suffix}"


CLAIMANT_TARGETS = [
    Target(
        "start: programme",
        "anonymous",
        lambda w: "/klaim/baru/",
        lambda w: {"programme": choice(["JHT", "JKK", "JKM", "JPN"])},
        prepare=at_step("reason"),
    ),
    Target(
        "start: reason",
        "anonymous",
        lambda w: "/klaim/baru/alasan/",
        lambda w: {"reason": choice([str(r.pk) for r in ClaimReason.objects.all()])},
        prepare=at_step("reason"),
    ),
    Target(
        "start: identity",
        "anonymous",
        lambda w: "/klaim/baru/data-peserta/",
        identity_fields,
        prepare=at_step("identity"),
    ),
    Target("start: contact", "anonymous", lambda w: "/klaim/baru/kontak/", contact_fields, prepare=at_step("contact")),
    Target(
        "start: heir", "anonymous", lambda w: "/klaim/baru/ahli-waris/", heir_fields, prepare=at_step("heir", heir=True)
    ),
    Target(
        "start: branch",
        "anonymous",
        lambda w: "/klaim/baru/kantor-cabang/",
        lambda w: {
            "branch": mostly(w.branch.code),
            "intake_token": mostly(real(lambda w: w.intake["token"])),
            "q": junk_text,
        },
        prepare=at_step("done"),
    ),
    Target(
        "document upload",
        "claimant",
        lambda w: f"/klaim/{w.draft.reference}/dokumen/{w.draft.reason.requirements.first().document_type.code}/",
        lambda w: {"file": st.one_of(files, files, text_or_file)},
    ),
    Target(
        "document delete",
        "claimant",
        lambda w: f"/klaim/{w.draft.reference}/berkas/{w.draft_document.pk}/hapus/",
        lambda w: {"confirm": junk_text},
        examples=10,
    ),
    Target("submit", "claimant", _claim_url("kirim/"), lambda w: {"confirm": junk_text}, examples=10),
    Target(
        "cancel",
        "claimant",
        _claim_url("batalkan/"),
        lambda w: {
            "explanation": choice([code for code, _label in CancelForm.EXPLANATIONS]),
            "note": mostly("Saya salah mengisi nomor HP"),
            "confirm": choice(["on", "true", "1"]),
        },
    ),
    button("save and finish later", "claimant", _claim_url("lanjut-nanti/")),
    button("switch to dropbox", "claimant", _claim_url("dropbox/pilih/")),
    Target(
        "status: reference", "anonymous", lambda w: "/cek-klaim/", lambda w: {"reference": mostly(w.draft.reference)}
    ),
    Target(
        "status: one-time code",
        "anonymous",
        lambda w: "/cek-klaim/kode/",
        lambda w: {"code": mostly(st.from_regex(r"\A[0-9]{6}\Z"))},
        prepare=pending_code,
    ),
    Target(
        "interview link: other time",
        "anonymous",
        _interview_link("ubah/"),
        lambda w: {"waktu": mostly(real(lambda w: w.free_slot(exclude_interview=True)))},
    ),
    button("interview link: confirm", "anonymous", _interview_link("konfirmasi/")),
    button("interview link: phone call", "anonymous", _interview_link("telepon/")),
    Target(
        "language switch",
        "anonymous",
        lambda w: "/bahasa/",
        lambda w: {"language": choice(["en", "id"]), "next": choice(["/cek-klaim/", "https://example.com/"])},
    ),
    Target(
        "staff login",
        "anonymous",
        lambda w: "/admin/login/",
        lambda w: {
            "username": mostly(real(lambda w: w.officer.username)),
            "password": junk_text,
            "next": choice(["/petugas/", "//example.com"]),
        },
    ),
]


@pytest.mark.parametrize("target", CLAIMANT_TARGETS, ids=[t.name for t in CLAIMANT_TARGETS])
def test_claimant_form_survives_junk(target, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = run_target(target, world)
    assert statuses


def test_branch_search_page_survives_junk(world):
    target = Target(
        "start: branch search",
        "anonymous",
        lambda w: "/klaim/baru/kantor-cabang/",
        lambda w: {"q": junk_text},
        method="get",
        prepare=at_step("done"),
    )
    statuses = run_target(target, world)
    # Every junk query gets the page back (check_page has read each one).
    assert statuses
    assert set(statuses) == {200}


def test_every_claimant_form_class_is_fuzzed():
    """A new form in claims/, interviews/ or portal/ fails here until a target above posts to it."""
    covered = {
        "ProgrammeForm", "ReasonForm", "IdentityForm", "ContactForm", "HeirForm", "BranchForm",
        "DocumentUploadForm", "CancelForm", "ReferenceForm", "CodeForm", "BookForm", "RescheduleForm",
    }  # fmt: skip
    found = forms_defined_in(claims.forms, interviews.forms, portal.forms)
    assert found <= covered, f"not fuzzed yet: {sorted(found - covered)}"


# --- regressions found by the fuzz pass --------------------------------------------------


@pytest.mark.parametrize("username", ["9" * 300, "e\u0301" * 150])
def test_staff_login_with_a_long_username_is_refused_not_failing(client, username):
    response = client.post("/admin/login/", {"username": username, "password": "salah"})
    assert response.status_code < 500


@pytest.mark.parametrize("value", ["²³¹⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶", "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯"])
def test_nik_of_digit_lookalikes_is_refused_with_a_message(value):
    with pytest.raises(ValidationError) as refused:
        validate_nik(value)
    assert "angka" in refused.value.messages[0]


def test_nik_in_other_digit_scripts_is_stored_as_ascii_digits():
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in VALID_NIK)
    arabic_indic = "".join(chr(0x660 + int(digit)) for digit in VALID_NIK)
    assert validate_nik(full_width) == VALID_NIK
    assert validate_nik(arabic_indic) == VALID_NIK
    assert clean_digits("０８１２-３４５６") == "08123456"


def test_kpj_of_superscript_digits_is_refused():
    with pytest.raises(ValidationError):
        validate_kpj("²³¹⁴⁵⁶⁷⁸⁹⁰¹")


def test_identity_step_with_superscript_nik_shows_the_error(world, client):
    at_step("identity")(world, client)
    response = client.post(
        "/klaim/baru/data-peserta/",
        {"nik": "²³¹⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶", "kpj_number": "12345678901", "full_name": "Siti", "date_of_birth": "1990-05-12"},
    )
    assert response.status_code == 400
    assert "NIK hanya berisi angka" in response.content.decode()
