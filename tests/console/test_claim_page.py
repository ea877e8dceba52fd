"""One claim's page, its forms, and the managers' audit log."""

import re

import pytest
from django.urls import reverse

from claims.models import CancelReason, Claim, ClaimDataAccess, ClaimEvent, Status
from claims.services import claim_reveal_nik, claim_take
from core.staff import Role
from documents.models import DocumentAccess, DocumentStatus
from documents.services import claim_submit, document_review
from notifications.models import Message
from tests.factories import VALID_NIK, BranchFactory, StaffFactory, make_claim, make_jpeg

from .conftest import current_documents, make_submitted_claim, staff_client, upload_checked

pytestmark = pytest.mark.django_db


def _url(claim: Claim, name: str = "console:claim") -> str:
    return reverse(name, args=[claim.reference])


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# --- scope and layout ---------------------------------------------------------------------


def test_claim_outside_the_officers_scope_is_not_found(claim_in_review, officer):
    stranger = StaffFactory(branch=BranchFactory())
    assert staff_client(stranger).get(_url(claim_in_review)).status_code == 404
    assert staff_client(stranger).post(_url(claim_in_review, "console:claim_nik")).status_code == 404
    assert not ClaimDataAccess.objects.exists()
    draft = make_claim(branch=officer.branch)
    assert staff_client(officer).get(_url(draft)).status_code == 404
    assert staff_client(officer).get(reverse("console:claim", args=["LA-XXXX-XXXX"])).status_code == 404


def test_claim_page_shows_the_claim_documents_and_timeline(claim_in_review, officer):
    response = staff_client(officer).get(_url(claim_in_review))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert claim_in_review.reference in html
    assert "Siti Aminah" in html
    assert "0812-3456-7890" in html
    assert claim_in_review.branch.name in html
    for document in current_documents(claim_in_review):
        assert document.document_type.name in html
        assert reverse("documents:thumbnail", args=[document.pk]) in html
        assert f'href="{reverse("documents:file", args=[document.pk])}" target="_blank"' in html
    assert "1200×800 piksel" in html
    assert "Riwayat klaim" in html
    assert "Sedang diverifikasi petugas" in html
    assert "Jadwalkan video call" in html
    assert reverse("console:interview_book", args=[claim_in_review.reference]) in html


def test_viewing_the_page_fetches_no_document_and_thumbnails_load_lazily(claim_in_review, officer):
    response = staff_client(officer).get(_url(claim_in_review))
    assert not DocumentAccess.objects.exists()
    html = response.content.decode()
    thumbnails = re.findall(r"<img [^>]*>", _main(response))
    assert thumbnails
    assert all('loading="lazy"' in tag for tag in thumbnails)
    # The full file is only a link: the viewer (console.js) fetches it when opened.
    assert not re.search(r'<img [^>]*src="[^"]*/berkas/', html)
    assert 'src="/static/js/console.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"


def test_interview_entry_is_shown_only_in_review(claim_in_review, officer):
    document_review(
        document=current_documents(claim_in_review)[0],
        accept=False,
        reason="officer_unreadable",
        by=officer,
        claim_version=claim_in_review.version,
    )
    assert "Jadwalkan video call" not in staff_client(officer).get(_url(claim_in_review)).content.decode()


# --- the NIK -----------------------------------------------------------------------------------


def test_nik_is_masked_until_revealed_and_the_reveal_is_logged(claim_in_review, officer):
    client = staff_client(officer)
    page = client.get(_url(claim_in_review)).content.decode()
    assert VALID_NIK not in page
    assert "3174********0003" in page
    assert "Tampilkan NIK" in page

    revealed = client.post(_url(claim_in_review, "console:claim_nik"))
    assert revealed.status_code == 200
    assert VALID_NIK in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    access = ClaimDataAccess.objects.get()
    assert (access.claim, access.user, access.what, access.ip_address, access.user_agent) == (
        claim_in_review,
        officer,
        "nik",
        "10.9.8.7",
        "Laptop cabang",
    )
    # Only that response: the next load is masked again, and nothing in a URL reveals it.
    assert VALID_NIK not in client.get(_url(claim_in_review)).content.decode()
    assert VALID_NIK not in client.get(_url(claim_in_review), {"nik": "1"}).content.decode()
    assert client.get(_url(claim_in_review, "console:claim_nik")).status_code == 405
    assert ClaimDataAccess.objects.count() == 1


def test_heir_nik_is_masked_too(officer):
    claim = make_submitted_claim(branch=officer.branch, programme="JKM")
    page = staff_client(officer).get(_url(claim)).content.decode()
    assert "3273015506850002" not in page
    assert "3273********0002" in page
    assert "Budi Santoso" in page


# --- document review through the page ------------------------------------------------------


def _review_post(claim: Claim, decisions: dict, *, version: int | None = None) -> dict:
    data = {"versi": version if version is not None else claim.version}
    for document, (decision, reason, note) in decisions.items():
        data[f"keputusan_{document.pk}"] = decision
        data[f"alasan_{document.pk}"] = reason
        data[f"catatan_{document.pk}"] = note
    return data


def test_a_batch_of_two_rejections_from_the_page_sends_one_message(claim_in_review, officer):
    first, second, third = current_documents(claim_in_review)[:3]
    data = _review_post(
        claim_in_review,
        {
            first: ("tolak", "officer_cut_off", ""),
            second: ("tolak", "officer_other", "Fotokopi buram, kirim yang asli."),
            third: ("terima", "", ""),
        },
    )
    response = staff_client(officer).post(_url(claim_in_review, "console:claim_review"), data, follow=True)
    assert response.status_code == 200
    assert "Keputusan dokumen disimpan" in response.content.decode()
    claim_in_review.refresh_from_db()
    assert claim_in_review.status == Status.NEEDS_FIX
    [message] = Message.objects.filter(claim=claim_in_review, template="claim_needs_fix")
    assert first.document_type.name in message.body
    assert second.document_type.name in message.body
    assert third.document_type.name not in message.body
    assert "keempat sudutnya terlihat" in message.body
    assert f"?nomor={claim_in_review.reference}" in message.body
    second.refresh_from_db()
    assert (second.rejection_code, second.rejection_note) == ("officer_other", "Fotokopi buram, kirim yang asli.")
    assert set(ClaimEvent.objects.filter(reason__startswith="document_").values_list("reason", "actor")) == {
        ("document_rejected", officer.pk),
        ("document_accepted", officer.pk),
    }


def test_other_without_a_note_is_refused_on_the_page_and_nothing_changes(claim_in_review, officer):
    first = current_documents(claim_in_review)[0]
    data = _review_post(claim_in_review, {first: ("tolak", "officer_other", "")})
    response = staff_client(officer).post(_url(claim_in_review, "console:claim_review"), data)
    assert response.status_code == 400
    assert "Tulis catatan untuk alasan lainnya." in response.content.decode()
    first.refresh_from_db()
    assert first.status == DocumentStatus.ACCEPTED
    assert Claim.objects.get(pk=claim_in_review.pk).status == Status.IN_REVIEW


def test_rejection_without_a_reason_or_without_any_decision_is_refused(claim_in_review, officer):
    first = current_documents(claim_in_review)[0]
    client = staff_client(officer)
    no_reason = client.post(
        _url(claim_in_review, "console:claim_review"), _review_post(claim_in_review, {first: ("tolak", "", "")})
    )
    assert no_reason.status_code == 400
    assert "Pilih alasan penolakan." in no_reason.content.decode()
    nothing = client.post(_url(claim_in_review, "console:claim_review"), {"versi": claim_in_review.version})
    assert nothing.status_code == 400
    assert "Belum ada keputusan dokumen" in nothing.content.decode()
    assert not ClaimEvent.objects.filter(reason__startswith="document_").exists()


def test_stale_edit_from_the_page_is_refused_with_the_message(claim_in_review, officer, other_officer):
    loaded = claim_in_review.version
    first, second = current_documents(claim_in_review)[:2]
    staff_client(other_officer).post(
        _url(claim_in_review, "console:claim_review"),
        _review_post(claim_in_review, {first: ("terima", "", "")}),
    )
    staff_client(other_officer).post(_url(claim_in_review, "console:claim_release"))
    response = staff_client(officer).post(
        _url(claim_in_review, "console:claim_review"),
        _review_post(claim_in_review, {second: ("tolak", "officer_expired", "")}, version=loaded),
        follow=True,
    )
    html = response.content.decode()
    assert "Klaim ini baru saja diubah oleh Rina Wulandari. Muat ulang halaman, lalu periksa lagi." in html
    second.refresh_from_db()
    assert second.status == DocumentStatus.ACCEPTED
    assert not Message.objects.filter(template="claim_needs_fix").exists()
    approve = staff_client(officer).post(_url(claim_in_review, "console:claim_approve"), {"versi": loaded}, follow=True)
    assert "baru saja diubah" in approve.content.decode()
    assert Claim.objects.get(pk=claim_in_review.pk).status == Status.IN_REVIEW


def test_every_state_changing_form_carries_the_version(claim_in_review, officer):
    html = _main(staff_client(officer).get(_url(claim_in_review)))
    forms = re.findall(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    carrying = {action for action, body in forms if f'name="versi" value="{claim_in_review.version}"' in body}
    for name in ("claim_take", "claim_review", "claim_request_documents", "claim_reject"):
        assert _url(claim_in_review, f"console:{name}") in carrying
    assert _url(claim_in_review, "console:claim_cancel") in carrying


def test_the_approve_form_after_the_call_carries_the_version(claim_after_call, officer):
    html = _main(staff_client(officer).get(_url(claim_after_call)))
    forms = re.findall(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    carrying = {action for action, body in forms if f'name="versi" value="{claim_after_call.version}"' in body}
    assert _url(claim_after_call, "console:claim_approve") in carrying


# --- assignment through the page ---------------------------------------------------------------


def test_take_and_release_from_the_page(claim_in_review, officer, other_officer):
    client = staff_client(officer)
    response = client.post(_url(claim_in_review, "console:claim_take"), {"versi": claim_in_review.version}, follow=True)
    assert "Klaim ini sekarang Anda tangani." in response.content.decode()
    assert Claim.objects.get(pk=claim_in_review.pk).assigned_to == officer
    seen_by_other = staff_client(other_officer).get(_url(claim_in_review)).content.decode()
    assert "Sedang ditangani oleh <strong>Petugas</strong>" in seen_by_other
    refused = staff_client(other_officer).post(
        _url(claim_in_review, "console:claim_approve"), {"versi": claim_in_review.version}, follow=True
    )
    assert "sedang ditangani oleh Petugas" in refused.content.decode()
    assert Claim.objects.get(pk=claim_in_review.pk).status == Status.IN_REVIEW
    client.post(_url(claim_in_review, "console:claim_release"))
    assert Claim.objects.get(pk=claim_in_review.pk).assigned_to is None


def test_manager_sees_the_take_over_button(claim_in_review, officer, branch_manager):
    claim_take(claim=claim_in_review, by=officer, claim_version=claim_in_review.version)
    assert "Ambil alih klaim ini" in staff_client(branch_manager).get(_url(claim_in_review)).content.decode()


# --- claim actions through the page ----------------------------------------------------------


def test_approve_from_the_page(claim_after_call, officer):
    response = staff_client(officer).post(
        _url(claim_after_call, "console:claim_approve"), {"versi": claim_after_call.version}, follow=True
    )
    assert "Klaim disetujui." in response.content.decode()
    event = Claim.objects.get(pk=claim_after_call.pk).events.last()
    assert (event.to_status, event.actor) == (Status.APPROVED, officer)


def _reject_choices(html: str) -> list[str]:
    select = re.search(r'<select name="alasan"[^>]*id="reject_alasan"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


def test_before_the_call_the_page_hides_approve_and_offers_only_ineligible_or_duplicate(claim_in_review, officer):
    html = _main(staff_client(officer).get(_url(claim_in_review)))
    assert "Setujui klaim" not in html
    assert _url(claim_in_review, "console:claim_approve") not in html
    assert _reject_choices(html) == ["ineligible", "duplicate"]
    assert "Belum ada video call" in html


def test_after_the_call_the_page_offers_approve_and_every_reject_reason(claim_after_call, officer):
    html = _main(staff_client(officer).get(_url(claim_after_call)))
    assert "Setujui klaim" in html
    assert _reject_choices(html) == ["ineligible", "data_mismatch", "duplicate", "other"]
    assert "Belum ada video call" not in html


def test_rejecting_before_the_call_for_another_reason_is_refused_on_the_page(claim_in_review, officer):
    client = staff_client(officer)
    refused = client.post(
        _url(claim_in_review, "console:claim_reject"),
        {"versi": claim_in_review.version, "alasan": "other", "catatan": "Masa kepesertaan belum cukup."},
    )
    assert refused.status_code == 400
    assert Claim.objects.get(pk=claim_in_review.pk).status == Status.IN_REVIEW
    assert not Message.objects.filter(template="claim_rejected").exists()
    done = client.post(
        _url(claim_in_review, "console:claim_reject"),
        {"versi": claim_in_review.version, "alasan": "ineligible", "catatan": ""},
        follow=True,
    )
    assert "Klaim ditolak." in done.content.decode()
    event = Claim.objects.get(pk=claim_in_review.pk).events.last()
    assert (event.to_status, event.reason) == (Status.REJECTED, "ineligible")


def test_reject_from_the_page_needs_a_reason(claim_after_call, officer):
    client = staff_client(officer)
    missing = client.post(_url(claim_after_call, "console:claim_reject"), {"versi": claim_after_call.version})
    assert missing.status_code == 400
    other = client.post(
        _url(claim_after_call, "console:claim_reject"), {"versi": claim_after_call.version, "alasan": "other"}
    )
    assert other.status_code == 400
    assert "Tulis catatan untuk alasan lainnya." in other.content.decode()
    done = client.post(
        _url(claim_after_call, "console:claim_reject"),
        {"versi": claim_after_call.version, "alasan": "data_mismatch", "catatan": "Nama di buku tabungan berbeda."},
        follow=True,
    )
    assert "Klaim ditolak." in done.content.decode()
    claim = Claim.objects.get(pk=claim_after_call.pk)
    assert claim.status == Status.REJECTED
    assert "Nama di buku tabungan berbeda." in Message.objects.get(template="claim_rejected").body


def test_cancel_from_the_page_with_a_reason(claim_in_review, officer):
    response = staff_client(officer).post(
        _url(claim_in_review, "console:claim_cancel"),
        {"versi": claim_in_review.version, "alasan": CancelReason.INCOMPLETE_DOCUMENTS, "catatan": ""},
        follow=True,
    )
    assert "Klaim dibatalkan." in response.content.decode()
    claim = Claim.objects.get(pk=claim_in_review.pk)
    assert (claim.status, claim.cancel_reason) == (Status.CANCELLED, CancelReason.INCOMPLETE_DOCUMENTS)


def test_request_documents_from_the_page(claim_in_review, officer):
    npwp = claim_in_review.reason.requirements.get(document_type__code="npwp").document_type
    response = staff_client(officer).post(
        _url(claim_in_review, "console:claim_request_documents"),
        {"versi": claim_in_review.version, "dokumen": [str(npwp.pk)], "catatan": ""},
        follow=True,
    )
    assert "Permintaan dokumen dikirim ke peserta." in response.content.decode()
    assert Claim.objects.get(pk=claim_in_review.pk).status == Status.NEEDS_FIX
    assert Message.objects.filter(template="claim_more_documents").count() == 1


def test_an_illegal_transition_is_refused_with_a_plain_message(claim_in_review, officer):
    claim = document_review(
        document=current_documents(claim_in_review)[0],
        accept=False,
        reason="officer_unreadable",
        by=officer,
        claim_version=claim_in_review.version,
    )
    page = staff_client(officer).get(_url(claim)).content.decode()
    assert "Setujui klaim" not in page  # not offered in needs_fix…
    response = staff_client(officer).post(_url(claim, "console:claim_approve"), {"versi": claim.version}, follow=True)
    # …and refused when posted anyway.
    assert "Tindakan ini tidak bisa dilakukan pada klaim berstatus “Perlu perbaikan dokumen”." in (
        response.content.decode()
    )
    assert Claim.objects.get(pk=claim.pk).status == Status.NEEDS_FIX


def test_timeline_names_who_did_what(claim_after_call, branch):
    agus = StaffFactory(branch=branch, first_name="Agus", last_name="Salim")
    staff_client(agus).post(_url(claim_after_call, "console:claim_approve"), {"versi": claim_after_call.version})
    html = staff_client(agus).get(_url(claim_after_call)).content.decode()
    timeline = html[html.index("Riwayat klaim") :]
    assert re.search(r"<td>Agus Salim</td>\s*<td>Panggilan video selesai → <strong>Disetujui</strong>", timeline)
    assert "sistem / peserta" in timeline  # the automatic steps before


# --- the audit log ----------------------------------------------------------------------------


@pytest.fixture
def logged_claims(branch, officer):
    """Two claims in two branches of one region, and a third region; each with a NIK look and a file view."""
    here = make_submitted_claim(branch=branch)
    same_region = make_submitted_claim(branch=BranchFactory(region=branch.region))
    elsewhere = make_submitted_claim(branch=BranchFactory())
    for claim in (here, same_region, elsewhere):
        viewer = StaffFactory(branch=claim.branch, first_name="Pembaca", last_name=claim.branch.code)
        claim_reveal_nik(claim=claim, by=viewer, ip="10.0.0.1", user_agent="x")
        staff_client(viewer).get(reverse("documents:file", args=[current_documents(claim)[0].pk]))
    return here, same_region, elsewhere


def _audit_references(response) -> list[str]:
    return [row.reference for row in response.context["rows"]]


def test_officers_have_no_audit_log(officer):
    assert staff_client(officer).get(reverse("console:audit")).status_code == 403


def test_branch_manager_reads_their_branch_only(logged_claims, branch_manager):
    here, _, _ = logged_claims
    response = staff_client(branch_manager).get(reverse("console:audit"))
    assert response.status_code == 200
    assert _audit_references(response) == [here.reference, here.reference]
    kinds = {row.what for row in response.context["rows"]}
    assert kinds == {"melihat NIK lengkap", "membuka berkas"}
    # Newest first.
    times = [row.at for row in response.context["rows"]]
    assert times == sorted(times, reverse=True)


def test_regional_and_national_managers_read_their_scope(logged_claims, branch):
    here, same_region, elsewhere = logged_claims
    regional = StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=branch.region)
    assert set(_audit_references(staff_client(regional).get(reverse("console:audit")))) == {
        here.reference,
        same_region.reference,
    }
    national = StaffFactory(role=Role.NATIONAL, branch=None)
    response = staff_client(national).get(reverse("console:audit"))
    assert set(_audit_references(response)) == {here.reference, same_region.reference, elsewhere.reference}
    assert response.context["page"].paginator.count == 6


def test_audit_log_filters_by_claim_and_by_person(logged_claims, branch):
    here, same_region, _ = logged_claims
    regional = StaffFactory(role=Role.REGIONAL_MANAGER, branch=None, region=branch.region)
    client = staff_client(regional)
    by_claim = client.get(reverse("console:audit"), {"klaim": same_region.reference.lower().replace("-", "")})
    assert set(_audit_references(by_claim)) == {same_region.reference}
    by_person = client.get(reverse("console:audit"), {"petugas": here.branch.code})
    assert set(_audit_references(by_person)) == {here.reference}
    nonsense = client.get(reverse("console:audit"), {"klaim": "zzz"})
    assert _audit_references(nonsense) == []
    nik_only = client.get(reverse("console:audit"), {"akses": "nik"})
    assert {row.what for row in nik_only.context["rows"]} == {"melihat NIK lengkap"}
    assert len(nik_only.context["rows"]) == 2
    files_only = client.get(reverse("console:audit"), {"akses": "file"})
    assert {row.what for row in files_only.context["rows"]} == {"membuka berkas"}


def test_audit_log_page_changes_nothing(logged_claims, branch_manager):
    response = staff_client(branch_manager).get(reverse("console:audit"))
    main = _main(response)
    assert 'method="post"' not in main.lower()
    assert "<form" in main
    assert 'method="get"' in main
    assert staff_client(branch_manager).post(reverse("console:audit")).status_code == 405


# --- in real Chromium ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_console_pages_fit_a_laptop_and_a_tablet_and_the_viewer_fetches_once(
    seeded_catalogue, live_server, chromium, screenshots
):
    from django.conf import settings as django_settings

    branch = BranchFactory()
    officer = StaffFactory(branch=branch, first_name="Dewi", last_name="Lestari")
    manager = StaffFactory(branch=branch, role=Role.BRANCH_MANAGER, first_name="Kepala", last_name="Cabang")
    claim = make_submitted_claim(branch=branch)
    for user in (officer, manager):
        session = staff_client(user).cookies[django_settings.SESSION_COOKIE_NAME].value
        for width, height in ((1280, 800), (768, 1024)):
            context = chromium.new_context(viewport={"width": width, "height": height}, locale="id-ID")
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            paths = [reverse("console:queue"), _url(claim)] + ([reverse("console:audit")] if user == manager else [])
            for path in paths:
                page.goto(live_server.url + path)
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                name = path.strip("/").replace("/", "-") or "petugas"
                page.screenshot(path=str(screenshots / f"console-{user.role}-{width}-{name}.png"), full_page=True)
                assert overflow <= 0, f"{path} overflows by {overflow}px at {width}px"
            if user == officer and width == 1280:
                before = DocumentAccess.objects.filter(what="file").count()
                page.goto(live_server.url + _url(claim))
                first = page.locator("a[data-viewer]").first
                for _ in range(2):
                    first.click()
                    page.wait_for_function("() => document.querySelector('#viewer img')?.naturalWidth > 0")
                    assert page.evaluate("document.getElementById('viewer').open")
                    page.get_by_role("button", name="Putar ↻").click()
                    page.get_by_role("button", name="Perbesar").click()
                    page.screenshot(path=str(screenshots / "console-viewer.png"))
                    page.get_by_role("button", name="Tutup").click()
                assert DocumentAccess.objects.filter(what="file").count() == before + 1
            assert not errors
            context.close()


# --- document history ---------------------------------------------------------------------


def test_claim_page_shows_every_version_of_a_document_and_opening_an_old_one_is_logged(branch, officer):
    claim = make_claim(branch=branch)
    requirements = list(claim.reason.requirements.filter(required=True).select_related("document_type"))
    document_type = requirements[0].document_type
    first = upload_checked(claim, document_type, make_jpeg(text="versi pertama"))
    for requirement in requirements:
        upload_checked(claim, requirement.document_type)
    claim_submit(claim=claim)
    current = next(d for d in current_documents(claim) if d.document_type_id == document_type.pk)
    first.refresh_from_db()
    assert first.status == DocumentStatus.REPLACED

    html = _main(staff_client(officer).get(_url(claim)))

    assert "1 versi sebelumnya" in html
    assert "Sudah diganti" in html
    old_link = reverse("documents:file", args=[first.pk])
    assert f'href="{old_link}"' in html
    assert f'href="{reverse("documents:file", args=[current.pk])}"' in html
    # Opening the old version is a staff view like any other: served, and on the access log.
    response = staff_client(officer).get(old_link)
    assert response.status_code == 200
    assert DocumentAccess.objects.filter(document=first, user=officer, what="file").count() == 1
