"""Demo claims for `make run`, made through the real services so every screen has something to show.

Only ever called by the demo_data command (which refuses to run with DEBUG off).
"""

import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import User
from claims.models import Branch, Claim, ClaimReason
from claims.services import ClaimantData, claim_create
from core.staff import Role
from documents.services import claim_submit, claim_switch_to_dropbox, document_check, document_upload
from documents.services.review import ReviewDecision, document_review, documents_review

# Marks the demo claims, so running the command twice adds nothing.
DEMO_EMAIL = "demo@lapakasik.invalid"

PEOPLE = [
    # (name, NIK, date of birth, phone, what to do with the claim)
    ("Siti Aminah", "1271015203900002", dt.date(1990, 3, 12), "+6281234560001", "in_review"),
    ("Budi Santoso", "1271012507850003", dt.date(1985, 7, 25), "+6281234560002", "needs_fix"),
    ("Rina Wati", "1271016811920001", dt.date(1992, 11, 28), "+6281234560003", "dropbox"),
    ("Ahmad Yani", "1271010101800004", dt.date(1980, 1, 1), "+6281234560004", "draft"),
    # The officer accepted every document: the outbox holds her invitation to choose the call.
    ("Dewi Lestari", "1271014506880005", dt.date(1988, 6, 5), "+6281234560005", "invited"),
]


def _photo(text: str) -> bytes:
    """A sharp, well-lit photo of a document card."""
    paper, ink = (236, 234, 226), (25, 25, 25)
    image = Image.new("RGB", (1400, 900), paper)
    draw = ImageDraw.Draw(image)
    for row in range(30, 870, 42):
        draw.text((40, row), f"{text} · BARIS {row} · REPUBLIK INDONESIA · DATA PESERTA", fill=ink)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def demo_claims(branch: Branch) -> int:
    """Claims in the states the console shows; returns how many were made."""
    if Claim.objects.filter(email=DEMO_EMAIL).exists():
        return 0
    reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
    made = 0
    for name, nik, born, phone, state in PEOPLE:
        claim = claim_create(
            intake_token=uuid.uuid4(),
            reason=reason,
            branch=branch,
            data=ClaimantData(
                nik=nik,
                kpj_number="12" + nik[-9:],
                full_name=name,
                date_of_birth=born,
                phone=phone,
                email=DEMO_EMAIL,
            ),
        )
        made += 1
        if state == "draft":
            continue
        if state == "dropbox":
            claim_switch_to_dropbox(claim=claim)  # paper copies to the branch: a cover sheet
            continue
        for requirement in reason.requirements.filter(required=True).select_related("document_type"):
            content = _photo(f"{name} {requirement.document_type.code}")
            document = document_upload(
                claim=claim,
                document_type=requirement.document_type,
                uploaded=SimpleUploadedFile(f"{requirement.document_type.code}.jpg", content),
            )
            # The verdict now, whether tasks run in process or on a worker (a repeat does nothing).
            document_check(document_id=document.pk)
        claim = claim_submit(claim=claim)  # every photo passed its checks: in review
        if state == "invited":
            officer = User.objects.filter(branch=branch, role=Role.OFFICER).first()
            documents_review(
                claim=claim,
                decisions=[ReviewDecision(document=document, accept=True) for document in claim.documents.all()],
                by=officer,
                claim_version=claim.version,
            )
        if state == "needs_fix":
            # An officer found the first document cut off: the claimant gets one message.
            officer = User.objects.filter(branch=branch, role=Role.OFFICER).first()
            document_review(
                document=claim.documents.earliest("created_at"),
                accept=False,
                reason="officer_cut_off",
                note="Sudut kanan bawah terpotong.",
                by=officer,
                claim_version=claim.version,
            )
    return made
