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
