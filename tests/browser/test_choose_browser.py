"""The claimant chooses the call in real headless Chromium on a 360 × 740 phone: open the link
from the acceptance message, pick a time, pick the kind of call, save the branch's number.

Real time (the live server runs in another thread): the slot is whatever the page offers first.
"""

import pytest

from claims.models import Branch, Status
from interviews.models import BookedBy, CallChannel, Interview
from notifications.models import Message
from tests.console import conftest as console_setup
from tests.factories import BranchFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalogue"),
]

BRANCH_NUMBER = "+6241150091"
MIN_TAP_PX = 44


def test_the_claimant_opens_the_link_chooses_a_slot_and_downloads_the_contact_card(
    live_server, phone_page, screenshots, tmp_path
):
    branch = BranchFactory(
        city="Makassar", name="Makassar Panakkukang", time_zone=Branch.Zone.WITA, whatsapp_number=BRANCH_NUMBER
    )
    officer = StaffFactory(branch=branch, first_name="Rina", last_name="Wulandari")
    claim = console_setup.make_accepted_claim(branch=branch, officer=officer)
    message = Message.objects.get(claim=claim, template="interview_choose")
    path = next(word for word in message.body.split() if "/jadwal/" in word)
    path = path[path.index("/jadwal/") :]

    page = phone_page
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").inner_text() == "Pilih jam panggilan dengan petugas"
    first = page.locator("main a.button").first
    assert first.bounding_box()["height"] >= MIN_TAP_PX
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=str(screenshots / "choose-01-times.png"), full_page=True)
    first.click()
    page.wait_for_url("**/cara/**")
    assert "WITA" in page.locator(".summary").inner_text()
    page.screenshot(path=str(screenshots / "choose-02-kind.png"), full_page=True)
    page.get_by_role("button", name="Telepon biasa").click()
    page.wait_for_url("**/selesai/")
    assert page.locator("h1").inner_text() == "Jadwal panggilan sudah dibuat"
    page.screenshot(path=str(screenshots / "choose-03-done.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Simpan nomor ini").click()
    download = info.value
    assert download.suggested_filename.endswith(".vcf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    card = saved.read_text()
    assert "BEGIN:VCARD" in card
    assert f"TEL;TYPE=WORK,VOICE:{BRANCH_NUMBER}" in card
    assert "Makassar Panakkukang" in card

    interview = Interview.objects.get(claim=claim)
    assert interview.booked_by == BookedBy.CLAIMANT
    assert interview.channel == CallChannel.PHONE_CALL
    claim.refresh_from_db()
    assert claim.status == Status.INTERVIEW_SCHEDULED
