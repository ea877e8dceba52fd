"""Video-call interviews in real headless Chromium: the claimant's pages on a 360 px phone and
the officer's booking and outcome on a 1280 px laptop.

Real time here (the live server runs in another thread, so no time-machine): every slot is
taken from interviews.selectors.free_slots, and expectations are computed from the instants
the app stored.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from claims.models import Branch, Status
from interviews.models import (
    IdentityCheck,
    Interview,
    InterviewAttempt,
    InterviewStatus,
    Reminder,
    ReminderStatus,
)
from interviews.selectors import branch_zone, free_slots, interview_token, local_time_text, reminder_offsets
from interviews.services import interview_book
from notifications.models import Message
from tests.console import conftest as console_setup
from tests.factories import BranchFactory, StaffFactory

from .conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    # The live server only sees committed rows; seeded_catalogue puts the catalogue back
    # after earlier transactional tests flushed it (see tests/conftest.py).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

PHONE_WIDTH = 360
LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "rahasia-uji-123"
MIN_TAP_PX = 44
BRANCH_NUMBER = "+6241150091"
# Its own folder, emptied once per run of this file: other browser tests keep their pictures.
INTERVIEW_SHOTS = SCREENSHOTS / "interview"


@pytest.fixture(scope="module")
def interview_screenshots() -> Path:
    INTERVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    for old in INTERVIEW_SHOTS.glob("*.png"):
        old.unlink()
    return INTERVIEW_SHOTS


def _collect_errors(page) -> list[str]:
    """Page errors and console errors (the favicon 404 aside) land in the returned list."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))

    def console_error(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", console_error)
    return errors


@pytest.fixture
def laptop_page(chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = _collect_errors(page)
    yield page
    context.close()


class Shots:
    """Numbered screenshots (prefix-01-…). Before each, the page is checked for sideways scrolling
    and, on the phone, every visible button (and each <summary> that opens a form) for a 44 px tap
    height. What fails is collected in ``problems`` (asserted at the end of the test), so one
    layout problem does not hide the rest of the flow."""

    def __init__(self, page, folder: Path, prefix: str, *, phone: bool):
        self.page, self.folder, self.prefix, self.phone = page, folder, prefix, phone
        self.taken: list[str] = []
        self.problems: list[str] = []

    def shot(self, name: str) -> str:
        page = self.page
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            self._problem(name, f"{page.url} scrolls sideways by {overflow} px")
        if self.phone:
            for box in _visible_boxes(page, ".button, main button, main summary"):
                if box["height"] < MIN_TAP_PX:
                    self._problem(
                        name, f"<{box['tag']}> {box['text']!r} is {box['height']:.1f} px tall (< {MIN_TAP_PX})"
                    )
        filename = f"{self.prefix}-{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(self.folder / filename), full_page=True)
        self.taken.append(filename)
        return filename

    def _problem(self, shot: str, text: str) -> None:
        """Each problem once, named with the first screenshot that shows it."""
        if not any(known.endswith(f": {text}") for known in self.problems):
            self.problems.append(f"{self.prefix} {shot}: {text}")


def _visible_boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.getClientRects().length > 0).map(e => {
            const r = e.getBoundingClientRect();
            return {height: r.height, width: r.width, tag: e.tagName.toLowerCase(),
                    text: e.textContent.trim().slice(0, 40)};
        })""",
    )


def _go(page, locator, url_pattern: str) -> None:
    locator.click()
    page.wait_for_url(re.compile(url_pattern))


def _branch(city: str, name: str, zone: str) -> Branch:
    return BranchFactory(city=city, name=name, time_zone=zone, whatsapp_number=BRANCH_NUMBER)


def _weekday_ten_oclock(branch: Branch, days_ahead: int = 2) -> dt.datetime:
    """10:00 at the branch on the first weekday at least ``days_ahead`` days from today (UTC instant)."""
    zone = branch_zone(branch)
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=days_ahead)
    while day.isoweekday() > 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=zone).astimezone(dt.UTC)


def _expected_reminders(branch: Branch, starts_at: dt.datetime, now: dt.datetime) -> set[tuple]:
    """(offset, due_at, for_starts_at) of every reminder the branch's plan still has ahead of ``now``."""
    planned = set()
    for offset in reminder_offsets(branch):
        due_at = starts_at - dt.timedelta(minutes=offset)
        if due_at > now:
            planned.add((offset, due_at, starts_at))
    return planned


def _pending(interview: Interview) -> set[tuple]:
    return set(
        Reminder.objects.filter(interview=interview, status=ReminderStatus.PENDING).values_list(
            "offset_minutes", "due_at", "for_starts_at"
        )
    )


# --- the claimant on a 360 px phone -------------------------------------------------------------


def test_claimant_reads_the_explainer_confirms_and_moves_the_call_on_a_360px_phone(
    live_server, phone_page, interview_screenshots
):
    branch = _branch("Makassar", "Kantor Cabang Makassar", Branch.Zone.WITA)
    officer = StaffFactory(branch=branch, first_name="Rina", last_name="Wulandari", password=PASSWORD)
    claim = console_setup.make_submitted_claim(branch=branch)
    assert claim.status == Status.IN_REVIEW
    wanted = _weekday_ten_oclock(branch)
    slot = free_slots(branch=branch, officer=officer, start=wanted, count=1)[0]
    assert slot.starts_at == wanted, (slot, wanted)  # the default schedule: 10:00 is a slot on a weekday
    interview = interview_book(
        claim=claim, officer=officer, starts_at=slot.starts_at, by=officer, claim_version=claim.version
    )
    first_reminders = set(Reminder.objects.filter(interview=interview).values_list("pk", flat=True))
    assert len(first_reminders) == 3  # two days ahead: the 24 h, 2 h and 15 min reminders are all ahead
    token = interview_token(interview)
    page, base = phone_page, live_server.url
    errors = _collect_errors(page)
    shots = Shots(page, interview_screenshots, "claimant", phone=True)

    # The explainer: four steps, each with its picture drawn and visible, inside the screen.
    page.goto(f"{base}{reverse('portal:interview_how_it_works')}")
    pictures = page.locator("ol.how svg")
    assert pictures.count() == 4
    for index in range(4):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        assert picture.is_visible(), f"picture {index + 1} of the explainer is not visible"
        box = picture.bounding_box()
        assert box, f"picture {index + 1} has no size: {box}"
        assert box["width"] > 0, f"picture {index + 1} has no size: {box}"
        assert box["height"] > 0, f"picture {index + 1} has no size: {box}"
        assert box["x"] >= 0, f"picture {index + 1} leaves the screen: {box}"
        assert box["x"] + box["width"] <= PHONE_WIDTH, f"picture {index + 1} leaves the screen: {box}"
        assert picture.get_attribute("aria-label"), f"picture {index + 1} has no text alternative"
    page.evaluate("window.scrollTo(0, 0)")
    shots.shot("explainer")

    # The page behind the link: the time in the branch's zone, the caller, the official number.
    page.goto(f"{base}{reverse('portal:interview', args=[token])}")
    summary = page.locator("main .summary").inner_text()
    when = local_time_text(interview.starts_at, branch)
    assert when in summary, summary
    assert when.endswith(" WITA"), summary
    assert re.search(r"pukul 10\.00 (WIB|WITA|WIT)\b", summary), summary
    assert "Petugas: Rina Wulandari" in summary
    assert BRANCH_NUMBER in summary
    shots.shot("interview-booked")

    _go(page, page.get_by_role("button", name="Ya, saya siap pada jam ini"), rf"/wawancara/{re.escape(token)}/$")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CONFIRMED
    assert interview.claimant_confirmed_at is not None
    assert "Jadwal sudah Anda konfirmasi" in page.locator("main p.note-success").first.inner_text()
    assert "Anda sudah mengonfirmasi jadwal ini." in page.locator("main .summary").inner_text()
    assert page.get_by_role("button", name="Ya, saya siap pada jam ini").count() == 0
    shots.shot("interview-confirmed")

    # "Pilih jam lain": the officer's free slots, in WITA; the current one is not offered.
    page.locator("main details summary", has_text="Pilih jam lain").click()
    choices = page.locator("main details label.choice")
    assert choices.count() == settings.INTERVIEW_SLOTS_SHOWN
    offered = [choices.nth(i).locator("input").get_attribute("value") for i in range(choices.count())]
    assert slot.value not in offered
    assert all(text.strip().endswith(" WITA") for text in choices.all_inner_texts())
    shots.shot("move-slots")
    chosen = choices.last  # the furthest ahead: most of its reminders are still to come
    new_value = chosen.locator("input").get_attribute("value")
    chosen.click()
    assert chosen.locator("input").is_checked()
    before_move = timezone.now()
    _go(page, page.get_by_role("button", name="Ubah jadwal"), rf"/wawancara/{re.escape(token)}/$")
    after_move = timezone.now()

    interview.refresh_from_db()
    new_start = dt.datetime.strptime(new_value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert interview.starts_at == new_start != slot.starts_at
    assert interview.status == InterviewStatus.BOOKED
    assert interview.claimant_confirmed_at is None
    assert interview.reschedule_count == 1
    # The old reminders are cancelled; the new ones are planned for the new time (those still ahead).
    old = Reminder.objects.filter(pk__in=first_reminders)
    assert set(old.values_list("status", "note")) == {(ReminderStatus.CANCELLED, "rescheduled")}
    # Planned while the request ran: every offset still ahead then, and none already past.
    pending = _pending(interview)
    assert _expected_reminders(branch, new_start, after_move) <= pending, pending
    assert pending <= _expected_reminders(branch, new_start, before_move), pending
    assert pending, "no reminder planned for the new time"
    assert not Reminder.objects.filter(interview=interview, status=ReminderStatus.PENDING).exclude(
        for_starts_at=new_start
    )
    message = Message.objects.filter(claim=claim, template="interview_booked").order_by("-pk").first()
    assert "DIUBAH" in message.body
    assert local_time_text(new_start, branch) in message.body
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert "Jadwal sudah diubah" in page.locator("main p.note-success").first.inner_text()
    assert local_time_text(new_start, branch) in page.locator("main .summary").inner_text()
    shots.shot("interview-moved")

    print("\nscreenshots in", interview_screenshots, *shots.taken, sep="\n  ")
    assert not errors, errors
    assert not shots.problems, "\n".join(shots.problems)


# --- the officer on a laptop --------------------------------------------------------------------


def test_officer_books_a_video_call_and_records_the_identity_confirmed(live_server, laptop_page, interview_screenshots):
    branch = _branch("Jayapura", "Kantor Cabang Jayapura", Branch.Zone.WIT)
    officer = StaffFactory(branch=branch, first_name="Yohana", last_name="Wenda", password=PASSWORD)
    claim = console_setup.make_submitted_claim(branch=branch)
    assert claim.status == Status.IN_REVIEW
    page, base = laptop_page, live_server.url
    shots = Shots(page, interview_screenshots, "officer", phone=False)

    page.goto(f"{base}/admin/login/?next=/petugas/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    _go(page, page.locator("form#login-form [type=submit]"), r"/petugas/$")
    _go(page, page.locator("table.queue").get_by_role("link", name=claim.reference), rf"/klaim/{claim.reference}/$")
    assert page.locator(".claim-head .status").inner_text() == Status.IN_REVIEW.label
    shots.shot("claim-in-review")

    _go(page, page.get_by_role("link", name="Jadwalkan video call"), rf"/wawancara/{claim.reference}/jadwalkan/$")
    proposed = page.locator("input[name=waktu]")
    assert proposed.count() >= 1
    first = proposed.first
    first.check()
    assert first.is_checked()
    first_value = first.get_attribute("value")
    assert "WIT" in page.locator("main form fieldset").first.inner_text()
    shots.shot("book")
    _go(page, page.get_by_role("button", name="Jadwalkan dan kirim pesan"), rf"/klaim/{claim.reference}/$")

    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
    assert page.locator(".claim-head .status").inner_text() == Status.INTERVIEW_SCHEDULED.label
    assert "Video call dijadwalkan" in page.locator("main p.note-success").inner_text()
    interview = Interview.objects.get(claim=claim)
    assert interview.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ") == first_value
    assert interview.officer == officer
    assert interview.status == InterviewStatus.BOOKED
    message = Message.objects.get(claim=claim, template="interview_booked")
    when = local_time_text(interview.starts_at, branch)
    link = f"{settings.PUBLIC_BASE_URL}{reverse('portal:interview', args=[interview_token(interview)])}"
    assert f"Waktu: {when}" in message.body, message.body
    assert when.endswith(" WIT"), message.body
    assert link in message.body, message.body
    assert message.to == claim.contact_phone
    shots.shot("claim-interview-scheduled")

    # The interview page: tick the whole identity checklist and record "confirmed".
    _go(page, page.get_by_role("link", name="Buka halaman video call"), rf"/wawancara/{claim.reference}/$")
    assert when in page.locator("section[aria-labelledby=call-title]").inner_text()
    boxes = page.locator("input[name=periksa]")
    assert boxes.count() == len(IdentityCheck.values)
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.get_by_label("Catatan").fill("Wajah dan e-KTP cocok.")
    shots.shot("interview-checklist")
    # The same form holds the failure's required reason: the confirm button must still submit.
    confirm = page.get_by_role("button", name="Terkonfirmasi – siap diputuskan")
    _go(page, confirm, rf"/petugas/klaim/{claim.reference}/$")

    claim.refresh_from_db()
    interview.refresh_from_db()
    assert claim.status == Status.INTERVIEW_DONE
    assert interview.status == InterviewStatus.DONE
    attempt = InterviewAttempt.objects.get(interview=interview)
    assert (attempt.outcome, attempt.by, sorted(attempt.checks)) == ("confirmed", officer, sorted(IdentityCheck.values))
    assert attempt.note == "Wajah dan e-KTP cocok."
    assert not Reminder.objects.filter(interview=interview, status=ReminderStatus.PENDING).exists()
    assert page.locator(".claim-head .status").inner_text() == Status.INTERVIEW_DONE.label
    assert "Identitas terkonfirmasi" in page.locator("main p.note-success").inner_text()
    shots.shot("claim-interview-done")

    print("\nscreenshots in", interview_screenshots, *shots.taken, sep="\n  ")
    assert not page.errors, page.errors
