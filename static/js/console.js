/* LapakAsik console: the document viewer (zoom, rotate). Without it, each link opens the file in a new tab.
 * Every fetch of a file is logged as an access (DocumentAccess), so a file is fetched only when the
 * officer opens it, and at most once per page: the loaded image is kept and shown again. */
(function () {
  "use strict";
  var dialog = document.getElementById("viewer");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var body = dialog.querySelector(".viewer-body");
  var stage = dialog.querySelector(".viewer-stage");
  var title = document.getElementById("viewer-title");
  var openLink = document.getElementById("viewer-open");
  var loaded = {};
  var view = { img: null, scale: 1, rotation: 0 };

  function sideways() {
    return view.rotation % 180 !== 0;
  }

  function layout() {
    var img = view.img;
    if (!img || !img.naturalWidth) {
      return;
    }
    var width = img.naturalWidth * view.scale;
    var height = img.naturalHeight * view.scale;
    var boxWidth = sideways() ? height : width;
    var boxHeight = sideways() ? width : height;
    stage.style.width = Math.max(boxWidth, body.clientWidth) + "px";
    stage.style.height = Math.max(boxHeight, body.clientHeight) + "px";
    img.style.width = width + "px";
    img.style.height = height + "px";
    img.style.transform = "translate(-50%, -50%) rotate(" + view.rotation + "deg)";
  }

  function fit() {
    var img = view.img;
    if (!img || !img.naturalWidth) {
      return;
    }
    var width = sideways() ? img.naturalHeight : img.naturalWidth;
    var height = sideways() ? img.naturalWidth : img.naturalHeight;
    view.scale = Math.min(body.clientWidth / width, body.clientHeight / height, 2);
    layout();
  }

  function zoom(factor) {
    view.scale = Math.min(8, Math.max(0.1, view.scale * factor));
    layout();
  }

  function show(link) {
    var href = link.href;
    var img = loaded[href];
    if (!img) {
      img = document.createElement("img");
      img.alt = link.getAttribute("data-title") || "";
      img.addEventListener("load", function () {
        if (view.img === img) {
          fit();
        }
      });
      img.src = href;
      loaded[href] = img;
    }
    view.img = img;
    view.rotation = 0;
    title.textContent = link.getAttribute("data-title") || "";
    openLink.href = href;
    stage.replaceChildren(img);
    dialog.showModal();
    fit();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-viewer]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    show(link);
  });

  var actions = {
    "zoom-in": function () { zoom(1.25); },
    "zoom-out": function () { zoom(0.8); },
    rotate: function () { view.rotation = (view.rotation + 90) % 360; fit(); },
    fit: fit,
    close: function () { dialog.close(); }
  };

  dialog.addEventListener("click", function (event) {
    var button = event.target.closest("[data-viewer-action]");
    if (button && actions[button.getAttribute("data-viewer-action")]) {
      actions[button.getAttribute("data-viewer-action")]();
    }
  });

  dialog.addEventListener("keydown", function (event) {
    var keys = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", r: "rotate", R: "rotate", "0": "fit" };
    if (keys[event.key] && event.target.tagName !== "INPUT") {
      actions[keys[event.key]]();
    }
  });

  window.addEventListener("resize", function () {
    if (dialog.open) {
      layout();
    }
  });
})();
