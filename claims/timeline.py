"""What each step of a claim means, told to the claimant in plain words."""

from django.utils.translation import gettext as _

from .models import CancelReason, Status


def explain(status: str, reason: str = "") -> str:
    texts: dict[str, str] = {
        Status.DRAFT: _("Klaim dibuat. Unggah dokumen, lalu kirim klaim."),
        Status.SUBMITTED: _("Klaim sudah kami terima. Dokumen Anda akan diperiksa."),
        Status.CHECKING: _("Dokumen Anda sedang diperiksa. Biasanya hanya beberapa menit."),
        Status.NEEDS_FIX: _("Ada dokumen yang perlu diganti. Lihat daftar di bawah, lalu unggah ulang."),
        Status.IN_REVIEW: _("Dokumen lengkap. Petugas cabang sedang memeriksa klaim Anda."),
        Status.INTERVIEW_SCHEDULED: _("Petugas akan menelepon Anda lewat video call. Lihat jadwal di pesan kami."),
        Status.INTERVIEW_DONE: _("Panggilan video selesai. Petugas sedang memutuskan klaim Anda."),
        Status.FAILED_CONFIRMATION: _(
            "Kami belum bisa memastikan data Anda lewat panggilan. Petugas akan menghubungi Anda."
        ),
        Status.APPROVED: _("Klaim disetujui. Dana akan dikirim ke rekening Anda."),
        Status.REJECTED: _("Klaim tidak bisa disetujui. Petugas mengirim alasannya lewat pesan."),
        Status.CANCELLED: _("Klaim dibatalkan."),
    }
    text = texts.get(status, "")
    if status == Status.CANCELLED and reason in CancelReason.values:
        text = _("%(text)s Alasan: %(reason)s.") % {"text": text, "reason": CancelReason(reason).label}
    return text


# The ClaimEvent reason written when a newer file takes a document's place (its note is the
# document type's code: no file name, nothing of the claimant). documents/ writes it; the
# claimant's timeline says what was replaced.
DOCUMENT_REPLACED = "document_replaced"
