"""Claimant pages: the home page and starting a claim, step by step, until it exists
(views_claim.py has the pages of a claim that exists). Each works as a plain form post and
redirect; JavaScript only helps.

The last step is always "enter the code we sent" (claims/services/start.py): the claim is
made, or the NIK's open claim in the programme is opened, only with that code, and the
pages look and behave the same either way.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from claims import access
from claims.forms import ContactForm, HeirForm, IdentityForm
from claims.models import Branch, Claim, ClaimReason, Programme, Status
from claims.selectors import (
    branches_search,
    claim_from_intake,
    claims_of_session,
    programmes_active,
    reasons_for_programme,
)
from claims.services import ClaimantData, claim_start, claim_start_resend, claim_start_verify
from core.throttle import Throttled, client_ip

from .forms import BranchForm, CodeForm, ProgrammeForm, ReasonForm

INTAKE_KEY = "intake"
# The claim the last code step of this browser opened: the same code posted twice (a double
# tap, a retry after a lost answer) goes on to it instead of "start again".
START_DONE_KEY = "intake_done"


# --- helpers ------------------------------------------------------------------------


class Intake:
    """What the claimant has told us so far, kept in their session until the claim is created."""

    def __init__(self, session):
        self.session = session
        self.data = session.get(INTAKE_KEY) or {}

    def save(self) -> None:
        self.session[INTAKE_KEY] = self.data
        self.session.modified = True

    def reset(self) -> None:
        self.data = {"token": str(uuid.uuid4())}
        self.save()

    @property
    def token(self) -> str:
        if "token" not in self.data:
            self.data["token"] = str(uuid.uuid4())
            self.save()
        return self.data["token"]

    def programme(self) -> Programme | None:
        code = self.data.get("programme")
        return programmes_active().filter(code=code).first() if code else None

    def reason(self) -> ClaimReason | None:
        programme = self.programme()
        if programme is None or not self.data.get("reason"):
            return None
        return reasons_for_programme(programme).filter(pk=self.data["reason"]).first()

    def first_missing_step(self) -> str | None:
        """The step to send the claimant back to, or None when everything is filled in."""
        if self.programme() is None:
            return "portal:start_programme"
        reason = self.reason()
        if reason is None:
            return "portal:start_reason"
        if "identity" not in self.data:
            return "portal:start_identity"
        if "contact" not in self.data:
            return "portal:start_contact"
        if reason.needs_heir and "heir" not in self.data:
            return "portal:start_heir"
        return None

    def branch(self) -> Branch | None:
        code = self.data.get("branch")
        return Branch.objects.filter(is_active=True, code=code).first() if code else None

    def claimant_data(self) -> ClaimantData:
        identity = dict(self.data["identity"])
        identity["date_of_birth"] = dt.date.fromisoformat(identity["date_of_birth"])
        return ClaimantData(**identity, **self.data["contact"], **self.data.get("heir", {}))


def session_claim(request: HttpRequest, reference: str) -> Claim:
    """A claim this browser created or opened with a code; any other is simply not found."""
    return get_object_or_404(claims_of_session(request.session), reference=reference)


def form_data(request: HttpRequest):
    """Bind a form on every POST, even an empty one, so it shows what is missing."""
    return request.POST if request.method == "POST" else None


def render_page(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, f"portal/{template}", context, status=status)


# --- home and intake steps ----------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    own = claims_of_session(request.session)
    return render_page(
        request,
        "home.html",
        {
            "drafts": [c for c in own if c.status == Status.DRAFT],
            "open_claims": [c for c in own if c.status != Status.DRAFT],
        },
    )


@require_http_methods(["GET", "POST"])
def start_programme(request: HttpRequest) -> HttpResponse:
    intake = Intake(request.session)
    if request.method == "GET" and request.GET.get("baru"):
        intake.reset()
        return redirect("portal:start_programme")
    form = ProgrammeForm(
        form_data(request), programmes=programmes_active(), initial={"programme": intake.data.get("programme")}
    )
    if request.method == "POST" and form.is_valid():
        if intake.data.get("programme") != form.cleaned_data["programme"].code:
            intake.data.pop("reason", None)
        intake.data["programme"] = form.cleaned_data["programme"].code
        intake.save()
        return redirect("portal:start_reason")
    return render_page(request, "start_programme.html", {"form": form, "step": 1}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def start_reason(request: HttpRequest) -> HttpResponse:
    intake = Intake(request.session)
    programme = intake.programme()
    if programme is None:
        return redirect("portal:start_programme")
    form = ReasonForm(
        form_data(request), reasons=reasons_for_programme(programme), initial={"reason": intake.data.get("reason")}
    )
    if request.method == "POST" and form.is_valid():
        intake.data["reason"] = form.cleaned_data["reason"].pk
        if not form.cleaned_data["reason"].needs_heir:
            intake.data.pop("heir", None)
        intake.save()
        return redirect("portal:start_identity")
    return render_page(
        request,
        "start_reason.html",
        {"form": form, "programme": programme, "step": 2},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def start_identity(request: HttpRequest) -> HttpResponse:
    intake = Intake(request.session)
    reason = intake.reason()
    if reason is None:
        return redirect(intake.first_missing_step() or "portal:start_programme")
    form = IdentityForm(form_data(request), initial=intake.data.get("identity"), heir_claim=reason.needs_heir)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        intake.data["identity"] = {**data, "date_of_birth": data["date_of_birth"].isoformat()}
        intake.save()
        return redirect("portal:start_contact")
    return render_page(
        request, "start_identity.html", {"form": form, "reason": reason, "step": 3}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def start_contact(request: HttpRequest) -> HttpResponse:
    intake = Intake(request.session)
    missing = intake.first_missing_step()
    if missing in ("portal:start_programme", "portal:start_reason", "portal:start_identity"):
        return redirect(missing)
    form = ContactForm(form_data(request), initial=intake.data.get("contact"))
    if request.method == "POST" and form.is_valid():
        intake.data["contact"] = form.cleaned_data
        intake.save()
        reason = intake.reason()
        return redirect("portal:start_heir" if reason is not None and reason.needs_heir else "portal:start_branch")
    return render_page(request, "start_contact.html", {"form": form, "step": 4}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def start_heir(request: HttpRequest) -> HttpResponse:
    intake = Intake(request.session)
    missing = intake.first_missing_step()
    if missing is not None and missing != "portal:start_heir":
        return redirect(missing)
    reason = intake.reason()
    if reason is None or not reason.needs_heir:
        return redirect("portal:start_branch")
    form = HeirForm(form_data(request), initial=intake.data.get("heir"))
    if request.method == "POST" and form.is_valid():
        intake.data["heir"] = form.cleaned_data
        intake.save()
        return redirect("portal:start_branch")
    return render_page(request, "start_heir.html", {"form": form, "step": 5}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def start_branch(request: HttpRequest) -> HttpResponse:
    intake = Intake(request.session)
    if request.method == "POST":
        # The same form posted twice (a double tap, a resend on a weak signal): one claim.
        created = claim_from_intake(request.session, request.POST.get("intake_token"))
        if created is not None:
            return redirect("portal:checklist", reference=created.reference)
    missing = intake.first_missing_step()
    if missing is not None:
        return redirect(missing)
    query = request.GET.get("q", "")
    form = BranchForm(form_data(request), initial={"intake_token": intake.token})
    if request.method == "POST" and form.is_valid():
        reason = intake.reason()
        if reason is None:  # withdrawn from the catalogue since the step check above
            return redirect("portal:start_reason")
        branch = form.cleaned_data["branch"]
        try:
            start = claim_start(
                intake_token=form.cleaned_data["intake_token"],
                reason=reason,
                branch=branch,
                data=intake.claimant_data(),
                language=get_language() or "id",
                ip=client_ip(request),
            )
        except Throttled:
            form.add_error(None, _too_many_codes())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            intake.data["branch"] = branch.code
            intake.data["start"] = str(start.pk)
            intake.save()
            request.session.pop(START_DONE_KEY, None)
            return redirect("portal:start_code")
    branches = branches_search(query)
    return render_page(
        request,
        "start_branch.html",
        {"form": form, "branches": branches, "query": query, "step": 6, "intake_token": intake.token},
        status=400 if form.errors else 200,
    )


def _too_many_codes() -> str:
    return _(
        "Terlalu banyak permintaan kode. Tunggu %(minutes)d menit, lalu coba lagi. Butuh bantuan? Telepon %(cc)s."
    ) % {"minutes": settings.OTP_PER_IP_WINDOW // 60, "cc": settings.CALL_CENTRE_NUMBER}


@never_cache
@require_http_methods(["GET", "POST"])
def start_code(request: HttpRequest) -> HttpResponse:
    """The last step of every start: the code sent to a phone makes the claim, or opens the
    one already open for this NIK and programme. The page says the same in both cases."""
    intake = Intake(request.session)
    done = claims_of_session(request.session).filter(reference=request.session.get(START_DONE_KEY, "")).first()
    if done is not None and not intake.data.get("start"):
        return redirect(
            "portal:checklist" if done.status == Status.DRAFT else "portal:status", reference=done.reference
        )
    missing = intake.first_missing_step()
    if missing is not None:
        messages.info(request, _("Waktu mengisi sudah habis, jadi data belum tersimpan. Silakan isi lagi."))
        return redirect(missing)
    reason, branch = intake.reason(), intake.branch()
    if not intake.data.get("start") or reason is None or branch is None:
        return redirect("portal:start_branch")
    form = CodeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        check = claim_start_verify(
            start_id=intake.data["start"],
            code=form.cleaned_data["code"],
            reason=reason,
            branch=branch,
            data=intake.claimant_data(),
        )
        if check.claim is not None:
            access.session_grant(request.session, check.claim)
            intake.reset()
            request.session[START_DONE_KEY] = check.claim.reference
            if not check.created:
                messages.info(
                    request,
                    _("NIK ini sudah punya klaim %(programme)s yang masih berjalan: %(reference)s. Lanjutkan di sini.")
                    % {"programme": check.claim.programme.name, "reference": check.claim.reference},
                )
            if check.claim.status == Status.DRAFT:
                return redirect("portal:checklist", reference=check.claim.reference)
            return redirect("portal:status", reference=check.claim.reference)
        if check.resent:
            form.add_error(None, _("Kami baru saja mengirim kode baru. Masukkan kode yang baru."))
        elif check.exhausted:
            form.add_error(
                None,
                _("Kode ini sudah salah %(n)d kali. Minta kode baru dengan tombol Kirim ulang kode.")
                % {"n": settings.OTP_MAX_ATTEMPTS},
            )
        else:
            form.add_error(
                "code",
                _("Kode salah atau sudah tidak berlaku. Periksa pesan terakhir dari kami, atau kirim ulang kode."),
            )
    return render_page(
        request,
        "start_code.html",
        {"form": form, "minutes": settings.OTP_TTL_SECONDS // 60, "wait_minutes": 1},
        status=400 if form.errors else 200,
    )


@require_POST
def start_code_resend(request: HttpRequest) -> HttpResponse:
    """ "Send the code again", from the code step; the same answer for every start."""
    intake = Intake(request.session)
    if not intake.data.get("start"):
        return redirect("portal:start_code")
    try:
        claim_start_resend(start_id=intake.data["start"], ip=client_ip(request))
    except Throttled:
        messages.error(request, _too_many_codes())
    else:
        messages.info(request, _("Kode baru sedang dikirim. Pakai kode dari pesan yang terakhir."))
    return redirect("portal:start_code")
