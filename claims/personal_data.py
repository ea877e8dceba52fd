"""What claims/ holds about a person (core/personal_data.py; walked by privacy/)."""

import datetime as dt

from django.db.models import Case, Value, When

from core.personal_data import PersonalData, declare, iso

from .models import Claim, ClaimDataAccess, ClaimEvent, ClaimStart, OneTimeCode

# What stays in a field that may not be empty (date of birth), and in the name fields, so a
# person reading the record sees at once that it was anonymised, not lost.
ANONYMISED = "[dihapus]"
ANONYMISED_BIRTH_DATE = dt.date(1900, 1, 1)


def _claim(claim: Claim, index: int, attach) -> dict:
    return {
        "reference": claim.reference,
        "programme": claim.programme.name,
        "reason": claim.reason.name,
        "channel": claim.channel,
        "status": claim.status,
        "cancel_reason": claim.cancel_reason,
        "branch": claim.branch.name,
        "nik": claim.nik,
        "kpj_number": claim.kpj_number,
        "full_name": claim.full_name,
        "date_of_birth": iso(claim.date_of_birth),
        "phone": claim.phone,
        "email": claim.email,
        "language": claim.language,
        "heir": {
            "name": claim.heir_name,
            "nik": claim.heir_nik,
            "relation": claim.heir_relation,
            "phone": claim.heir_phone,
        },
        "created_at": iso(claim.created_at),
        "submitted_at": iso(claim.submitted_at),
        "closed_at": iso(claim.closed_at),
        "anonymised_at": iso(claim.anonymised_at),
    }


def _event(event: ClaimEvent, index: int, attach) -> dict:
    return {
        "at": iso(event.at),
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "note": event.note,
    }


def _data_access(access: ClaimDataAccess, index: int, attach) -> dict:
    return {"at": iso(access.at), "user": access.user.get_username(), "what": access.what}


declare(
    PersonalData(
        model=Claim,
        claim="",
        phones=("phone", "heir_phone"),
        section="",
        export=_claim,
        related=("programme", "reason", "branch"),
        erase={
            "nik": "",
            "nik_index": "",
            "kpj_number": "",
            "phone": "",
            "phone_index": "",
            "email": "",
            "full_name": ANONYMISED,
            "date_of_birth": ANONYMISED_BIRTH_DATE,
            "heir_name": Case(When(heir_name="", then=Value("")), default=Value(ANONYMISED)),
            "heir_nik": "",
            "heir_phone": "",
            "heir_phone_index": "",
        },
    ),
    # The history stays (the figures count it); notes may name the person. The database
    # lets the sweep blank a note and nothing else (migration 0008).
    PersonalData(
        model=ClaimEvent, claim="claim", section="history", export=_event, order_by=("at", "pk"), erase={"note": ""}
    ),
    PersonalData(model=OneTimeCode, claim="claim", delete=True),
    # A start's phone and fingerprint; rows without a claim go within a day (claim_starts_purge).
    PersonalData(model=ClaimStart, claim="claim", delete=True),
    # Who saw the full NIK stays accountable: exported, never erased.
    PersonalData(
        model=ClaimDataAccess,
        claim="claim",
        section="staff_access",
        export=_data_access,
        order_by=("at", "pk"),
        related=("user",),
    ),
)
