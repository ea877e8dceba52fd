import datetime as dt
import io
import uuid

import factory
from PIL import Image, ImageDraw

from accounts.models import User
from claims.models import Branch, Claim, ClaimReason, Region
from claims.selectors import claim_open_for_nik
from claims.services import ClaimantData, claim_create
from core.staff import Role

# A NIK that passes every check: Jakarta Selatan (3174), born 12-05-1990, a man.
VALID_NIK = "3174011205900003"
VALID_DOB = dt.date(1990, 5, 12)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KW{n:02d}")
    name = factory.Sequence(lambda n: f"Kantor Wilayah {n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CB{n:03d}")
    name = factory.Sequence(lambda n: f"Kantor Cabang Uji {n}")
    city = factory.Sequence(lambda n: f"Kota Uji {n}")
    region = factory.SubFactory(RegionFactory)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Petugas"
    is_staff = True
    role = Role.OFFICER
    branch = factory.SubFactory(BranchFactory)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "rahasia-uji-123")
        if create:
            obj.save(update_fields=["password"])


def claimant_data(**overrides) -> ClaimantData:
    values = {
        "nik": VALID_NIK,
        "kpj_number": "12345678901",
        "full_name": "Siti Aminah",
        "date_of_birth": VALID_DOB,
        "phone": "+6281234567890",
        "email": "",
    }
    values.update(overrides)
    return ClaimantData(**values)


def make_claim(*, programme: str = "JHT", reason: str | None = None, branch: Branch | None = None, **data) -> Claim:
    """A draft claim made through the real service, on the seeded catalogue."""
    reasons = ClaimReason.objects.filter(programme__code=programme)
    reason_obj = reasons.get(code=reason) if reason else reasons.filter(needs_heir=False).first() or reasons.first()
    if reason_obj.needs_heir:
        data = {
            "heir_name": "Budi Santoso",
            "heir_nik": "3273015506850002",
            "heir_relation": "spouse",
            "heir_phone": "+6285712345678",
            **data,
        }
    if "nik" not in data:
        # One open claim per NIK and programme: a test's second claim is another person's
        # (the same birth date, another serial), unless the test names the NIK.
        serial = 3
        while claim_open_for_nik(data.get("nik", VALID_NIK), reason_obj.programme_id) is not None:
            serial += 1
            data = {**data, "nik": f"{VALID_NIK[:12]}{serial:04d}"}
    return claim_create(
        intake_token=uuid.uuid4(), reason=reason_obj, branch=branch or BranchFactory(), data=claimant_data(**data)
    )


def make_jpeg(width: int = 1200, height: int = 800, *, text: str = "KTP") -> bytes:
    """A photo-like JPEG: a light card with dark lines of text, sharp enough to read."""
    image = Image.new("RGB", (width, height), (235, 235, 225))
    draw = ImageDraw.Draw(image)
    for row in range(20, height - 20, 40):
        draw.text((30, row), f"{text} {row} NIK 3174011205900003 NAMA SITI AMINAH", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def make_pdf(text: str = "") -> bytes:
    """A minimal valid one-page PDF; a different text gives a different file."""
    return (
        b"%PDF-1.4\n%" + text.encode() + b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def open_claim_in(client, claim: Claim) -> None:
    """Let this test browser see the claim, as after creating it or entering its one-time code."""
    from django.conf import settings

    from claims.access import session_grant

    session = client.session
    session_grant(session, claim)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
