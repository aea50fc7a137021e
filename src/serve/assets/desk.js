// prepub review desk: keyboard shortcuts and live progress. The pages work
// without this script; it only saves clicks.
(function () {
  "use strict";
  var progress = document.getElementById("progress");
  if (progress && window.EventSource) {
    var events = new EventSource("/events");
    events.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      var bar = progress.querySelector("progress");
      bar.max = data.total; bar.value = data.done;
      progress.querySelector(".count").textContent = data.done + "/" + data.total;
    });
    events.addEventListener("done", function () { events.close(); location.reload(); });
  }
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  if (!findings.length) { return; }
  var current = 0;
  function select(index, focus) {
    if (index < 0 || index >= findings.length) { return; }
    findings[current].classList.remove("current");
    current = index;
    findings[current].classList.add("current");
    if (focus) { findings[current].focus(); findings[current].scrollIntoView({ block: "nearest" }); }
  }
  var start = 0;
  if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target && findings.indexOf(target) >= 0) { start = findings.indexOf(target); }
  }
  select(start, true);
  findings.forEach(function (finding, index) {
    finding.addEventListener("focus", function () { select(index, false); });
  });
  document.addEventListener("keydown", function (event) {
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      if (event.key === "Escape") { event.target.blur(); findings[current].focus(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var finding = findings[current];
    switch (event.key) {
      case "j": case "ArrowDown": select(current + 1, true); break;
      case "k": case "ArrowUp": select(current - 1, true); break;
      case "K":
        // Shift+K keeps the finding: type the reason, then Enter.
        finding.querySelector("input[data-key=k]").focus(); break;
      case "r": finding.querySelector("button[data-key=r]").click(); break;
      case "v": finding.querySelector("button[data-key=v]").click(); break;
      case "n":
        var next = document.getElementById("next-undecided");
        if (next) { next.click(); }
        break;
      default: return;
    }
    event.preventDefault();
  });
})();
