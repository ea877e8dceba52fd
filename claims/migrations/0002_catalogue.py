"""Seed the default catalogue: programmes, claim reasons, document types, requirements.

The agency changes requirements over time; after this seed they live in the
database and are edited in admin. Texts are for a first-time user on a phone:
plain Indonesian, short sentences, English second.
"""

from django.db import migrations
from django.db.models import Q

# code, name, name_en, summary, summary_en
PROGRAMMES = [
    (
        "JHT",
        "Jaminan Hari Tua",
        "Old-Age Savings",
        "Tabungan hari tua. Dicairkan saat berhenti bekerja, pensiun, atau meninggal.",
        "Old-age savings. Paid out when you stop working, retire or die.",
    ),
    (
        "JKK",
        "Jaminan Kecelakaan Kerja",
        "Work Accident Benefit",
        "Biaya perawatan dan santunan jika mengalami kecelakaan kerja.",
        "Care costs and compensation after an accident at work.",
    ),
    (
        "JKM",
        "Jaminan Kematian",
        "Death Benefit",
        "Santunan untuk keluarga jika peserta meninggal dunia.",
        "A payment to the family when a member dies.",
    ),
    (
        "JPN",
        "Jaminan Pensiun",
        "Pension",
        "Uang pensiun untuk peserta, atau untuk keluarganya jika peserta meninggal.",
        "A pension for the member, or for the family if the member dies.",
    ),
]

# code, name, name_en, explanation, explanation_en, photo_hint, photo_hint_en
CARD_HINT = "Foto seluruh kartu, tidak terpotong, tulisan terbaca, tanpa pantulan cahaya."
CARD_HINT_EN = "Photograph the whole card: nothing cut off, text readable, no glare."
PAGE_HINT = "Foto seluruh halaman dari atas sampai bawah. Tanda tangan dan cap terlihat."
PAGE_HINT_EN = "Photograph the whole page, top to bottom. Signature and stamp must show."
BANK_HINT = "Foto halaman yang ada nama dan nomor rekening. Semua angka terbaca."
BANK_HINT_EN = "Photograph the page with the name and account number. Every digit readable."

DOCUMENT_TYPES = [
    (
        "kpj_card",
        "Kartu peserta BPJS Ketenagakerjaan (KPJ)",
        "BPJS Ketenagakerjaan membership card (KPJ)",
        "Kartu peserta BPJS Ketenagakerjaan. Nomornya 11 angka.",
        "The BPJS Ketenagakerjaan membership card. Its number has 11 digits.",
        "Foto seluruh kartu, tidak terpotong, nomor KPJ terbaca jelas.",
        "Photograph the whole card: nothing cut off, KPJ number clearly readable.",
    ),
    (
        "ektp",
        "e-KTP",
        "Electronic ID card (e-KTP)",
        "Kartu tanda penduduk elektronik milik peserta.",
        "The member's electronic identity card.",
        CARD_HINT,
        CARD_HINT_EN,
    ),
    (
        "kk",
        "Kartu Keluarga",
        "Family card (Kartu Keluarga)",
        "Kartu Keluarga terbaru. Nama peserta harus tercantum.",
        "The latest family card. The member's name must be on it.",
        "Foto seluruh lembar dari atas sampai bawah. Semua nama terbaca.",
        "Photograph the whole sheet, top to bottom. Every name readable.",
    ),
    (
        "leaving_proof",
        "Surat keterangan berhenti bekerja (paklaring)",
        "Proof of leaving work (paklaring)",
        "Surat dari perusahaan bahwa Anda sudah tidak bekerja di sana.",
        "A letter from your employer saying you no longer work there.",
        PAGE_HINT,
        PAGE_HINT_EN,
    ),
    (
        "bank_book",
        "Buku tabungan",
        "Bank book",
        "Buku tabungan atas nama peserta. Uang dikirim ke rekening ini.",
        "A bank book in the member's name. The money is paid into this account.",
        BANK_HINT,
        BANK_HINT_EN,
    ),
    (
        "face_with_ektp",
        "Foto wajah sambil memegang e-KTP",
        "Photo of your face holding your e-KTP",
        "Foto diri Anda sambil memegang e-KTP di samping wajah.",
        "A photo of yourself holding your e-KTP next to your face.",
        "Wajah dan e-KTP terlihat jelas. Tanpa masker, kacamata hitam, atau topi.",
        "Face and e-KTP clearly visible. No mask, sunglasses or hat.",
    ),
    (
        "npwp",
        "NPWP",
        "Tax number card (NPWP)",
        "Kartu Nomor Pokok Wajib Pajak milik peserta.",
        "The member's tax number card.",
        CARD_HINT,
        CARD_HINT_EN,
    ),
    (
        "passport",
        "Paspor",
        "Passport",
        "Paspor peserta yang akan pindah ke luar negeri.",
        "The passport of the member who is moving abroad.",
        "Foto halaman data diri. Foto wajah dan nomor paspor terbaca.",
        "Photograph the personal data page. Photo and passport number readable.",
    ),
    (
        "deceased_ktp",
        "KTP peserta yang meninggal",
        "ID card of the deceased member",
        "KTP milik peserta yang sudah meninggal dunia.",
        "The identity card of the member who has died.",
        CARD_HINT,
        CARD_HINT_EN,
    ),
    (
        "death_certificate",
        "Akta kematian",
        "Death certificate",
        "Surat resmi bahwa peserta sudah meninggal. Dari Dukcapil atau kelurahan/desa.",
        "The official record of the member's death. From Dukcapil or the village office.",
        PAGE_HINT,
        PAGE_HINT_EN,
    ),
    (
        "heir_statement",
        "Surat keterangan ahli waris",
        "Heir statement",
        "Surat yang menyebut siapa ahli waris peserta. Dari kelurahan atau desa.",
        "A letter naming the member's heirs. From the village or town office.",
        PAGE_HINT,
        PAGE_HINT_EN,
    ),
    (
        "heir_ektp",
        "e-KTP ahli waris",
        "Heir's e-KTP",
        "e-KTP milik ahli waris yang mengajukan klaim.",
        "The e-KTP of the heir making the claim.",
        CARD_HINT,
        CARD_HINT_EN,
    ),
    (
        "heir_bank_book",
        "Buku tabungan ahli waris",
        "Heir's bank book",
        "Buku tabungan atas nama ahli waris. Uang dikirim ke rekening ini.",
        "A bank book in the heir's name. The money is paid into this account.",
        BANK_HINT,
        BANK_HINT_EN,
    ),
    (
        "accident_report",
        "Laporan kecelakaan kerja (tahap I dan II)",
        "Work accident report (stage I and II)",
        "Formulir dari perusahaan tentang kecelakaan kerja. Ada tahap I dan tahap II.",
        "The employer's form about the accident. There is a stage I and a stage II.",
        "Foto setiap halaman. Tanda tangan dan cap perusahaan terlihat.",
        "Photograph every page. The employer's signature and stamp must show.",
    ),
    (
        "medical_report",
        "Surat keterangan dokter",
        "Doctor's report",
        "Surat dari dokter tentang luka, sakit, atau cacat yang dialami.",
        "A letter from the doctor about the injury, illness or disability.",
        "Foto seluruh halaman. Nama dokter, tanda tangan, dan cap terbaca.",
        "Photograph the whole page. Doctor's name, signature and stamp readable.",
    ),
    (
        "care_receipts",
        "Kuitansi biaya perawatan",
        "Receipts for care costs",
        "Kuitansi dari rumah sakit, klinik, atau apotek yang sudah Anda bayar.",
        "Receipts from the hospital, clinic or pharmacy that you paid.",
        "Foto setiap kuitansi. Jumlah uang, tanggal, dan cap terbaca.",
        "Photograph every receipt. Amount, date and stamp readable.",
    ),
    (
        "marriage_or_birth_certificate",
        "Buku nikah atau akta kelahiran anak",
        "Marriage book or child's birth certificate",
        "Buku nikah untuk suami atau istri. Akta kelahiran untuk anak.",
        "The marriage book for a husband or wife. The birth certificate for a child.",
        "Foto halaman yang ada nama dan tanggal. Semua tulisan terbaca.",
        "Photograph the page with the names and dates. All text readable.",
    ),
]

NPWP_NOTE = ("Hanya jika saldo JHT di atas Rp 50 juta", "Only if the JHT balance is over Rp 50 million")
DECEASED_KPJ_NOTE = ("Kartu milik peserta yang meninggal", "The card of the member who died")
# (document code, required, (note, note_en))
REQ = tuple[str, bool, tuple[str, str]]
NO_NOTE = ("", "")

HEIR_DOCUMENTS: list[REQ] = [
    ("kpj_card", True, DECEASED_KPJ_NOTE),
    ("deceased_ktp", True, NO_NOTE),
    ("kk", True, NO_NOTE),
    ("death_certificate", True, NO_NOTE),
    ("heir_statement", True, NO_NOTE),
    ("heir_ektp", True, NO_NOTE),
    ("heir_bank_book", True, NO_NOTE),
]

# programme code → [(reason code, name, name_en, needs_heir, [requirements])]
REASONS: dict[str, list[tuple[str, str, str, bool, list[REQ]]]] = {
    "JHT": [
        (
            "resign",
            "Berhenti bekerja (mengundurkan diri atau PHK)",
            "Stopped working (resigned or laid off)",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                ("leaving_proof", True, NO_NOTE),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
                ("npwp", False, NPWP_NOTE),
            ],
        ),
        (
            "retirement_age",
            "Mencapai usia pensiun 56 tahun",
            "Reached retirement age (56)",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
                ("npwp", False, NPWP_NOTE),
            ],
        ),
        (
            "leaving_indonesia",
            "Pindah ke luar negeri untuk selamanya",
            "Leaving Indonesia for good",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                ("passport", True, NO_NOTE),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
                ("npwp", False, NPWP_NOTE),
            ],
        ),
        (
            "total_disability",
            "Cacat total tetap",
            "Permanent total disability",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                (
                    "medical_report",
                    True,
                    (
                        "Surat dokter yang menyatakan cacat total tetap",
                        "A doctor's letter stating permanent total disability",
                    ),
                ),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
                ("npwp", False, NPWP_NOTE),
            ],
        ),
        (
            "death",
            "Peserta meninggal dunia",
            "The member has died",
            True,
            [*HEIR_DOCUMENTS, ("npwp", False, NPWP_NOTE)],
        ),
    ],
    "JKK": [
        (
            "care_costs",
            "Penggantian biaya perawatan",
            "Refund of care costs",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("accident_report", True, NO_NOTE),
                ("medical_report", True, NO_NOTE),
                ("care_receipts", True, NO_NOTE),
                ("bank_book", True, NO_NOTE),
            ],
        ),
        (
            "disability",
            "Santunan cacat akibat kecelakaan kerja",
            "Compensation for disability after a work accident",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("accident_report", True, NO_NOTE),
                (
                    "medical_report",
                    True,
                    (
                        "Surat dokter yang menyebut bagian tubuh yang cacat",
                        "A doctor's letter naming the disabled body part",
                    ),
                ),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
            ],
        ),
        (
            "fatal",
            "Kecelakaan kerja yang menyebabkan meninggal dunia",
            "Work accident that caused death",
            True,
            [
                *HEIR_DOCUMENTS,
                ("accident_report", True, NO_NOTE),
                (
                    "medical_report",
                    False,
                    ("Jika peserta sempat dirawat sebelum meninggal", "If the member was treated before dying"),
                ),
            ],
        ),
    ],
    "JKM": [
        ("death", "Peserta meninggal dunia", "The member has died", True, HEIR_DOCUMENTS),
    ],
    "JPN": [
        (
            "old_age",
            "Pensiun hari tua (sudah usia pensiun)",
            "Old-age pension (reached pension age)",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                (
                    "leaving_proof",
                    True,
                    ("Surat pensiun dari perusahaan juga boleh", "A retirement letter from the employer is also fine"),
                ),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
            ],
        ),
        (
            "disability",
            "Pensiun cacat",
            "Disability pension",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                (
                    "medical_report",
                    True,
                    (
                        "Surat dokter yang menyatakan cacat total tetap",
                        "A doctor's letter stating permanent total disability",
                    ),
                ),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
            ],
        ),
        (
            "survivor",
            "Pensiun untuk janda, duda, atau anak",
            "Survivor's pension (widow, widower or child)",
            True,
            [
                *HEIR_DOCUMENTS,
                ("marriage_or_birth_certificate", True, NO_NOTE),
            ],
        ),
        (
            "lump_sum",
            "Manfaat sekaligus (iuran kurang dari 15 tahun)",
            "Lump sum (less than 15 years of contributions)",
            False,
            [
                ("kpj_card", True, NO_NOTE),
                ("ektp", True, NO_NOTE),
                ("kk", True, NO_NOTE),
                ("leaving_proof", True, NO_NOTE),
                ("bank_book", True, NO_NOTE),
                ("face_with_ektp", True, NO_NOTE),
            ],
        ),
    ],
}


def seed(apps, schema_editor):
    Programme = apps.get_model("claims", "Programme")
    ClaimReason = apps.get_model("claims", "ClaimReason")
    DocumentType = apps.get_model("claims", "DocumentType")
    DocumentRequirement = apps.get_model("claims", "DocumentRequirement")

    document_types = {}
    for code, name, name_en, explanation, explanation_en, hint, hint_en in DOCUMENT_TYPES:
        document_types[code], _ = DocumentType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "explanation": explanation,
                "explanation_en": explanation_en,
                "photo_hint": hint,
                "photo_hint_en": hint_en,
            },
        )

    for programme_order, (code, name, name_en, summary, summary_en) in enumerate(PROGRAMMES, start=1):
        programme, _ = Programme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "summary": summary,
                "summary_en": summary_en,
                "ordering": programme_order * 10,
            },
        )
        for reason_order, (reason_code, reason_name, reason_name_en, needs_heir, requirements) in enumerate(
            REASONS[code], start=1
        ):
            reason, _ = ClaimReason.objects.get_or_create(
                programme=programme,
                code=reason_code,
                defaults={
                    "name": reason_name,
                    "name_en": reason_name_en,
                    "needs_heir": needs_heir,
                    "ordering": reason_order * 10,
                },
            )
            for requirement_order, (document_code, required, (note, note_en)) in enumerate(requirements, start=1):
                DocumentRequirement.objects.get_or_create(
                    reason=reason,
                    document_type=document_types[document_code],
                    defaults={
                        "required": required,
                        "note": note,
                        "note_en": note_en,
                        "ordering": requirement_order * 10,
                    },
                )


def unseed(apps, schema_editor):
    Programme = apps.get_model("claims", "Programme")
    ClaimReason = apps.get_model("claims", "ClaimReason")
    DocumentType = apps.get_model("claims", "DocumentType")
    DocumentRequirement = apps.get_model("claims", "DocumentRequirement")

    programme_codes = [code for code, *_ in PROGRAMMES]
    seeded = Q(pk__in=[])
    for programme_code, reasons in REASONS.items():
        for reason_code, *_ in reasons:
            seeded |= Q(programme__code=programme_code, code=reason_code)
    reasons = ClaimReason.objects.filter(seeded)
    DocumentRequirement.objects.filter(reason__in=reasons).delete()
    # Claims and documents protect their reasons and types: un-seeding a catalogue in use fails loudly.
    reasons.delete()
    Programme.objects.filter(code__in=programme_codes, reasons__isnull=True).delete()
    DocumentType.objects.filter(code__in=[code for code, *_ in DOCUMENT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
