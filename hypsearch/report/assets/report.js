// hypsearch report: sort the task table by a header click, filter it by search text, status and comparison.
// Plain script, no library, works from file:// (the rows are already in the page).
(function () {
  "use strict";
  var table = document.getElementById("tasks");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q");
  var status = document.getElementById("status");
  var compare = document.getElementById("compare");
  var shown = document.getElementById("shown");

  function keep(row) {
    var text = q && q.value.trim().toLowerCase();
    if (text && row.getAttribute("data-search").indexOf(text) < 0) { return false; }
    var st = status && status.value;
    if (st && row.getAttribute("data-status").split(" ").indexOf(st) < 0) { return false; }
    var how = compare && compare.value;
    if (how) {
      var solved = row.getAttribute("data-solved");
      if (how === "all" && solved.indexOf("0") >= 0) { return false; }
      if (how === "none" && solved.indexOf("1") >= 0) { return false; }
      if (how === "differ" && (solved.indexOf("0") < 0 || solved.indexOf("1") < 0)) { return false; }
      var part = how.split(":"), k = Number(part[1]);
      if (part[0] === "only" && (solved.charAt(k) !== "1" || solved.split("1").length !== 2)) { return false; }
      if (part[0] === "not" && solved.charAt(k) === "1") { return false; }
    }
    return true;
  }

  function filter() {
    var n = 0;
    rows.forEach(function (row) { var ok = keep(row); row.hidden = !ok; if (ok) { n += 1; } });
    if (shown) { shown.textContent = n + " of " + rows.length + " tasks shown"; }
  }

  function cellValue(row, col) {
    var v = row.cells[col] ? row.cells[col].getAttribute("data-v") : "";
    return v === null ? "" : v;
  }

  function sortBy(th, col) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.querySelectorAll("th[scope]");
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var numeric = rows.every(function (r) { var v = cellValue(r, col); return v === "" || !isNaN(Number(v)); });
    rows.sort(function (a, b) {
      var x = cellValue(a, col), y = cellValue(b, col);
      if (x === "" && y !== "") { return 1; }       // unknown values last, either way
      if (y === "" && x !== "") { return -1; }
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  var last = table.tHead.rows[table.tHead.rows.length - 1];
  Array.prototype.forEach.call(last.cells, function (th, col) {
    th.addEventListener("click", function () { sortBy(th, col); });
  });
  [q, status, compare].forEach(function (c) {
    if (c) { c.addEventListener("input", filter); c.addEventListener("change", filter); }
  });
  filter();
})();
