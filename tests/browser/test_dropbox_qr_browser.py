"""Reading the claim reference off a dropbox cover sheet's QR code with the device camera.

static/js/qrscan.js shows "Pindai kode QR dengan kamera" on the batch page only where the
browser has BarcodeDetector with the qr_code format, and typing the reference always works.
Chromium on Linux has no BarcodeDetector, so here a stand-in takes its place at the
browser-API edge (page.add_init_script): it answers "no code" until the test puts the
cover sheet in front of the camera, then the reference. The camera itself is Chromium's
own fake device (--use-fake-device-for-media-stream), so getUserMedia, the <video> and
its track are real. This module launches its own Chromium for those flags; the conftest's
`chromium` fixture has fixed arguments.
"""

import json
import os
import re
from pathlib import Path

import pytest

from claims.models import Claim, Status
from documents.models import Envelope, EnvelopeStatus
from documents.services import claim_switch_to_dropbox
from tests.factories import BranchFactory, StaffFactory, make_claim

from .conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, watch_csp

pytestmark = [
    pytest.mark.browser,
    # The live server only sees committed rows; seeded_catalogue puts the catalogue back
    # after earlier transactional tests flushed it (see tests/conftest.py).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "rahasia-uji-123"
QR_SHOTS = SCREENSHOTS / "qr"
CAMERA_ARGS = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
SCAN_BUTTON = "Pindai kode QR dengan kamera"
STOP_BUTTON = "Berhenti memindai"
BATCH_URL = r"/petugas/dropbox/batch/\d+/$"
ENVELOPE_URL = r"/petugas/dropbox/amplop/\d+/$"

# The stand-in for BarcodeDetector. detect() answers [] (no code in view) until the test sets
# window.__qr.inView, then the cover sheet's code. Each call records the <video> it was given,
# so the test can see the scan loop ran on real camera frames, and the stream it came from.
# The page navigates when the reference is submitted, so the state at that moment (the
# camera track, the video, the field) is written to sessionStorage by a submit listener.
BARCODE_DETECTOR_STAND_IN = """
(() => {
  const rawValue = %s;
  const qr = { inView: false, detects: 0, sizes: [], options: [], stream: null };
  window.__qr = qr;
  class BarcodeDetector {
    constructor(options) { qr.options.push(options); }
    static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
    detect(source) {
      qr.detects += 1;
      qr.sizes.push([source.videoWidth, source.videoHeight]);
      qr.stream = source.srcObject;
      if (!qr.inView) { return Promise.resolve([]); }
      const box = new DOMRect(80, 60, 160, 160);
      return Promise.resolve([{ rawValue, format: "qr_code", boundingBox: box, cornerPoints: [] }]);
    }
  }
  window.BarcodeDetector = BarcodeDetector;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-qrscan-form]")) { return; }
    const video = form.querySelector("[data-qrscan-video]");
    sessionStorage.setItem("qr-at-submit", JSON.stringify({
      detects: qr.detects,
      tracks: qr.stream ? qr.stream.getTracks().map((t) => [t.kind, t.readyState]) : [],
      videoHidden: video ? video.hidden : null,
      reference: form.querySelector("input[name=reference]").value,
    }));
  }, true);
})();
"""


def _unavailable(reason: str):
    """On CI a browser test that cannot run is a failure, never a quiet skip (as in conftest.py)."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)", pytrace=False)
    pytest.skip(reason)


# Module scope, like conftest's `chromium`: Playwright's event loop must not outlive this
# module. This module never asks for `chromium`, so only one Playwright runs at a time.
@pytest.fixture(scope="module")
def camera_chromium():
    """Chromium with a fake camera that needs no permission prompt."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        _unavailable(f"playwright for Python is not installed: {exc}")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CAMERA_ARGS)
    except Exception as exc:
        manager.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield watch_csp(browser)
    browser.close()
    manager.stop()


@pytest.fixture(scope="module")
def qr_screenshots() -> Path:
    """test-output/screenshots/qr/, emptied once for this file's run."""
    QR_SHOTS.mkdir(parents=True, exist_ok=True)
    for old in QR_SHOTS.glob("qr-*.png"):
        old.unlink()
    return QR_SHOTS


@pytest.fixture
def new_page(camera_chromium, live_server):
    """new_page(init_script=…): a fresh laptop profile allowed to use the camera on the live
    server; page errors are collected and must stay empty."""
    contexts = []

    def make(init_script: str | None = None):
        context = camera_chromium.new_context(viewport=LAPTOP, locale="id-ID", timezone_id="Asia/Jakarta")
        contexts.append(context)
        context.grant_permissions(["camera"], origin=live_server.url)
        context.set_default_timeout(10_000)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))

        def console_error(message) -> None:
            # Chromium asks every site for /favicon.ico; the app has none, and that 404 is not a page error.
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                page.errors.append(f"console: {message.text} ({message.location.get('url')})")

        page.on("console", console_error)
        return page

    yield make
    for context in contexts:
        context.close()


def _stand_in(reference: str) -> str:
    return BARCODE_DETECTOR_STAND_IN % json.dumps(reference)


def _go(page, locator, url_pattern: str) -> None:
    locator.click()
    page.wait_for_url(re.compile(url_pattern))


def _open_batch(page, base: str, officer) -> None:
    """Through the real admin login page, then Dropbox → open this branch's dropbox."""
    page.goto(f"{base}/admin/login/?next=/petugas/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    _go(page, page.locator("form#login-form [type=submit]"), r"/petugas/$")
    _go(page, page.get_by_role("link", name="Dropbox"), r"/petugas/dropbox/$")
    _go(page, page.get_by_role("button", name=f"Buka dropbox {officer.branch.name}"), BATCH_URL)


def _scan(page, shots: Path | None = None) -> dict:
    """Press the scan button, let the loop see nothing a few times, then show the code.

    Returns what the page looked like when it submitted (see BARCODE_DETECTOR_STAND_IN).
    """
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=SCAN_BUTTON)
    expect(button).to_be_visible()  # shown once getSupportedFormats() has answered
    button.click()
    video = page.locator("video[data-qrscan-video]")
    expect(video).to_be_visible()
    expect(page.get_by_role("button", name=STOP_BUTTON)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Arahkan kamera ke kode QR di lembar sampul.")
    # The loop keeps looking after an empty answer, on frames of the (fake) camera.
    page.wait_for_function("() => window.__qr.detects >= 3")
    assert page.evaluate("window.__qr.options") == [{"formats": ["qr_code"]}]
    assert all(width > 0 and height > 0 for width, height in page.evaluate("window.__qr.sizes"))
    assert video.evaluate("v => !v.paused && v.srcObject.getVideoTracks()[0].readyState") == "live"
    if shots is not None:
        page.screenshot(path=str(shots / "qr-02-camera-view.png"))
    page.evaluate("window.__qr.inView = true")  # the cover sheet in front of the camera
    page.wait_for_url(re.compile(ENVELOPE_URL))
    return json.loads(page.evaluate("sessionStorage.getItem('qr-at-submit')"))


def test_without_barcode_detector_the_scan_button_stays_hidden_and_typing_works(live_server, new_page):
    branch = BranchFactory(city="Malang", name="Kantor Cabang Malang Kawi")
    officer = StaffFactory(branch=branch, first_name="Rina", last_name="Wati", password=PASSWORD)
    claim = claim_switch_to_dropbox(claim=make_claim(branch=branch, reason="retirement_age"))
    # Chromium on Linux has none today; take it away in case a later build brings one.
    page = new_page("delete window.BarcodeDetector;")

    _open_batch(page, live_server.url, officer)
    page.wait_for_load_state("load")  # qrscan.js (deferred) has run
    assert page.evaluate("'BarcodeDetector' in window") is False
    assert page.get_by_role("button", name=SCAN_BUTTON, include_hidden=True).is_hidden()
    assert page.locator("video[data-qrscan-video]").is_hidden()

    page.get_by_label("Nomor klaim di amplop").fill(claim.reference)
    _go(page, page.get_by_role("button", name="Buka amplop"), ENVELOPE_URL)
    assert Envelope.objects.get(batch__branch=branch).claim_id == claim.pk
    assert not page.errors, page.errors


def test_officer_scans_the_cover_sheet_qr_and_the_envelope_matches_the_claim(live_server, new_page, qr_screenshots):
    branch = BranchFactory(city="Semarang", name="Kantor Cabang Semarang Pemuda")
    officer = StaffFactory(branch=branch, first_name="Bayu", last_name="Pratama", password=PASSWORD)
    claim = claim_switch_to_dropbox(claim=make_claim(branch=branch, reason="retirement_age"))
    assert claim.status == Status.SUBMITTED
    page = new_page(_stand_in(claim.reference))

    _open_batch(page, live_server.url, officer)
    page.get_by_role("button", name=SCAN_BUTTON).wait_for()  # shown once getSupportedFormats() has answered
    page.screenshot(path=str(qr_screenshots / "qr-01-batch-scan-button.png"))
    at_submit = _scan(page, qr_screenshots)

    # The page filled the field with the code's text and submitted the form by itself.
    assert at_submit["reference"] == claim.reference
    assert at_submit["detects"] >= 4  # three empty answers at least, then the code
    envelope = Envelope.objects.get(batch__branch=branch)
    assert (envelope.claim_id, envelope.status, envelope.typed_reference) == (
        claim.pk,
        EnvelopeStatus.MATCHED,
        claim.reference,
    )
    assert f"cocok dengan klaim {claim.reference}" in page.locator("p.note-success").inner_text()
    page.screenshot(path=str(qr_screenshots / "qr-03-envelope-matched.png"), full_page=True)

    # The camera was switched off before the page moved on.
    assert at_submit["tracks"] == [["video", "ended"]], at_submit
    assert at_submit["videoHidden"] is True
    assert not page.errors, page.errors


def test_a_scanned_reference_of_another_branch_lands_in_the_unmatched_list_and_reveals_nothing(live_server, new_page):
    branch = BranchFactory(city="Makassar", name="Kantor Cabang Makassar Sudirman")
    other_branch = BranchFactory(city="Padang", name="Kantor Cabang Padang Khatib")
    officer = StaffFactory(branch=branch, first_name="Andi", last_name="Mappa", password=PASSWORD)
    elsewhere = claim_switch_to_dropbox(
        claim=make_claim(
            branch=other_branch,
            reason="retirement_age",
            full_name="Ratna Kusumawardani",
            kpj_number="98765432109",
            phone="+6281398765432",
        )
    )
    before = (elsewhere.status, elsewhere.events.count())
    page = new_page(_stand_in(elsewhere.reference))

    _open_batch(page, live_server.url, officer)
    at_submit = _scan(page)
    assert at_submit["reference"] == elsewhere.reference

    envelope = Envelope.objects.get(batch__branch=branch)
    assert (envelope.claim_id, envelope.status) == (None, EnvelopeStatus.UNMATCHED)
    elsewhere = Claim.objects.get(pk=elsewhere.pk)
    assert (elsewhere.status, elsewhere.events.count()) == before  # nothing happened to it
    # The same words as for a reference no one has.
    assert "Nomor klaim tidak ditemukan di kantor cabang ini" in page.locator("main").inner_text()

    secrets = (elsewhere.full_name, elsewhere.nik, elsewhere.kpj_number, "98765432", other_branch.name, "Padang")
    for url in (page.url, f"{live_server.url}/petugas/dropbox/belum-cocok/"):
        page.goto(url)
        text = page.locator("main").inner_text()
        assert f"Amplop {envelope.number}" in text
        assert elsewhere.reference in text  # what was read off the envelope, nothing more
        for secret in secrets:
            assert secret not in text, f"{url} shows {secret!r} of another branch's claim"
        assert page.locator(f"a[href*='/petugas/klaim/{elsewhere.reference}']").count() == 0
    assert not page.errors, page.errors
