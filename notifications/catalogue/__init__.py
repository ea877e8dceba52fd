"""The message catalogue: every message kind as fixed text with named parameters, in code.

One definition gives both channels. WhatsApp gets it as approved templates (one template
per variant and language, notifications/providers/whatsapp/templates.py turns a variant
into the Graph API's JSON); SMS gets the same text with the parameters filled in and each
link written out where the WhatsApp template has a URL button.

A kind's parts are texts (msgids with %(name)s placeholders, translated through Django's
i18n: Indonesian is the msgid, English is in locale/en) and links. A part marked
``when="key"`` is there only when the context's value for ``key`` is truthy (``"!key"``:
only when it is falsy); each combination of such keys is one variant, and so one template
WhatsApp reviews: a template cannot hold an optional sentence, and a parameter may not
carry a sentence of ours either (it must be a value: a date, a name, a number).
"""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from ..sealing import Secret

LANGUAGES = ("id", "en")
UTILITY = "UTILITY"
AUTHENTICATION = "AUTHENTICATION"

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def parameter_value(value: object) -> str:
    """A value as WhatsApp takes a parameter: no newline, tab or run of more than four spaces
    (error 132018); a list is written as items separated by "; ". Secrets keep their kind."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    cleaned = re.sub(r"\s+", " ", re.sub(r"\s*\n\s*", "; ", text.strip()))
    if isinstance(value, Secret):
        return Secret(cleaned, shown=value.shown)
    return cleaned


@dataclass(frozen=True)
class Text:
    """A sentence or paragraph: a msgid with %(name)s placeholders."""

    text: str
    when: str = ""
    before: str = "\n\n"


@dataclass(frozen=True)
class Link:
    """A link to one of our pages: the context's ``param`` is its path (a Secret when the path
    opens the claim). WhatsApp: a URL button, base https://<our host>/ fixed, the path the
    dynamic suffix. SMS: "<label> <full URL>" where the part stands."""

    param: str
    label: str
    button: str
    when: str = ""
    before: str = "\n"


@dataclass(frozen=True)
class QuickReply:
    """A quick-reply button. Its payload comes back as the claimant's reply text, so it must
    mean what typing it means (interviews/services/replies.py: "1" confirms, "2" moves)."""

    text: str
    payload: str


Part = Text | Link


def _applies(part: Part, on: frozenset[str]) -> bool:
    if not part.when:
        return True
    if part.when.startswith("!"):
        return part.when[1:] not in on
    return part.when in on


@dataclass(frozen=True)
class Kind:
    """One message kind (Message.template): what callers of message_send name."""

    name: str
    parts: tuple[Part, ...]
    # An example value for every parameter, for WhatsApp's review (in Indonesian: the
    # reviewer reads examples in the template's language; English takes the same values).
    examples: dict[str, str]
    replies: tuple[QuickReply, ...] = ()
    category: str = UTILITY
    # Free text, never a template: an answer inside WhatsApp's customer-service window (or by
    # SMS). Not exported for review, and no approval asked before sending.
    free_text: bool = False

    @property
    def conditions(self) -> tuple[str, ...]:
        keys = []
        for part in self.parts:
            key = part.when.lstrip("!")
            if key and key not in keys:
                keys.append(key)
        return tuple(keys)

    def variants(self) -> list["Variant"]:
        found = []
        for flags in itertools.product((False, True), repeat=len(self.conditions)):
            on = frozenset(key for key, flag in zip(self.conditions, flags, strict=True) if flag)
            found.append(Variant(kind=self, on=on))
        return found

    def variant_for(self, context: dict) -> "Variant":
        return Variant(kind=self, on=frozenset(key for key in self.conditions if context.get(key)))


@dataclass(frozen=True)
class AuthKind:
    """A one-time code. WhatsApp fixes the wording of AUTHENTICATION templates ("*{{1}}* adalah
    kode verifikasi Anda.", a security line, an expiry footer, a copy-code button); the SMS
    keeps our own fuller text, which the parts give."""

    name: str
    parts: tuple[Part, ...]
    examples: dict[str, str]
    code: str = "code"
    copy_button: str = "Salin kode"
    category: str = AUTHENTICATION
    replies: tuple[QuickReply, ...] = ()
    conditions: tuple[str, ...] = ()
    free_text: bool = False
    # The SMS ends with the WebOTP line: the claimant types this code on our site. Not for a
    # code read aloud to an officer (phone_confirm_code).
    webotp: bool = True

    def variants(self) -> list["Variant"]:
        return [Variant(kind=self, on=frozenset())]

    def variant_for(self, context: dict) -> "Variant":
        return Variant(kind=self, on=frozenset())


@dataclass(frozen=True)
class Variant:
    """One template: a kind with its optional parts chosen."""

    kind: Kind | AuthKind
    on: frozenset[str] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        """The catalogue name ([a-z0-9_]); WhatsApp knows it as WHATSAPP_TEMPLATE_PREFIX + this."""
        return self.kind.name + "".join(f"_{key}" for key in self.kind.conditions if key in self.on)

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(part for part in self.kind.parts if _applies(part, self.on))

    @property
    def links(self) -> tuple[Link, ...]:
        return tuple(part for part in self.parts if isinstance(part, Link))

    @property
    def replies(self) -> tuple[QuickReply, ...]:
        return self.kind.replies

    @property
    def is_authentication(self) -> bool:
        return isinstance(self.kind, AuthKind)

    def body_parameters(self, language: str) -> list[str]:
        """The body's parameter names, in the order they appear (WhatsApp wants that order)."""
        names: list[str] = []
        for name in PLACEHOLDER.findall(self.whatsapp_body(language)):
            if name not in names:
                names.append(name)
        return names

    def parameters(self) -> list[str]:
        """Every context value the variant uses: body parameters and link paths."""
        names = self.body_parameters("id")
        for link in self.links:
            if link.param not in names:
                names.append(link.param)
        if isinstance(self.kind, AuthKind) and self.kind.code not in names:
            names.append(self.kind.code)
        for part in self.parts:
            if isinstance(part, Text):
                for name in PLACEHOLDER.findall(part.text):
                    if name not in names:
                        names.append(name)
        return names

    def whatsapp_body(self, language: str) -> str:
        """The body as text with %(name)s placeholders (links are buttons, not text)."""
        with translation.override(language):
            pieces: list[str] = []
            for part in self.parts:
                if isinstance(part, Text):
                    pieces.append(("" if not pieces else part.before) + gettext(part.text))
            return "".join(pieces)

    def sms(self, language: str, values: dict[str, str]) -> str:
        """The SMS text: every part, parameters filled, links written out in full."""
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        with translation.override(language):
            pieces: list[str] = []
            for part in self.parts:
                if isinstance(part, Text):
                    text = gettext(part.text) % _Filled(values)
                else:
                    url = f"{base}{values.get(part.param, '')}"
                    text = f"{gettext(part.label)} {url}" if part.label else url
                pieces.append(("" if not pieces else part.before) + text)
            if isinstance(self.kind, AuthKind) and self.kind.webotp and values.get(self.kind.code):
                # WebOTP: Android Chrome reads the code from an SMS whose last line is this,
                # and fills the code field of our site by itself (static/js/claimant.js).
                pieces.append(f"\n\n@{urlsplit(settings.PUBLIC_BASE_URL).hostname} #{values[self.kind.code]}")
            return "".join(pieces).strip()


class _Filled(dict):
    """% formatting that writes a missing value as empty, as the Django templates did."""

    def __init__(self, values: dict[str, str]):
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""


def link_base() -> str:
    """The fixed part of every URL button: https://<host of PUBLIC_BASE_URL>/."""
    return f"https://{urlsplit(settings.PUBLIC_BASE_URL).netloc}/"


@cache
def kinds() -> dict[str, Kind | AuthKind]:
    from .definitions import KINDS

    return {kind.name: kind for kind in KINDS}


def kind(name: str) -> Kind | AuthKind:
    return kinds()[name]


def variants() -> Iterator[Variant]:
    """Every WhatsApp template: the variants of every kind but the free-text ones."""
    for item in kinds().values():
        if not item.free_text:
            yield from item.variants()


@cache
def _variants_by_name() -> dict[str, Variant]:
    return {found.name: found for item in kinds().values() for found in item.variants()}


def variant(name: str) -> Variant | None:
    """The variant called ``name`` (Message.template_variant), or None."""
    return _variants_by_name().get(name)


@dataclass(frozen=True)
class Filled:
    """A kind filled for one message: the variant, the values staff may see, the full ones."""

    variant: Variant
    shown: dict[str, str]
    full: dict[str, str]

    def sms(self, language: str, *, full: bool) -> str:
        return self.variant.sms(language, self.full if full else self.shown)


def fill(name: str, context: dict) -> Filled:
    """Choose the variant for ``context`` and normalise every value it uses.

    A Secret stays out of ``shown`` (its redacted form stands in), so the row's parameters
    show staff no code and no link that opens a claim.
    """
    chosen = kind(name).variant_for(context)
    shown, full = {}, {}
    for param in chosen.parameters():
        value = parameter_value(context.get(param, ""))
        full[param] = str(value)
        shown[param] = parameter_value(value.shown) if isinstance(value, Secret) else str(value)
    return Filled(variant=chosen, shown=shown, full=full)
