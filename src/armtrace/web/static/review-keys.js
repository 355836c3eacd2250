// Review queue keyboard shortcuts: j/k move the selection, a accepts, r rejects, o (or Enter) opens.
// Loaded from this server only (script-src 'self'); the buttons and links work the same without it.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("table#queue tr[data-incident]"));
  if (!rows.length) { return; }
  var at = 0;
  function select(i) {
    rows[at].classList.remove("selected");
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows[at].classList.add("selected");
    rows[at].scrollIntoView({block: "nearest"});
  }
  function press(selector) {
    var target = rows[at].querySelector(selector);
    if (target) { target.click(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) { return; }
    var actions = {
      j: function () { select(at + 1); },
      k: function () { select(at - 1); },
      a: function () { press("button.accept"); },
      r: function () { press("button.reject"); },
      o: function () { press("a.open"); },
      Enter: function () { press("a.open"); }
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
  select(0);
}());
