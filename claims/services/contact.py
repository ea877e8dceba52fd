"""Changing how the branch reaches a claimant, from the console (the number stopped working)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Claim
from ..validators import normalize_mobile
from .intake import claim_record_event
from .officer import claim_lock_for_change, claim_touch

logger = logging.getLogger(__name__)

EVENT_CONTACT_PHONE_UPDATED = "contact_phone_updated"


def claim_contact_phone_update(*, claim: Claim, phone: str, by, claim_version: int) -> Claim:
    """A new number for the claim's contact (the heir's when an heir claims), typed by an officer.

    The new number is not confirmed yet (phone_verified_at is cleared), messages go to it
    again (contact through the branch is lifted), and the history says that the number
    changed but never which number: the event note is read more widely than the claim itself.
    """
    normalized = normalize_mobile(phone)
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        if not locked.is_open:
            raise ValidationError(_("Klaim ini sudah ditutup."), code="closed")
        field = "heir_phone" if locked.heir_phone else "phone"
        if getattr(locked, field) == normalized:
            raise ValidationError(_("Nomor ini sama dengan nomor yang tercatat."), code="same")
        setattr(locked, field, normalized)
        locked.phone_verified_at = None
        locked.contact_via_branch = False
        locked.save(update_fields=[field, "phone_verified_at", "contact_via_branch", "updated_at"])
        with translation.override("id"):
            if field == "heir_phone":
                note = _("Nomor HP ahli waris diganti petugas.")
            else:
                note = _("Nomor HP diganti petugas.")
            claim_record_event(claim=locked, reason=EVENT_CONTACT_PHONE_UPDATED, note=note, by=by)
        locked = claim_touch(claim=locked, by=by)
    logger.info("claim %s: contact number changed by staff %s", locked.pk, by.pk)
    return locked


def claim_contact_via_branch(*, claim: Claim, by, claim_version: int) -> Claim:
    """ "Hubungi lewat kantor cabang" from the console: the assisted channel's service, behind the
    console's stale-edit and hold checks (that service raises the version itself)."""
    from .assisted import assisted_contact_via_branch

    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        return assisted_contact_via_branch(claim=locked, by=by)
