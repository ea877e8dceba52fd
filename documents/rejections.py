"""What the claimant and the officer are told about a rejected document, in their language.

The automatic codes are documents/checks/codes.py's (plain strings, no Django there);
their messages are here, with the officer's own rejection reasons, because words for
people go through Django's i18n and the checks stay pure. Each message tells the
claimant what to do next, in plain words. The message strings are msgids in
locale/*/LC_MESSAGES/django.po: change one only together with its translations.
"""

from django.utils.translation import gettext_lazy as _

from .models import Document

# One message for each of checks.codes.REJECTION_CODES, in the same order.
REJECTIONS = {
    "type_not_allowed": _("Jenis berkas ini tidak bisa kami terima. Kirim foto (JPG, PNG, HEIC) atau PDF."),
    "extension_mismatch": _(
        "Isi berkas tidak sesuai dengan namanya. Kirim foto atau PDF aslinya, jangan diganti namanya."
    ),
    "empty": _("Berkas kosong. Ambil foto lagi, lalu kirim ulang."),
    "too_large": _("Berkas terlalu besar. Ambil foto lagi dengan resolusi lebih kecil, atau kirim lewat dropbox."),
    "virus": _("Berkas ini berisi virus dan sudah kami hapus. Foto ulang dokumen aslinya dengan kamera HP."),
    "image_too_many_pixels": _("Gambar terlalu besar untuk diperiksa. Ambil foto biasa dengan kamera HP."),
    "image_broken": _("Foto rusak atau tidak lengkap. Ambil foto lagi, lalu kirim ulang."),
    "image_too_small": _("Foto terlalu kecil. Ambil foto lebih dekat sampai dokumen memenuhi layar."),
    "image_too_dark": _("Foto terlalu gelap. Ambil ulang di tempat yang terang."),
    "image_too_bright": _("Foto terlalu terang atau silau. Ambil ulang tanpa lampu kilat, jauh dari cahaya langsung."),
    "image_blurry": _(
        "Foto kabur, tulisan tidak terbaca. Pegang HP dengan tenang, ketuk layar agar fokus, lalu ambil ulang."
    ),
    "pdf_encrypted": _("PDF ini dikunci dengan kata sandi. Kirim PDF tanpa kata sandi, atau foto dokumennya."),
    "pdf_broken": _("PDF ini rusak dan tidak bisa dibuka. Kirim ulang, atau foto dokumennya."),
    "pdf_active_content": _("PDF ini berisi program atau aksi otomatis. Kirim PDF biasa, atau foto dokumennya."),
    "pdf_embedded_files": _("PDF ini berisi berkas lain di dalamnya. Kirim PDF biasa, atau foto dokumennya."),
    "pdf_too_many_pages": _("PDF ini terlalu banyak halaman. Kirim hanya halaman dokumen yang diminta."),
    "duplicate": _("Berkas ini sama dengan dokumen lain di klaim Anda. Unggah dokumen yang benar."),
    "unreadable": _("Berkas ini tidak bisa kami periksa. Ambil foto lagi, atau kirim lewat dropbox di kantor cabang."),
}


# Reasons an officer rejects a document after looking at it (console). Told to the
# claimant in the same one-message-per-batch path as the automatic ones; "officer_other"
# always comes with the officer's note. Add, never rename: they count in the figures.
OFFICER_REJECTIONS = {
    "officer_unreadable": _(
        "Tulisan pada dokumen tidak terbaca. Foto ulang di tempat yang terang, pastikan tulisan jelas dan tidak kabur."
    ),
    "officer_cut_off": _("Foto dokumen terpotong. Foto ulang seluruh dokumen sampai keempat sudutnya terlihat."),
    "officer_wrong_document": _("Dokumen yang dikirim bukan dokumen yang diminta. Unggah dokumen yang sesuai."),
    "officer_expired": _("Dokumen ini sudah tidak berlaku. Unggah dokumen yang masih berlaku."),
    "officer_name_mismatch": _(
        "Nama pada dokumen tidak sama dengan data klaim. Unggah dokumen atas nama yang benar, "
        "atau surat keterangan beda nama dari kelurahan."
    ),
    "officer_other": _("Petugas meminta dokumen ini diganti. Baca catatan petugas, lalu unggah ulang."),
}
# The officer's short names for the same reasons, for the review form.
OFFICER_REJECTION_LABELS = {
    "officer_unreadable": _("Tidak terbaca"),
    "officer_cut_off": _("Terpotong"),
    "officer_wrong_document": _("Dokumen salah"),
    "officer_expired": _("Sudah tidak berlaku"),
    "officer_name_mismatch": _("Nama tidak sesuai"),
    "officer_other": _("Lainnya (tulis catatan)"),
}
OFFICER_REJECTION_NEEDS_NOTE = frozenset({"officer_other"})


def rejection_message(code: str) -> str:
    if code in OFFICER_REJECTIONS:
        return str(OFFICER_REJECTIONS[code])
    return str(REJECTIONS.get(code, REJECTIONS["unreadable"]))


def fix_hint(document: Document | None) -> str:
    """What the claimant must do about a rejected document, in the active language.

    An officer's rejection: the message for its reason, then the officer's note.
    """
    if document is None or not document.rejection_code:
        return ""
    if document.rejection_code in REJECTIONS:
        return rejection_message(document.rejection_code)
    if document.rejection_code in OFFICER_REJECTIONS:
        message = str(OFFICER_REJECTIONS[document.rejection_code])
        note = (document.rejection_note or "").strip()
        if not note:
            return message
        return "{message} {label} {note}".format(message=message, label=_("Catatan petugas:"), note=note)
    return document.rejection_note
