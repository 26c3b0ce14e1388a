// Quiz attempt page: save answers on every change, and show the time left.
// Without JavaScript the page works the same through its Save answers button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = form.querySelector(".save-status");

  function say(message) { if (status) { status.textContent = message; } }

  function save() {
    say("Saving…");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { say(data.message); });
    }).catch(function () {
      say("Not saved: the connection failed. Press Save answers to try again.");
    });
  }

  form.addEventListener("change", save);

  var clock = document.querySelector(".time-left[data-deadline]");
  if (!clock) { return; }
  var deadline = new Date(clock.getAttribute("data-deadline"));
  function tick() {
    var minutes = Math.ceil((deadline - new Date()) / 60000);
    clock.textContent = minutes > 0
      ? "About " + minutes + " minute" + (minutes === 1 ? "" : "s") + " left."
      : "Time is up: submit now; answers saved by the deadline count.";
  }
  tick();
  window.setInterval(tick, 30000);
})();
