"""Keys from the environment, for what is stored encrypted and for blind indexes.

Encryption is Fernet (AES-128-CBC with HMAC-SHA256: authenticated, a changed byte fails to
open) from the maintained `cryptography` package, through MultiFernet so keys rotate: the
first key of a list encrypts, every key listed opens. A blind index is an HMAC-SHA256 of
the value under its own key, purpose-bound, because a NIK or a phone number has too little
entropy for a plain hash: anyone holding the table could hash every possible NIK.

Each setting is a list of keys. Empty is for development and tests only (prod.py requires
every one): a key derived from DJANGO_SECRET_KEY and the purpose, so `make run` needs no
extra setting.

This module decides nothing and imports no app.
"""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class KeyMissing(Exception):
    """A value cannot be opened: the key that sealed it is no longer in its setting."""


def _derived_key(purpose: str) -> str:
    digest = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


class Keyring:
    """The Fernet keys named by one setting (a list: the first encrypts, all open)."""

    def __init__(self, setting: str):
        self.setting = setting

    def keys(self) -> tuple[str, ...]:
        return tuple(getattr(settings, self.setting)) or (_derived_key(self.setting),)

    def _multi(self) -> MultiFernet:
        return _fernet(self.keys())

    def encrypt(self, text: str) -> str:
        return self._multi().encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._multi().decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise KeyMissing(f"a value cannot be opened with any key in {self.setting}") from exc

    def rotate(self, token: str) -> str:
        """The same value, encrypted again with the first key (MultiFernet.rotate)."""
        try:
            return self._multi().rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise KeyMissing(f"a value cannot be opened with any key in {self.setting}") from exc


class BlindIndex:
    """HMAC-SHA256 digests of a value under the keys of one setting (the first one writes)."""

    def __init__(self, setting: str, purpose: str):
        self.setting = setting
        self.purpose = purpose

    def _keys(self) -> Sequence[str]:
        return tuple(getattr(settings, self.setting)) or (_derived_key(self.setting),)

    def _digest(self, key: str, value: str) -> str:
        return hmac.new(key.encode(), f"{self.purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def current(self, value: str) -> str:
        """The digest to store; empty for an empty value, so a blank field indexes nothing."""
        return self._digest(self._keys()[0], value) if value else ""

    def candidates(self, value: str) -> list[str]:
        """Every digest the value may be stored under while an index key is being rotated."""
        return [self._digest(key, value) for key in self._keys()] if value else []
