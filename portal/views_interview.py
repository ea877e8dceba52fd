"""The claimant's pages: the explainer, and the page behind the link in every interview message.

The link is the only key: a signed interview id (no personal data). The page shows only
the time, the officer, the branch's number and three actions.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviews.forms import RescheduleForm
from interviews.models import Interview
from interviews.selectors import free_slots, interview_for_token, local_time_text, zone_label
from interviews.services import InterviewRefused, interview_confirm, interview_request_phone_call, interview_reschedule


@require_GET
def how_it_works(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/interview/how_it_works.html", {"call_centre": settings.CALL_CENTRE_NUMBER})


def _interview(token: str) -> Interview:
    interview = interview_for_token(token)
    if interview is None:
        raise Http404
    return interview


def _slots(interview: Interview):
    return free_slots(
        branch=interview.claim.branch,
        officer=interview.officer,
        count=settings.INTERVIEW_SLOTS_SHOWN,
        exclude_interview_id=interview.pk,
        min_reminders=0,  # the claimant chooses: a close call is theirs to take
    )


def _render(request: HttpRequest, interview: Interview, token: str, *, form=None, status: int = 200) -> HttpResponse:
    branch = interview.claim.branch
    slots = _slots(interview)
    return render(
        request,
        "portal/interview/claimant.html",
        {
            "interview": interview,
            "token": token,
            "when": local_time_text(interview.starts_at, branch, language=request.LANGUAGE_CODE or "id"),
            "officer_name": interview.officer.get_full_name() or interview.officer.username,
            "branch": branch,
            "zone": zone_label(branch),
            "form": form or RescheduleForm(slots=slots),
            "slots": slots,
        },
        status=status,
    )


@never_cache
@require_GET
def claimant_page(request: HttpRequest, token: str) -> HttpResponse:
    return _render(request, _interview(token), token)


def _act(request: HttpRequest, token: str, action, done: str) -> HttpResponse:
    try:
        action()
    except InterviewRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("portal:interview", token=token)


@never_cache
@require_POST
def claimant_confirm(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    return _act(
        request, token, lambda: interview_confirm(interview=interview), _("Terima kasih. Jadwal sudah Anda konfirmasi.")
    )


@never_cache
@require_POST
def claimant_phone_call(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    return _act(
        request,
        token,
        lambda: interview_request_phone_call(interview=interview),
        _("Baik. Petugas akan menelepon biasa (bukan video) pada jam yang sama."),
    )


@never_cache
@require_http_methods(["POST"])
def claimant_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    form = RescheduleForm(request.POST, slots=_slots(interview))
    if not form.is_valid():
        return _render(request, interview, token, form=form, status=400)
    return _act(
        request,
        token,
        lambda: interview_reschedule(interview=interview, starts_at=form.cleaned_data["waktu"]),
        _("Jadwal sudah diubah. Kami kirim pesan dengan jam yang baru."),
    )
