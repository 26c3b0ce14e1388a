// Quiz attempt page: save answers on every change, and show the time left.
// Without JavaScript the page works the same through its Save answers button.
//
// A save that fails (no connection, or the server or its proxy answering 5xx) is retried with
// exponential back-off, and the answers wait in this browser's localStorage until the server
// confirms them: a reload, or the page opened again, puts them back and saves them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = form.querySelector(".save-status");
  var storeKey = "course_app:unsaved:" + form.getAttribute("action");
  var FIRST_DELAY_MS = 1000;
  var LONGEST_DELAY_MS = 30000;
  var delay = FIRST_DELAY_MS;
  var timer = null;
  var inFlight = false;
  var changes = 0;  // counts edits, so a confirmation only clears what it carried

  function say(message) { if (status) { status.textContent = message; } }
  // The page's words, in its language (data-say-* attributes); "{n}" is a number.
  function words(name, n) {
    return (form.getAttribute("data-say-" + name) || "").replace("{n}", String(n));
  }

  function isAnswer(field) { return /^q\d+$/.test(field.name); }

  function answers() {
    var kept = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!isAnswer(field)) { return; }
      kept[field.name] = kept[field.name] || [];
      if (field.checked) { kept[field.name].push(field.value); }
    });
    return kept;
  }

  function keep() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(answers())); } catch (e) { /* private mode: nothing to keep in */ }
  }

  function forget() {
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
  }

  function restore() {
    var kept = null;
    try { kept = JSON.parse(window.localStorage.getItem(storeKey)); } catch (e) { kept = null; }
    if (!kept) { return false; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (isAnswer(field) && Object.prototype.hasOwnProperty.call(kept, field.name)) {
        field.checked = kept[field.name].indexOf(field.value) !== -1;
      }
    });
    return true;
  }

  function retryLater() {
    window.clearTimeout(timer);
    say(words("retrying", Math.round(delay / 1000)));
    timer = window.setTimeout(save, delay);
    delay = Math.min(delay * 2, LONGEST_DELAY_MS);
  }

  function settle(response, data, sent) {
    inFlight = false;
    if (response.ok && data && data.saved) {
      delay = FIRST_DELAY_MS;
      if (changes !== sent) { save(); return; }  // an edit arrived meanwhile: send it too
      forget();
      say(data.message);
      return;
    }
    if (response.status >= 500 || !data) { retryLater(); return; }
    // The server refused (the attempt closed, or the page expired): retrying cannot help.
    if (response.status === 409) { forget(); }
    say(data.message);
  }

  function save() {
    if (inFlight) { return; }  // settle() sends again when the edits moved on
    window.clearTimeout(timer);
    inFlight = true;
    var sent = changes;
    say(words("saving"));
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        settle(response, data, sent);
      }, function () { settle(response, null, sent); });  // not JSON: a proxy's error page
    }, function () {
      inFlight = false;
      retryLater();  // no answer at all: the connection failed
    });
  }

  form.addEventListener("change", function () {
    changes += 1;
    keep();
    save();
  });
  if (restore()) {
    changes += 1;
    save();
  }

  var clock = document.querySelector(".time-left[data-deadline]");
  if (!clock) { return; }
  var deadline = new Date(clock.getAttribute("data-deadline"));
  function tick() {
    var minutes = Math.ceil((deadline - new Date()) / 60000);
    clock.textContent = minutes > 0
      ? words(minutes === 1 ? "minute-left" : "minutes-left", minutes)
      : words("time-up");
  }
  tick();
  window.setInterval(tick, 30000);
})();
