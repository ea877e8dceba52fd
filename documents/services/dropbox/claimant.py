"""The claimant side of the dropbox: choosing to send paper copies instead of uploading,
and the cover sheet that goes with them."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from claims.models import Channel, Claim, Status
from claims.services import claim_record_event, claim_transition
from notifications.services import message_send

from ...selectors import DROPBOX_CHOSEN, claim_missing_requirements, dropbox_cover_items
from ..progress import claim_documents_changed

logger = logging.getLogger(__name__)


def claim_switch_to_dropbox(*, claim: Claim, by=None) -> Claim:
    """The claimant will send paper copies through the branch dropbox instead of uploading.

    A draft becomes a dropbox claim and is submitted as it is: documents already uploaded
    stay, the rest come on paper (so, unlike ``claim_submit``, nothing missing blocks it).
    It then waits in "submitted" until its envelope is opened (unless nothing is missing:
    then it moves on at once, as any submitted claim does). A claim already sent in
    (say, waiting for a fix) keeps its channel; the choice is recorded on its history.
    Either way the cover sheet goes out once; choosing again changes nothing.
    """
    with transaction.atomic():
        locked = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("programme", "reason", "branch")
            .get(pk=claim.pk)
        )
        if not locked.accepts_uploads:
            raise ValidationError(_("Klaim ini tidak bisa diubah lagi."), code="closed")
        if locked.status == Status.DRAFT:
            locked = _dropbox_submit(locked, by=by)
            if not claim_missing_requirements(locked):
                # Nothing left to send on paper: the claim goes on as an electronic one would.
                locked = claim_documents_changed(claim=locked)
        elif locked.channel == Channel.DROPBOX or locked.events.filter(reason=DROPBOX_CHOSEN).exists():
            return locked
        else:
            claim_record_event(claim=locked, reason=DROPBOX_CHOSEN, by=by)
        _send_cover_sheet(locked)
    logger.info("claim %s: dropbox chosen", locked.pk)
    return locked


def _dropbox_submit(claim: Claim, *, by=None) -> Claim:
    """draft → submitted on the dropbox channel, documents missing or not. Caller holds the row lock."""
    Claim.objects.filter(pk=claim.pk).update(channel=Channel.DROPBOX)
    claim.channel = Channel.DROPBOX
    return claim_transition(claim=claim, to=Status.SUBMITTED, by=by, reason=DROPBOX_CHOSEN)


def _send_cover_sheet(claim: Claim) -> None:
    with translation.override(claim.language):
        if_any = _("jika ada")
        lines = [
            f"- {item.requirement.document_type.localized('name')}"
            + ("" if item.requirement.required else f" ({if_any})")
            for item in dropbox_cover_items(claim)
        ]
    message_send(
        to=claim.contact_phone,
        template="dropbox_cover_sheet",
        context={
            "reference": claim.reference,
            "lines": lines,
            "branch": claim.branch.name,
            "address": claim.branch.address or claim.branch.city,
            "link_path": reverse("portal:dropbox_cover", args=[claim.reference]),
        },
        claim=claim,
        language=claim.language,
    )
