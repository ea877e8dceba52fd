// Document page only: make the photo smaller in the browser, then send it in pieces with
// the tus 1.0 protocol (documents/views_tus.py), so a weak or dropping connection never
// means starting over. Without this file (or without what it needs) the plain form posts.
// The same file is the compression worker (new Worker(this script's URL)).
(function () {
  "use strict";
  var LONG_SIDE = 2000;  // the server keeps 2000 px (DOCUMENT_IMAGE_LONG_SIDE): nothing is lost
  var QUALITY = 0.8;     // e-KTP text stays sharp (tests/browser/test_upload_browser.py)
  var DELAYS = [1, 2, 4, 8, 15, 30];  // seconds between retries, then every 30 s
  var KEY = "lapakasik-tus:";
  var DAY = 864e5;

  function fit(w, h) {
    var scale = Math.min(1, LONG_SIDE / Math.max(w, h));
    return [Math.round(w * scale), Math.round(h * scale)];
  }

  function draw(canvas, image, size) {
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // transparent PNG: white paper, not black
    ctx.fillRect(0, 0, size[0], size[1]);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(image, 0, 0, size[0], size[1]);
  }

  if (typeof document === "undefined") {  // running as the worker
    self.onmessage = function (event) {
      createImageBitmap(event.data, { imageOrientation: "from-image" }).then(function (bitmap) {
        var size = fit(bitmap.width, bitmap.height);
        var canvas = new OffscreenCanvas(size[0], size[1]);
        draw(canvas, bitmap, size);
        bitmap.close();
        return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
      }).then(function (blob) { self.postMessage({ blob: blob }); },
              function (error) { self.postMessage({ error: String(error) }); });
    };
    return;
  }

  var form = document.querySelector("form[data-tus]");
  var script = document.currentScript;
  if (!form || !window.Promise || !window.XMLHttpRequest || !window.Blob || !Blob.prototype.slice) { return; }
  var data = form.dataset;
  var chunk = parseInt(data.chunk, 10) || 262144;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var box = form.querySelector("[data-progress]");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var button = form.querySelector("button[type=submit]");
  var run = 0, xhr = null, wake = null;

  function say(message, value) {
    box.hidden = false;
    text.textContent = message;
    if (value !== undefined) { bar.value = value; }
  }
  function size(n) {
    return n < 1048576 ? Math.max(1, Math.round(n / 1024)) + " KB" : (n / 1048576).toFixed(1).replace(".", ",") + " MB";
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  // --- compression -------------------------------------------------------------------
  function inWorker(file) {
    return new Promise(function (resolve, reject) {
      if (!window.Worker || !window.OffscreenCanvas || !window.createImageBitmap || !script) { return reject(); }
      var worker = new Worker(script.src);
      worker.onmessage = function (event) {
        worker.terminate();
        event.data.blob ? resolve(event.data.blob) : reject(event.data.error);
      };
      worker.onerror = function (error) { worker.terminate(); reject(error); };
      worker.postMessage(file);
    });
  }
  function onPage(file) {
    return new Promise(function (resolve, reject) {
      var image = new Image(), url = URL.createObjectURL(file);
      image.onload = function () {
        URL.revokeObjectURL(url);
        var size = fit(image.naturalWidth, image.naturalHeight), canvas = document.createElement("canvas");
        canvas.width = size[0];
        canvas.height = size[1];
        draw(canvas, image, size);
        canvas.toBlob(function (blob) { blob ? resolve(blob) : reject(); }, "image/jpeg", QUALITY);
      };
      image.onerror = function () { URL.revokeObjectURL(url); reject(); };
      image.src = url;
    });
  }
  function compress(file) {
    if (!/^image\//.test(file.type)) { return Promise.resolve(file); }  // PDFs go as they are
    return inWorker(file).catch(function () { return onPage(file); }).then(function (blob) {
      return blob.size < file.size ? blob : file;
    }, function () { return file; });  // a picture this browser cannot read: the original
  }

  // --- remembering unfinished uploads (localStorage) ----------------------------------
  function store(method, key, value) {
    try { return localStorage[method](key, value); } catch (e) { return null; }
  }
  function prefix() { return KEY + data.claim + "|" + data.requirement + "|"; }
  function fingerprint(blob) {
    var base = prefix() + blob.size;
    if (!window.crypto || !crypto.subtle || !blob.arrayBuffer) { return Promise.resolve(base); }
    return blob.arrayBuffer().then(function (bytes) { return crypto.subtle.digest("SHA-256", bytes); })
      .then(function (hash) {
        return base + "|" + Array.prototype.map.call(new Uint8Array(hash), function (b) {
          return (b + 256).toString(16).slice(1);
        }).join("");
      }, function () { return base; });
  }
  function remembered(key) {
    try { return JSON.parse(store("getItem", key)); } catch (e) { return null; }
  }
  function remember(key, url, offset, total) {
    store("setItem", key, JSON.stringify({ url: url, offset: offset, size: total, at: Date.now() }));
  }

  // --- the tus requests ----------------------------------------------------------------
  function request(method, url, headers, body, progress) {
    return new Promise(function (resolve, reject) {
      var x = xhr = new XMLHttpRequest();
      x.open(method, url);
      x.timeout = 30000 + (body ? body.size / 8 : 0);  // a stalled link (phone asleep) gives up
      x.setRequestHeader("Tus-Resumable", "1.0.0");
      x.setRequestHeader("X-CSRFToken", token);
      Object.keys(headers).forEach(function (name) { x.setRequestHeader(name, headers[name]); });
      if (progress && x.upload) { x.upload.onprogress = function (e) { progress(e.loaded); }; }
      x.onload = function () { resolve(x); };
      x.onerror = x.ontimeout = x.onabort = function () { reject({ network: true }); };
      x.send(body || null);
    });
  }
  function failure(x, creating) {
    var fatal = creating ? x.status < 500 && x.status !== 429 : [400, 403, 413, 415].indexOf(x.status) !== -1;
    var plain = (x.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0 && x.responseText;
    return { status: x.status, fatal: fatal, message: x.status === 403 ? data.msgExpired : plain || data.msgFailed };
  }
  function b64(value) { return btoa(unescape(encodeURIComponent(value))); }
  function create(blob, name) {
    var meta = { claim: data.claim, requirement: data.requirement, filename: name, filetype: blob.type };
    return request("POST", data.tus, {
      "Upload-Length": String(blob.size),
      "Upload-Metadata": Object.keys(meta).map(function (k) { return k + " " + b64(meta[k]); }).join(",")
    }).then(function (x) {
      if (x.status !== 201) { throw failure(x, true); }
      return x.getResponseHeader("Location");
    });
  }
  function head(url) {
    return request("HEAD", url, {}).then(function (x) {
      if (x.status !== 200) { throw failure(x); }
      return parseInt(x.getResponseHeader("Upload-Offset"), 10);
    });
  }

  function pause(attempt, mine) {
    return new Promise(function (resolve) {
      var seconds = DELAYS[Math.min(attempt, DELAYS.length - 1)] * (0.8 + Math.random() * 0.4);
      say(navigator.onLine === false ? data.msgOffline : fill(data.msgRetry, { s: Math.round(seconds) }));
      var timer = setTimeout(done, seconds * 1000);
      function done() { clearTimeout(timer); wake = null; resolve(mine === run); }
      wake = done;  // back online, or the phone woke up: try at once
    });
  }

  function send(blob, name, mine) {
    var key, url = null, offset = 0, attempt = 0, total = blob.size;
    function show(sent) {
      var percent = Math.floor((100 * sent) / total);
      say(fill(data.msgProgress, { sent: size(sent), total: size(total), percent: percent }), percent);
    }
    function resume() {  // ask the server how far it got, or open the upload
      var asked = url ? head(url) : create(blob, name).then(function (u) { url = u; return 0; });
      return asked.then(function (o) { offset = o; remember(key, url, offset, total); return next(); }, recover);
    }
    function next() {
      if (mine !== run) { return Promise.reject({ stopped: true }); }
      if (offset >= total) { return Promise.resolve(); }
      var piece = blob.slice(offset, offset + chunk);
      return request("PATCH", url, { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) },
        piece, function (loaded) { show(offset + loaded); }).then(function (x) {
        if (x.status !== 204) { throw failure(x); }
        offset = parseInt(x.getResponseHeader("Upload-Offset"), 10);
        attempt = 0;
        remember(key, url, offset, total);
        show(offset);
        return next();
      }).catch(recover);
    }
    function recover(error) {
      if (error.stopped || error.fatal) { throw error; }
      var known = error.status === 409 || error.status === 404 || error.status === 410;
      if (error.status === 404 || error.status === 410) {  // gone (expired): send this file again
        store("removeItem", key);
        url = null;
      }
      // A wrong offset or a vanished upload is fixed at once; a failed connection waits first.
      var wait = known && attempt === 0 ? Promise.resolve(mine === run) : pause(attempt, mine);
      attempt++;
      return wait.then(function (still) {
        if (!still) { throw { stopped: true }; }
        return resume();
      });
    }
    return fingerprint(blob).then(function (k) {
      key = k;
      url = (remembered(key) || {}).url || null;
      show(0);
      return resume();
    }).then(function () { store("removeItem", key); });
  }

  function start(file) {
    var mine = ++run;
    if (xhr) { xhr.abort(); }
    if (button) { button.disabled = true; }
    say(data.msgCompress, 0);
    compress(file).then(function (blob) {
      var name = blob === file ? file.name : (file.name.replace(/\.[^.]*$/, "") || "foto") + ".jpg";
      return send(blob, name, mine);
    }).then(function () {
      say(data.msgDone, 100);
      window.location.assign(data.done);
    }, function (error) {
      if (error && error.stopped) { return; }
      say((error && error.message) || data.msgFailed);
      if (button) { button.disabled = false; }
    });
  }

  form.addEventListener("submit", function (event) {
    var input = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (i) {
      return i.files && i.files.length;
    })[0];
    if (!input) { return; }  // nothing chosen: the server says what to do
    event.preventDefault();
    start(input.files[0]);
  });
  ["online", "visibilitychange", "focus"].forEach(function (name) {
    window.addEventListener(name, function () { if (wake && !document.hidden) { wake(); } });
  });

  // An upload left unfinished here before (tab closed, phone restarted): say how to go on.
  try {
    Object.keys(localStorage).forEach(function (k) {
      var old = k.indexOf(KEY) === 0 && remembered(k);
      if (old && Date.now() - old.at > DAY) {
        store("removeItem", k);
      } else if (old && k.indexOf(prefix()) === 0 && old.offset < old.size) {
        var percent = Math.floor((100 * old.offset) / old.size);
        say(fill(data.msgResume, { percent: percent }), percent);
      }
    });
  } catch (e) { /* no localStorage here: uploads still work, they just cannot resume after a reload */ }
})();
