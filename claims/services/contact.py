"""How the branch reaches a claimant: a new number from the console, or no phone at all.

A claimant marked "contact through the branch" has no working phone: no message about
their claim leaves (notifications asks hold_check below, registered in ClaimsConfig.ready,
before it writes a message and again before it hands one to a provider).
"""

import logging
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Claim
from ..validators import normalize_mobile
from .assisted import assisted_contact_via_branch
from .lifecycle import claim_record_event
from .officer import claim_lock_for_change, claim_touch

logger = logging.getLogger(__name__)

EVENT_CONTACT_PHONE_UPDATED = "contact_phone_updated"
# Stored on the message row (data, not UI text), so it reads the same in every console language.
NOT_SENT_CONTACT_VIA_BRANCH = "Tidak dikirim: peserta dihubungi lewat kantor cabang (tidak ada HP yang bisa dipakai)."


def hold_check(claim_ids: Collection[int]) -> dict[int, str]:
    """The claims among these whose claimant is contacted through the branch (read from the
    database: the caller's claim objects may predate the officer's choice)."""
    held = Claim.objects.filter(pk__in=claim_ids, contact_via_branch=True).values_list("pk", flat=True)
    return dict.fromkeys(held, NOT_SENT_CONTACT_VIA_BRANCH)


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
    with transaction.atomic():
        locked = claim_lock_for_change(claim=claim, by=by, claim_version=claim_version)
        return assisted_contact_via_branch(claim=locked, by=by)
