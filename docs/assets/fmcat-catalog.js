// Catalog table: filter by facet, free text and sort by column, all client-side.
// The filter lives in the query string so a filtered view can be linked.
// Without JavaScript the complete table stays visible.
(function () {
  "use strict";
  var form = document.getElementById("fmcat-filters");
  var table = document.getElementById("fmcat-catalog");
  if (!form || !table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("[data-fmcat-facet]"));
  var text = form.querySelector("[data-fmcat-text]");
  var count = form.querySelector("[data-fmcat-count]");
  form.hidden = false;

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var value = params.get(select.name) || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.value = known ? value : "";
    });
    text.value = params.get("q") || "";
    var sort = params.get("sort");
    if (sort) sortBy(sort.replace(/^-/, ""), sort.charAt(0) === "-");
  }

  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      if (select.value) params.set(select.name, select.value); else params.delete(select.name);
    });
    if (text.value.trim()) params.set("q", text.value.trim()); else params.delete("q");
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function apply() {
    var needle = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var visible = selects.every(function (select) {
        if (!select.value) return true;
        var values = (row.getAttribute("data-" + select.name) || "").split(" ");
        return values.indexOf(select.value) !== -1;
      });
      if (visible && needle) visible = row.getAttribute("data-text").indexOf(needle) !== -1;
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " failure modes";
  }

  function sortKey(row, index) {
    var value = row.cells[index].getAttribute("data-sort") || row.cells[index].textContent;
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value.toLowerCase();
  }

  function sortBy(name, descending) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var index = headers.findIndex(function (th) { return th.getAttribute("data-fmcat-sort") === name; });
    if (index < 0) return;
    rows.sort(function (a, b) {
      var x = sortKey(a, index), y = sortKey(b, index);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    headers.forEach(function (th) { th.removeAttribute("aria-sort"); });
    headers[index].setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  // Each sortable header's label becomes a button, so Tab reaches it and
  // Enter or Space sorts (the click below handles all three).
  Array.prototype.forEach.call(table.querySelectorAll("th[data-fmcat-sort]"), function (th) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fmcat-sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
  });

  table.tHead.addEventListener("click", function (event) {
    var th = event.target.closest("th[data-fmcat-sort]");
    if (!th) return;
    var name = th.getAttribute("data-fmcat-sort");
    var descending = th.getAttribute("aria-sort") === "ascending";
    sortBy(name, descending);
    var params = new URLSearchParams(window.location.search);
    params.set("sort", (descending ? "-" : "") + name);
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  });
  form.addEventListener("input", function () { apply(); writeUrl(); });
  form.addEventListener("change", function () { apply(); writeUrl(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { apply(); writeUrl(); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  readUrl();
  apply();
})();
