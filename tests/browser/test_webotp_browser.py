"""The code field fills itself from the SMS where the browser reads codes (WebOTP), issue 16 point 4.

Headless Chromium cannot receive an SMS: the test gives the page a stand-in for the WebOTP
API (navigator.credentials.get with an `otp` option, as Android Chrome has it) and hands it
the code of the message the claimant got, the way Chrome would once the SMS arrives.
"""

import re
import time

import pytest

from notifications.models import Message
from tests.factories import make_claim
from tests.messages import claimant_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEBOTP_STAND_IN = """
window.OTPCredential = function OTPCredential() {};
window.__otpAsked = [];
Object.defineProperty(navigator, "credentials", {
  configurable: true,
  value: {
    get: function (options) {
      window.__otpAsked.push(JSON.stringify({ otp: options.otp, signal: !!options.signal }));
      return new Promise(function (resolve, reject) {
        window.__otpArrives = function (code) { resolve({ type: "otp", code: code }); };
        if (options.signal) {
          options.signal.addEventListener("abort", function () { reject(new DOMException("aborted", "AbortError")); });
        }
      });
    },
  },
});
"""


def _code_message(claim, timeout: float = 5.0) -> Message:
    deadline = time.monotonic() + timeout
    while (message := Message.objects.filter(claim=claim, template="one_time_code").first()) is None:
        assert time.monotonic() < deadline, "no one_time_code message in the outbox"
        time.sleep(0.1)
    return message


def test_the_code_from_the_sms_fills_the_field_and_opens_the_claim(live_server, phone_page, seeded_catalogue):
    claim = make_claim()
    page = phone_page
    page.add_init_script(WEBOTP_STAND_IN)
    page.goto(f"{live_server.url}/cek-klaim/")
    page.get_by_label("Nomor klaim").fill(claim.reference)
    page.get_by_role("button", name=re.compile("Kirim kode")).click()
    page.wait_for_url(re.compile(r"/cek-klaim/kode/$"))

    field = page.locator("input[name=code]")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    # The page asked the browser for a code from an SMS, and can stop asking.
    page.wait_for_function("window.__otpAsked.length === 1")
    assert page.evaluate("JSON.parse(window.__otpAsked[0])") == {"otp": {"transport": ["sms"]}, "signal": True}

    code = re.search(r"\b(\d{6})\b", claimant_text(_code_message(claim))).group(1)
    page.evaluate("code => window.__otpArrives(code)", code)

    page.wait_for_url(re.compile(rf"/klaim/{claim.reference}/"))
    assert page.locator("h1").count() == 1


def test_a_code_typed_by_hand_stops_the_wait(live_server, phone_page, seeded_catalogue):
    claim = make_claim()
    page = phone_page
    page.add_init_script(WEBOTP_STAND_IN)
    page.goto(f"{live_server.url}/cek-klaim/")
    page.get_by_label("Nomor klaim").fill(claim.reference)
    page.get_by_role("button", name=re.compile("Kirim kode")).click()
    page.wait_for_url(re.compile(r"/cek-klaim/kode/$"))
    page.wait_for_function("window.__otpAsked.length === 1")

    code = re.search(r"\b(\d{6})\b", claimant_text(_code_message(claim))).group(1)
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Buka klaim").click()

    page.wait_for_url(re.compile(rf"/klaim/{claim.reference}/"))
