// Small behaviours of the workspace; every page works without them.
(function () {
  "use strict";
  // On the calendar, the left and right arrow keys (with Alt) move a month.
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    var rel = e.key === "ArrowLeft" ? "prev" : "next";
    var a = document.querySelector(".month-nav a[rel=" + rel + "]");
    if (a) { e.preventDefault(); a.click(); }
  });
  // A button with data-copy copies the value of the field it names (the
  // API token shown once); without script the field can still be selected.
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      if (!b.hidden) return;
      b.hidden = false;
      b.addEventListener("click", function () {
        var field = document.querySelector(b.dataset.copy);
        var done = document.getElementById("copy-done");
        var said = function (msg) { if (done) done.textContent = msg; };
        field.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () { said("Copied."); }, function () { said("Press Ctrl+C to copy."); });
        } else {
          said(document.execCommand("copy") ? "Copied." : "Press Ctrl+C to copy.");
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", copyButtons);
  else copyButtons();
  // Forms that ask before they act carry data-confirm.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) e.preventDefault();
  });
})();
