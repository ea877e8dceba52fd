"""The objects the forms act on, made through the real services, each only when a target asks for it."""

import uuid
from functools import cached_property

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Channel, ClaimReason
from claims.services import AssistedWhere, claim_create_assisted
from core.staff import Role
from documents.models import EnvelopeStatus
from documents.services import document_upload, dropbox_batch_open, envelope_open, envelope_scans_add
from interviews.selectors import free_slots, interview_token
from tests.console.conftest import make_submitted_claim
from tests.factories import BranchFactory, StaffFactory, claimant_data, make_claim, make_jpeg, open_claim_in


class World:
    """One branch (with its official number, so interviews can be booked), its staff and claims."""

    def __init__(self):
        self.branch = BranchFactory(whatsapp_number="+6221500910")

    # --- people ---------------------------------------------------------------------------

    @cached_property
    def officer(self):
        return StaffFactory(branch=self.branch, first_name="Rina", last_name="Wulandari")

    @cached_property
    def manager(self):
        return StaffFactory(branch=self.branch, role=Role.BRANCH_MANAGER, first_name="Kepala", last_name="Cabang")

    def client_for(self, who: str) -> Client:
        client = Client(HTTP_USER_AGENT="fuzz", REMOTE_ADDR="10.9.8.7")
        if who == "claimant":
            open_claim_in(client, self.draft)
        elif who == "officer":
            client.force_login(self.officer)
        elif who == "manager":
            client.force_login(self.manager)
        return client

    # --- claims ---------------------------------------------------------------------------

    @cached_property
    def draft(self):
        """The claimant's draft, with its first document uploaded."""
        claim = make_claim(branch=self.branch)
        self.draft_document = document_upload(
            claim=claim,
            document_type=claim.reason.requirements.first().document_type,
            uploaded=SimpleUploadedFile("ktp.jpg", make_jpeg(320, 240)),
        )
        return claim

    @cached_property
    def in_review(self):
        """A submitted claim whose documents passed the checks: the officer's claim page."""
        return make_submitted_claim(branch=self.branch)

    @cached_property
    def inbox_reply(self):
        """A reply of the in-review claim's claimant waiting in the branch's inbox."""
        from claims.models import ClaimReply
        from notifications.services import inbound_reply_receive

        claim = self.in_review
        inbound = inbound_reply_receive(
            from_number=claim.contact_phone, text="Kapan dana cair?", provider_message_id=f"wamid.{uuid.uuid4().hex}"
        )
        return ClaimReply.objects.get(inbound=inbound)

    @cached_property
    def interviewed(self):
        """A claim in review with a video call booked in the first free slot."""
        from interviews.services import interview_book

        claim = make_submitted_claim(branch=self.branch)
        slot = free_slots(branch=self.branch, officer=self.officer, count=1)[0]
        self.interview = interview_book(
            claim=claim, officer=self.officer, starts_at=slot.starts_at, by=self.officer, claim_version=claim.version
        )
        claim.refresh_from_db()
        return claim

    @cached_property
    def interview_token(self) -> str:
        self.interviewed  # noqa: B018 (books the interview)
        return interview_token(self.interview)

    @cached_property
    def assisted(self):
        """A claim an officer started for a claimant, waiting for the phone to be confirmed."""
        return claim_create_assisted(
            data=claimant_data(),
            reason=ClaimReason.objects.filter(programme__code="JHT", needs_heir=False).first(),
            branch=self.branch,
            channel=Channel.ELECTRONIC,
            by=self.officer,
            intake_token=uuid.uuid4(),
            where=AssistedWhere.BRANCH,
        )

    # --- the dropbox ----------------------------------------------------------------------

    @cached_property
    def batch(self):
        return dropbox_batch_open(branch=self.branch, by=self.officer)

    @cached_property
    def envelope(self):
        """An envelope matched to a claim, with two scanned pages waiting to be assigned."""
        claim = make_claim(branch=self.branch)
        envelope = envelope_open(batch=self.batch, typed_reference=claim.reference, by=self.officer)
        envelope_scans_add(
            envelope=envelope,
            files=[SimpleUploadedFile(f"p{n}.jpg", make_jpeg(320, 240, text=f"hal {n}")) for n in (1, 2)],
            by=self.officer,
        )
        envelope.refresh_from_db()
        return envelope

    @cached_property
    def unmatched_envelope(self):
        return envelope_open(batch=self.batch, typed_reference="LA-ZZZZ-ZZZZ", note="tanpa nomor", by=self.officer)

    def keep_an_unmatched_envelope(self, client=None) -> None:
        """Before each example: once a post settled the envelope, the next one gets a new one.

        So every example reaches the service behind the form, not only the "already
        settled" answer (that answer has its own test: test_match_on_an_already_settled_envelope_says_so).
        """
        envelope = self.unmatched_envelope
        envelope.refresh_from_db(fields=["status"])
        if envelope.status != EnvelopeStatus.UNMATCHED:
            del self.unmatched_envelope

    # --- live values -----------------------------------------------------------------------

    @staticmethod
    def version(claim) -> int:
        claim.refresh_from_db(fields=["version"])
        return claim.version

    def free_slot(self, *, exclude_interview=False) -> str:
        slots = free_slots(
            branch=self.branch,
            officer=self.officer,
            count=settings.INTERVIEW_SLOTS_SHOWN,
            exclude_interview_id=self.interview.pk if exclude_interview else None,
        )
        return slots[-1].value if slots else ""
