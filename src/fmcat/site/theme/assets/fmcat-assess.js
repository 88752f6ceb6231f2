// The "Assess a project" page: the profile in the form (and the address),
// the worksheet computed here from api/assess.json, with the rules of
// `fmcat assess` (src/fmcat/exports/assess/worksheet.py): which failure
// modes apply, detection from the ticked signals, the Action Priority
// looked up in the table the index ships, the same ranking. A browser test
// checks that both rank the repository's catalog alike.
(function () {
  "use strict";
  var root = document.querySelector("[data-fmcat-assess]");
  if (!root) return;
  var form = root.querySelector("[data-fmcat-assess-form]");
  var status = root.querySelector("[data-fmcat-assess-status]");
  var result = root.querySelector("[data-fmcat-assess-result]");
  var base = new URL((root.getAttribute("data-fmcat-base") || ".") + "/", window.location.href);
  // Rows drawn at first: at 20,000 entries a profile can match thousands, and
  // laying out 500 rows took longer than the 1 s budget (benchmarks/assess_probe.py).
  // "Show all" draws the rest; the downloads always hold every row.
  var SHOWN = 100;
  var limit = SHOWN;
  var ORDER = { H: 0, M: 1, L: 2 };
  var DETECTION = { none: 0, some: 1, all: 2 };
  var index = null;
  var F = {};
  var rows = [];

  function element(tag, className, value) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (value !== undefined) node.textContent = value;
    return node;
  }

  function link(href, value) {
    var node = element("a", "", value);
    node.href = new URL(href, base).href;
    return node;
  }

  function listKeys() { return index.dimensions.concat(["stages", "monitors"]); }

  function readProfile() {
    var profile = { name: form.elements.name.value.trim() };
    listKeys().forEach(function (key) {
      profile[key] = Array.prototype.filter.call(
        form.querySelectorAll('input[type=checkbox][name="' + key + '"]'),
        function (box) { return box.checked; }).map(function (box) { return box.value; });
    });
    return profile;
  }

  function writeAddress(profile) {
    var params = new URLSearchParams();
    if (profile.name) params.set("name", profile.name);
    listKeys().forEach(function (key) {
      if (profile[key].length) params.set(key, profile[key].join(","));
    });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    form.elements.name.value = params.get("name") || "";
    listKeys().forEach(function (key) {
      var wanted = (params.get(key) || "").split(",");
      form.querySelectorAll('input[type=checkbox][name="' + key + '"]').forEach(function (box) {
        box.checked = wanted.indexOf(box.value) >= 0;
      });
    });
  }

  function shares(a, b) {
    return !a.length || !b.length || a.some(function (v) { return b.indexOf(v) >= 0; });
  }

  function applies(mode, profile) {
    var dims = mode[F.dims];
    for (var i = 0; i < index.dimensions.length; i++) {
      if (!shares(profile[index.dimensions[i]], dims[i])) return false;
    }
    return shares(profile.stages, mode[F.stages]);
  }

  function rate(mode, profile) {
    var wanted = [];
    mode[F.detectors].forEach(function (d) { if (wanted.indexOf(d[0]) < 0) wanted.push(d[0]); });
    var missing = wanted.filter(function (s) { return profile.monitors.indexOf(s) < 0; });
    var detection = !wanted.length || missing.length === wanted.length ? "none"
      : missing.length ? "some" : "all";
    var occurrence = mode[F.o]; // adopted playbooks are a CLI input only
    return {
      mode: mode, occurrence: occurrence, detection: detection,
      missing: mode[F.detectors].filter(function (d) { return missing.indexOf(d[0]) >= 0; }),
      priority: index.table[String(mode[F.s])][String(occurrence)][detection]
    };
  }

  function compare(a, b) {
    return ORDER[a.priority] - ORDER[b.priority] || b.mode[F.s] - a.mode[F.s] ||
      b.occurrence - a.occurrence || DETECTION[a.detection] - DETECTION[b.detection] ||
      (a.mode[F.id] < b.mode[F.id] ? -1 : a.mode[F.id] > b.mode[F.id] ? 1 : 0);
  }

  function assumptions(profile) {
    var said = [];
    index.dimensions.forEach(function (key) {
      if (!profile[key].length) said.push("No " + key + " picked: failure modes of every value are included.");
    });
    if (!profile.stages.length) said.push("No stage picked: failure modes of every stage are included.");
    if (!profile.monitors.length) said.push("No signal ticked: every detector is counted as missing.");
    var undetected = rows.filter(function (r) { return !r.mode[F.detectors].length; });
    if (undetected.length) said.push(undetected.length + " failure modes have no detector in the catalog: rated detection none.");
    said.push("Occurrence is observed from the incident log (" + index.log_years +
      " years) where an incident cites the failure mode, else the declared frequency.");
    return said;
  }

  function condition(d) {
    return d[0] + " " + d[1] + " " + d[2] + " over " + d[3] + " (" + d[4] + ")";
  }

  function occurrenceText(row) {
    var m = row.mode;
    var why = m[F.o_source] === "observed" ? m[F.incidents] + " incidents, " + m[F.recurrences] + " recurrences"
      : m[F.o_source] === "declared" ? "declared " + m[F.frequency] : "assumed";
    return "O" + row.occurrence + " (" + why + ")";
  }

  function playbooks(mode) {
    return mode[F.mitigations].map(function (x) {
      var p = index.playbooks[x[0]];
      return { id: x[0], kind: x[1], title: p ? p[0] : "", owner: p ? p[1] : "", ttr: p ? p[2] : "" };
    });
  }

  function url(mode, anchor) { return "failure-modes/" + mode[F.id] + "/" + (anchor ? "#" + anchor : ""); }

  function drawRow(row, rank) {
    var m = row.mode;
    var tr = element("tr");
    tr.setAttribute("data-fmcat-assess-row", m[F.id]);
    tr.setAttribute("data-fmcat-ap", row.priority);
    tr.appendChild(element("td", "", String(rank)));
    var title = element("td");
    title.appendChild(link(url(m), m[F.id] + " " + m[F.title]));
    var links = element("div", "fmcat-assess-links");
    [["detection", "detection"], ["mitigation", "mitigation"], ["checklist", "checklist"]].forEach(function (pair, i) {
      if (i) links.appendChild(document.createTextNode(" · "));
      links.appendChild(link(url(m, pair[0]), pair[1]));
    });
    title.appendChild(links);
    tr.appendChild(title);
    var severity = element("td");
    severity.appendChild(element("span", "fmcat-severity fmcat-severity--" + m[F.severity], "S" + m[F.s] + " " + m[F.severity]));
    tr.appendChild(severity);
    tr.appendChild(element("td", "", occurrenceText(row)));
    tr.appendChild(element("td", "", row.detection));
    var ap = element("td");
    ap.appendChild(element("span", "fmcat-ap fmcat-ap--" + row.priority, row.priority));
    tr.appendChild(ap);
    var detectors = element("td");
    if (!m[F.detectors].length) detectors.textContent = "none in the catalog";
    else if (!row.missing.length) detectors.textContent = "all monitored";
    else {
      var list = element("ul");
      row.missing.forEach(function (d) { list.appendChild(element("li", "", condition(d))); });
      detectors.appendChild(list);
    }
    tr.appendChild(detectors);
    var adopt = element("td");
    var plist = element("ul");
    playbooks(m).forEach(function (p) {
      var item = element("li");
      item.appendChild(link("playbooks/" + p.id + "/", p.id + " " + p.title));
      item.appendChild(document.createTextNode(" (" + p.kind + "; " + p.owner + ", " + p.ttr + ")"));
      plist.appendChild(item);
    });
    adopt.appendChild(plist);
    tr.appendChild(adopt);
    return tr;
  }

  function draw(profile) {
    result.textContent = "";
    var counts = { H: 0, M: 0, L: 0 };
    rows.forEach(function (r) { counts[r.priority] += 1; });
    status.textContent = rows.length + " of " + index.modes.length + " failure modes apply: " +
      counts.H + " H, " + counts.M + " M, " + counts.L + " L." +
      (rows.length > limit ? " The first " + limit + " are shown; the downloads hold all." : "");
    var wrap = element("div", "fmcat-scroll");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Worksheet");
    wrap.tabIndex = 0;
    var table = element("table", "fmcat-assess-table");
    var head = element("tr");
    ["#", "Failure mode", "Severity", "Occurrence", "Detection", "AP", "Detectors to add", "Playbooks"].forEach(function (h) {
      var th = element("th", "", h);
      th.scope = "col";
      head.appendChild(th);
    });
    table.appendChild(element("thead")).appendChild(head);
    var body = element("tbody");
    rows.slice(0, limit).forEach(function (row, i) { body.appendChild(drawRow(row, i + 1)); });
    table.appendChild(body);
    wrap.appendChild(table);
    result.appendChild(wrap);
    if (rows.length > limit) {
      var more = element("button", "md-button", "Show all " + rows.length + " rows");
      more.type = "button";
      more.addEventListener("click", function () { limit = Infinity; draw(profile); });
      result.appendChild(more);
    }
    result.appendChild(element("h3", "", "Assumptions"));
    var list = element("ul");
    assumptions(profile).forEach(function (text) { list.appendChild(element("li", "", text)); });
    result.appendChild(list);
  }

  function update() {
    var profile = readProfile();
    limit = SHOWN;
    writeAddress(profile);
    rows = index.modes.filter(function (m) { return applies(m, profile); })
      .map(function (m) { return rate(m, profile); }).sort(compare);
    draw(profile);
  }

  // Spreadsheets run a cell that starts with = + - @ as a formula.
  function cell(value) {
    var text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csv() {
    var lines = [["rank", "id", "title", "severity", "severity_level", "occurrence", "occurrence_source",
      "detection", "action_priority", "missing_detectors", "playbooks_to_adopt", "detection_url",
      "mitigation_url"].join(",")];
    rows.forEach(function (r, i) {
      var m = r.mode;
      lines.push([i + 1, m[F.id], m[F.title], m[F.severity], m[F.s], r.occurrence, m[F.o_source],
        r.detection, r.priority, r.missing.map(condition).join("; "),
        playbooks(m).map(function (p) { return p.id + " " + p.title + " (" + p.owner + ", " + p.ttr + ")"; }).join("; "),
        url(m, "detection"), url(m, "mitigation")].map(cell).join(","));
    });
    return lines.join("\n") + "\n";
  }

  function md(text) { return String(text).replace(/([\\`*_\[\]<>|#!~&])/g, "\\$1"); }

  function markdown(profile) {
    var lines = ["## Launch risk review: " + md(profile.name || "project"), "", status.textContent, "",
      "| # | Failure mode | S | O | D | AP | Detectors to add | Playbooks |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |"];
    rows.forEach(function (r, i) {
      var m = r.mode;
      lines.push("| " + (i + 1) + " | [" + m[F.id] + " " + md(m[F.title]) + "](" + new URL(url(m), base).href + ") | S" +
        m[F.s] + " " + m[F.severity] + " | O" + r.occurrence + " | " + r.detection + " | **" + r.priority + "** | " +
        md(r.missing.map(condition).join("; ")) + " | " + md(playbooks(m).map(function (p) { return p.id; }).join(", ")) + " |");
    });
    lines.push("", "### Assumptions", "");
    assumptions(profile).forEach(function (text) { lines.push("- " + md(text)); });
    return lines.join("\n") + "\n";
  }

  function download(kind) {
    var profile = readProfile();
    var text = kind === "csv" ? csv() : markdown(profile);
    var blob = new Blob([text], { type: kind === "csv" ? "text/csv" : "text/markdown" });
    var a = element("a");
    a.href = URL.createObjectURL(blob);
    a.download = "assessment-" + (profile.name || "project").replace(/[^\w.-]+/g, "-") + (kind === "csv" ? ".csv" : ".md");
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  status.textContent = "Loading the catalog's index…";
  fetch(new URL(root.getAttribute("data-fmcat-index"), window.location.href).href)
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      index = data;
      index.fields.forEach(function (name, i) { F[name] = i; });
      readAddress();
      form.hidden = false;
      form.addEventListener("change", update);
      form.addEventListener("input", function (event) { if (event.target.name === "name") writeAddress(readProfile()); });
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      form.querySelectorAll("[data-fmcat-assess-download]").forEach(function (button) {
        button.addEventListener("click", function () { download(button.getAttribute("data-fmcat-assess-download")); });
      });
      form.querySelector("[data-fmcat-assess-print]").addEventListener("click", function () { window.print(); });
      update();
    })
    .catch(function (error) {
      status.textContent = "The index could not be loaded (" + error.message + "); use fmcat assess project.yml.";
    });
})();
