"""Model fields for personal data kept encrypted at rest, and the blind index that finds it.

`EncryptedTextField` stores a Fernet token (core/crypto.py) and reads back the plain text:
code works with ``claim.nik`` as before, while a raw read of the table, a dump or a backup
holds no digit of it. A token is not deterministic, so the column cannot be compared in
SQL: every lookup but ``isnull`` and an empty ``exact`` raises FieldError instead of
silently matching nothing. Equality goes through a `BlindIndexField` beside it.

`BlindIndexField` holds the HMAC of another field's value (core.crypto.BlindIndex), set on
every save and bulk_create from that field; ``Model.save(update_fields=[source])`` must list
it too (the model's save does that). A queryset ``update()`` of the source must set it as well.
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from .crypto import BlindIndex, Keyring


class EncryptedTextField(models.TextField):
    """Text encrypted with the keys of ``keys_setting``; an empty value is stored empty."""

    def __init__(self, *args, keys_setting: str = "PERSONAL_DATA_KEYS", **kwargs):
        self.keys_setting = keys_setting
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.keys_setting != "PERSONAL_DATA_KEYS":
            kwargs["keys_setting"] = self.keys_setting
        return name, path, args, kwargs

    @property
    def keyring(self) -> Keyring:
        return Keyring(self.keys_setting)

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return self.keyring.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return self.keyring.encrypt(value)

    def get_lookup(self, lookup_name):
        lookup = super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup is IsNull:
            return lookup
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: look it up through its blind index")


class _EmptyOnlyExact(Exact):
    """``field=""`` (or None) works; comparing with a value cannot, as each token differs."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: "
                "look it up through its blind index"
            )
        return super().get_prep_lookup()


class BlindIndexField(models.CharField):
    """The HMAC of ``source``'s value under ``keys_setting``, kept in step on every save."""

    def __init__(self, *args, source: str, purpose: str = "", keys_setting: str = "PERSONAL_DATA_INDEX_KEYS", **kwargs):
        self.source = source
        # Fields sharing a purpose share digests: a phone number is found in either of two fields.
        self.purpose = purpose
        self.keys_setting = keys_setting
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.purpose:
            kwargs["purpose"] = self.purpose
        if self.keys_setting != "PERSONAL_DATA_INDEX_KEYS":
            kwargs["keys_setting"] = self.keys_setting
        for key, default in (("max_length", 64), ("default", ""), ("editable", False), ("blank", True)):
            if kwargs.get(key) == default:
                del kwargs[key]
        return name, path, args, kwargs

    @property
    def index(self) -> BlindIndex:
        return BlindIndex(self.keys_setting, purpose=self.purpose or f"{self.model._meta.label_lower}.{self.source}")

    def pre_save(self, model_instance, add):
        value = self.index.current(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def blind_index_of(model, name: str) -> BlindIndexField:
    """The blind index kept for the field ``name`` of ``model``."""
    for field in model._meta.concrete_fields:
        if isinstance(field, BlindIndexField) and field.source == name:
            return field
    raise FieldError(f"{model.__name__}.{name} has no blind index")
