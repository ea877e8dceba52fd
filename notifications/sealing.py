"""What staff may see of a message, and the rest sealed for its one delivery.

A message can hold a secret: a one-time code, or a link that opens the claim (finish later,
choose the call, the interview page). Such a value is marked by its caller with `Secret`
in the template context. The row's `body` is rendered with every secret replaced by its
`shown` form: that is what the outbox, the admin and the database keep, from the moment
the row is written, whatever becomes of its delivery. The full text exists only in
`sealed`, encrypted with NOTIFICATION_SEAL_KEYS (core/crypto.py: Fernet, the first key
seals, every key listed opens), a column no staff page shows. Delivery opens it for
the provider call only, and it is wiped once the message is out of our hands or failed
for good (services/transitions.py).

Why sealed and not re-rendered at delivery: a one-time code is stored only hashed, so it
cannot be derived again, and notifications imports no domain app that could rebuild a
link. Why not in the task arguments: tasks take ids, never personal data, and a retry
may run long after the request.

What is sealed is a JSON object (seal_message): the full text (for SMS) and the full template
parameters (for WhatsApp, notifications/catalogue): the row's `parameters` are the redacted
ones, like its `body`.

Development: the outbox and console providers deliver into the outbox itself, so once
"sent" there the row shows the full text (a tester clicks the link). Production refuses
those providers (lapakasik/settings/prod.py).
"""

import json
from dataclasses import dataclass

from core.crypto import KeyMissing, Keyring

HIDDEN = "[disembunyikan]"


class Secret(str):
    """A context value only the claimant may read: `shown` stands in for it in the stored body."""

    shown: str

    def __new__(cls, value: str, *, shown: str = HIDDEN) -> "Secret":
        secret = super().__new__(cls, value)
        secret.shown = shown
        return secret

    @classmethod
    def path(cls, path: str) -> "Secret":
        """A link path whose last segment is the token: staff see which page, not the token."""
        head, _sep, token = path.rstrip("/").rpartition("/")
        return cls(path, shown=f"{head}/{HIDDEN}" + ("/" if path.endswith("/") else ""))


class SealBroken(Exception):
    """The sealed text cannot be opened (its key is no longer in NOTIFICATION_SEAL_KEYS)."""


_KEYS = Keyring("NOTIFICATION_SEAL_KEYS")


def seal(text: str) -> str:
    return _KEYS.encrypt(text)


def unseal(token: str) -> str:
    try:
        return _KEYS.decrypt(token)
    except KeyMissing as exc:
        raise SealBroken("sealed message text cannot be opened with NOTIFICATION_SEAL_KEYS") from exc


@dataclass(frozen=True)
class Sealed:
    text: str
    # None: sealed before messages carried template parameters (a plain text then).
    parameters: dict[str, str] | None


def seal_message(text: str, parameters: dict[str, str]) -> str:
    return seal(json.dumps({"text": text, "parameters": parameters}, ensure_ascii=False))


def unseal_message(token: str) -> Sealed:
    """The full text and parameters of a message; a row sealed as plain text gives that text."""
    opened = unseal(token)
    try:
        data = json.loads(opened)
    except ValueError:
        return Sealed(text=opened, parameters=None)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return Sealed(text=opened, parameters=None)
    parameters = data.get("parameters")
    return Sealed(text=data["text"], parameters=parameters if isinstance(parameters, dict) else None)
