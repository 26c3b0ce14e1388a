// Lesson editor: live preview, rendered and sanitized by the server exactly as learners see it.
// Without JavaScript the "Update preview" button does the same with a page reload.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form) { return; }
  var body = form.querySelector("textarea");
  var target = document.getElementById("preview-body");
  var token = form.querySelector("input[name=csrf_token]");
  var timer = null;

  function refresh() {
    var data = new FormData();
    data.append("markdown", body.value);
    data.append("csrf_token", token.value);
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (json) { target.innerHTML = json.html; })
      .catch(function () { /* keep the last preview */ });
  }

  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
})();
