"""Every message kind, as the claimant reads it. Indonesian is the msgid; English is in
locale/en (the same msgids the Django templates of notifications/messages/ had).

Examples are what WhatsApp's reviewer sees for each parameter: realistic, never real data.
"""

from django.utils.translation import gettext_noop as _

from . import AuthKind, Kind, Link, QuickReply, Text

QUESTIONS = _("Pertanyaan? Telepon %(call_centre)s. Petugas kami tidak pernah meminta uang atau kode rahasia.")
UPLOAD_HELP = _(
    "Tidak bisa mengunggah? Masukkan fotokopi dokumen ke dropbox di kantor cabang, atau telepon %(call_centre)s."
)
EXPLAINER = Link("explainer_path", _("Apa yang terjadi saat video call:"), _("Tentang video call"))
# What typing "1" and "2" mean (interviews/services/replies.py), as buttons.
INTERVIEW_REPLIES = (QuickReply(_("Ya, saya bisa"), "1"), QuickReply(_("Ganti jadwal"), "2"))

COMMON = {"reference": "JKM-2026-000123", "call_centre": "175"}
INTERVIEW = {
    **COMMON,
    "when": "Selasa, 3 Maret 2026 pukul 10.00 WIB",
    "channel": "Video call WhatsApp",
    "officer_name": "Rina Wulandari",
    "branch_name": "Kantor Cabang Jakarta Salemba",
    "branch_number": "+62215550175",
    "link_path": "/wawancara/AbC123xYz/",
    "explainer_path": "/wawancara/cara-kerja/",
}

KINDS: tuple[Kind | AuthKind, ...] = (
    Kind(
        name="claim_approved",
        parts=(
            Text(_("BPJS Ketenagakerjaan: klaim %(reference)s (%(programme)s) sudah disetujui.")),
            Text(
                _(
                    "Dana dikirim ke rekening bank yang Anda tulis di klaim, paling lambat %(payment_days)s hari "
                    "kerja lagi: %(pay_by)s. Anda tidak perlu melakukan apa-apa lagi."
                ),
                before="\n",
            ),
            Link("link_path", _("Pantau klaim Anda:"), _("Pantau klaim"), before="\n\n"),
            Text(
                _(
                    "Dana belum masuk sampai tanggal itu, atau ada pertanyaan? Telepon %(call_centre)s. Petugas "
                    "kami tidak pernah meminta uang atau kode rahasia."
                )
            ),
        ),
        examples={
            **COMMON,
            "programme": "Jaminan Hari Tua",
            "payment_days": "5",
            "pay_by": "Senin, 9 Maret 2026",
            "link_path": "/klaim/JKM-2026-000123/AbC123xYz/",
        },
    ),
    Kind(
        name="claim_cancelled",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: klaim %(reference)s sudah dibatalkan sesuai permintaan Anda. Anda bisa "
                    "mengajukan klaim baru kapan saja."
                ),
                when="at_request",
            ),
            Link("link_path", _("Lihat klaim Anda:"), _("Lihat klaim"), when="at_request", before="\n\n"),
            Text(_("Bukan Anda yang membatalkan? Segera telepon %(call_centre)s."), when="at_request"),
            Text(_("BPJS Ketenagakerjaan: klaim %(reference)s dibatalkan."), when="!at_request"),
            Text(_("Alasan: %(explanation)s"), when="!at_request", before="\n"),
            Text(
                _(
                    "Anda tetap bisa mengajukan klaim lagi: buat klaim baru, bawa dokumen ke dropbox "
                    "%(branch_name)s, atau telepon %(call_centre)s."
                ),
                when="!at_request",
            ),
            Link("new_claim_path", _("Buat klaim baru:"), _("Buat klaim baru"), when="!at_request"),
            Link("link_path", _("Lihat klaim Anda:"), _("Lihat klaim"), when="!at_request", before="\n\n"),
            Text(_("Petugas kami tidak pernah meminta uang atau kode rahasia."), when="!at_request"),
        ),
        examples={
            **COMMON,
            "explanation": "Klaim ini belum dikirim sampai batas waktu.",
            "branch_name": "Kantor Cabang Jakarta Salemba",
            "new_claim_path": "/klaim/baru/",
            "link_path": "/klaim/JKM-2026-000123/AbC123xYz/",
        },
    ),
    Kind(
        name="claim_draft_nudge",
        parts=(
            Text(_("BPJS Ketenagakerjaan: klaim %(reference)s Anda belum dikirim. Lanjutkan dari tautan ini:")),
            Link("link_path", "", _("Lanjutkan klaim"), before=" "),
            Text(
                _(
                    "Jika belum dikirim sampai %(closes_on)s, klaim ini kami tutup. Anda tetap bisa mengajukan "
                    "klaim baru kapan saja."
                )
            ),
            Text(
                _(
                    "Tidak bisa mengunggah foto? Masukkan fotokopi dokumen ke dropbox di kantor cabang, atau "
                    "telepon %(call_centre)s."
                )
            ),
        ),
        examples={**COMMON, "closes_on": "Senin, 16 November 2026", "link_path": "/lanjut/AbC123xYz/"},
    ),
    Kind(
        name="claim_fix_nudge",
        parts=(
            Text(_("BPJS Ketenagakerjaan: klaim %(reference)s masih menunggu dokumen ini dari Anda:")),
            Text("%(lines)s", before="\n"),
            Link("link_path", _("Buka klaim Anda:"), _("Buka klaim")),
            Text(
                _(
                    "Jika dokumen belum lengkap sampai %(closes_on)s, klaim ini kami tutup. Anda tetap bisa "
                    "mengajukan klaim baru."
                )
            ),
            Text(UPLOAD_HELP),
        ),
        examples={
            **COMMON,
            "lines": "e-KTP: foto buram, foto ulang di tempat terang; Kartu Keluarga",
            "closes_on": "Senin, 16 November 2026",
            "link_path": "/klaim/JKM-2026-000123/AbC123xYz/",
        },
    ),
    Kind(
        name="claim_more_documents",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: petugas memeriksa klaim %(reference)s dan membutuhkan dokumen "
                    "tambahan. Foto dokumen ini, lalu unggah:"
                )
            ),
            Text("%(names)s", before="\n"),
            Text(_("Catatan petugas: %(note)s"), when="note", before="\n"),
            Link("link_path", _("Buka klaim Anda:"), _("Buka klaim"), before="\n\n"),
            Text(UPLOAD_HELP),
        ),
        examples={
            **COMMON,
            "names": "Surat keterangan kematian; Buku nikah",
            "note": "Mohon foto halaman yang ada capnya.",
            "link_path": "/klaim/JKM-2026-000123/AbC123xYz/",
        },
    ),
    Kind(
        name="claim_needs_fix",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: klaim %(reference)s perlu perbaikan. Foto ulang dokumen ini, lalu "
                    "unggah lagi:"
                )
            ),
            Text("%(lines)s", before="\n"),
            Link("link_path", _("Buka klaim Anda:"), _("Buka klaim")),
            Text(UPLOAD_HELP),
        ),
        examples={
            **COMMON,
            "lines": "e-KTP: foto buram, foto ulang di tempat terang",
            "link_path": "/klaim/JKM-2026-000123/AbC123xYz/",
        },
    ),
    Kind(
        name="claim_rejected",
        parts=(
            Text(_("BPJS Ketenagakerjaan: mohon maaf, klaim %(reference)s tidak dapat disetujui.")),
            Text(_("Alasan: %(explanation)s"), before="\n"),
            Text(_("Catatan petugas: %(note)s"), when="note", before="\n"),
            Link("link_path", _("Lihat klaim Anda:"), _("Lihat klaim"), before="\n\n"),
            Text(
                _(
                    "Ada pertanyaan atau merasa keputusan ini keliru? Telepon %(call_centre)s atau datang ke "
                    "kantor cabang. Petugas kami tidak pernah meminta uang."
                )
            ),
        ),
        examples={
            **COMMON,
            "explanation": "Masa kepesertaan belum memenuhi syarat program ini.",
            "note": "Silakan ajukan lagi setelah 1 Juni 2026.",
            "link_path": "/klaim/JKM-2026-000123/AbC123xYz/",
        },
    ),
    Kind(
        name="claim_resume_link",
        parts=(
            Text(_("BPJS Ketenagakerjaan: lanjutkan klaim %(reference)s dari tautan ini (berlaku %(days)s hari):")),
            Link("link_path", "", _("Lanjutkan klaim"), before=" "),
            Text(_("Jangan bagikan tautan ini. Butuh bantuan? Telepon %(call_centre)s.")),
        ),
        examples={**COMMON, "days": "7", "link_path": "/lanjut/AbC123xYz/"},
    ),
    Kind(
        name="claim_resume_reminder",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: klaim %(reference)s Anda belum selesai dan belum dikirim. Lanjutkan "
                    "dari tautan ini:"
                )
            ),
            Link("link_path", "", _("Lanjutkan klaim"), before=" "),
            Text(
                _(
                    'Tidak bisa mengunggah foto? Buka tautan itu, lalu pilih "Saya tidak bisa mengunggah '
                    'sekarang" untuk mengirim fotokopi lewat dropbox di kantor cabang. Butuh bantuan? Telepon '
                    "%(call_centre)s."
                )
            ),
        ),
        examples={**COMMON, "link_path": "/lanjut/AbC123xYz/"},
    ),
    Kind(
        name="claim_submitted",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: klaim %(programme)s Anda sudah kami terima. Nomor klaim: %(reference)s. "
                    "Simpan nomor ini."
                )
            ),
            Text(
                _(
                    "Dokumen Anda akan diperiksa. Jika ada yang perlu diperbaiki, kami kirim pesan lagi. Lihat "
                    "status klaim:"
                )
            ),
            Link("status_path", "", _("Lihat status klaim"), before=" "),
            Text(QUESTIONS),
        ),
        examples={**COMMON, "programme": "Jaminan Hari Tua", "status_path": "/cek-klaim/?nomor=JKM-2026-000123"},
    ),
    Kind(
        name="dropbox_cover_sheet",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: nomor klaim Anda %(reference)s. Kirim fotokopi dokumen lewat dropbox di "
                    "kantor cabang."
                )
            ),
            Text(_("Tulis nomor klaim %(reference)s di amplop, lalu masukkan fotokopi dokumen ini:")),
            Text("%(lines)s", before="\n"),
            Text(_("Masukkan amplop ke dropbox di %(branch)s, %(address)s. Jangan kirim dokumen asli."), before="\n"),
            Link("link_path", _("Lembar sampul (bisa dicetak):"), _("Lembar sampul"), before="\n\n"),
            Text(QUESTIONS),
        ),
        examples={
            **COMMON,
            "lines": "e-KTP; Kartu Keluarga; Buku tabungan",
            "branch": "Kantor Cabang Jakarta Salemba",
            "address": "Jl. Salemba Raya No. 55, Jakarta Pusat",
            "link_path": "/klaim/JKM-2026-000123/dropbox/AbC123xYz/",
        },
    ),
    Kind(
        name="dropbox_received",
        parts=(
            Text(_("BPJS Ketenagakerjaan: dokumen klaim %(reference)s dari dropbox %(branch)s sudah kami terima:")),
            Text("%(lines)s", before="\n"),
            Text(
                _(
                    "Dokumen sedang diperiksa. Jika ada yang perlu diperbaiki, kami kirim pesan lagi. Lihat status "
                    "klaim:"
                ),
                before="\n",
            ),
            Link("link_path", "", _("Lihat status klaim"), before=" "),
            Text(QUESTIONS),
        ),
        examples={
            **COMMON,
            "branch": "Kantor Cabang Jakarta Salemba",
            "lines": "e-KTP; Kartu Keluarga",
            "link_path": "/cek-klaim/?nomor=JKM-2026-000123",
        },
    ),
    Kind(
        name="interview_booked",
        parts=(
            Text(_("BPJS Ketenagakerjaan: jadwal video call klaim %(reference)s DIUBAH."), when="rescheduled"),
            Text(
                _("BPJS Ketenagakerjaan: klaim %(reference)s perlu satu langkah lagi, yaitu panggilan dengan petugas."),
                when="!rescheduled",
            ),
            Text(_("Waktu: %(when)s")),
            Text(_("Cara: %(channel)s"), before="\n"),
            Text(_("Petugas: %(officer_name)s (%(branch_name)s)"), before="\n"),
            Text(
                _(
                    "Kami menelepon dari nomor resmi %(branch_number)s. Simpan nomor ini. Jangan angkat panggilan "
                    "dari nomor lain yang mengaku petugas."
                ),
                when="branch_number",
                before="\n",
            ),
            Text(_("Kami menelepon dari nomor resmi kantor cabang."), when="!branch_number", before="\n"),
            Text(_("Siapkan e-KTP asli dan dokumen asli yang Anda kirim: %(ready)s.")),
            Text(
                _(
                    "Anda belum memilih jam, jadi kami pilihkan jam terdekat yang masih kosong. Jam ini tidak "
                    "cocok? Pilih jam lain lewat tautan di bawah, atau telepon %(call_centre)s."
                ),
                when="chosen_for_you",
            ),
            Text(_("Konfirmasi, pilih jam lain, atau minta telepon biasa:")),
            Link("link_path", "", _("Atur jadwal"), before=" "),
            EXPLAINER,
            Text(QUESTIONS),
        ),
        examples={**INTERVIEW, "ready": "Kartu Keluarga, Buku tabungan"},
        replies=INTERVIEW_REPLIES,
    ),
    Kind(
        name="interview_cancelled",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: video call klaim %(reference)s pada %(when)s DIBATALKAN. Tidak ada "
                    "panggilan pada jam itu."
                )
            ),
            Text(_("Petugas akan mengirim jadwal baru. Pertanyaan? Telepon %(call_centre)s.")),
        ),
        examples={**COMMON, "when": INTERVIEW["when"]},
    ),
    Kind(
        name="interview_choose",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: dokumen klaim %(reference)s sudah diterima. Langkah terakhir: panggilan "
                    "dengan petugas."
                )
            ),
            Text(_("Pilih sendiri jam dan caranya (video call WhatsApp atau telepon biasa):")),
            Link("link_path", "", _("Pilih jadwal"), before=" "),
            Text(
                _("Kami menelepon dari nomor resmi %(branch_number)s (%(branch_name)s). Simpan nomor ini."),
                when="branch_number",
                before="\n",
            ),
            Text(
                _(
                    "Belum memilih dalam %(days)s hari kerja? Kami pilihkan jam dan kirim pesan; jamnya tetap bisa "
                    "Anda ubah."
                ),
                before="\n",
            ),
            Text(QUESTIONS),
        ),
        examples={
            **COMMON,
            "link_path": "/jadwal/AbC123xYz/",
            "branch_number": INTERVIEW["branch_number"],
            "branch_name": INTERVIEW["branch_name"],
            "days": "2",
        },
    ),
    Kind(
        name="interview_failed",
        parts=(
            Text(_("BPJS Ketenagakerjaan: video call klaim %(reference)s belum berhasil.")),
            Text("%(explanation)s", before=" "),
            Text(
                _(
                    "Klaim Anda belum ditolak. Untuk jadwal video call baru, balas pesan ini, telepon "
                    "%(call_centre)s, atau datang ke %(branch_name)s. Petugas kantor cabang akan membuat jadwal "
                    "baru untuk Anda."
                )
            ),
            EXPLAINER,
            Text(_("Petugas kami tidak pernah meminta uang atau kode rahasia.")),
        ),
        examples={
            **COMMON,
            "explanation": "Kami tidak berhasil menghubungi Anda pada jam yang dijadwalkan.",
            "branch_name": INTERVIEW["branch_name"],
            "explainer_path": INTERVIEW["explainer_path"],
        },
    ),
    Kind(
        name="interview_reminder",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: pengingat, %(time_left)s petugas akan menghubungi Anda untuk klaim "
                    "%(reference)s."
                )
            ),
            Text(_("Waktu: %(when)s")),
            Text(_("Cara: %(channel)s"), before="\n"),
            Text(_("Petugas: %(officer_name)s"), before="\n"),
            Text(_("dari nomor resmi %(branch_number)s"), when="branch_number", before=", "),
            Text(_("Siapkan e-KTP asli dan dokumen Anda.")),
            EXPLAINER,
            Link("link_path", _("Ubah jadwal atau minta telepon biasa:"), _("Atur jadwal")),
        ),
        examples={**INTERVIEW, "time_left": "besok"},
        replies=INTERVIEW_REPLIES,
    ),
    Kind(
        name="interview_reschedule_link",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: video call klaim %(reference)s dijadwalkan %(when)s. Pilih waktu lain di "
                    "sini:"
                )
            ),
            Link("link_path", "", _("Pilih waktu lain"), before=" "),
            Text(_("Butuh bantuan? Telepon %(call_centre)s.")),
        ),
        examples={**COMMON, "when": INTERVIEW["when"], "link_path": INTERVIEW["link_path"]},
    ),
    AuthKind(
        name="one_time_code",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: kode untuk membuka klaim %(reference)s adalah %(code)s. Berlaku "
                    "%(minutes)s menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas."
                )
            ),
        ),
        examples={**COMMON, "code": "123456", "minutes": "10"},
        copy_button=_("Salin kode"),
    ),
    AuthKind(
        name="phone_confirm_code",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: kode konfirmasi nomor HP untuk klaim %(reference)s adalah %(code)s. "
                    "Bacakan kode ini HANYA kepada petugas yang sedang membantu Anda mendaftarkan klaim (di kantor "
                    "cabang atau call centre %(call_centre)s). Berlaku %(minutes)s menit. Jika Anda tidak sedang "
                    "dibantu petugas, abaikan pesan ini."
                )
            ),
        ),
        examples={**COMMON, "code": "123456", "minutes": "10"},
        copy_button=_("Salin kode"),
        webotp=False,
    ),
    # A start of a claim (claims/services/start.py): the code goes to the phone just typed...
    AuthKind(
        name="claim_start_code",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: kode untuk memulai klaim %(programme)s adalah %(code)s. Berlaku "
                    "%(minutes)s menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas."
                )
            ),
        ),
        examples={**COMMON, "programme": "Jaminan Hari Tua", "code": "123456", "minutes": "10"},
        copy_button=_("Salin kode"),
    ),
    # ...or, when the NIK already has an open claim in the programme, to that claim's phone on
    # file. WhatsApp fixes an authentication template's wording, so the warning that someone
    # started a claim with this NIK is the SMS's only.
    AuthKind(
        name="claim_start_existing",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: seseorang baru saja mencoba memulai klaim %(programme)s dengan NIK Anda. "
                    "Klaim %(reference)s Anda masih berjalan. Jika itu Anda, kode untuk membukanya adalah %(code)s "
                    "(berlaku %(minutes)s menit). Jika bukan Anda, abaikan pesan ini. Jangan berikan kode ini "
                    "kepada siapa pun."
                )
            ),
        ),
        examples={**COMMON, "programme": "Jaminan Hari Tua", "code": "123456", "minutes": "10"},
        copy_button=_("Salin kode"),
    ),
    # Answers to a claimant's reply (claims/services/replies.py). Inside the customer-service
    # window: free text, no template.
    Kind(
        name="claim_status_reply",
        parts=(
            Text(_("BPJS Ketenagakerjaan: klaim %(reference)s: %(status)s."), when="!several"),
            Text("%(explanation)s", when="!several", before="\n"),
            Link("status_path", _("Lihat klaim Anda:"), _("Lihat klaim"), when="!several", before="\n\n"),
            Text(_("BPJS Ketenagakerjaan: klaim Anda dengan nomor ini:"), when="several"),
            Text("%(lines)s", when="several", before="\n"),
            Text(_("Lihat rinciannya di %(base_url)s dengan nomor klaim."), when="several", before="\n"),
            Text(_("Ada pertanyaan lain? Balas pesan ini atau telepon %(call_centre)s.")),
        ),
        examples={},
        free_text=True,
    ),
    Kind(
        name="claim_status_unknown",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: kami tidak menemukan klaim untuk nomor ini. Untuk bantuan, telepon "
                    "%(call_centre)s."
                )
            ),
        ),
        examples={},
        free_text=True,
    ),
    Kind(name="reply_text", parts=(Text("%(text)s"),), examples={}, free_text=True),
    # Outside the window an officer's answer can only be this template.
    Kind(
        name="reply_call_us",
        parts=(
            Text(
                _(
                    "BPJS Ketenagakerjaan: petugas kami sudah membaca pesan Anda tentang klaim %(reference)s. "
                    "Silakan telepon %(call_centre)s, atau lihat klaim Anda dari tautan ini."
                ),
                when="reference",
            ),
            Link("status_path", "", _("Lihat klaim"), when="reference", before=" "),
            Text(
                _(
                    "BPJS Ketenagakerjaan: petugas kami sudah membaca pesan Anda. Silakan telepon %(call_centre)s "
                    "untuk bantuan."
                ),
                when="!reference",
            ),
            Text(_("Petugas kami tidak pernah meminta uang atau kode rahasia.")),
        ),
        examples={**COMMON, "status_path": "/klaim/JKM-2026-000123/AbC123xYz/"},
    ),
)
