"""Where a claim stands follows from its documents: submitting it, and every verdict after.

A claim is sent in only with every required document; from then until review its status
(submitted, checking, needs_fix, in_review) is recomputed from its current documents
each time one of them changes, and the claimant hears in one message everything to redo.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.models import ALLOWED_TRANSITIONS, Channel, Claim, Status
from claims.services import claim_transition
from notifications.services import message_send

from ..models import Document, DocumentStatus
from ..rejections import fix_hint
from ..selectors import claim_checklist, claim_missing_requirements

logger = logging.getLogger(__name__)


def claim_submit(*, claim: Claim, by=None) -> Claim:
    """Send a draft in. Refused while a required document is missing; a second submit changes nothing."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != Status.DRAFT:
            return claim
        missing = claim_missing_requirements(claim)
        if missing:
            names = ", ".join(requirement.document_type.localized("name") for requirement in missing)
            raise ValidationError(_("Dokumen ini belum diunggah: %(names)s.") % {"names": names}, code="missing")
        claim = claim_transition(claim=claim, to=Status.SUBMITTED, by=by)
        claim = claim_documents_changed(claim=claim)
        message_send(
            to=claim.contact_phone,
            template="claim_submitted",
            context={
                "reference": claim.reference,
                "programme": claim.programme.code,
                "status_path": f"{reverse('portal:status_start')}?nomor={claim.reference}",
            },
            claim=claim,
            language=claim.language,
        )
    return claim


# Where a submitted claim stands follows from its documents' verdicts.
DOCUMENT_DRIVEN_STATUSES = frozenset({Status.SUBMITTED, Status.CHECKING, Status.NEEDS_FIX})


def claim_documents_changed(*, claim: Claim) -> Claim:
    """Recompute a submitted claim's status from its current documents.

    Any document still being checked → "checking" (and nothing is said yet: the batch is
    not complete). Otherwise any rejected or missing required document → "needs_fix",
    and the claimant gets ONE message listing everything to redo that they were not yet
    told about. Otherwise every required document is accepted → "in_review".
    Runs under the claim's row lock, so two verdicts finishing together send one message.
    """
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).select_related("programme", "reason").get(pk=claim.pk)
        if claim.status not in DOCUMENT_DRIVEN_STATUSES:
            return claim
        if (
            claim.channel == Channel.DROPBOX
            and claim.status == Status.SUBMITTED
            and not claim.envelopes.exists()
            and claim_missing_requirements(claim)
        ):
            return claim  # the paper is on its way: nothing to judge before the envelope is opened
        items = claim_checklist(claim)
        documents = [item.document for item in items if item.document is not None]
        if any(document.status == DocumentStatus.CHECKING for document in documents):
            target = Status.CHECKING
        elif any(not item.done for item in items if item.requirement.required) or any(
            document.status == DocumentStatus.REJECTED for document in documents
        ):
            target = Status.NEEDS_FIX
        else:
            target = Status.IN_REVIEW
        # The lifecycle passes through "checking" on the way to a verdict: submitted →
        # checking, and needs_fix → checking when an officer's decisions complete the claim.
        if target != claim.status and target not in ALLOWED_TRANSITIONS[claim.status]:
            claim = claim_transition(claim=claim, to=Status.CHECKING)
        if target != claim.status:
            claim = claim_transition(claim=claim, to=target)
        if target == Status.NEEDS_FIX:
            claim_send_fix_list(claim, items)
    return claim


def claim_send_fix_list(claim: Claim, items) -> None:
    """Tell the claimant, in one message, every rejected document they were not told about yet.

    The one path for automatic and officer rejections alike; callers hold the claim's lock.
    """
    rejected = [
        item.document
        for item in items
        if item.document is not None
        and item.document.status == DocumentStatus.REJECTED
        and item.document.fix_notified_at is None
    ]
    if not rejected:
        return
    with translation.override(claim.language):
        lines = [f"- {document.document_type.localized('name')}: {fix_hint(document)}" for document in rejected]
    Document.objects.filter(pk__in=[document.pk for document in rejected]).update(fix_notified_at=timezone.now())
    message_send(
        to=claim.contact_phone,
        template="claim_needs_fix",
        context={
            "reference": claim.reference,
            "lines": lines,
            "link_path": f"{reverse('portal:status_start')}?nomor={claim.reference}",
        },
        claim=claim,
        language=claim.language,
    )
