// leaktriage web UI: the only script. Ticks deadline countdowns and polls the progress panel
// of a running triage. Pages work without it (server-rendered state and time left).
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Same shape as leaktriage.api.web.remaining().
  function remaining(ms) {
    var overdue = ms < 0;
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400); s -= d * 86400;
    var h = Math.floor(s / 3600); s -= h * 3600;
    var m = Math.floor(s / 60); s -= m * 60;
    var text = d ? d + " d " + pad(h) + " h " + pad(m) + " min " + pad(s) + " s"
      : h ? h + " h " + pad(m) + " min " + pad(s) + " s"
      : m + " min " + pad(s) + " s";
    return overdue ? "overdue by " + text : text + " left";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(at)) { return; }
      el.textContent = remaining(at - now);
      el.classList.toggle("overdue", at < now);
    });
  }

  function poll(panel) {
    var url = panel.getAttribute("data-poll");
    var busy = false;
    var timer = setInterval(function () {
      if (busy) { return; }
      busy = true;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var t = document.createElement("template");
          t.innerHTML = html;
          var fresh = t.content.querySelector("#progress");
          if (!fresh) { return; }
          var state = fresh.getAttribute("data-state");
          if (state !== "queued" && state !== "running") {
            clearInterval(timer);
            window.location.reload();
            return;
          }
          panel.setAttribute("data-state", state);
          panel.innerHTML = fresh.innerHTML;
        })
        .catch(function () { /* keep polling: a hiccup is not an end */ })
        .then(function () { busy = false; });
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    tick();
    setInterval(tick, 1000);
    var panel = document.getElementById("progress");
    if (panel && panel.getAttribute("data-poll")) { poll(panel); }
  });
})();
