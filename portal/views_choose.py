"""The claimant chooses the call (/jadwal/<token>/…): one task a screen, no JavaScript.

1. the time: the branch's free slots, as big links, grouped by day;
2. the kind of call: WhatsApp video or an ordinary phone call (two buttons, one post);
3. done: the time, and "Simpan nomor ini", the branch's number as a contact card (vCard).

The link is a signed claim id (claims/services/call_choice.py): nothing personal in it.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from claims.models import Claim, Status
from claims.services import call_choice_read
from interviews.models import CallChannel, Interview
from interviews.selectors import (
    branch_free_slots,
    choose_deadline,
    interview_active_for_claim,
    interview_token,
    local_time_text,
    parse_slot_value,
    zone_label,
)
from interviews.services import InterviewRefused, interview_choose


def _claim(token: str) -> Claim:
    claim = call_choice_read(token)
    if claim is None:
        raise Http404
    return claim


def _slots(claim: Claim):
    return branch_free_slots(
        branch=claim.branch,
        count=settings.INTERVIEW_SLOTS_SHOWN,
        min_reminders=0,  # the claimant chooses: a close call is theirs to take
        prefer_officer_id=claim.assigned_to_id,
    )


def _context(request: HttpRequest, claim: Claim, token: str, **extra) -> dict:
    return {
        "claim": claim,
        "token": token,
        "branch": claim.branch,
        "zone": zone_label(claim.branch),
        "call_centre": settings.CALL_CENTRE_NUMBER,
        **extra,
    }


def _closed(request: HttpRequest, claim: Claim, token: str) -> HttpResponse:
    return render(request, "portal/choose/closed.html", _context(request, claim, token), status=410)


def _render_times(request: HttpRequest, claim: Claim, token: str, *, error: str = "", status: int = 200):
    slots = _slots(claim)
    days: list[tuple[object, list]] = []
    for slot in slots:
        if not days or days[-1][0] != slot.local.date():
            days.append((slot.local.date(), []))
        days[-1][1].append(slot)
    return render(
        request,
        "portal/choose/times.html",
        _context(request, claim, token, days=days, error=error, deadline=choose_deadline(claim)),
        status=status,
    )


@never_cache
@require_GET
def choose_time(request: HttpRequest, token: str) -> HttpResponse:
    claim = _claim(token)
    if interview_active_for_claim(claim) is not None:
        return redirect("portal:choose_done", token=token)
    if claim.status != Status.IN_REVIEW:
        return _closed(request, claim, token)
    return _render_times(request, claim, token)


@never_cache
@require_http_methods(["GET", "POST"])
def choose_channel(request: HttpRequest, token: str) -> HttpResponse:
    claim = _claim(token)
    data = request.POST if request.method == "POST" else request.GET
    starts_at = parse_slot_value(data.get("waktu", ""))
    if starts_at is None:
        return _render_times(request, claim, token, error=_("Pilih salah satu jam di bawah."), status=400)
    if request.method == "POST":
        channel = data.get("cara", "")
        try:
            interview_choose(claim=claim, starts_at=starts_at, channel=channel)
        except InterviewRefused as refused:
            if interview_active_for_claim(claim) is not None:
                messages.error(request, refused.message)
                return redirect("portal:choose_done", token=token)
            if claim.status != Status.IN_REVIEW:
                return _closed(request, claim, token)
            return _render_times(request, claim, token, error=refused.message, status=409)
        return redirect("portal:choose_done", token=token)
    if interview_active_for_claim(claim) is not None:
        return redirect("portal:choose_done", token=token)
    if claim.status != Status.IN_REVIEW:
        return _closed(request, claim, token)
    return render(
        request,
        "portal/choose/channel.html",
        _context(
            request,
            claim,
            token,
            waktu=data.get("waktu"),
            when=local_time_text(starts_at, claim.branch, language=request.LANGUAGE_CODE or "id"),
            video=CallChannel.WHATSAPP_VIDEO,
            phone=CallChannel.PHONE_CALL,
        ),
    )


@never_cache
@require_GET
def choose_done(request: HttpRequest, token: str) -> HttpResponse:
    claim = _claim(token)
    interview: Interview | None = interview_active_for_claim(claim)
    if interview is None:
        if claim.status == Status.IN_REVIEW:
            return redirect("portal:choose", token=token)
        return _closed(request, claim, token)
    return render(
        request,
        "portal/choose/done.html",
        _context(
            request,
            claim,
            token,
            interview=interview,
            when=local_time_text(interview.starts_at, claim.branch, language=request.LANGUAGE_CODE or "id"),
            interview_token=interview_token(interview),
        ),
    )


def _vcard_text(value: str) -> str:
    """RFC 6350 §3.4: backslash, comma, semicolon and newline are escaped in a text value."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


@require_GET
def contact_card(request: HttpRequest, token: str) -> HttpResponse:
    """'Simpan nomor ini': the branch's official number as a contact, so the call is not from an unknown number."""
    claim = _claim(token)
    branch = claim.branch
    if not branch.whatsapp_number:
        raise Http404
    name = f"BPJS Ketenagakerjaan {branch.name}"
    note = _("Nomor resmi untuk panggilan klaim. Call center: %(cc)s") % {"cc": settings.CALL_CENTRE_NUMBER}
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{_vcard_text(name)}",
        f"N:;{_vcard_text(name)};;;",
        "ORG:BPJS Ketenagakerjaan",
        f"TEL;TYPE=WORK,VOICE:{branch.whatsapp_number}",
        f"NOTE:{_vcard_text(note)}",
        "END:VCARD",
    ]
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bpjs-ketenagakerjaan-{branch.code.lower()}.vcf"'
    return response
