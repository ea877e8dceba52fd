"""Junk posted to every staff console form: no server error, no traceback, a refusal says why.

As test_forms.py, for the officer of the claim's branch (claim page, interviews, assisted
channel, dropbox) and the branch manager (audit log, dashboard filters).
"""

import uuid

import pytest
from hypothesis import strategies as st

from claims.models import CancelReason, Channel, ClaimReason, Status
from claims.services import AssistedWhere, RejectReason
from console.selectors import claim_document_rows
from documents.models import EnvelopeResolution
from documents.rejections import OFFICER_REJECTION_LABELS
from documents.services import IGNORE_PAGE
from interviews.models import CallChannel, FailReason, IdentityCheck

from .forms_harness import (
    ERROR_MARKERS,
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
)
from .world import World

pytestmark = pytest.mark.django_db


def version(attribute: str):
    """The claim's current version, read when the post is made (it goes up with every change)."""
    return mostly(real(lambda w: w.version(getattr(w, attribute))))


def _console(attribute: str, suffix: str):
    return lambda w: f"/petugas/klaim/{getattr(w, attribute).reference}/{suffix}"


def _interview(suffix: str):
    return lambda w: f"/petugas/wawancara/{w.interviewed.reference}/{suffix}"


def _review_fields(w) -> dict:
    fields = {"versi": version("in_review")}
    for row in claim_document_rows(w.in_review):
        if row.reviewable:
            pk = row.document.pk
            fields[f"keputusan_{pk}"] = choice(["terima", "tolak", ""])
            fields[f"alasan_{pk}"] = choice(OFFICER_REJECTION_LABELS)
            fields[f"catatan_{pk}"] = mostly("Foto buram, ulangi di tempat terang")
    return fields


def _outcome_fields(w) -> dict:
    return {
        "versi": version("interviewed"),
        "periksa": choice(IdentityCheck.values),
        "catatan": mostly("Peserta menjawab semua pertanyaan"),
        "alasan": choice(FailReason.values),
    }


def _new_claim_fields(w) -> dict:
    reasons = [str(r.pk) for r in ClaimReason.objects.filter(is_active=True)]
    return {
        "intake_token": mostly(real(lambda w: str(uuid.uuid4()))),
        "reason": choice(reasons),
        **identity_fields(w),
        **contact_fields(w),
        **heir_fields(w),
    }


def _assisted_fields(w) -> dict:
    return {
        **_new_claim_fields(w),
        "branch": mostly(w.branch.code),
        "channel": choice([Channel.ELECTRONIC, Channel.DROPBOX]),
        "where": choice(AssistedWhere.values),
    }


def _dashboard_fields(w) -> dict:
    from reports.figures import MEASURES

    return {
        "periode": choice(["minggu", "bulan", "rentang"]),
        "minggu": choice(["2026-03-02", "0001-01-01", "9999-12-31"]),
        "bulan": choice(["2026-03", "0-13", "9999-12", "0001-01"]),
        "dari": choice(["2026-03-01", "0001-01-01"]),
        "sampai": choice(["2026-03-31", "9999-12-31"]),
        "cabang": choice([str(w.branch.pk)]),
        "program": choice(["JHT", "JKM"]),
        "jalur": choice(Channel.values),
        "urut": choice(["label", "ttd_median"]),
        "arah": choice(["turun", "naik"]),
        "m": choice(list(MEASURES)),
        "halaman": choice(["1", "2", "-1"]),
        "pengingat": choice(["0", "1", "3"]),
        "saluran": choice(["whatsapp", "sms"]),
    }


STAFF_TARGETS = [
    # --- the queue, the audit log, the dashboard (GET filter forms) ----------------------
    Target(
        "queue filters",
        "officer",
        lambda w: "/petugas/",
        lambda w: {
            "program": choice(["JHT", "JKM"]),
            "jalur": choice(Channel.values),
            "status": choice([*Status.values, "all"]),
            "halaman": choice(["1", "2", "999999999999"]),
        },
        method="get",
    ),
    Target(
        "inbox answer",
        "officer",
        lambda w: f"/petugas/balasan/{w.inbox_reply.pk}/jawab/",
        lambda w: {"text": mostly("Dana cair minggu ini, Bu.")},
    ),
    Target(
        "audit filters",
        "manager",
        lambda w: "/petugas/audit/",
        lambda w: {
            "klaim": mostly(real(lambda w: w.in_review.reference)),
            "petugas": mostly(real(lambda w: w.officer.username)),
            "akses": choice(["file", "thumbnail", "nik"]),
            "halaman": choice(["1", "last"]),
        },
        method="get",
    ),
    Target(
        "dashboard filters",
        "manager",
        lambda w: "/petugas/dasbor/",
        _dashboard_fields,
        method="get",
    ),
    Target(
        "dashboard list filters",
        "manager",
        lambda w: "/petugas/dasbor/klaim/",
        _dashboard_fields,
        method="get",
    ),
    Target(
        "dashboard list CSV",
        "manager",
        lambda w: "/petugas/dasbor/klaim.csv",
        _dashboard_fields,
        method="get",
        examples=10,
    ),
    Target(
        "dashboard table CSV",
        "manager",
        lambda w: "/petugas/dasbor/tabel.csv",
        _dashboard_fields,
        method="get",
        examples=10,
    ),
    # --- one claim's page ------------------------------------------------------------------
    Target("claim: take", "officer", _console("in_review", "tangani/"), lambda w: {"versi": version("in_review")}),
    Target("claim: document decisions", "officer", _console("in_review", "dokumen/"), _review_fields),
    Target(
        "claim: request documents",
        "officer",
        _console("in_review", "minta-dokumen/"),
        lambda w: {
            "versi": version("in_review"),
            "dokumen": choice([str(r.document_type.pk) for r in w.in_review.reason.requirements.all()]),
            "catatan": mostly("Mohon kirim ulang"),
        },
    ),
    Target("claim: approve", "officer", _console("in_review", "setujui/"), lambda w: {"versi": version("in_review")}),
    Target(
        "claim: reject",
        "officer",
        _console("in_review", "tolak/"),
        lambda w: {"versi": version("in_review"), "alasan": choice(RejectReason.values), "catatan": mostly("Ganda")},
    ),
    Target(
        "claim: cancel",
        "officer",
        _console("in_review", "batalkan/"),
        lambda w: {"versi": version("in_review"), "alasan": choice(CancelReason.values), "catatan": mostly("Ganda")},
    ),
    button("claim: show NIK", "officer", _console("in_review", "nik/")),
    button("claim: release", "officer", _console("in_review", "lepas/")),
    # --- interviews --------------------------------------------------------------------------
    Target(
        "interview: book",
        "officer",
        lambda w: f"/petugas/wawancara/{w.in_review.reference}/jadwalkan/",
        lambda w: {
            "versi": version("in_review"),
            "waktu": mostly(real(lambda w: w.free_slot())),
            "cara": choice(CallChannel.values),
        },
    ),
    Target("interview: confirmed", "officer", _interview("terkonfirmasi/"), _outcome_fields),
    Target("interview: no answer", "officer", _interview("tidak-diangkat/"), _outcome_fields),
    Target("interview: failed", "officer", _interview("gagal/"), _outcome_fields),
    Target(
        "interview: move",
        "officer",
        _interview("pindah-jadwal/"),
        lambda w: {
            "versi": version("interviewed"),
            "waktu": mostly(real(lambda w: w.free_slot(exclude_interview=True))),
            "catatan": mostly("Peserta minta sore"),
        },
    ),
    Target(
        "interview: new phone number",
        "officer",
        _interview("nomor-hp/"),
        lambda w: {
            "versi": version("interviewed"),
            "nomor": mostly("0813 9876 5432"),
            "kembali": choice(["wawancara", ""]),
        },
    ),
    Target(
        "interview: contact through the branch",
        "officer",
        _interview("lewat-cabang/"),
        lambda w: {"versi": version("interviewed"), "kembali": choice(["wawancara", ""])},
    ),
    # --- the assisted channel ----------------------------------------------------------------
    Target("assisted: start a claim", "officer", lambda w: "/petugas/bantuan/baru/", _assisted_fields),
    Target(
        "assisted: confirm the phone",
        "officer",
        lambda w: f"/petugas/bantuan/{w.assisted.reference}/telepon/",
        lambda w: {
            "action": choice(["send", "verify", "no_phone"]),
            "code": mostly(st.from_regex(r"\A[0-9]{6}\Z")),
            "confirm": choice(["on"]),
        },
    ),
    # --- the dropbox ---------------------------------------------------------------------------
    Target(
        "dropbox: open an envelope",
        "officer",
        lambda w: f"/petugas/dropbox/batch/{w.batch.pk}/amplop/",
        lambda w: {"reference": mostly(real(lambda w: w.draft.reference)), "note": mostly("Amplop cokelat")},
    ),
    Target(
        "dropbox: claim from an envelope's papers",
        "officer",
        lambda w: f"/petugas/dropbox/batch/{w.batch.pk}/klaim-baru/",
        _new_claim_fields,
    ),
    Target(
        "dropbox: envelope contents",
        "officer",
        lambda w: f"/petugas/dropbox/amplop/{w.envelope.pk}/isi/",
        lambda w: {"contents": choice([r.document_type.code for r in w.envelope.claim.reason.requirements.all()])},
    ),
    Target(
        "dropbox: assign scanned pages",
        "officer",
        lambda w: f"/petugas/dropbox/amplop/{w.envelope.pk}/halaman/",
        lambda w: {
            f"page_{page.pk}": choice(
                [*(r.document_type.code for r in w.envelope.claim.reason.requirements.all()), IGNORE_PAGE]
            )
            for page in w.envelope.pages.all()
        },
    ),
    Target(
        "dropbox: upload scans",
        "officer",
        lambda w: f"/petugas/dropbox/amplop/{w.envelope.pk}/pindaian/",
        lambda w: {"scans": files},
        examples=15,
    ),
    Target(
        "dropbox: match an unmatched envelope",
        "officer",
        lambda w: f"/petugas/dropbox/amplop/{w.unmatched_envelope.pk}/cocokkan/",
        lambda w: {"reference": mostly(real(lambda w: w.draft.reference))},
        prepare=World.keep_an_unmatched_envelope,
    ),
    Target(
        "dropbox: set an envelope aside",
        "officer",
        lambda w: f"/petugas/dropbox/amplop/{w.unmatched_envelope.pk}/selesaikan/",
        lambda w: {"resolution": choice(EnvelopeResolution.values), "note": mostly("Dikembalikan ke pengirim")},
        prepare=World.keep_an_unmatched_envelope,
    ),
    Target(
        "dropbox: claim for an unmatched envelope",
        "officer",
        lambda w: f"/petugas/dropbox/amplop/{w.unmatched_envelope.pk}/klaim-baru/",
        _new_claim_fields,
        prepare=World.keep_an_unmatched_envelope,
    ),
]


@pytest.mark.parametrize("target", STAFF_TARGETS, ids=[t.name for t in STAFF_TARGETS])
def test_staff_form_survives_junk(target, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = run_target(target, world)
    assert statuses


def test_every_console_form_class_is_fuzzed():
    """A new form in console/ fails here until a target above posts to it."""
    import console.forms
    import console.forms_assisted
    import console.forms_interviews
    import console.views_dropbox
    import console.views_dropbox_envelope
    import reports.views

    covered = {
        "QueueFilterForm", "VersionForm", "TakeForm", "BatchReviewForm", "RequestDocumentsForm", "ApproveForm",
        "RejectForm", "CancelForm", "AuditFilterForm", "AssistedClaimForm", "AssistedContactForm", "PhoneCodeForm",
        "NoPhoneForm", "OutcomeForm", "FailForm", "MoveForm", "PhoneUpdateForm", "ContactViaBranchForm",
        "DashboardFilterForm", "EnvelopeReferenceForm", "MatchForm", "SetAsideForm", "NewClaimForm",
        "EnvelopeContactForm", "ContentsForm", "AssignForm", "ReplyAnswerForm",
    }  # fmt: skip
    found = forms_defined_in(
        console.forms,
        console.forms_assisted,
        console.forms_interviews,
        reports.views,
        console.views_dropbox,
        console.views_dropbox_envelope,
    )
    assert found <= covered, f"not fuzzed yet: {sorted(found - covered)}"


# --- regressions found by the fuzz pass ---------------------------------------------------


@pytest.mark.parametrize(("versi", "decision"), [("x", "terima"), (None, "terima"), ("-1", "terima"), ("ok", "<b>")])
def test_document_decisions_that_cannot_be_read_say_so_above_the_documents(world, versi, decision):
    claim = world.in_review
    pk = next(row.document.pk for row in claim_document_rows(claim) if row.reviewable)
    data = {f"keputusan_{pk}": decision}
    if versi is not None:
        data["versi"] = str(claim.version) if versi == "ok" else versi
    response = world.client_for("officer").post(f"/petugas/klaim/{claim.reference}/dokumen/", data)
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.content.decode()


# --- bugs the fuzz found outside the fuzzed files, fixed since: their regressions -----------


@pytest.mark.parametrize(
    "query",
    [
        "periode=minggu&minggu=0001-01-01",
        "periode=bulan&bulan=9999-12",
        "periode=rentang&dari=9999-12-01&sampai=9999-12-31",
    ],
)
def test_dashboard_with_a_date_at_the_calendar_edge_is_refused_not_failing(world, query):
    response = world.client_for("manager").get(f"/petugas/dasbor/?{query}")
    assert response.status_code < 500


@pytest.mark.parametrize("suffix", ["tangani/", "setujui/"])
def test_claim_page_post_with_a_broken_version_says_what_went_wrong(world, suffix):
    response = world.client_for("officer").post(f"/petugas/klaim/{world.in_review.reference}/{suffix}", {"versi": "x"})
    assert response.status_code == 400
    assert any(marker in response.content.decode() for marker in ERROR_MARKERS)


def test_match_on_an_already_settled_envelope_says_so(world):
    client = world.client_for("officer")
    url = f"/petugas/dropbox/amplop/{world.unmatched_envelope.pk}/cocokkan/"
    assert client.post(url, {"reference": world.draft.reference}).status_code == 302
    response = client.post(url, {"reference": ""}, follow=True)
    assert any(marker in response.content.decode() for marker in ERROR_MARKERS)
