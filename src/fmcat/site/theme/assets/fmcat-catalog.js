// Catalog table: filter by facet, free text and sort by column, all client-side.
// The filter lives in the query string so a filtered view can be linked.
// Without JavaScript the complete table stays visible.
// The rows shown can be downloaded as CSV or JSON, built here from the same
// cells (no server); the CSV neutralises cells a spreadsheet would run as
// formulas, because titles are contributed text.
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

  // Columns whose cells join several values with ", ", and the numeric one:
  // JSON gives them as arrays and numbers, CSV as the text shown.
  var LISTS = ["stages", "data_domain", "model_family", "environment", "segment"];
  var NUMBERS = ["observed"];

  function columns() {
    return Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      var label = th.textContent.trim();
      return { label: label, key: label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") };
    });
  }

  function shownRows() {
    return Array.prototype.filter.call(tbody.rows, function (row) { return !row.hidden; });
  }

  function cellText(row, index) { return row.cells[index].textContent.trim(); }

  function rowUrl(row) {
    var link = row.querySelector("a[href]");
    return link ? link.href : "";
  }

  // OWASP CSV injection: a cell starting with = + - @ tab or CR is read as a
  // formula by spreadsheets, so it gets a leading apostrophe; every cell is quoted.
  function csvCell(value) {
    var text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function toCsv() {
    var cols = columns();
    var lines = [cols.map(function (c) { return c.label; }).concat(["URL"]).map(csvCell).join(",")];
    shownRows().forEach(function (row) {
      var cells = cols.map(function (c, i) { return cellText(row, i); });
      lines.push(cells.concat([rowUrl(row)]).map(csvCell).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function toJson() {
    var cols = columns();
    var records = shownRows().map(function (row) {
      var record = {};
      cols.forEach(function (c, i) {
        var text = cellText(row, i);
        if (LISTS.indexOf(c.key) !== -1) record[c.key] = text ? text.split(", ") : [];
        else if (NUMBERS.indexOf(c.key) !== -1) record[c.key] = Number(text);
        else record[c.key] = text;
      });
      record.url = rowUrl(row);
      return record;
    });
    return JSON.stringify(records, null, 2) + "\n";
  }

  function download(format) {
    var csv = format === "csv";
    var blob = new Blob([csv ? toCsv() : toJson()],
      { type: csv ? "text/csv;charset=utf-8" : "application/json;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = "fmcat-catalog." + (csv ? "csv" : "json");
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
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
  Array.prototype.forEach.call(form.querySelectorAll("[data-fmcat-download]"), function (button) {
    button.addEventListener("click", function () { download(button.getAttribute("data-fmcat-download")); });
  });
  readUrl();
  apply();
})();
