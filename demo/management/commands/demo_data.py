"""Fill a development database with the regional offices, branches and staff logins.

Every demo user gets the same, printed password. That is only acceptable on a
developer's machine, so the command refuses to run with DEBUG off unless told
--force. Running it again updates the same rows and resets the demo passwords.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from claims.models import Branch, Region
from core.staff import Role
from demo.claims import demo_claims
from demo.figures import demo_figures

DEMO_PASSWORD = "lapakasik-demo"

WIB, WITA, WIT = Branch.Zone.WIB, Branch.Zone.WITA, Branch.Zone.WIT

# The eleven regional offices (kantor wilayah) of BPJS Ketenagakerjaan.
REGIONS = [
    ("SUMBAGUT", "Sumatera Bagian Utara"),
    ("SUMBARRIAU", "Sumatera Barat dan Riau"),
    ("SUMBAGSEL", "Sumatera Bagian Selatan"),
    ("BANTEN", "Banten"),
    ("DKI", "DKI Jakarta"),
    ("JABAR", "Jawa Barat"),
    ("JATENGDIY", "Jawa Tengah dan DIY"),
    ("JATIM", "Jawa Timur"),
    ("KALIMANTAN", "Kalimantan"),
    ("SULAMA", "Sulawesi Maluku"),
    ("BANUSPA", "Bali Nusa Tenggara Papua"),
]

# key (used in codes and usernames), branch name, city, region code, time zone.
# Kalimantan Barat and Tengah keep WIB; Bali, Nusa Tenggara, Kalimantan Selatan and
# Timur and Sulawesi are WITA; Maluku and Papua are WIT.
BRANCHES = [
    ("medan", "Kantor Cabang Medan Kota", "Medan", "SUMBAGUT", WIB),
    ("banda-aceh", "Kantor Cabang Banda Aceh", "Banda Aceh", "SUMBAGUT", WIB),
    ("pematangsiantar", "Kantor Cabang Pematangsiantar", "Pematangsiantar", "SUMBAGUT", WIB),
    ("pekanbaru", "Kantor Cabang Pekanbaru Kota", "Pekanbaru", "SUMBARRIAU", WIB),
    ("padang", "Kantor Cabang Padang", "Padang", "SUMBARRIAU", WIB),
    ("batam", "Kantor Cabang Batam Nagoya", "Batam", "SUMBARRIAU", WIB),
    ("tanjungpinang", "Kantor Cabang Tanjungpinang", "Tanjungpinang", "SUMBARRIAU", WIB),
    ("palembang", "Kantor Cabang Palembang", "Palembang", "SUMBAGSEL", WIB),
    ("bandar-lampung", "Kantor Cabang Bandar Lampung", "Bandar Lampung", "SUMBAGSEL", WIB),
    ("jambi", "Kantor Cabang Jambi", "Jambi", "SUMBAGSEL", WIB),
    ("bengkulu", "Kantor Cabang Bengkulu", "Bengkulu", "SUMBAGSEL", WIB),
    ("pangkalpinang", "Kantor Cabang Pangkalpinang", "Pangkalpinang", "SUMBAGSEL", WIB),
    ("serang", "Kantor Cabang Serang", "Serang", "BANTEN", WIB),
    ("tangerang", "Kantor Cabang Tangerang Cikokol", "Tangerang", "BANTEN", WIB),
    ("cilegon", "Kantor Cabang Cilegon", "Cilegon", "BANTEN", WIB),
    ("salemba", "Kantor Cabang Jakarta Salemba", "Jakarta Pusat", "DKI", WIB),
    ("kebayoran-baru", "Kantor Cabang Jakarta Kebayoran Baru", "Jakarta Selatan", "DKI", WIB),
    ("kelapa-gading", "Kantor Cabang Jakarta Kelapa Gading", "Jakarta Utara", "DKI", WIB),
    ("bandung", "Kantor Cabang Bandung Suci", "Bandung", "JABAR", WIB),
    ("bekasi", "Kantor Cabang Bekasi", "Bekasi", "JABAR", WIB),
    ("bogor", "Kantor Cabang Bogor Kota", "Bogor", "JABAR", WIB),
    ("cirebon", "Kantor Cabang Cirebon", "Cirebon", "JABAR", WIB),
    ("semarang", "Kantor Cabang Semarang Pemuda", "Semarang", "JATENGDIY", WIB),
    ("surakarta", "Kantor Cabang Surakarta", "Surakarta", "JATENGDIY", WIB),
    ("yogyakarta", "Kantor Cabang Yogyakarta", "Yogyakarta", "JATENGDIY", WIB),
    ("surabaya", "Kantor Cabang Surabaya Rungkut", "Surabaya", "JATIM", WIB),
    ("malang", "Kantor Cabang Malang", "Malang", "JATIM", WIB),
    ("kediri", "Kantor Cabang Kediri", "Kediri", "JATIM", WIB),
    ("pontianak", "Kantor Cabang Pontianak", "Pontianak", "KALIMANTAN", WIB),
    ("palangka-raya", "Kantor Cabang Palangka Raya", "Palangka Raya", "KALIMANTAN", WIB),
    ("banjarmasin", "Kantor Cabang Banjarmasin", "Banjarmasin", "KALIMANTAN", WITA),
    ("balikpapan", "Kantor Cabang Balikpapan", "Balikpapan", "KALIMANTAN", WITA),
    ("samarinda", "Kantor Cabang Samarinda", "Samarinda", "KALIMANTAN", WITA),
    ("makassar", "Kantor Cabang Makassar", "Makassar", "SULAMA", WITA),
    ("manado", "Kantor Cabang Manado", "Manado", "SULAMA", WITA),
    ("kendari", "Kantor Cabang Kendari", "Kendari", "SULAMA", WITA),
    ("palu", "Kantor Cabang Palu", "Palu", "SULAMA", WITA),
    ("ambon", "Kantor Cabang Ambon", "Ambon", "SULAMA", WIT),
    ("ternate", "Kantor Cabang Ternate", "Ternate", "SULAMA", WIT),
    ("denpasar", "Kantor Cabang Denpasar", "Denpasar", "BANUSPA", WITA),
    ("mataram", "Kantor Cabang Mataram", "Mataram", "BANUSPA", WITA),
    ("kupang", "Kantor Cabang Kupang", "Kupang", "BANUSPA", WITA),
    ("jayapura", "Kantor Cabang Jayapura", "Jayapura", "BANUSPA", WIT),
    ("sorong", "Kantor Cabang Sorong", "Sorong", "BANUSPA", WIT),
]

# Staff may look at the catalogue in admin; national staff also maintain it.
# Claims, documents and messages stay out of staff admin: those pages show personal
# data without the per-branch scoping of the officer pages (superuser only).
CATALOGUE_MODELS = ["region", "branch", "programme", "claimreason", "documenttype", "documentrequirement"]
VIEW_GROUP = "Katalog: lihat"
EDIT_GROUP = "Katalog: kelola"


def demo_whatsapp_number(index: int) -> str:
    # +62 800 is not a mobile range: a demo number can never reach a real person.
    return f"+62800{index:07d}"


class Command(BaseCommand):
    help = (
        "Buat data demo: 11 kantor wilayah, kantor cabang, dan akun petugas dengan satu kata sandi demo. "
        "Aman dijalankan berulang kali. Create demo regions, branches and staff logins (idempotent)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Every demo user gets the same known password.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create users with a known password. "
                "Use --force only on a machine nobody else can reach."
            )
        # Hashed once: hashing ~100 passwords one by one takes most of a minute.
        password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            view_group, edit_group = self._groups()
            regions = self._regions()
            branches = self._branches(regions)
            self._staff(regions, branches, password_hash, view_group, edit_group)
        made = demo_claims(branches["medan"])
        if made:
            self.stdout.write(f"{made} klaim demo di Kantor Cabang Medan Kota (antrean petugas.medan).")
        self.stdout.write(demo_figures(branches))  # history for the managers' dashboard
        self._print_summary(len(regions), len(branches))

    def _groups(self) -> tuple[Group, Group]:
        catalogue = Permission.objects.filter(
            content_type__app_label="claims", content_type__model__in=CATALOGUE_MODELS
        )
        view_group, _ = Group.objects.get_or_create(name=VIEW_GROUP)
        view_group.permissions.set(catalogue.filter(codename__startswith="view_"))
        edit_group, _ = Group.objects.get_or_create(name=EDIT_GROUP)
        edit_group.permissions.set(catalogue)
        return view_group, edit_group

    def _regions(self) -> dict[str, Region]:
        return {code: Region.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in REGIONS}

    def _branches(self, regions: dict[str, Region]) -> dict[str, Branch]:
        branches = {}
        for index, (key, name, city, region_code, zone) in enumerate(BRANCHES, start=1):
            branches[key], _ = Branch.objects.update_or_create(
                code=key.replace("-", "").upper()[:20],
                defaults={
                    "name": name,
                    "city": city,
                    "region": regions[region_code],
                    "time_zone": zone,
                    "whatsapp_number": demo_whatsapp_number(index),
                    "is_active": True,
                },
            )
        return branches

    def _staff(
        self,
        regions: dict[str, Region],
        branches: dict[str, Branch],
        password_hash: str,
        view_group: Group,
        edit_group: Group,
    ) -> None:
        for key, branch in branches.items():
            self._user(
                f"petugas.{key}", "Petugas", branch.city, Role.OFFICER, password_hash, [view_group], branch=branch
            )
            self._user(
                f"kepala.{key}",
                "Kepala Cabang",
                branch.city,
                Role.BRANCH_MANAGER,
                password_hash,
                [view_group],
                branch=branch,
            )
        for code, region in regions.items():
            self._user(
                f"wilayah.{code.lower()}",
                "Manajer Wilayah",
                region.name,
                Role.REGIONAL_MANAGER,
                password_hash,
                [view_group],
                region=region,
            )
        self._user("pusat", "Kantor", "Pusat", Role.NATIONAL, password_hash, [view_group, edit_group])
        self._user("admin", "Admin", "LapakAsik", Role.NATIONAL, password_hash, [], superuser=True)

    def _user(
        self,
        username: str,
        first_name: str,
        last_name: str,
        role: Role,
        password_hash: str,
        groups: list[Group],
        *,
        branch: Branch | None = None,
        region: Region | None = None,
        superuser: bool = False,
    ) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "role": role,
                "branch": branch,
                "region": region,
                "is_staff": True,
                "is_superuser": superuser,
                "is_active": True,
                "password": password_hash,
            },
        )
        user.groups.set(groups)
        return user

    def _print_summary(self, region_count: int, branch_count: int) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Data demo siap: {region_count} kantor wilayah, {branch_count} kantor cabang."))
        write("")
        rows = [
            ("Superuser", "admin"),
            ("Petugas cabang (Medan)", "petugas.medan"),
            ("Kepala cabang (Medan)", "kepala.medan"),
            ("Manajer wilayah (Sumbagut)", "wilayah.sumbagut"),
            ("Kantor pusat", "pusat"),
        ]
        width = max(len(label) for label, _ in rows)
        write(f"{'Peran'.ljust(width)}  Username")
        write(f"{'-' * width}  {'-' * 20}")
        for label, username in rows:
            write(f"{label.ljust(width)}  {username}")
        write("")
        write(f"Kata sandi semua akun demo / password for every demo login: {DEMO_PASSWORD}")
        write("Akun lain: petugas.<kota>, kepala.<kota>, wilayah.<kode wilayah>.")
        write("")
        write("Layanan peserta : http://127.0.0.1:8000/")
        write("Admin           : http://127.0.0.1:8000/admin/")
        write("Kotak keluar    : http://127.0.0.1:8000/petugas/pesan/  (pesan WhatsApp/SMS demo)")
        write("                  Pesan 'interview_choose' untuk Dewi Lestari: buka tautannya untuk memilih jadwal.")
