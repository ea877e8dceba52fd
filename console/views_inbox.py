"""The inbox (/petugas/balasan/): claimants' replies no automatic answer took, within the
reader's scope, and the officer's answer to each (claims/services/replies.py)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.models import ClaimReply
from claims.selectors import replies_for_staff
from claims.services import ReplyAlreadyAnswered, ReplyAnswerEmpty, ReplyWindowClosed, reply_answer
from core.staff import in_staff_scope, staff_only

from .forms import ReplyAnswerForm
from .selectors import inbox_rows

PAGE_SIZE = 50


@staff_only
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(replies_for_staff(request.user), PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "console/inbox.html",
        {"page": page, "rows": inbox_rows(page.object_list), "form": ReplyAnswerForm()},
    )


@staff_only
@require_POST
def inbox_answer(request: HttpRequest, reply_id: int) -> HttpResponse:
    # Answered replies included: a second officer is told, not sent a 404.
    replies = in_staff_scope(ClaimReply.objects.all(), request.user, to_branch="claim__branch__")
    reply = get_object_or_404(replies, pk=reply_id)
    form = ReplyAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("text", [])))
        return redirect("console:inbox")
    try:
        reply_answer(reply=reply, text=form.cleaned_data["text"], by=request.user)
    except ReplyAlreadyAnswered:
        messages.error(request, _("Balasan ini sudah dijawab petugas lain."))
    except ReplyWindowClosed:
        messages.error(
            request,
            _(
                "Jendela 24 jam WhatsApp sudah tertutup: teks bebas tidak bisa dikirim lagi. "
                'Kirim pesan templat "silakan telepon kami".'
            ),
        )
    except ReplyAnswerEmpty:
        messages.error(request, _("Tulis jawaban Anda dulu."))
    else:
        messages.success(request, _("Jawaban dikirim."))
    return redirect("console:inbox")
