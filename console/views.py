"""The officer console: the queue, one claim's page and its actions, the audit log.

Views parse, call one service or selector, and render. Every view is staff-only and
never cached; every claim is looked up on the user's scoped queryset (404 outside it).
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from claims.access import normalize_reference
from claims.models import Claim, Status
from claims.selectors import replies_for_staff
from claims.services import (
    ClaimTransitionNotAllowed,
    OfficerActionRefused,
    claim_holder,
    claim_release,
    claim_request_documents,
    claim_reveal_nik,
    claim_take,
    reject_reasons_allowed,
)
from core.masking import mask_nik
from core.staff import is_manager, staff_only
from core.throttle import client_ip
from documents.services import documents_review
from interviews.services import claim_approve, claim_cancel_by_staff, claim_reject

from .forms import (
    ApproveForm,
    AuditFilterForm,
    BatchReviewForm,
    CancelForm,
    QueueFilterForm,
    RejectForm,
    RequestDocumentsForm,
    TakeForm,
)
from .selectors import (
    audit_log_for_staff,
    audit_rows,
    can_read_audit_log,
    claim_actions,
    claim_age,
    claim_document_rows,
    claim_for_staff,
    claim_staff_timeline,
    queue_for_staff,
    queue_rows,
    reviewable_documents,
)

PAGE_SIZE = 50


# --- the queue ------------------------------------------------------------------------


@staff_only
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    claims = queue_for_staff(request.user, **form.filters())
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "console/queue.html",
        {
            "form": form,
            "page": page,
            "rows": queue_rows(page.object_list),
            "show_branch": is_manager(request.user),
            "target_days": settings.CLAIM_SERVICE_TARGET_DAYS,
            "inbox_count": replies_for_staff(request.user).count(),
        },
    )


# --- one claim ------------------------------------------------------------------------


def _claim(request: HttpRequest, reference: str) -> Claim:
    return get_object_or_404(
        claim_for_staff(request.user, reference).select_related(
            "programme", "reason", "branch__region", "assigned_to", "created_by"
        )
    )


def _render_claim(
    request: HttpRequest, claim: Claim, *, bound: dict | None = None, reveal_nik: bool = False, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    initial = {"versi": claim.version}
    rows = claim_document_rows(claim)
    review = bound.get("review") or BatchReviewForm(initial=initial, documents=reviewable_documents(rows))
    holder = claim_holder(claim)
    held_by_other = holder is not None and holder.pk != request.user.pk
    return render(
        request,
        "console/claim.html",
        {
            "claim": claim,
            "age": claim_age(claim),
            "holder": holder,
            "held_by_other": held_by_other,
            "can_take_over": held_by_other and is_manager(request.user),
            "reveal_nik": reveal_nik,
            "nik": claim.nik if reveal_nik else mask_nik(claim.nik),
            "heir_nik": (claim.heir_nik if reveal_nik else mask_nik(claim.heir_nik)) if claim.heir_nik else "",
            "document_rows": [
                (row, review.fields_for(row.document) if row.reviewable and row.document is not None else None)
                for row in rows
            ],
            "actions": claim_actions(claim),
            "timeline": claim_staff_timeline(claim),
            "take_form": TakeForm(initial=initial),
            "review_form": review,
            "request_form": bound.get("request") or RequestDocumentsForm(initial=initial, claim=claim),
            "approve_form": ApproveForm(initial=initial),
            "reject_form": bound.get("reject") or RejectForm(initial=initial, reasons=reject_reasons_allowed(claim)),
            "cancel_form": bound.get("cancel") or CancelForm(initial=initial),
        },
        status=status,
    )


def act(
    request: HttpRequest, claim: Claim, action: Callable[[], object], done: str, *, to: str = "console:claim"
) -> HttpResponse:
    """Run one service; whatever it refuses is told in plain words, and the page is loaded again."""
    try:
        action()
    except OfficerActionRefused as refused:
        messages.error(request, refused.message)
    except ClaimTransitionNotAllowed as refused:
        messages.error(
            request,
            _("Tindakan ini tidak bisa dilakukan pada klaim berstatus “%(status)s”.")
            % {"status": Status(refused.from_status).label},
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, done)
    return redirect(to, reference=claim.reference)


def _stale_form(request: HttpRequest, claim: Claim) -> HttpResponse:
    """A button whose hidden fields came back unreadable (an old or altered page): say so."""
    messages.error(request, _("Pilihan di formulir ini tidak terbaca. Muat ulang halaman, lalu pilih lagi."))
    return _render_claim(request, claim, status=400)


@staff_only
@require_GET
def claim_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_claim(request, _claim(request, reference))


@staff_only
@require_POST
def claim_nik(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the full NIK in this response only; the look is recorded first."""
    claim = _claim(request, reference)
    claim_reveal_nik(
        claim=claim, by=request.user, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
    return _render_claim(request, claim, reveal_nik=True)


@staff_only
@require_POST
def claim_take_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = TakeForm(request.POST)
    if not form.is_valid():
        return _stale_form(request, claim)
    return act(
        request,
        claim,
        lambda: claim_take(claim=claim, by=request.user, claim_version=form.cleaned_data["versi"]),
        _("Klaim ini sekarang Anda tangani."),
    )


@staff_only
@require_POST
def claim_release_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    return act(request, claim, lambda: claim_release(claim=claim, by=request.user), _("Klaim dilepas."))


@staff_only
@require_POST
def claim_review(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    documents = reviewable_documents(claim_document_rows(claim))
    form = BatchReviewForm(request.POST, documents=documents)
    if not form.is_valid():
        return _render_claim(request, claim, bound={"review": form}, status=400)
    return act(
        request,
        claim,
        lambda: documents_review(
            claim=claim, decisions=form.decisions(), by=request.user, claim_version=form.cleaned_data["versi"]
        ),
        _("Keputusan dokumen disimpan. Dokumen yang ditolak dikirim ke peserta dalam satu pesan."),
    )


@staff_only
@require_POST
def claim_request_documents_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = RequestDocumentsForm(request.POST, claim=claim)
    if not form.is_valid():
        return _render_claim(request, claim, bound={"request": form}, status=400)
    return act(
        request,
        claim,
        lambda: claim_request_documents(
            claim=claim,
            document_types=form.document_types(),
            note=form.cleaned_data["catatan"],
            by=request.user,
            claim_version=form.cleaned_data["versi"],
        ),
        _("Permintaan dokumen dikirim ke peserta."),
    )


@staff_only
@require_POST
def claim_approve_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _stale_form(request, claim)
    return act(
        request,
        claim,
        lambda: claim_approve(claim=claim, by=request.user, claim_version=form.cleaned_data["versi"]),
        _("Klaim disetujui."),
    )


@staff_only
@require_POST
def claim_reject_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = RejectForm(request.POST, reasons=reject_reasons_allowed(claim))
    if not form.is_valid():
        return _render_claim(request, claim, bound={"reject": form}, status=400)
    return act(
        request,
        claim,
        lambda: claim_reject(
            claim=claim,
            reason=form.cleaned_data["alasan"],
            note=form.cleaned_data["catatan"],
            by=request.user,
            claim_version=form.cleaned_data["versi"],
        ),
        _("Klaim ditolak. Peserta diberi tahu alasannya."),
    )


@staff_only
@require_POST
def claim_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    claim = _claim(request, reference)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, bound={"cancel": form}, status=400)
    return act(
        request,
        claim,
        lambda: claim_cancel_by_staff(
            claim=claim,
            reason=form.cleaned_data["alasan"],
            note=form.cleaned_data["catatan"],
            by=request.user,
            claim_version=form.cleaned_data["versi"],
        ),
        _("Klaim dibatalkan."),
    )


# --- the audit log --------------------------------------------------------------------


@staff_only
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    """Who opened which document or NIK, within the manager's scope. Read-only: nothing here changes anything."""
    if not can_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    reference = person = what = ""
    if form.is_valid():
        what = form.cleaned_data["akses"]
        typed = form.cleaned_data["klaim"].strip()
        # A reference that cannot be one still filters (to nothing), rather than showing everything.
        reference = normalize_reference(typed) or typed
        person = form.cleaned_data["petugas"].strip()
    entries = audit_log_for_staff(request.user, reference=reference, person=person, what=what)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "console/audit.html", {"form": form, "page": page, "rows": audit_rows(page.object_list)})
