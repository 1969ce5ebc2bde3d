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
  // Forms that ask before they act carry data-confirm.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) e.preventDefault();
  });
})();
