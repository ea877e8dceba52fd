"""What the claimant must do now, told at the top of the status page.

One plain sentence per step of the lifecycle, and at most one button: a first-time user
reads the top of the page and knows whether anything is waiting on them. When nothing
is, the page says so, and says what we are doing and how they will hear from us.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from claims.models import Claim, Status
from claims.selectors import call_choice_invited_at, claim_payment_due
from claims.services import call_choice_path
from interviews.selectors import interview_active_for_claim, interview_token, local_time_text


@dataclass(frozen=True)
class NextStep:
    # True when the claimant has something to do; False when they only wait.
    action: bool
    text: str
    link: str = ""
    link_label: str = ""


def claimant_next_step(claim: Claim, *, to_fix: int, language: str = "id") -> NextStep:
    """The step waiting on the claimant, or what they are waiting for."""
    call_centre = settings.CALL_CENTRE_NUMBER
    match claim.status:
        case Status.DRAFT:
            return NextStep(
                True,
                _("Lengkapi dokumen, lalu kirim klaim Anda. Klaim yang belum dikirim tidak kami proses."),
                reverse("portal:checklist", args=[claim.reference]),
                _("Lanjutkan mengisi"),
            )
        case Status.NEEDS_FIX:
            return NextStep(
                True,
                _("Ganti %(count)s dokumen yang ditandai di bawah. Setelah itu klaim Anda diperiksa lagi.")
                % {"count": to_fix},
            )
        case Status.SUBMITTED | Status.CHECKING:
            return NextStep(False, _("Tidak ada yang perlu Anda lakukan. Dokumen Anda sedang diperiksa otomatis."))
        case Status.IN_REVIEW:
            if call_choice_invited_at(claim) is None:
                return NextStep(
                    False,
                    _(
                        "Tidak ada yang perlu Anda lakukan sekarang. Petugas memeriksa dokumen Anda, lalu kami kirim "
                        "pesan WhatsApp atau SMS untuk memilih waktu panggilan video."
                    ),
                )
            # An officer accepted the documents: the claimant chooses the call (the invitation's link).
            return NextStep(
                True,
                _(
                    "Dokumen Anda lengkap. Pilih waktu panggilan video dengan petugas. Jika tidak memilih, "
                    "kami pilihkan waktu untuk Anda dan mengirim jadwalnya lewat pesan."
                ),
                call_choice_path(claim),
                _("Pilih waktu panggilan"),
            )
        case Status.INTERVIEW_SCHEDULED:
            interview = interview_active_for_claim(claim)
            if interview is None:  # a moment between the call called off and the claim moving on
                return NextStep(False, _("Tidak ada yang perlu Anda lakukan. Kami kirim pesan untuk jadwal baru."))
            when = local_time_text(interview.starts_at, claim.branch, language=language)
            return NextStep(
                True,
                _("Siapkan HP Anda untuk panggilan video %(when)s. Siapkan juga e-KTP asli Anda.") % {"when": when},
                reverse("portal:interview", args=[interview_token(interview)]),
                _("Lihat jadwal panggilan"),
            )
        case Status.INTERVIEW_DONE:
            return NextStep(False, _("Tidak ada yang perlu Anda lakukan. Petugas sedang memutuskan klaim Anda."))
        case Status.FAILED_CONFIRMATION:
            return NextStep(
                True,
                _(
                    "Panggilan video belum berhasil. Balas pesan kami atau telepon %(call_centre)s untuk jadwal "
                    "baru. Klaim Anda belum ditolak."
                )
                % {"call_centre": call_centre},
            )
        case Status.APPROVED:
            pay_by = claim_payment_due(claim)
            text = _("Klaim Anda disetujui. Dana dikirim ke rekening yang Anda daftarkan di klaim ini.")
            if pay_by is not None:
                text = _("%(text)s Paling lambat %(day)s.") % {"text": text, "day": date_format(pay_by, "l, j F Y")}
            return NextStep(False, text)
        case Status.REJECTED:
            return NextStep(
                False,
                _("Klaim Anda ditolak. Alasannya ada di riwayat di bawah. Jika tidak setuju, telepon %(call_centre)s.")
                % {"call_centre": call_centre},
            )
        case Status.CANCELLED:
            return NextStep(
                True,
                _("Klaim ini dibatalkan. Anda bisa mengajukan klaim baru kapan saja."),
                reverse("portal:start_programme"),
                _("Ajukan klaim baru"),
            )
    return NextStep(False, _("Jika ada pertanyaan, telepon %(call_centre)s.") % {"call_centre": call_centre})
