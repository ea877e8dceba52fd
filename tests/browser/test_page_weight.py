"""Page weight: what a claimant's phone downloads for each page, measured in real Chromium.

The site is served the way production serves it: collectstatic with WhiteNoise's
CompressedManifestStaticFilesStorage into a temporary STATIC_ROOT, WhiteNoise without
finders or autorefresh (hashed names, pre-compressed files, a year's immutable cache),
and pages through GZipMiddleware. pytest-django's live_server would not do: its static
handler answers /static/ itself, uncompressed and uncached, before WhiteNoise sees it.

Bytes are counted with the Chrome DevTools Protocol: the sum of
Network.loadingFinished.encodedDataLength (headers plus the body as sent on the wire) of
every request a page load makes. A page is loaded once with an empty cache (first load)
and once more (a later page: the CSS and JS are cached, only the page itself comes).
Thumbnails of the claimant's own documents are counted and printed, not budgeted: they
are the claimant's content, not the page.
"""

import re
import threading
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.wsgi import get_wsgi_application
from django.test.testcases import QuietWSGIRequestHandler
from django.test.utils import override_settings
from django.urls import reverse

from claims.models import Claim, ClaimReason, Status
from claims.services.resume import resume_token
from documents.services import document_upload
from interviews.selectors import free_slots, interview_token
from interviews.services import interview_book
from tests.factories import BranchFactory, StaffFactory, make_claim, make_jpeg
from tests.messages import start_code

from .conftest import VIEWPORT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

FIRST_LOAD_BUDGET = 60 * 1024
LATER_PAGE_BUDGET = 10 * 1024
YEAR = 365 * 24 * 3600
HASHED_STATIC = re.compile(r"/static/.+\.[0-9a-f]{12}\.(css|js)$")


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STATIC_ROOT=str(root), STORAGES=storages, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield root


@pytest.fixture(scope="module")
def site(production_static):
    """A threaded WSGI server with the whole middleware stack, WhiteNoise included."""
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False)
    httpd.set_app(get_wsgi_application())  # middleware (WhiteNoise's file scan) built now, under the override
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@dataclass
class Resource:
    url: str
    type: str
    status: int
    headers: dict
    bytes: int = 0

    @property
    def is_static(self) -> bool:
        return "/static/" in self.url

    @property
    def is_claimant_content(self) -> bool:
        return "/dokumen/" in self.url and self.type == "Image"


@dataclass
class PageLoad:
    name: str
    resources: list[Resource] = field(default_factory=list)

    @property
    def budgeted(self) -> int:
        return sum(r.bytes for r in self.resources if not r.is_claimant_content)

    @property
    def content(self) -> int:
        return sum(r.bytes for r in self.resources if r.is_claimant_content)


class Meter:
    """Counts what each page load transfers, from CDP network events."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.seen: dict[str, Resource] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        response = event["response"]
        self.seen[event["requestId"]] = Resource(
            url=response["url"],
            type=event.get("type", ""),
            status=response["status"],
            headers={key.lower(): value for key, value in response["headers"].items()},
        )

    def _finished(self, event) -> None:
        resource = self.seen.get(event["requestId"])
        if resource is not None:
            resource.bytes = int(event["encodedDataLength"])

    def load(self, name: str, url: str, *, cold: bool) -> PageLoad:
        if cold:
            self.cdp.send("Network.clearBrowserCache")
        self.seen = {}
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return PageLoad(name=name, resources=list(self.seen.values()))


class Walk:
    """Every page measured twice (empty cache, then warm), with the checks each must pass."""

    def __init__(self, page, meter: Meter):
        self.page, self.meter = page, meter
        self.rows: list[tuple[PageLoad, PageLoad]] = []

    def measure(self, name: str, url: str | None = None) -> None:
        url = url or self.page.url
        first = self.meter.load(name, url, cold=True)
        later = self.meter.load(name, url, cold=False)
        self.rows.append((first, later))
        _check_first_load(first)
        _check_later_load(later)

    def report(self) -> str:
        lines = [f"{'page':<28}{'first load':>12}{'later':>9}{'own photos':>12}"]
        for first, later in self.rows:
            lines.append(f"{first.name:<28}{first.budgeted:>12,}{later.budgeted:>9,}{first.content:>12,}")
        return "\n".join(lines)


def _check_first_load(load: PageLoad) -> None:
    page_html = [r for r in load.resources if r.type == "Document"]
    assert page_html, f"{load.name}: no document loaded"
    for resource in load.resources:
        assert resource.type != "Font", f"{load.name}: a web font was downloaded: {resource.url}"
        if resource.type == "Document" and resource.bytes > 400:
            assert resource.headers.get("content-encoding") == "gzip", f"{load.name}: page not compressed"
        if resource.is_static:
            assert HASHED_STATIC.search(resource.url), f"{load.name}: static file without a hashed name: {resource.url}"
            # gzip, or Brotli when the brotli module is installed (locust brings it) and the browser asks.
            assert resource.headers.get("content-encoding") in ("gzip", "br"), f"{resource.url} not compressed"
            cache_control = resource.headers.get("cache-control", "")
            max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
            assert max_age >= YEAR, f"{resource.url}: {cache_control}"
            assert "immutable" in cache_control, f"{resource.url}: {cache_control}"
    statics = {r.type for r in load.resources if r.is_static}
    assert {"Stylesheet", "Script"} <= statics, f"{load.name}: CSS and JS not both loaded ({statics})"
    assert load.budgeted <= FIRST_LOAD_BUDGET, (
        f"{load.name}: {load.budgeted:,} bytes on first load, budget {FIRST_LOAD_BUDGET:,}: "
        + ", ".join(f"{r.url.rsplit('/', 1)[-1] or r.url} {r.bytes:,}" for r in load.resources)
    )


def _check_later_load(load: PageLoad) -> None:
    over_network = [r for r in load.resources if r.is_static and r.bytes > 0]
    assert not over_network, f"{load.name}: static files fetched again: {[r.url for r in over_network]}"
    assert load.budgeted <= LATER_PAGE_BUDGET, (
        f"{load.name}: {load.budgeted:,} bytes as a later page, budget {LATER_PAGE_BUDGET:,}: "
        + ", ".join(f"{r.url} {r.bytes:,}" for r in load.resources)
    )


def _next(page, button: str, url_pattern: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(url_pattern))


def _intake_to_contact(walk: Walk | None, page, base: str, reason: ClaimReason, *, phone: str) -> None:
    page.goto(base + "/klaim/baru/?baru=1")
    if walk:
        walk.measure("start: programme", base + "/klaim/baru/")
    page.check(f"input[name=programme][value={reason.programme.code}]")
    _next(page, "Lanjut", r"/alasan/$")
    if walk:
        walk.measure("start: reason")
    page.check(f"input[name=reason][value='{reason.pk}']")
    _next(page, "Lanjut", r"/data-peserta/$")
    if walk:
        walk.measure("start: identity")
    page.fill("#id_nik", "3174011205900003")
    page.fill("#id_kpj_number", "12345678901")
    page.fill("#id_full_name", "Siti Aminah")
    page.fill("#id_date_of_birth", "1990-05-12")
    _next(page, "Lanjut", r"/kontak/$")
    if walk:
        walk.measure("start: contact")
    page.fill("#id_phone", phone)


def _upload_all_required(claim: Claim) -> None:
    for requirement in claim.reason.requirements.filter(required=True).select_related("document_type"):
        code = requirement.document_type.code
        upload = SimpleUploadedFile(f"{code}.jpg", make_jpeg(text=code), content_type="image/jpeg")
        document_upload(claim=claim, document_type=requirement.document_type, uploaded=upload)


def test_every_claimant_page_stays_within_its_byte_budget(site, chromium):
    medan = BranchFactory(city="Medan", name="Kantor Cabang Medan Kota")
    officer = StaffFactory(branch=medan)
    context = chromium.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    walk = Walk(page, Meter(page))
    base = site
    try:
        walk.measure("home", base + "/")

        # The intake steps, then the claim's own pages.
        reason = ClaimReason.objects.get(programme__code="JHT", code="resign")
        _intake_to_contact(walk, page, base, reason, phone="0812 3456 7890")
        _next(page, "Lanjut", r"/kantor-cabang/$")
        walk.measure("start: branch")
        page.check(f"input[name=branch][value={medan.code}]")
        _next(page, "Kirim kode ke HP saya", r"/klaim/baru/kode/$")
        walk.measure("start: code")
        page.fill("#id_code", start_code())
        _next(page, "Lanjut", r"/dokumen/$")
        claim = Claim.objects.get(branch=medan, status=Status.DRAFT)
        ref = claim.reference
        walk.measure("checklist")
        first_type = claim.reason.requirements.filter(required=True).first().document_type.code
        walk.measure("document", base + reverse("portal:document", args=[ref, first_type]))
        walk.measure("finish later", base + reverse("portal:resume_later", args=[ref]))
        walk.measure("dropbox offer", base + reverse("portal:dropbox_offer", args=[ref]))
        walk.measure("submit (missing)", base + reverse("portal:submit", args=[ref]))
        walk.measure("status (draft)", base + reverse("portal:status", args=[ref]))
        walk.measure("cancel", base + reverse("portal:cancel", args=[ref]))

        _upload_all_required(claim)
        walk.measure("checklist (complete)", base + reverse("portal:checklist", args=[ref]))
        page.goto(base + reverse("portal:submit", args=[ref]))
        _next(page, "Kirim klaim", r"/terkirim/$")
        walk.measure("submitted")
        walk.measure("status (in review)", base + reverse("portal:status", args=[ref]))

        # The interview pages the claimant opens from the booking message.
        claim.refresh_from_db()
        slot = free_slots(branch=medan, officer=officer, count=1)[0]
        interview = interview_book(
            claim=claim, officer=officer, starts_at=slot.starts_at, by=officer, claim_version=claim.version
        )
        walk.measure("interview", base + reverse("portal:interview", args=[interview_token(interview)]))
        walk.measure("interview: how it works", base + reverse("portal:interview_how_it_works"))

        # Coming back with the claim number and a code.
        walk.measure("check claim", base + reverse("portal:status_start"))
        page.fill("#id_reference", ref)
        _next(page, "Kirim kode", r"/cek-klaim/kode/$")
        walk.measure("check claim: code")

        # A heir's claim has one more step.
        heir_reason = ClaimReason.objects.filter(programme__code="JKM", needs_heir=True).first()
        _intake_to_contact(None, page, base, heir_reason, phone="0812 3456 7891")
        _next(page, "Lanjut", r"/ahli-waris/$")
        walk.measure("start: heir")

        # A claim opened from its "finish later" link, then sent through the dropbox.
        paper = make_claim(branch=medan)
        page.goto(base + reverse("portal:resume_open", args=[resume_token(paper)]))
        page.goto(base + reverse("portal:dropbox_offer", args=[paper.reference]))
        _next(page, "Ya, saya kirim lewat dropbox", r"/dropbox/$")
        walk.measure("dropbox cover sheet")
        walk.measure("link not valid", base + reverse("portal:resume_open", args=["bukan-tautan"]))
    finally:
        print("\nbytes transferred (first load: empty cache; later: CSS and JS cached)\n" + walk.report())
        context.close()
    assert len(walk.rows) >= 20


def test_pages_and_static_files_are_compressed_on_the_wire(site):
    """The same facts without a browser: what WhiteNoise and GZipMiddleware answer."""
    import requests

    home = requests.get(site + "/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert home.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in home.headers["Vary"]
    css_url = re.search(r'href="(/static/css/claimant\.[0-9a-f]{12}\.css)"', home.text).group(1)
    css = requests.get(site + css_url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]
    assert "@font-face" not in css.text, "no web fonts"
    assert "@import" not in css.text, "no web fonts"
    plain = requests.get(site + css_url, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers
    assert plain.text == css.text
