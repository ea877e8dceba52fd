"""The personal-data declarations every app makes (core/personal_data.py) hold together."""

import pytest
from django.apps import apps
from django.db import models

from claims.models import Claim, ClaimEvent
from core.personal_data import declarations
from privacy.declarations import claim_declaration, of_claims, of_phones, rows_of_claim, rows_of_phones

PROJECT_APPS = {"core", "accounts", "notifications", "claims", "documents", "interviews"}


def test_every_declared_field_exists_on_its_model():
    for declaration in declarations():
        names = {field.name for field in declaration.model._meta.get_fields()}
        declared = {
            *declaration.erase,
            *declaration.files,
            *declaration.phones,
            *([declaration.phone] if declaration.phone else []),
        }
        assert declared <= names, f"{declaration.model.__name__}: {sorted(declared - names)}"


@pytest.mark.django_db
def test_every_claim_path_and_phone_field_is_a_working_lookup(draft_claim):
    """A path that names no relation raises FieldError when the query is built."""
    found = {d.model: list(rows_of_claim(d, draft_claim)) for d in of_claims()}
    found |= {d.model: list(rows_of_phones(d, {draft_claim.phone})) for d in of_phones()}
    assert found[Claim] == [draft_claim]
    assert [event.to_status for event in found[ClaimEvent]] == ["draft"]


def test_the_claim_is_declared_once_with_its_phone_fields():
    assert claim_declaration().phones == ("phone", "heir_phone")


def test_every_stored_file_of_the_project_is_declared():
    """A new FileField anywhere fails here until its app declares it: retention deletes it, the export carries it."""
    declared = {(d.model, name) for d in declarations() for name in d.files}
    purged = {d.model for d in declarations() if d.purge or d.delete}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model in purged:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                assert (model, field.name) in declared, f"{model.__name__}.{field.name} is not declared"
