"""Video calls from the console (/petugas/wawancara/…): booking, the officer's interview page and
its outcomes, and the two ways out when the claimant's number does not work."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.models import Claim, Status
from claims.services import ClaimTransitionNotAllowed, OfficerActionRefused
from claims.services.contact import claim_contact_phone_update, claim_contact_via_branch
from core.masking import mask_nik
from core.staff import staff_only
from documents.selectors import claim_identity_documents
from interviews.forms import BookForm
from interviews.models import FailReason, IdentityCheck, Interview
from interviews.selectors import (
    free_slots,
    interview_active_for_claim,
    interview_attempt_summary,
    interview_attempts,
    interview_for_page,
    local_time_text,
    zone_label,
)
from interviews.services import (
    interview_book,
    interview_mark_confirmed,
    interview_mark_failed,
    interview_mark_no_answer,
    interview_move_on_request,
)

from .forms_interviews import ContactViaBranchForm, FailForm, MoveForm, OutcomeForm, PhoneUpdateForm
from .selectors import claim_actions, claim_for_staff, contact_number_not_working
from .views import act


def _claim(request: HttpRequest, reference: str) -> Claim:
    return get_object_or_404(claim_for_staff(request.user, reference).select_related("branch", "reason"))


@staff_only
@require_http_methods(["GET", "POST"])
def interview_book_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    slots = free_slots(branch=claim.branch, officer=request.user, count=settings.INTERVIEW_SLOTS_SHOWN)
    form = BookForm(request.POST or None, slots=slots, initial={"versi": claim.version})
    if request.method == "POST" and form.is_valid():
        try:
            interview_book(
                claim=claim,
                officer=request.user,
                starts_at=form.cleaned_data["waktu"],
                channel=form.cleaned_data["cara"],
                by=request.user,
                claim_version=form.cleaned_data["versi"],
            )
        except OfficerActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("console:interview_book", reference=claim.reference)
        except ClaimTransitionNotAllowed:
            messages.error(request, _("Klaim ini tidak sedang menunggu jadwal video call."))
            return redirect("console:claim", reference=claim.reference)
        messages.success(request, _("Video call dijadwalkan. Peserta mendapat pesan dengan jam dan tautannya."))
        return redirect("console:claim", reference=claim.reference)
    return render(
        request,
        "console/interviews/book.html",
        {
            "claim": claim,
            "form": form,
            "slots": slots,
            "zone": zone_label(claim.branch),
            "active": interview_active_for_claim(claim),
        },
        status=400 if form.errors else 200,
    )


# --- the officer's interview page -------------------------------------------------------


def _render_interview(
    request: HttpRequest, claim: Claim, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    interview = interview_for_page(claim)
    summary = interview_attempt_summary(interview) if interview is not None else None
    face, identity_documents = claim_identity_documents(claim)
    initial = {"versi": claim.version}
    fail_initial: dict[str, int | str] = {**initial}
    if summary is not None and summary.propose_failure:
        fail_initial["alasan"] = FailReason.NO_ANSWER_ALL_ATTEMPTS
    return render(
        request,
        "console/interviews/interview.html",
        {
            "claim": claim,
            "interview": interview,
            "active": interview is not None and interview.is_active and claim.status == Status.INTERVIEW_SCHEDULED,
            "when": local_time_text(interview.starts_at, claim.branch) if interview is not None else "",
            "zone": zone_label(claim.branch),
            "nik": mask_nik(claim.nik),
            "face": face,
            "identity_documents": identity_documents,
            "attempts": interview_attempts(interview) if interview is not None else [],
            "summary": summary,
            "check_count": len(IdentityCheck.values),
            "actions": claim_actions(claim),
            "number_not_working": contact_number_not_working(claim),
            # One form on the page (the checklist and the note are shared); each outcome's
            # button posts it to its own view.
            "outcome_form": bound.get("outcome") or FailForm(initial=fail_initial),
        },
        status=status,
    )


@staff_only
@require_GET
def interview_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_interview(request, _claim(request, reference))


def _active_interview(claim: Claim) -> Interview:
    interview = interview_active_for_claim(claim)
    if interview is None:
        raise Http404
    return interview


def _record_outcome(request: HttpRequest, reference: str, form_class, service, done: str, *, to: str) -> HttpResponse:
    """Post one outcome of the call: the shared checklist and note, plus what the form adds."""
    claim = _claim(request, reference)
    interview = interview_active_for_claim(claim)
    if interview is None:
        # A call already settled (a second click, another officer's page).
        messages.error(request, _("Video call ini sudah tidak berlaku."))
        return redirect("console:interview", reference=claim.reference)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_interview(request, claim, bound={"outcome": form}, status=400)
    data = form.cleaned_data
    extra = {"reason": data["alasan"]} if "alasan" in data else {}
    return act(
        request,
        claim,
        lambda: service(
            interview=interview,
            checks=data["periksa"],
            note=data["catatan"],
            by=request.user,
            claim_version=data["versi"],
            **extra,
        ),
        done,
        to=to,
    )


@staff_only
@require_POST
def interview_confirmed_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _record_outcome(
        request,
        reference,
        OutcomeForm,
        interview_mark_confirmed,
        _("Identitas terkonfirmasi. Klaim siap diputuskan."),
        to="console:claim",
    )


@staff_only
@require_POST
def interview_no_answer_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _record_outcome(
        request,
        reference,
        OutcomeForm,
        interview_mark_no_answer,
        _("Percobaan dicatat: tidak diangkat. Coba telepon lagi nanti."),
        to="console:interview",
    )


@staff_only
@require_POST
def interview_failed_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _record_outcome(
        request,
        reference,
        FailForm,
        interview_mark_failed,
        _("Konfirmasi gagal dicatat. Peserta mendapat pesan dengan cara melanjutkan klaimnya."),
        to="console:claim",
    )


@staff_only
@require_http_methods(["GET", "POST"])
def interview_move_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The claimant asked on the call for another time: pick one of the officer's free slots."""
    claim = _claim(request, reference)
    interview = _active_interview(claim)
    slots = free_slots(
        branch=claim.branch,
        officer=interview.officer,
        count=settings.INTERVIEW_SLOTS_SHOWN,
        exclude_interview_id=interview.pk,
    )
    form = MoveForm(request.POST or None, slots=slots, initial={"versi": claim.version})
    if request.method == "POST" and form.is_valid():
        return act(
            request,
            claim,
            lambda: interview_move_on_request(
                interview=interview,
                starts_at=form.cleaned_data["waktu"],
                note=form.cleaned_data["catatan"],
                by=request.user,
                claim_version=form.cleaned_data["versi"],
            ),
            _("Jadwal dipindah. Peserta mendapat pesan dengan jam baru."),
            to="console:interview",
        )
    return render(
        request,
        "console/interviews/move.html",
        {
            "claim": claim,
            "interview": interview,
            "when": local_time_text(interview.starts_at, claim.branch),
            "form": form,
            "slots": slots,
            "zone": zone_label(claim.branch),
        },
        status=400 if form.errors else 200,
    )


# --- a contact number that does not work -------------------------------------------------


def _back(form) -> str:
    return "console:interview" if form.cleaned_data.get("kembali") == "wawancara" else "console:claim"


@staff_only
@require_POST
def contact_phone_update_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = PhoneUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis nomor HP baru."))
        return redirect("console:claim", reference=claim.reference)
    return act(
        request,
        claim,
        lambda: claim_contact_phone_update(
            claim=claim, phone=form.cleaned_data["nomor"], by=request.user, claim_version=form.cleaned_data["versi"]
        ),
        _("Nomor HP diperbarui. Pesan berikutnya dikirim ke nomor baru."),
        to=_back(form),
    )


@staff_only
@require_POST
def contact_via_branch_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = ContactViaBranchForm(request.POST)
    if not form.is_valid():
        return redirect("console:claim", reference=claim.reference)
    return act(
        request,
        claim,
        lambda: claim_contact_via_branch(claim=claim, by=request.user, claim_version=form.cleaned_data["versi"]),
        _("Klaim ditandai: hubungi peserta lewat kantor cabang. Tidak ada pesan yang dikirim lagi."),
        to=_back(form),
    )
