// The "Assess a project" page: the profile in the form (and the address),
// the worksheet computed here from api/assess.json, with the rules of
// `fmcat assess` (src/fmcat/exports/assess/worksheet.py): which failure
// modes apply, detection from the ticked signals, occurrence one lower for
// an adopted prevent playbook, the Action Priority looked up in the table
// the index ships, the same ranking, and the same ratings again after the
// planned action (the CLI's --after). A browser test checks that both rank
// the repository's catalog alike.
//
// At 20,000 entries the worksheet must show within 1 s
// (benchmarks/assess_probe.py): the columnar index is turned into integer
// tables once, a profile becomes look-up arrays, each mode is rated with
// integer compares, rows are ranked by one numeric key, and the first rows
// are drawn with one innerHTML of a built string (contributed text escaped).
(function () {
  "use strict";
  var root = document.querySelector("[data-fmcat-assess]");
  if (!root) return;
  var form = root.querySelector("[data-fmcat-assess-form]");
  var status = root.querySelector("[data-fmcat-assess-status]");
  var result = root.querySelector("[data-fmcat-assess-result]");
  var base = new URL((root.getAttribute("data-fmcat-base") || ".") + "/", window.location.href).href;
  // Rows drawn at first: a profile can match thousands of modes, and laying
  // out every row takes longer than the 1 s budget. "Show all" draws the
  // rest; the downloads always hold every row.
  var SHOWN = 50;
  var limit = SHOWN;
  var PRIORITY = ["H", "M", "L"];
  var DETECTION = ["none", "some", "all"];
  var LIST_KEYS = ["stages", "monitors", "playbooks", "after_monitors", "after_playbooks"];
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  var index = null, M = null, N = 0;
  var code = {};          // string → its position in index.strings
  var signalsOf = [];     // mode → its detectors' signals, each once
  var prevents = [];      // mode → playbook positions of its prevent mitigations
  var playbookAt = {};    // playbook ID → position
  var ap = null;          // ap[(s * 5 + o) * 3 + detection] → 0 H, 1 M, 2 L
  var sheet = null;       // the worksheet drawn: rows and the profile it rates

  function escape(text) { return String(text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; }); }
  function fm(id, anchor) { return "failure-modes/" + id + "/" + (anchor ? "#" + anchor : ""); }
  function link(path, text) { return '<a href="' + escape(base + path) + '">' + escape(text) + "</a>"; }

  function prepare(data) {
    index = data;
    M = data.modes;
    N = data.count;
    data.strings.forEach(function (text, i) { code[text] = i; });
    data.playbooks.forEach(function (p, i) { playbookAt[p[0]] = i; });
    ap = new Uint8Array(5 * 5 * 3);
    Object.keys(data.table).forEach(function (s) {
      Object.keys(data.table[s]).forEach(function (o) {
        DETECTION.forEach(function (d, i) { ap[(+s * 5 + +o) * 3 + i] = PRIORITY.indexOf(data.table[s][o][d]); });
      });
    });
    var prevent = code.prevent;
    for (var m = 0; m < N; m++) {
      var seen = [], dets = M.detectors[m];
      for (var i = 0; i < dets.length; i++) {
        var signal = data.detectors[dets[i]][0];
        if (seen.indexOf(signal) < 0) seen.push(signal);
      }
      signalsOf.push(seen);
      var own = [], mit = M.mitigations[m];
      for (var j = 0; j < mit.length; j += 2) if (mit[j + 1] === prevent) own.push(mit[j]);
      prevents.push(own);
    }
  }

  function listKeys() { return index.dimensions.concat(LIST_KEYS); }

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

  // A set of strings as a look-up array over index.strings (null: not said).
  function lookup(values) {
    if (!values.length) return null;
    var table = new Uint8Array(index.strings.length);
    values.forEach(function (v) { if (code[v] !== undefined) table[code[v]] = 1; });
    return table;
  }

  function shares(values, table) {
    if (!table || !values.length) return true;
    for (var i = 0; i < values.length; i++) if (table[values[i]]) return true;
    return false;
  }

  function applies(m, tables, stages) {
    for (var d = 0; d < tables.length; d++) if (!shares(M.dims[d][m], tables[d])) return false;
    return shares(M.stages[m], stages);
  }

  function monitorSet(list) {
    var set = {};
    list.forEach(function (s) { set[s] = true; });
    return set;
  }

  function adoptedSet(list) {
    var set = new Uint8Array(index.playbooks.length);
    list.forEach(function (id) { if (playbookAt[id] !== undefined) set[playbookAt[id]] = 1; });
    return set;
  }

  // Occurrence, detection and AP of mode m for one state of the project, as integers.
  function rate(m, monitored, adopted) {
    var wanted = signalsOf[m], missing = 0;
    for (var i = 0; i < wanted.length; i++) if (!monitored[wanted[i]]) missing++;
    var detection = !wanted.length || missing === wanted.length ? 0 : missing ? 1 : 2;
    var prevented = false, own = prevents[m];
    for (var j = 0; j < own.length; j++) if (adopted[own[j]]) prevented = true;
    var occurrence = prevented ? Math.max(1, M.o[m] - 1) : M.o[m];
    return { o: occurrence, prevented: prevented, d: detection, ap: ap[(M.s[m] * 5 + occurrence) * 3 + detection] };
  }

  function assess(profile) {
    var tables = index.dimensions.map(function (key) { return lookup(profile[key]); });
    var stages = lookup(profile.stages);
    var before = { monitored: monitorSet(profile.monitors), adopted: adoptedSet(profile.playbooks) };
    var planned = profile.after_monitors.length || profile.after_playbooks.length;
    var after = planned ? {
      monitored: monitorSet(profile.monitors.concat(profile.after_monitors)),
      adopted: adoptedSet(profile.playbooks.concat(profile.after_playbooks))
    } : null;
    var rows = [], keys = [];
    for (var m = 0; m < N; m++) {
      if (!applies(m, tables, stages)) continue;
      var r = rate(m, before.monitored, before.adopted);
      // H before M before L, then severity, occurrence, worse detection; ties by ID (index order).
      keys.push((((r.ap * 5 + 4 - M.s[m]) * 5 + 4 - r.o) * 3 + r.d) * N + m);
      rows.push({ m: m, before: r, after: after ? rate(m, after.monitored, after.adopted) : null });
    }
    var byMode = {};
    rows.forEach(function (row) { byMode[row.m] = row; });
    var order = Float64Array.from(keys).sort();
    var ranked = new Array(order.length);
    for (var k = 0; k < order.length; k++) ranked[k] = byMode[order[k] % N];
    return { profile: profile, rows: ranked, after: !!after };
  }

  function missingDetectors(m, monitored) {
    return M.detectors[m].map(function (i) { return index.detectors[i]; })
      .filter(function (d) { return !monitored[d[0]]; });
  }

  function condition(d) { return d[0] + " " + d[1] + " " + d[2] + " over " + d[3] + " (" + d[4] + ")"; }

  function playbooks(m, adopted) {
    var mit = M.mitigations[m], list = [];
    for (var j = 0; j < mit.length; j += 2) {
      var p = index.playbooks[mit[j]];
      list.push({ id: p[0], title: p[1], owner: p[2], ttr: p[3], kind: index.strings[mit[j + 1]],
        adopted: adopted.indexOf(p[0]) >= 0 });
    }
    return list;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function occurrenceText(m, rating) {
    var source = index.strings[M.o_source[m]];
    var why = source === "observed" ? plural(M.incidents[m], "incident") + ", " + plural(M.recurrences[m], "recurrence")
      : source === "declared" ? "declared " + index.strings[M.frequency[m]] : "assumed";
    return "O" + rating.o + " (" + why + (rating.prevented ? ", prevention adopted" : "") + ")";
  }

  function priorityText(row) {
    return PRIORITY[row.before.ap] + (row.after ? " → " + PRIORITY[row.after.ap] : "");
  }

  function final(row) { return row.after || row.before; }

  function monitoredFinal(profile, after) {
    return monitorSet(after ? profile.monitors.concat(profile.after_monitors) : profile.monitors);
  }

  function rowHtml(row, rank, monitored, adopted) {
    var m = row.m, id = M.id[m], severity = index.strings[M.severity[m]];
    var html = '<tr data-fmcat-assess-row="' + escape(id) + '" data-fmcat-ap="' + PRIORITY[row.before.ap] + '"' +
      (row.after ? ' data-fmcat-ap-after="' + PRIORITY[row.after.ap] + '"' : "") + "><td>" + rank + "</td><td>" +
      link(fm(id), id + " " + M.title[m]) + '<div class="fmcat-assess-links">' + link(fm(id, "detection"), "detection") +
      " · " + link(fm(id, "mitigation"), "mitigation") + " · " + link(fm(id, "checklist"), "checklist") + "</div></td>" +
      '<td><span class="fmcat-severity fmcat-severity--' + escape(severity) + '">S' + M.s[m] + " " + escape(severity) +
      "</span></td><td>" + escape(occurrenceText(m, row.before)) +
      (row.after && row.after.o !== row.before.o ? " → O" + row.after.o : "") + "</td><td>" + DETECTION[row.before.d] +
      (row.after && row.after.d !== row.before.d ? " → " + DETECTION[row.after.d] : "") + '</td><td class="fmcat-assess-ap">' +
      '<span class="fmcat-ap fmcat-ap--' + PRIORITY[row.before.ap] + '">' + PRIORITY[row.before.ap] + "</span>";
    if (row.after) {
      html += ' → <span class="fmcat-ap fmcat-ap--' + PRIORITY[row.after.ap] + '">' + PRIORITY[row.after.ap] + "</span>";
    }
    html += "</td><td>";
    var missing = missingDetectors(m, monitored);
    if (!M.detectors[m].length) html += "none in the catalog";
    else if (!missing.length) html += "all monitored";
    else html += "<ul>" + missing.map(function (d) { return "<li>" + escape(condition(d)) + "</li>"; }).join("") + "</ul>";
    html += "</td><td><ul>" + playbooks(m, adopted).map(function (p) {
      return "<li>" + link("playbooks/" + p.id + "/", p.id + " " + p.title) + " (" + escape(p.kind) +
        (p.title ? "; " + escape(p.owner) + ", " + escape(p.ttr) : "; not in this catalog") + ")" +
        (p.adopted ? " <em>adopted</em>" : "") + "</li>";
    }).join("") + "</ul></td></tr>";
    return html;
  }

  function summary() {
    var counts = [0, 0, 0], high = 0;
    sheet.rows.forEach(function (r) { counts[r.before.ap] += 1; if (final(r).ap === 0) high += 1; });
    return sheet.rows.length + " of " + N + " failure modes apply: " + counts[0] + " H, " + counts[1] +
      " M, " + counts[2] + " L" + (sheet.after ? " before action; " + high + " H remain after action." : ".");
  }

  function draw() {
    var profile = sheet.profile, rows = sheet.rows;
    var monitored = monitoredFinal(profile, sheet.after);
    var adopted = sheet.after ? profile.playbooks.concat(profile.after_playbooks) : profile.playbooks;
    status.textContent = summary() + (rows.length > limit ? " The first " + limit + " are shown; the downloads hold all." : "");
    var html = ['<div class="fmcat-scroll" role="region" aria-label="Worksheet" tabindex="0">' +
      '<table class="fmcat-assess-table"><thead><tr>'];
    ["#", "Failure mode", "Severity", "Occurrence", "Detection", sheet.after ? "AP before → after" : "AP",
      "Detectors to add", "Playbooks"].forEach(function (h) { html.push('<th scope="col">' + h + "</th>"); });
    html.push("</tr></thead><tbody>");
    var shown = Math.min(limit, rows.length);
    for (var i = 0; i < shown; i++) html.push(rowHtml(rows[i], i + 1, monitored, adopted));
    html.push("</tbody></table></div>");
    if (rows.length > limit) {
      html.push('<button type="button" class="md-button" data-fmcat-assess-more>Show all ' + rows.length + " rows</button>");
    }
    html.push("<h3>Assumptions</h3><ul>");
    assumptions(profile).forEach(function (text) { html.push("<li>" + escape(text) + "</li>"); });
    html.push("</ul>");
    result.innerHTML = html.join("");
  }

  function assumptions(profile) {
    var said = [];
    index.dimensions.forEach(function (key) {
      if (!profile[key].length) said.push("No " + key + " picked: failure modes of every value are included.");
    });
    if (!profile.stages.length) said.push("No stage picked: failure modes of every stage are included.");
    if (!profile.monitors.length) said.push("No signal ticked: every detector is counted as missing.");
    var undetected = sheet.rows.filter(function (r) { return !M.detectors[r.m].length; });
    if (undetected.length) said.push(undetected.length + " failure modes have no detector in the catalog: rated detection none.");
    said.push("Occurrence is observed from the incident log (" + index.log_years +
      " years) where an incident cites the failure mode, else the declared frequency.");
    if (sheet.after) said.push("After action: the signals and playbooks planned are added to those already in place.");
    return said;
  }

  function update() {
    var profile = readProfile();
    limit = SHOWN;
    writeAddress(profile);
    sheet = assess(profile);
    draw();
  }

  // Spreadsheets run a cell that starts with = + - @ as a formula.
  function cell(value) {
    var text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csv() {
    var profile = sheet.profile;
    var monitored = monitoredFinal(profile, sheet.after);
    var adopted = sheet.after ? profile.playbooks.concat(profile.after_playbooks) : profile.playbooks;
    var lines = [["rank", "id", "title", "severity", "severity_level", "occurrence", "occurrence_source",
      "detection", "action_priority", "after_action_priority", "missing_detectors", "playbooks_to_adopt",
      "detection_url", "mitigation_url"].join(",")];
    sheet.rows.forEach(function (r, i) {
      var m = r.m;
      lines.push([i + 1, M.id[m], M.title[m], index.strings[M.severity[m]], M.s[m], r.before.o,
        index.strings[M.o_source[m]], DETECTION[r.before.d], PRIORITY[r.before.ap], r.after ? PRIORITY[r.after.ap] : "",
        missingDetectors(m, monitored).map(condition).join("; "),
        playbooks(m, adopted).filter(function (p) { return !p.adopted; })
          .map(function (p) { return p.id + " " + p.title + " (" + p.owner + ", " + p.ttr + ")"; }).join("; "),
        fm(M.id[m], "detection"), fm(M.id[m], "mitigation")].map(cell).join(","));
    });
    return lines.join("\n") + "\n";
  }

  function md(text) { return String(text).replace(/([\\`*_\[\]<>|#!~&])/g, "\\$1"); }

  function markdown() {
    var profile = sheet.profile;
    var monitored = monitoredFinal(profile, sheet.after);
    var adopted = sheet.after ? profile.playbooks.concat(profile.after_playbooks) : profile.playbooks;
    var lines = ["## Launch risk review: " + md(profile.name || "project"), "", summary(), "",
      "| # | Failure mode | S | O | D | AP" + (sheet.after ? " before → after" : "") + " | Detectors to add | Playbooks to adopt |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |"];
    sheet.rows.forEach(function (r, i) {
      var m = r.m;
      lines.push("| " + (i + 1) + " | [" + M.id[m] + " " + md(M.title[m]) + "](" + base + fm(M.id[m]) + ") | S" +
        M.s[m] + " " + index.strings[M.severity[m]] + " | O" + r.before.o + " | " + DETECTION[r.before.d] +
        " | **" + priorityText(r) + "** | " + md(missingDetectors(m, monitored).map(condition).join("; ")) + " | " +
        md(playbooks(m, adopted).filter(function (p) { return !p.adopted; }).map(function (p) { return p.id; }).join(", ")) + " |");
    });
    lines.push("", "### Assumptions", "");
    assumptions(profile).forEach(function (text) { lines.push("- " + md(text)); });
    return lines.join("\n") + "\n";
  }

  function download(kind) {
    var name = sheet.profile.name || "project";
    var text = kind === "csv" ? csv() : markdown();
    var blob = new Blob([text], { type: kind === "csv" ? "text/csv" : "text/markdown" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "assessment-" + name.replace(/[^\w.-]+/g, "-") + (kind === "csv" ? ".csv" : ".md");
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
      prepare(data);
      readAddress();
      form.hidden = false;
      form.addEventListener("change", update);
      form.addEventListener("input", function (event) { if (event.target.name === "name") writeAddress(readProfile()); });
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      form.querySelectorAll("[data-fmcat-assess-download]").forEach(function (button) {
        button.addEventListener("click", function () { download(button.getAttribute("data-fmcat-assess-download")); });
      });
      form.querySelector("[data-fmcat-assess-print]").addEventListener("click", function () { window.print(); });
      result.addEventListener("click", function (event) {
        if (event.target.closest("[data-fmcat-assess-more]")) { limit = Infinity; draw(); }
      });
      update();
    })
    .catch(function (error) {
      status.textContent = "The index could not be loaded (" + error.message + "); use fmcat assess project.yml.";
    });
})();
