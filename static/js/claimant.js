// Small help on top of plain forms; every page works without it.
(function () {
  "use strict";
  document.documentElement.className += " js";
  // A second tap on a slow connection must not send the form twice.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-once]");
    if (button) {
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  // The cover sheet's print button (hidden without JavaScript, which cannot print).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Branch list: filter while typing.
  var search = document.querySelector("[data-filter]");
  if (search) {
    var list = document.querySelector(search.getAttribute("data-filter"));
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      list.querySelectorAll("[data-search]").forEach(function (item) {
        item.hidden = q !== "" && item.getAttribute("data-search").indexOf(q) === -1;
      });
    });
  }
  // A code sent by SMS: Android Chrome reads it from the message (WebOTP: its last line is
  // "@<our host> #<code>") once the claimant allows it, and the form goes by itself.
  document.querySelectorAll("input[autocomplete='one-time-code']").forEach(function (input) {
    if (!("OTPCredential" in window) || !navigator.credentials) { return; }
    var form = input.form;
    var waiting = new AbortController();
    if (form) {
      form.addEventListener("submit", function () { waiting.abort(); });
    }
    navigator.credentials.get({ otp: { transport: ["sms"] }, signal: waiting.signal }).then(function (otp) {
      if (!otp || !otp.code || input.value) { return; }
      input.value = otp.code;
      if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
    }).catch(function () { /* not allowed, timed out or typed by hand: the field stays as it is */ });
  });
  // Upload: show what was chosen and send it at once.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (!input.files.length) { return; }
        form.querySelectorAll("input[type=file]").forEach(function (other) {
          if (other !== input) { other.value = ""; }
        });
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  });
})();
