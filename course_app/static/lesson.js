// Lesson page: record time on task on the server while the learner is reading.
// Every 30 seconds, if the page is visible and the learner scrolled, typed, pointed or touched
// in the last two minutes, it sends the page's signed token (a heartbeat); the server adds the
// time since the last one, capped, so a hidden or idle page earns nothing. The first beat after
// a pause says so ("resumed") and earns nothing: the pause is not time on task.
// Without JavaScript the "Mark this lesson complete" form carries the same token.
(function () {
  "use strict";
  var form = document.querySelector("form[data-heartbeat]");
  if (!form) { return; }
  var url = form.getAttribute("data-heartbeat");
  var status = document.querySelector(".time-status");
  var BEAT_MS = 30000;
  var IDLE_MS = 120000;
  var lastActive = Date.now();
  var paused = false;
  var timer;

  function active() { lastActive = Date.now(); }
  ["scroll", "keydown", "pointermove", "pointerdown", "touchstart", "wheel"].forEach(
    function (name) { window.addEventListener(name, active, { passive: true }); }
  );

  function say(message) { if (status && message) { status.textContent = message; } }

  function beat() {
    var reading = document.visibilityState === "visible" && Date.now() - lastActive < IDLE_MS;
    if (!reading) { paused = true; return; }
    var body = new FormData(form);
    if (paused) { body.append("resumed", "1"); paused = false; }
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        say(data.message);
        if (!response.ok) { window.clearInterval(timer); }
      });
    }).catch(function () {
      paused = true;  // the time since the last beat that got through is not claimed
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") { paused = true; } else { active(); }
  });
  timer = window.setInterval(beat, BEAT_MS);
})();
