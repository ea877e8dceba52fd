"""Who may open a document."""

from claims.access import session_claim_ids
from claims.selectors import claims_for_staff

from .models import Document


def document_visible_to_staff(document: Document, user) -> bool:
    """Staff see only their own branch; regional managers their region; national staff everything."""
    return claims_for_staff(user).filter(pk=document.claim_id).exists()


def document_visible_to_claimant(document: Document, session) -> bool:
    return document.claim_id in session_claim_ids(session)
