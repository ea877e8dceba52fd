"""Interview slots, video-call interviews and their reminders.

Every instant is stored in UTC; every time a person reads is in the branch's zone
(``Branch.time_zone``: WIB, WITA or WIT).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAY_NAMES = [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")]


class Schedule(models.Model):
    """When a branch (or one officer of it, overriding the branch) takes video calls.

    Times are local to the branch. A branch without a schedule row uses the defaults
    below (Monday–Friday 08:00–16:00, 20-minute slots, a 12:00–13:00 break).
    """

    branch = models.ForeignKey(
        "claims.Branch", on_delete=models.CASCADE, related_name="interview_schedules", verbose_name=_("kantor cabang")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interview_schedules",
        verbose_name=_("petugas"),
        help_text=_("Kosongkan untuk jadwal seluruh kantor cabang."),
    )
    # ISO weekdays as digits, Monday = 1: "12345" is Monday to Friday.
    weekdays = models.CharField(_("hari kerja"), max_length=7, default="12345", help_text=_("1 = Senin … 7 = Minggu."))
    day_start = models.TimeField(_("mulai"), default=dt.time(8, 0))
    day_end = models.TimeField(_("selesai"), default=dt.time(16, 0))
    slot_minutes = models.PositiveSmallIntegerField(_("lama satu sesi (menit)"), default=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "officer"], name="schedule_unique_branch_officer"),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(officer__isnull=True), name="schedule_unique_branch_default"
            ),
        ]
        verbose_name = _("jadwal video call")
        verbose_name_plural = _("jadwal video call")

    def __str__(self) -> str:
        # Outside the f-string: xgettext does not look inside f-strings.
        who = self.officer or _("semua petugas")
        return f"{self.branch} – {who}"

    def clean(self) -> None:
        if not self.weekdays or any(ch not in "1234567" for ch in self.weekdays):
            raise ValidationError({"weekdays": _("Tulis hari sebagai angka 1 (Senin) sampai 7 (Minggu).")})
        if self.day_start >= self.day_end:
            raise ValidationError({"day_end": _("Jam selesai harus setelah jam mulai.")})
        if not 5 <= self.slot_minutes <= 120:
            raise ValidationError({"slot_minutes": _("Lama sesi antara 5 dan 120 menit.")})

    def works_on(self, day: dt.date) -> bool:
        return str(day.isoweekday()) in self.weekdays


class ScheduleBreak(models.Model):
    """No calls in this local time range: lunch every day, Friday prayers on Fridays only."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="breaks")
    weekday = models.PositiveSmallIntegerField(
        _("hari"), null=True, blank=True, help_text=_("1 = Senin … 7 = Minggu; kosong: setiap hari.")
    )
    starts = models.TimeField(_("mulai"))
    ends = models.TimeField(_("selesai"))

    class Meta:
        ordering = ["starts"]
        verbose_name = _("istirahat")
        verbose_name_plural = _("istirahat")

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self) -> None:
        if self.starts >= self.ends:
            raise ValidationError({"ends": _("Jam selesai harus setelah jam mulai.")})


DEFAULT_REMINDER_OFFSETS = [24 * 60, 2 * 60, 15]


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def validate_reminder_offsets(value) -> None:
    """Two or three distinct reminders (DOMAIN: 2–3 reminders before each call), each 5 min to 7 days ahead."""
    if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise ValidationError(_("Tulis daftar menit, misalnya [1440, 120, 15]."), code="format")
    if len(value) not in (2, 3):
        raise ValidationError(_("Pilih dua atau tiga pengingat."), code="count")
    if len(set(value)) != len(value):
        raise ValidationError(_("Setiap pengingat harus pada waktu yang berbeda."), code="duplicate")
    if any(not 5 <= item <= 7 * 24 * 60 for item in value):
        raise ValidationError(_("Pengingat antara 5 menit dan 7 hari sebelum panggilan."), code="range")


class ReminderPlan(models.Model):
    """How long before each call the claimant is reminded, per branch (default 24 h, 2 h, 15 min)."""

    branch = models.OneToOneField(
        "claims.Branch", on_delete=models.CASCADE, related_name="reminder_plan", verbose_name=_("kantor cabang")
    )
    offsets_minutes = models.JSONField(
        _("pengingat (menit sebelum panggilan)"),
        default=default_reminder_offsets,
        validators=[validate_reminder_offsets],
    )

    class Meta:
        verbose_name = _("rencana pengingat")
        verbose_name_plural = _("rencana pengingat")

    def __str__(self) -> str:
        return f"{self.branch}: {self.offsets_minutes}"

    def save(self, *args, **kwargs):
        validate_reminder_offsets(self.offsets_minutes)
        super().save(*args, **kwargs)


class CallChannel(models.TextChoices):
    WHATSAPP_VIDEO = "whatsapp_video", _("Video call WhatsApp")
    PHONE_CALL = "phone_call", _("Telepon biasa")


class BookedBy(models.TextChoices):
    """Who chose the time: an officer (console, also the assisted channel on the phone), the
    claimant through their link, or the service after INTERVIEW_CHOOSE_DAYS without a choice."""

    OFFICER = "officer", _("Petugas")
    CLAIMANT = "claimant", _("Peserta")
    SERVICE = "service", _("Sistem (otomatis)")


class InterviewStatus(models.TextChoices):
    BOOKED = "booked", _("Dijadwalkan")
    CONFIRMED = "confirmed", _("Dikonfirmasi peserta")
    CANCELLED = "cancelled", _("Dibatalkan")
    DONE = "done", _("Selesai")
    NO_SHOW = "no_show", _("Tidak terhubung")
    FAILED = "failed", _("Konfirmasi gagal")


# An interview in one of these is still going to happen: it holds its slot and gets reminders.
ACTIVE_INTERVIEW_STATUSES = (InterviewStatus.BOOKED, InterviewStatus.CONFIRMED)

# Every move an interview makes. interviews.services.interview_transition() is the only
# writer of Interview.status; a booking creates the row in "booked", which is no move.
ALLOWED_INTERVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    InterviewStatus.BOOKED: frozenset(
        {
            InterviewStatus.BOOKED,  # rescheduled
            InterviewStatus.CONFIRMED,  # the claimant said "Ya, saya siap"
            InterviewStatus.CANCELLED,
            InterviewStatus.DONE,  # identity confirmed on the call
            InterviewStatus.FAILED,  # failed confirmation
        }
    ),
    InterviewStatus.CONFIRMED: frozenset(
        {
            InterviewStatus.BOOKED,  # rescheduled: the confirmation was for the old time
            InterviewStatus.CANCELLED,
            InterviewStatus.DONE,
            InterviewStatus.FAILED,
        }
    ),
    InterviewStatus.CANCELLED: frozenset(),
    InterviewStatus.DONE: frozenset(),
    # Counted by the manager figures; no service moves an interview here today.
    InterviewStatus.NO_SHOW: frozenset(),
    InterviewStatus.FAILED: frozenset(),
}


class Interview(models.Model):
    """One video call (or phone call) with a claimant. Rescheduling moves this row; its link stays."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="interviews")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interviews")
    starts_at = models.DateTimeField(_("mulai"), db_index=True)
    ends_at = models.DateTimeField(_("selesai"))
    channel = models.CharField(_("cara panggilan"), max_length=16, choices=CallChannel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.BOOKED
    )
    claimant_confirmed_at = models.DateTimeField(_("dikonfirmasi peserta"), null=True, blank=True)
    phone_call_requested = models.BooleanField(_("peserta minta telepon biasa"), default=False)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    booked_by = models.CharField(
        _("dijadwalkan oleh"), max_length=10, choices=BookedBy.choices, default=BookedBy.OFFICER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # One live interview per claim, and an officer is never booked twice at the same time.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(status__in=["booked", "confirmed"]), name="interview_one_active_per_claim"
            ),
            models.UniqueConstraint(
                fields=["officer", "starts_at"],
                condition=Q(status__in=["booked", "confirmed"]),
                name="interview_officer_slot_unique",
            ),
        ]
        verbose_name = _("video call")
        verbose_name_plural = _("video call")

    def __str__(self) -> str:
        return f"{self.claim} {self.starts_at:%Y-%m-%d %H:%M}Z"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_INTERVIEW_STATUSES


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    CLAIMED = "claimed", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    SKIPPED = "skipped", _("Dilewati")
    CANCELLED = "cancelled", _("Dibatalkan")


# Every move a reminder makes. interviews.services.reminders_transition() (one UPDATE for a
# batch) and reminder_transition() (one row) are the only writers of Reminder.status; booking
# creates the rows in "pending", which is no move.
ALLOWED_REMINDER_TRANSITIONS: dict[str, frozenset[str]] = {
    ReminderStatus.PENDING: frozenset(
        {
            ReminderStatus.PENDING,  # due in quiet hours: pushed to their end
            ReminderStatus.CLAIMED,  # claimed by a sweep
            ReminderStatus.SKIPPED,  # given up after INTERVIEW_REMINDER_MAX_ATTEMPTS
            ReminderStatus.CANCELLED,  # the interview moved, was called off or is over
        }
    ),
    ReminderStatus.CLAIMED: frozenset(
        {
            ReminderStatus.PENDING,  # a dead sweep's claim, taken again in quiet hours: pushed
            ReminderStatus.CLAIMED,  # a dead sweep's claim, taken again after INTERVIEW_REMINDER_RECLAIM_AFTER
            ReminderStatus.SENT,
            ReminderStatus.SKIPPED,  # stale at send time, or given up
            ReminderStatus.CANCELLED,
        }
    ),
    ReminderStatus.SENT: frozenset(),
    ReminderStatus.SKIPPED: frozenset(),
    ReminderStatus.CANCELLED: frozenset(),
}


class Reminder(models.Model):
    """One planned reminder: a row written when the interview is booked, sent by the beat sweep.

    Never a Celery countdown: Redis redelivers far-ahead ETAs after its visibility timeout.
    ``for_starts_at`` is the interview start it was planned for; a reminder whose interview
    has moved since is stale and is skipped at send time.
    """

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField(_("menit sebelum panggilan"))
    for_starts_at = models.DateTimeField()
    due_at = models.DateTimeField(_("jadwal kirim"))
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(
        "notifications.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_status_due_idx")]
        constraints = [
            # One live reminder per offset; sent and cancelled ones stay as history (a reschedule
            # after the 24 h reminder went out plans a new 24 h one).
            models.UniqueConstraint(
                fields=["interview", "offset_minutes"],
                condition=Q(status__in=["pending", "claimed"]),
                name="reminder_one_live_per_offset",
            ),
        ]
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")

    def __str__(self) -> str:
        return f"reminder {self.offset_minutes} min for interview {self.interview_id} ({self.status})"


class AttemptOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Identitas terkonfirmasi")
    NO_ANSWER = "no_answer", _("Tidak diangkat")
    RESCHEDULE = "reschedule", _("Peserta minta jadwal lain")
    FAILED = "failed", _("Konfirmasi gagal")


class FailReason(models.TextChoices):
    NO_ANSWER_ALL_ATTEMPTS = "no_answer_all_attempts", _("Tidak diangkat setelah semua percobaan")
    IDENTITY_MISMATCH = "identity_mismatch", _("Identitas tidak cocok")
    DID_NOT_UNDERSTAND = "did_not_understand", _("Peserta tidak memahami prosesnya")
    BAD_CONNECTION = "bad_connection", _("Sambungan buruk")
    NO_DEVICE = "no_device", _("Peserta tidak punya perangkat")


class IdentityCheck(models.TextChoices):
    """The fixed identity checklist an officer ticks during the call (kept on the attempt)."""

    NAME_MATCHES_EKTP = "name_matches_ektp", _("Nama sama dengan e-KTP")
    FACE_MATCHES_PHOTO = "face_matches_photo", _("Wajah sama dengan foto")
    DATE_OF_BIRTH = "date_of_birth", _("Tanggal lahir cocok")
    KPJ_EMPLOYER = "kpj_employer", _("Peserta menjawab pertanyaan KPJ dan perusahaan")


class InterviewAttempt(models.Model):
    """One try at the call and what came of it: every attempt is kept (who, when, outcome, why)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("hasil"), max_length=12, choices=AttemptOutcome.choices)
    reason = models.CharField(_("alasan"), max_length=24, choices=FailReason.choices, blank=True)
    # IdentityCheck values the officer ticked during this attempt.
    checks = models.JSONField(_("pemeriksaan identitas"), default=list, blank=True)
    note = models.TextField(_("catatan"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("percobaan video call")
        verbose_name_plural = _("percobaan video call")

    def __str__(self) -> str:
        return f"interview {self.interview_id} {self.outcome} {self.at:%Y-%m-%d %H:%M}Z"
