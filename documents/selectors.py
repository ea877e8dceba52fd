"""Who may open a document."""

from accounts.models import Role
from claims.access import session_claim_ids

from .models import Document


def document_visible_to_staff(document: Document, user) -> bool:
    """Staff see only their own branch; regional managers their region; national staff everything."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser or user.role == Role.NATIONAL:
        return True
    branch = document.claim.branch
    if user.role == Role.REGIONAL_MANAGER:
        return user.region_id is not None and branch.region_id == user.region_id
    return user.branch_id is not None and branch.pk == user.branch_id


def document_visible_to_claimant(document: Document, session) -> bool:
    return document.claim_id in session_claim_ids(session)
