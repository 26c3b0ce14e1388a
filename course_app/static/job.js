// A job's page: poll its JSON status and move the progress bar until the job is finished.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) instead.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section || section.dataset.status === "finished") return;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var summary = document.getElementById("job-summary");
  var failures = document.getElementById("job-failures");

  function showFailures(list) {
    failures.textContent = "";
    if (!list.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "None.";
      failures.appendChild(none);
    }
    list.forEach(function (failure) {
      var item = document.createElement("li");
      var who = document.createElement("strong");
      who.textContent = failure.subject;
      item.appendChild(who);
      item.appendChild(document.createTextNode(": " + failure.message));
      failures.appendChild(item);
    });
  }

  function show(job) {
    bar.max = job.total || 1;
    bar.value = job.total ? job.done : 1;
    bar.textContent = job.percent + " %";
    percent.textContent = job.percent + " %";
    showFailures(job.failures);
    if (job.status === "finished") {
      summary.textContent = "Finished: " + job.succeeded + " of " + job.total + " done, " +
        job.failures.length + " failed.";
      if (job.result && job.result.filename) window.location.reload();  // its link
      return true;
    }
    summary.textContent = (job.status === "running" ? "Running: " : "Waiting for a worker: ") +
      job.done + " of " + job.total + ".";
    return false;
  }

  function poll() {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) { if (!job || !show(job)) window.setTimeout(poll, 1000); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
