// Read a claim reference from a cover sheet's QR code with the device camera, where the
// browser has BarcodeDetector; elsewhere the button stays hidden and typing always works.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) { return; }
    document.querySelectorAll("form[data-qrscan-form]").forEach(setUp);
  }).catch(function () {});

  function setUp(form) {
    var button = form.querySelector("[data-qrscan]");
    var video = form.querySelector("[data-qrscan-video]");
    var status = form.querySelector("[data-qrscan-status]");
    var input = form.querySelector("input[name=reference]");
    if (!button || !video || !input) { return; }
    var detector = new BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    var pending = false; // a camera request is waiting for the browser's answer
    var label = button.textContent;
    // A cover sheet's QR holds only a claim number (LA-XXXX-XXXX); anything else is ignored.
    var reference = /^LA-?[0-9A-Z]{4}-?[0-9A-Z]{4}$/i;
    button.hidden = false;

    function say(text) { if (status) { status.textContent = text; status.hidden = !text; } }
    function release(s) { s.getTracks().forEach(function (track) { track.stop(); }); }
    function stop() {
      if (stream) { release(stream); }
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      button.textContent = label;
    }
    function look() {
      if (!stream) { return; }
      detector.detect(video).then(function (codes) {
        var found = codes.length ? codes[0].rawValue.trim() : "";
        if (found && reference.test(found)) {
          input.value = found;
          stop();
          say("");
          form.requestSubmit ? form.requestSubmit() : form.submit();
        } else {
          setTimeout(look, 250);
        }
      }).catch(function () { setTimeout(look, 500); });
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      if (pending) { return; } // a second tap while the browser asks for the camera
      pending = true;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        pending = false;
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = button.getAttribute("data-stop") || "Stop";
        say(button.getAttribute("data-hint") || "");
        return video.play().then(look);
      }).catch(function () {
        pending = false;
        stop();
        say(button.getAttribute("data-error") || "");
        input.focus();
      });
    });
    window.addEventListener("pagehide", stop);
  }
})();
