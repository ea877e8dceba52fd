"""The apps' personal-data declarations (core/personal_data.py), found and read for privacy/.

Each app declares its models in its own personal_data.py; PrivacyConfig.ready imports
them all (Django's autodiscover_modules, the way the admin finds admin.py), so nothing
here names an app's tables.
"""

from django.db.models import Expression, Q, QuerySet

from claims.models import Claim
from core.fields import blind_index_of
from core.personal_data import PersonalData, declarations


def of_claims() -> list[PersonalData]:
    """Declarations of rows that belong to a claim, the Claim's own first."""
    found = [d for d in declarations() if d.claim is not None]
    return sorted(found, key=lambda d: d.claim != "")


def of_phones() -> list[PersonalData]:
    """Declarations of rows kept by phone number."""
    return [d for d in declarations() if d.claim is None and d.phone]


def claim_declaration() -> PersonalData:
    [declaration] = [d for d in declarations() if d.claim == ""]
    return declaration


def claim_phones(claim: Claim) -> set[str]:
    return {getattr(claim, name) for name in claim_declaration().phones if getattr(claim, name)}


def phones_still_used(phones: set[str], *, besides: Claim) -> set[str]:
    """Which of these numbers a claim not yet anonymised, other than ``besides``, still names."""
    fields = claim_declaration().phones
    if not phones:
        return set()
    # The numbers are encrypted: found through their blind indexes (core/fields.py).
    uses = Q()
    for name in fields:
        index = blind_index_of(Claim, name)
        uses |= Q(**{f"{index.name}__in": [digest for phone in phones for digest in index.index.candidates(phone)]})
    others = Claim.objects.filter(anonymised_at__isnull=True).exclude(pk=besides.pk).filter(uses)
    return {phone for row in others.values_list(*fields).iterator() for phone in row if phone in phones}


def rows_of_claim(declaration: PersonalData, claim: Claim) -> QuerySet:
    """The rows of a declaration of ``of_claims()`` that belong to this claim."""
    path = declaration.claim
    if path is None:
        raise ValueError(f"{declaration.model.__name__} rows are kept by phone, not by claim")
    manager = declaration.model._default_manager
    if path == "":
        return manager.filter(pk=claim.pk)
    return manager.filter(**{path: claim})


def rows_of_phones(declaration: PersonalData, phones: set[str]) -> QuerySet:
    return declaration.model._default_manager.filter(**{f"{declaration.phone}__in": phones})


def not_yet_erased(declaration: PersonalData, rows: QuerySet) -> QuerySet:
    """Rows with something left to erase (every row, when an erased value is an expression)."""
    if any(isinstance(value, Expression) for value in declaration.erase.values()):
        return rows
    return rows.exclude(**declaration.erase)
