"""The dropbox channel: paper copies left in a box at the branch, opened and scanned by an officer.

The claimant side: ``claim_switch_to_dropbox`` turns a claim the claimant cannot finish on
the phone into a dropbox claim and sends them the cover sheet (a draft is submitted with
documents missing: the paper comes later, and the claim waits in "submitted").

The officer side, in the order it happens at the branch:

1. ``dropbox_batch_open``: take the envelopes out of the box (one open batch per branch).
2. ``envelope_open``: one envelope, matched by the reference written on it (typed or read
   from the cover sheet's QR code). A reference unknown to this branch, or of a claim the
   officer may not see, leaves the envelope "unmatched"; the officer is told the same
   thing in both cases, so nothing about other branches' claims leaks.
   ``envelope_claim_create``: no reference at all, so the claim is made from the papers.
3. ``envelope_contents_set``: tick which documents are inside.
4. ``envelope_scans_add``: the scans (one multi-page PDF, or several images), stored as
   one ``ScanPage`` per page.
5. ``envelope_pages_assign``: the officer says which pages make which document. Each
   group becomes one document through ``document_upload``, so the same background checks
   run as for a phone upload, and every page keeps its link to its claim and document.
   The claimant gets "we received your documents" once per envelope.
6. Unmatched envelopes are settled later: ``envelope_match`` (the right reference),
   ``envelope_claim_create`` (a new claim), or ``envelope_set_aside`` (returned or
   disposed of, with a note).
"""

from .claimant import claim_switch_to_dropbox
from .envelopes import (
    dropbox_batch_close,
    dropbox_batch_open,
    envelope_claim_create,
    envelope_contents_set,
    envelope_match,
    envelope_open,
    envelope_set_aside,
)
from .scans import IGNORE_PAGE, envelope_pages_assign, envelope_scans_add

__all__ = [
    "IGNORE_PAGE",
    "claim_switch_to_dropbox",
    "dropbox_batch_close",
    "dropbox_batch_open",
    "envelope_claim_create",
    "envelope_contents_set",
    "envelope_match",
    "envelope_open",
    "envelope_pages_assign",
    "envelope_scans_add",
    "envelope_set_aside",
]
