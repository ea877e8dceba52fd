"""How the form fuzz posts junk: targets (a form's URL, who posts it, its fields) and the checks.

A field's strategy draws values that are either junk (junk.py) or Real(...): a value only
known when the request is made (the claim's current version, a free interview slot), so
some posts get past the first check and reach the services behind the form.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import hypothesis
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from claims.models import HeirRelation
from tests.factories import VALID_DOB, VALID_NIK

from .conftest import FUZZ_SETTINGS, TRACEBACK_MARKERS
from .junk import CLASSICS, form_values, junk_text

EXAMPLES = 25

# What a page that refuses a post (400) shows; see the templates (role="alert", note-error…).
ERROR_MARKERS = ('role="alert"', 'class="error"', "note-error", "has-error", "errorlist", "errornote")


@dataclass(frozen=True)
class Real:
    """A value taken from the world when the request is made."""

    get: Callable[["object"], object]


@dataclass(frozen=True)
class FileJunk:
    """Bytes posted as a file: in a text field (a wrong type) or a file field."""

    content: bytes
    name: str = "berkas.jpg"


def real(get: Callable) -> st.SearchStrategy:
    return st.just(Real(get))


def mostly(value_or_real, junk=junk_text) -> st.SearchStrategy:
    """The real value two times in three, else junk."""
    value = value_or_real if isinstance(value_or_real, st.SearchStrategy) else st.just(value_or_real)
    return st.one_of(value, value, junk)


def choice(values, junk=junk_text) -> st.SearchStrategy:
    return mostly(st.sampled_from(list(values)), junk)


files = st.one_of(
    st.binary(max_size=256).map(FileJunk),
    st.just(FileJunk(b"")),
    st.just(FileJunk(b"<html><script>alert(1)</script></html>", "x.html")),
    st.just(FileJunk(b"%PDF-1.4\n%%EOF", "a\x00b.pdf")),
    st.just(FileJunk(b"GIF89a" + b"\x00" * 32, "../../etc/passwd")),
)
"""A file part: random bytes, empty, HTML, a truncated PDF, a path in the name."""

text_or_file = st.one_of(junk_text, junk_text, junk_text, files)


@dataclass
class Target:
    """One form: where it posts, as whom, and a strategy for each of its fields."""

    name: str
    who: str  # "claimant", "officer", "manager", "anonymous"
    url: Callable
    fields: Callable  # world -> {field name: strategy of one value}
    method: str = "post"
    prepare: Callable | None = None  # (world, client) -> None, before each example
    examples: int | None = None


def button(name: str, who: str, url: Callable) -> Target:
    """A form that is only a button: junk posted in a field it does not have."""
    return Target(name, who, url, lambda w: {"x": junk_text}, examples=10)


def forms_defined_in(*modules) -> set[str]:
    """The names of the form classes the modules define (not those they import)."""
    return {
        name
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
    }


def request_data(target: Target, world) -> st.SearchStrategy:
    """Every field present, missing or duplicated, plus now and then a field the form does not have."""
    fields = {name: form_values(strategy) for name, strategy in target.fields(world).items()}
    stray = st.dictionaries(st.sampled_from(["csrfmiddlewaretoken", "id", "__proto__", "x" * 300]), st.just([""]))
    return st.tuples(st.fixed_dictionaries(fields), stray, st.booleans())


def classic_examples(target: Target, world) -> list:
    """Drawn-shaped requests: every field the same classic value, all fields left out, all sent twice."""
    names = list(target.fields(world))
    examples = [({name: [value] for name in names}, {}, False) for value in CLASSICS]
    examples.append(({name: None for name in names}, {}, False))
    examples.append(({name: ["\x00", "x" * 300] for name in names}, {}, True))
    return examples


def _resolve(value, world):
    if isinstance(value, Real):
        value = value.get(world)
    if isinstance(value, FileJunk):
        return SimpleUploadedFile(value.name, value.content)
    return "" if value is None else str(value)


def describe(data: dict) -> str:
    """What was sent, short enough for a failure message."""
    return ", ".join(f"{name}={[repr(v)[:60] for v in values]}" for name, values in data.items())


def send(client: Client, target: Target, world, drawn) -> object:
    fields, stray, urlencoded = drawn
    data = {name: [_resolve(v, world) for v in values] for name, values in fields.items() if values is not None}
    for name, values in stray.items():
        data.setdefault(name, values)
    url = target.url(world)
    world.last_sent = f"{url} {describe(data)}"
    if target.method == "get":
        flat = {name: [v if isinstance(v, str) else "berkas" for v in values] for name, values in data.items()}
        return client.get(url, flat, follow=True)
    has_files = any(not isinstance(v, str) for values in data.values() for v in values)
    if urlencoded and not has_files:
        return client.post(url, urlencode(data, doseq=True), "application/x-www-form-urlencoded", follow=True)
    return client.post(url, data, follow=True)


def check_page(response, target: Target) -> None:
    """No server error, no traceback, and a refused post says what is wrong."""
    where = f"{target.method.upper()} {target.name}"
    assert response.status_code < 500, f"{where} → {response.status_code}"
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    for marker in TRACEBACK_MARKERS:
        assert marker not in body, f"{where}: traceback text {marker!r} in the page"
    if response.status_code == 400:
        assert any(marker in body for marker in ERROR_MARKERS), f"{where} → 400 without an error message"
    elif response.status_code >= 400:
        assert body.strip(), f"{where} → {response.status_code} with an empty page"


# --- running a target --------------------------------------------------------------------


def run_target(target: Target, world) -> list[int]:
    """Post EXAMPLES junk requests to the target's form; returns the status codes seen."""
    client = world.client_for(target.who)
    target.url(world)  # makes what the URL points at before the first example
    statuses: list[int] = []

    @hypothesis.settings(FUZZ_SETTINGS, max_examples=target.examples or EXAMPLES)
    @given(drawn=request_data(target, world))
    def fuzz(drawn):
        if target.prepare is not None:
            target.prepare(world, client)
        try:
            response = send(client, target, world, drawn)
            statuses.append(response.status_code)
            check_page(response, target)
        except Exception as exc:
            exc.add_note(f"sent: {world.last_sent}")
            raise

    for drawn in classic_examples(target, world):
        fuzz = hypothesis.example(drawn=drawn)(fuzz)
    fuzz()
    return statuses


# --- the claimant's fields, also on the officer's pages (assisted channel, dropbox) ------


def identity_fields(world) -> dict:
    return {
        "nik": mostly(VALID_NIK),
        "kpj_number": mostly("1234-5678-901"),
        "full_name": mostly("Siti Aminah"),
        "date_of_birth": choice([VALID_DOB.isoformat(), "12-05-1990", "12/05/1990"]),
    }


def contact_fields(world) -> dict:
    return {"phone": choice(["0812 3456 7890", "+62 812-3456-7890"]), "email": choice(["", "siti@example.com"])}


def heir_fields(world) -> dict:
    return {
        "heir_name": mostly("Budi Santoso"),
        "heir_nik": mostly("3273015506850002"),
        "heir_relation": choice(HeirRelation.values),
        "heir_phone": mostly("085712345678"),
    }
