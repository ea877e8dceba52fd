"""What every figure counts: one place, used by the numbers, the drill-down lists and the tests.

DOMAIN.md defines the figures; each is a ratio of two *measures*. A measure is a set of
rows (claims, interviews or documents) picked by a base (which rows, dated by which
field) and a condition. The dashboard counts a measure with ``Count(filter=condition)``
and its drill-down lists the same base filtered by the same condition, so a number and
its list can never disagree.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, Model, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from claims.models import CancelReason, Channel, Claim, ClaimEvent, Status
from documents.models import Document, DocumentStatus
from documents.rejections import REJECTIONS
from interviews.models import AttemptOutcome, Interview, InterviewAttempt, InterviewStatus
from notifications.models import MessageChannel, MessageStatus

ELECTRONIC_CANCEL_REASONS = (CancelReason.UPLOAD_FAILED, CancelReason.INCOMPLETE_DOCUMENTS)
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED)
DELIVERED = (MessageStatus.DELIVERED, MessageStatus.READ)
AUTOMATIC_REJECTIONS = tuple(REJECTIONS)
# A document the checks rejected still counts once the claimant has replaced it: the
# replaced row keeps its rejection code (an officer's acceptance clears it).
REJECTED_ONCE = (DocumentStatus.REJECTED, DocumentStatus.REPLACED)
# Reminder buckets: 0, 1, 2 and "3 or more" delivered (a rescheduled call gets new reminders).
REMINDER_BUCKETS = (0, 1, 2, 3)

# A row of the per-branch table is flagged when its rate is at least this many percentage
# points above its region's (a region's: above the nation's), on at least this many cases.
OUTLIER_POINTS = 10.0
OUTLIER_MIN_CASES = 20


@dataclass(frozen=True)
class Base:
    """Which rows, and which datetime places them in a period and a week."""

    name: str
    model: type[Model]
    anchor: str
    # Path from the row to its claim ("" for claims themselves).
    to_claim: str
    condition: Q = field(default_factory=Q)
    # Interviews count once they are due: the base needs "now".
    due_only: bool = False


SUBMITTED = Base("submitted", Claim, "submitted_at", "", Q(submitted_at__isnull=False))
STARTED = Base("started", Claim, "created_at", "")
DECIDED = Base("decided", Claim, "closed_at", "", Q(status__in=DECIDED_STATUSES, submitted_at__isnull=False))
INTERVIEWS = Base("interviews", Interview, "starts_at", "claim__", ~Q(status=InterviewStatus.CANCELLED), due_only=True)
DOCUMENTS = Base("documents", Document, "created_at", "claim__")
# Claims the service cancelled in the period (the day it closed them), whatever their channel.
CANCELLED = Base("cancelled", Claim, "closed_at", "", Q(status=Status.CANCELLED, closed_at__isnull=False))

# The expiry sweeps write this note on the cancellation's history row (documents.services
# .expiry, interviews.services.expiry); an officer's cancellation for the same reason has
# its own note or none, and is not an expiry.
EXPIRY_NOTE = "expiry"
# Claims expired, by the stage the claimant left them in: the status the cancellation came
# from (its history row) and the reason the sweep of that stage gives.
EXPIRY_STAGES: tuple[tuple[str, Status, tuple[CancelReason, ...]], ...] = (
    ("draft", Status.DRAFT, (CancelReason.EXPIRED,)),
    ("needs_fix", Status.NEEDS_FIX, ELECTRONIC_CANCEL_REASONS),
    ("interview", Status.FAILED_CONFIRMATION, (CancelReason.FAILED_CONFIRMATION,)),
)


def _expired_from(status: Status, reasons: tuple[CancelReason, ...]) -> Q:
    """Cancelled by an expiry sweep out of ``status``, for one of ``reasons``."""
    return Q(cancel_reason__in=reasons) & Q(
        Exists(
            ClaimEvent.objects.filter(
                claim_id=OuterRef("pk"), to_status=Status.CANCELLED, from_status=status, note=EXPIRY_NOTE
            )
        )
    )


def _reached(*statuses: str) -> Q:
    """The claim went through one of these statuses at some point (its history says so)."""
    return Q(Exists(ClaimEvent.objects.filter(claim_id=OuterRef("pk"), to_status__in=statuses)))


# The funnel: a claim counts at every step up to the furthest one it reached.
_AFTER_INTERVIEW = (Status.APPROVED, Status.REJECTED)
_AFTER_REVIEW = (Status.INTERVIEW_DONE, Status.FAILED_CONFIRMATION, *_AFTER_INTERVIEW)
_AFTER_CHECK = (Status.INTERVIEW_SCHEDULED, *_AFTER_REVIEW)
_CHECKED = (Status.NEEDS_FIX, Status.IN_REVIEW, *_AFTER_CHECK)
FUNNEL_STEPS = (
    ("started", _("Dimulai"), Q()),
    ("submitted", _("Dikirim"), Q(submitted_at__isnull=False)),
    ("checked", _("Selesai diperiksa otomatis"), Q(status__in=_CHECKED) | _reached(*_CHECKED)),
    ("reviewed", _("Selesai diverifikasi petugas"), Q(status__in=_AFTER_CHECK) | _reached(*_AFTER_CHECK)),
    ("interviewed", _("Selesai video call"), Q(status__in=_AFTER_REVIEW) | _reached(*_AFTER_REVIEW)),
    ("decided", _("Diputuskan"), Q(status__in=DECIDED_STATUSES)),
)

_NO_SHOW = Q(status=InterviewStatus.NO_SHOW) | Q(
    Exists(InterviewAttempt.objects.filter(interview_id=OuterRef("pk"), outcome=AttemptOutcome.NO_ANSWER))
)


@dataclass(frozen=True)
class Measure:
    base: Base
    condition: Q


MEASURES: dict[str, Measure] = {
    "submitted": Measure(SUBMITTED, Q()),
    "electronic": Measure(SUBMITTED, Q(channel=Channel.ELECTRONIC)),
    "dropbox": Measure(SUBMITTED, Q(channel=Channel.DROPBOX)),
    "ecancel": Measure(
        SUBMITTED,
        Q(channel=Channel.ELECTRONIC, status=Status.CANCELLED, cancel_reason__in=ELECTRONIC_CANCEL_REASONS),
    ),
    **{
        f"ecancel_{reason}": Measure(
            SUBMITTED, Q(channel=Channel.ELECTRONIC, status=Status.CANCELLED, cancel_reason=reason)
        )
        for reason in ELECTRONIC_CANCEL_REASONS
    },
    "interviews": Measure(INTERVIEWS, Q()),
    "failed_confirmation": Measure(INTERVIEWS, Q(status=InterviewStatus.FAILED)),
    "no_show": Measure(INTERVIEWS, _NO_SHOW),
    "documents": Measure(DOCUMENTS, Q()),
    "auto_rejected": Measure(DOCUMENTS, Q(status__in=REJECTED_ONCE, rejection_code__in=AUTOMATIC_REJECTIONS)),
    **{
        f"auto_rejected_{code}": Measure(DOCUMENTS, Q(status__in=REJECTED_ONCE, rejection_code=code))
        for code in AUTOMATIC_REJECTIONS
    },
    "decided": Measure(DECIDED, Q()),
    **{
        f"expired_{stage}": Measure(CANCELLED, _expired_from(status, reasons))
        for stage, status, reasons in EXPIRY_STAGES
    },
    **{f"funnel_{key}": Measure(STARTED, condition) for key, _label, condition in FUNNEL_STEPS},
}


def reminder_delivered(interview_ref: str = "pk", *, channel: str | None = None) -> Q:
    """A reminder of the interview reached the phone: its message (or that message's SMS copy)
    was reported delivered or read by the provider."""
    whatsapp = Q(message__channel=MessageChannel.WHATSAPP, message__status__in=DELIVERED)
    sms = Q(message__channel=MessageChannel.SMS, message__status__in=DELIVERED) | Q(
        message__fallback__status__in=DELIVERED
    )
    if channel == MessageChannel.WHATSAPP:
        return whatsapp
    if channel == MessageChannel.SMS:
        return sms
    return whatsapp | sms


# --- the definitions shown beside each figure ------------------------------------------

DEFINITIONS = {
    "ecancel": _(
        "Klaim unggah dokumen yang dibatalkan dengan alasan “unggah dokumen gagal” atau “dokumen tidak "
        "lengkap”, dibagi semua klaim unggah dokumen yang dikirim dalam periode (tanggal kirim, "
        "waktu setempat kantor cabang). Pembatalan yang terjadi kemudian tetap dihitung pada minggu kirimnya."
    ),
    "failed_confirmation": _(
        "Video call yang berakhir “konfirmasi gagal”, dibagi video call yang sudah berlangsung atau sudah lewat "
        "jadwalnya dalam periode (jadwal mulai, waktu setempat; yang dibatalkan tidak dihitung)."
    ),
    "channel_mix": _(
        "Bagian klaim unggah dokumen dan dropbox dari semua klaim yang dikirim dalam periode (tanggal kirim)."
    ),
    "reminders": _(
        "Video call yang sudah berlangsung atau lewat jadwal dalam periode, menurut jumlah pengingat yang "
        "sampai ke HP peserta (pesan dilaporkan terkirim/dibaca oleh penyedia; 3 berarti 3 atau lebih) dan "
        "menurut saluran yang mengantarnya. Tidak hadir: peserta tidak mengangkat panggilan setidaknya sekali."
    ),
    "time_to_decision": _(
        "Waktu dari klaim dikirim sampai disetujui atau ditolak, untuk klaim yang diputuskan dalam periode "
        "(tanggal keputusan): nilai tengah (median) dan persentil ke-90, dalam hari."
    ),
    "reupload": _(
        "Dokumen yang ditolak pemeriksaan otomatis (harus diunggah ulang), dibagi semua dokumen yang diunggah "
        "dalam periode (tanggal unggah), per alasan penolakan. Dokumen yang sudah diganti peserta tetap "
        "dihitung, dan setiap versi yang diunggah dihitung sebagai dokumen. Penolakan oleh petugas tidak dihitung."
    ),
    "expired": _(
        "Klaim yang dibatalkan otomatis karena tidak ada tindakan sampai batas waktunya, menurut tahap "
        "terakhirnya, dihitung pada tanggal pembatalan (waktu setempat kantor cabang), semua jalur: "
        "draf yang tidak pernah dikirim (alasan “tidak ada tindakan sampai batas waktu”); klaim yang "
        "menunggu perbaikan dokumen (alasan “unggah dokumen gagal” atau “dokumen tidak lengkap”, juga "
        "dihitung di pembatalan klaim unggah dokumen); dan klaim yang video call-nya gagal lalu tidak "
        "dijadwalkan lagi (alasan “konfirmasi gagal”). Pembatalan oleh petugas atau atas permintaan "
        "peserta tidak dihitung."
    ),
    "funnel": _(
        "Klaim yang dimulai dalam periode (tanggal dibuat) dan langkah terjauh yang dicapainya menurut "
        "riwayat klaim: setiap klaim dihitung pada semua langkah sampai langkah terjauhnya."
    ),
    "outliers": _(
        "Ditandai bila angkanya paling sedikit 10 poin persen di atas angka wilayahnya (untuk wilayah: di atas "
        "angka nasional), dengan paling sedikit 20 kasus."
    ),
}

# What a drill-down list holds, as its title.
MEASURE_LABELS = {
    "submitted": _("Klaim yang dikirim"),
    "electronic": _("Klaim unggah dokumen yang dikirim"),
    "dropbox": _("Klaim dropbox yang dikirim"),
    "ecancel": _("Klaim unggah dokumen yang batal karena unggah gagal atau dokumen tidak lengkap"),
    "ecancel_upload_failed": _("Klaim unggah dokumen yang batal: unggah dokumen gagal"),
    "ecancel_incomplete_documents": _("Klaim unggah dokumen yang batal: dokumen tidak lengkap"),
    "interviews": _("Video call yang berlangsung atau lewat jadwal"),
    "failed_confirmation": _("Video call dengan konfirmasi gagal"),
    "no_show": _("Video call yang tidak diangkat peserta"),
    "documents": _("Dokumen yang diunggah"),
    "auto_rejected": _("Dokumen yang ditolak pemeriksaan otomatis"),
    "decided": _("Klaim yang diputuskan (disetujui atau ditolak)"),
    "expired_draft": _("Draf klaim yang dibatalkan otomatis karena tidak dikirim"),
    "expired_needs_fix": _("Klaim yang dibatalkan otomatis karena dokumennya tidak diperbaiki"),
    "expired_interview": _("Klaim yang dibatalkan otomatis karena video call gagal dan tidak dijadwalkan lagi"),
    **{f"funnel_{key}": label for key, label, _condition in FUNNEL_STEPS},
}


# The stages' names on the dashboard's card.
EXPIRY_STAGE_LABELS = {
    "draft": _("Draf"),
    "needs_fix": _("Perbaikan dokumen"),
    "interview": _("Video call"),
}


def measure_label(name: str) -> str:
    if name.startswith("auto_rejected_"):
        return "{}: {}".format(MEASURE_LABELS["auto_rejected"], name.removeprefix("auto_rejected_"))
    return str(MEASURE_LABELS.get(name, name))
