"""The officer at the branch dropbox: batches, and each envelope matched to its claim,
made into a new claim, or set aside."""

import logging
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.access import normalize_reference
from claims.models import Branch, Channel, Claim, ClaimReason, DocumentType, Status
from claims.selectors import claims_for_staff, requirements_for_reason
from claims.services import ClaimAlreadyOpen, ClaimantData, claim_create, claim_record_event, open_claim_refusal

from ...models import DropboxBatch, Envelope, EnvelopeResolution, EnvelopeStatus
from ...selectors import dropbox_branches_for_staff
from ..transitions import envelope_transition
from .claimant import _dropbox_submit

logger = logging.getLogger(__name__)

# ClaimEvent reasons written here (DROPBOX_CHOSEN lives with the selectors that read it).
ENVELOPE_OPENED = "dropbox_envelope"


# --- batches ----------------------------------------------------------------------------


def dropbox_batch_open(*, branch: Branch, by) -> DropboxBatch:
    """Open the branch's dropbox; an open batch already there is the one to carry on with."""
    if not dropbox_branches_for_staff(by).filter(pk=branch.pk).exists():
        raise ValidationError(_("Anda tidak bisa membuka dropbox kantor cabang ini."), code="scope")
    existing = DropboxBatch.objects.filter(branch=branch, closed_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            batch = DropboxBatch.objects.create(branch=branch, opened_by=by)
    except IntegrityError:
        # Another officer opened it at the same moment: one batch for both.
        return DropboxBatch.objects.get(branch=branch, closed_at__isnull=True)
    logger.info("dropbox batch %s opened at branch %s", batch.pk, branch.pk)
    return batch


def dropbox_batch_close(*, batch: DropboxBatch, by) -> DropboxBatch:
    """No more envelopes in this batch; its envelopes can still be scanned and settled."""
    _check_scope(batch, by)
    DropboxBatch.objects.filter(pk=batch.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    batch.refresh_from_db()
    return batch


# --- envelopes --------------------------------------------------------------------------


def _check_scope(batch: DropboxBatch, by) -> None:
    """Views look batches and envelopes up in the user's scope already; this is the second fence."""
    if not dropbox_branches_for_staff(by).filter(pk=batch.branch_id).exists():
        raise ValidationError(_("Anda tidak bisa membuka dropbox kantor cabang ini."), code="scope")


def _claim_for_reference(*, reference: str, batch: DropboxBatch, by) -> Claim | None:
    """The claim with this reference that this officer may see at this branch, else None.

    Unknown and out of scope are the same None: the caller must not tell them apart.
    """
    reference = normalize_reference(reference)
    if not reference:
        return None
    return claims_for_staff(by).filter(branch_id=batch.branch_id, reference=reference).first()


def _next_number(batch: DropboxBatch) -> int:
    DropboxBatch.objects.select_for_update().get(pk=batch.pk)
    return (batch.envelopes.aggregate(n=Max("number"))["n"] or 0) + 1


def _envelope_arrived(*, claim: Claim, envelope: Envelope, by) -> Claim:
    """The claim's paper is here: a draft is now a submitted dropbox claim. Caller is in a transaction."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == Status.DRAFT:
        claim = _dropbox_submit(claim, by=by)
    claim_record_event(
        claim=claim,
        reason=ENVELOPE_OPENED,
        note=f"batch {envelope.batch_id}, envelope {envelope.number}",
        by=by,
    )
    return claim


def envelope_open(*, batch: DropboxBatch, typed_reference: str, by, note: str = "") -> Envelope:
    """Take one envelope out of the box, matched by the reference written on it (or unmatched)."""
    _check_scope(batch, by)
    if not batch.is_open:
        raise ValidationError(_("Pembukaan dropbox ini sudah ditutup. Buka pembukaan baru."), code="closed")
    typed = normalize_reference(typed_reference) or " ".join((typed_reference or "").split())[:20]
    if not typed and not note.strip():
        raise ValidationError(
            _("Tulis nomor klaim dari amplop, atau tulis catatan jika amplop tidak bernomor."), code="empty"
        )
    claim = _claim_for_reference(reference=typed, batch=batch, by=by)
    with transaction.atomic():
        envelope = Envelope.objects.create(
            batch=batch,
            number=_next_number(batch),
            claim=claim,
            typed_reference=typed,
            status=EnvelopeStatus.MATCHED if claim else EnvelopeStatus.UNMATCHED,
            note=note.strip()[:300],
            created_by=by,
        )
        if claim is not None:
            envelope.claim = _envelope_arrived(claim=claim, envelope=envelope, by=by)
    logger.info("envelope %s opened (%s)", envelope.pk, envelope.status)
    return envelope


def envelope_match(*, envelope: Envelope, typed_reference: str, by) -> Envelope:
    """Settle an unmatched envelope with the right reference."""
    _check_scope(envelope.batch, by)
    claim = _claim_for_reference(reference=typed_reference, batch=envelope.batch, by=by)
    if claim is None:
        raise ValidationError(_("Nomor klaim ini tidak ditemukan di kantor cabang ini."), code="not_found")
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if locked.status != EnvelopeStatus.UNMATCHED:
            raise ValidationError(_("Amplop ini sudah diselesaikan."), code="settled")
        _settle(locked, claim=claim, resolution=EnvelopeResolution.REFERENCE, by=by)
        locked.claim = _envelope_arrived(claim=claim, envelope=locked, by=by)
    return locked


def _settle(envelope: Envelope, *, claim: Claim | None, resolution: str, by, note: str = "") -> None:
    changes: dict[str, object] = {
        "claim": claim,
        "resolution": resolution,
        "resolved_by": by,
        "resolved_at": timezone.now(),
    }
    if note:
        changes["note"] = note.strip()[:300]
    envelope_transition(envelope=envelope, to=EnvelopeStatus.RESOLVED, changes=changes)
    if claim is not None:
        # Pages scanned before the claim was known now belong to it.
        envelope.pages.filter(claim__isnull=True).update(claim=claim)


def envelope_claim_create(
    *,
    by,
    intake_token: uuid.UUID,
    reason: ClaimReason,
    data: ClaimantData,
    batch: DropboxBatch | None = None,
    envelope: Envelope | None = None,
    language: str = "id",
) -> Envelope:
    """Make a dropbox claim from the papers in an envelope.

    Either for a new envelope of an open ``batch`` (no reference written on it), or to
    settle an unmatched ``envelope``. The form's ``intake_token`` makes a second post of
    the same form find the same claim and envelope. Without a phone number the claim is
    marked "contact through the branch": its messages stay in the outbox, unsent.
    """
    if batch is None and envelope is not None:
        batch = envelope.batch
    elif batch is None or envelope is not None:
        raise TypeError("give either batch or envelope")
    if envelope is None and not batch.is_open:
        raise ValidationError(_("Pembukaan dropbox ini sudah ditutup. Buka pembukaan baru."), code="closed")
    _check_scope(batch, by)
    with transaction.atomic():
        try:
            claim = claim_create(
                intake_token=intake_token,
                reason=reason,
                branch=batch.branch,
                data=data,
                channel=Channel.DROPBOX,
                language=language,
                by=by,
            )
        except ClaimAlreadyOpen as exc:
            # One open claim per NIK and programme: the officer files the papers with that one.
            raise open_claim_refusal(claim=exc.claim, by=by) from None
        already = Envelope.objects.filter(claim=claim, claim_created_here=True).first()
        if already is not None:
            return already
        # No phone written in the papers: every message is kept in the outbox, unsent, and
        # the branch contacts the claimant.
        no_phone = not claim.contact_phone
        first = Claim.objects.filter(pk=claim.pk, created_by__isnull=True).update(
            created_by=by, contact_via_branch=no_phone
        )
        if first and no_phone:
            with translation.override("id"):
                note = _("Tidak ada nomor HP: hubungi lewat kantor cabang.")
            claim_record_event(claim=claim, reason="contact_via_branch", note=note, by=by)
        if envelope is None:
            envelope = Envelope.objects.create(
                batch=batch,
                number=_next_number(batch),
                claim=claim,
                status=EnvelopeStatus.MATCHED,
                claim_created_here=True,
                created_by=by,
            )
        else:
            envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
            if envelope.status != EnvelopeStatus.UNMATCHED:
                raise ValidationError(_("Amplop ini sudah diselesaikan."), code="settled")
            envelope.claim_created_here = True
            envelope.save(update_fields=["claim_created_here"])
            _settle(envelope, claim=claim, resolution=EnvelopeResolution.NEW_CLAIM, by=by)
        envelope.claim = _envelope_arrived(claim=claim, envelope=envelope, by=by)
    logger.info("envelope %s: claim %s created from its papers", envelope.pk, claim.pk)
    return envelope


def envelope_set_aside(*, envelope: Envelope, resolution: EnvelopeResolution, note: str, by) -> Envelope:
    """An unmatched envelope that belongs to no claim here: returned or disposed of, with why."""
    if resolution not in (EnvelopeResolution.RETURNED, EnvelopeResolution.DISPOSED):
        raise ValidationError(_("Pilih: dikembalikan atau dimusnahkan."), code="resolution")
    if not (note or "").strip():
        raise ValidationError(_("Tulis catatan: kepada siapa dikembalikan, atau kenapa dimusnahkan."), code="note")
    _check_scope(envelope.batch, by)
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if locked.status != EnvelopeStatus.UNMATCHED:
            raise ValidationError(_("Amplop ini sudah diselesaikan."), code="settled")
        _settle(locked, claim=None, resolution=resolution, by=by, note=note)
    return locked


def envelope_contents_set(*, envelope: Envelope, document_types: Iterable[DocumentType], by) -> Envelope:
    """Record which of the claim's documents were found in the envelope."""
    _check_scope(envelope.batch, by)
    if envelope.claim_id is None:
        raise ValidationError(_("Cocokkan amplop dengan klaim dulu."), code="unmatched")
    allowed = {r.document_type_id for r in requirements_for_reason(Claim.objects.get(pk=envelope.claim_id).reason)}
    chosen = [t for t in document_types if t.pk in allowed]
    envelope.contents.set(chosen)
    return envelope
