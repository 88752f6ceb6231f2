// Site search: Material's search box, answered by the Pagefind bundle the
// build writes to pagefind/. Pagefind loads only the index fragments a query
// needs, so the first search stays small however large the catalog grows.
(function () {
  "use strict";
  var root = document.querySelector('[data-md-component="fmcat-search"]');
  if (!root) return;
  var input = root.querySelector(".md-search__input");
  var list = root.querySelector("[data-fmcat-search-results]");
  var meta = root.querySelector("[data-fmcat-search-meta]");
  var toggle = document.getElementById("__search");
  var base = new URL((root.getAttribute("data-fmcat-base") || ".") + "/", window.location.href);
  var engine = null;
  var latest = 0;

  // Loaded when the search box gets focus: the engine, its WebAssembly and
  // the index metadata arrive while the reader types, not after. No web
  // worker: starting one cost more than the searches it would take off the
  // main thread (benchmarks/search_probe.py, 20,000 entries).
  function load() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", base).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: base.pathname, noWorker: true }).then(function () {
          return pagefind.init();
        }).then(function () { return pagefind; });
      });
    }
    return engine;
  }

  function text(tag, className, value) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = value;
    return element;
  }

  // Words as search compares them: lower case, "-" and "_" alike.
  function words(value) {
    return (value || "").toLowerCase().replace(/-/g, "_").split(/[^\w]+/).filter(Boolean);
  }

  function matchesAll(terms, vocabulary, exact) {
    return terms.length > 0 && terms.every(function (term) {
      return vocabulary.some(function (word) {
        return exact ? word === term : word.indexOf(term) === 0;
      });
    });
  }

  // Pagefind ranks by weighted term counts; readers expect a name to win.
  // Its top results are put in tiers, keeping its order within a tier:
  // the exact ID, then title (or a form of it: "calibration" for
  // "Miscalibration"), then a signal name, then the rest. Incidents are
  // short, so Pagefind ranks them high on any word of their titles; readers
  // find them by ID, and otherwise want the records that explain them first.
  function tier(result, terms, query) {
    var meta = result.meta || {};
    var id = (meta.title || "").split(" ")[0];
    if (id && id.toLowerCase() === query.toLowerCase()) return 0;
    if (meta.kind === "Incident") return 4;
    if (matchesAll(terms, words(meta.title).concat(words(meta.keys)), false)) return 1;
    if (matchesAll(terms, words(meta.signals), false)) return 2;
    return 3;
  }

  function rank(results, query) {
    var terms = words(query);
    return results.map(function (result, index) {
      return { result: result, tier: tier(result, terms, query), index: index };
    }).sort(function (a, b) {
      return a.tier - b.tier || a.index - b.index;
    }).map(function (item) { return item.result; });
  }

  // The sentence of the summary that holds a query word (else its first),
  // with the words that start with a query term marked. Built as DOM nodes
  // from text, so contributed text is never parsed as HTML.
  function summaryExcerpt(summary, query) {
    var sentences = summary.match(/[^.!?]+(?:[.!?]+(?=\s|$)|$)/g) || [summary];
    var terms = words(query);
    var pattern = terms.length ? new RegExp("(^|[^\\w-])((?:" + terms.map(function (term) {
      return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/_/g, "[-_]");
    }).join("|") + ")[\\w-]*)", "gi") : null;
    var first = 0;
    if (pattern) {
      for (var i = 0; i < sentences.length; i++) {
        pattern.lastIndex = 0;
        if (pattern.test(sentences[i])) { first = i; break; }
      }
    }
    // A short sentence ("Illustrative scenario.") says little: add the next.
    var sentence = sentences[first].trim();
    for (var next = first + 1; sentence.length < 80 && next < sentences.length; next++) {
      sentence += " " + sentences[next].trim();
    }
    // Long sentences are cut to about 240 characters around the first match.
    if (sentence.length > 240) {
      var at = 0;
      if (pattern) {
        pattern.lastIndex = 0;
        var found = pattern.exec(sentence);
        at = found ? found.index : 0;
      }
      var from = at > 160 ? sentence.lastIndexOf(" ", at - 80) + 1 : 0;
      var cut = sentence.slice(from, from + 240);
      if (from + 240 < sentence.length) cut = cut.replace(/\s+\S*$/, "") + " …";
      sentence = (from > 0 ? "… " : "") + cut;
    }
    var excerpt = document.createElement("p");
    var last = 0;
    if (pattern) {
      pattern.lastIndex = 0;
      var match;
      while ((match = pattern.exec(sentence)) !== null) {
        var start = match.index + match[1].length;
        excerpt.appendChild(document.createTextNode(sentence.slice(last, start)));
        excerpt.appendChild(text("mark", "", match[2]));
        last = start + match[2].length;
      }
    }
    excerpt.appendChild(document.createTextNode(sentence.slice(last)));
    return excerpt;
  }

  function href(result) {
    // An incident's stand-in has no page: it leads to where the incident is shown.
    return result.meta && result.meta.target ? new URL(result.meta.target, base).href
      : result.url;
  }

  function render(results, query) {
    list.textContent = "";
    meta.textContent = results.length === 0 ? "No matching documents"
      : results.length === 1 ? "1 matching document" : results.length + " matching documents";
    results.forEach(function (result) {
      var item = document.createElement("li");
      item.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = href(result);
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var heading = text("h1", "", (result.meta && result.meta.title) || result.url);
      if (result.meta && result.meta.kind) {
        heading.insertBefore(text("span", "fmcat-search-kind", result.meta.kind), heading.firstChild);
      }
      article.appendChild(heading);
      if (result.meta && result.meta.summary) {
        article.appendChild(summaryExcerpt(result.meta.summary, query));
      } else {
        var excerpt = document.createElement("p");
        // Pagefind's excerpt is escaped text with <mark> around the matches.
        excerpt.innerHTML = result.excerpt;
        article.appendChild(excerpt);
      }
      link.appendChild(article);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function search() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { list.textContent = ""; meta.textContent = ""; return; }
    load().then(function (pagefind) {
      // Short debounce: long enough to skip keystrokes typed in a burst.
      return pagefind.debouncedSearch(query, {}, 50);
    }).then(function (search) {
      if (!search || ticket !== latest) return null;
      // Twenty, so that a name Pagefind ranked a little lower still comes first.
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (results && ticket === latest) render(rank(results, query).slice(0, 10), query);
    }).catch(function (error) {
      meta.textContent = "Search is unavailable: " + error.message;
    });
  }

  input.addEventListener("focus", function () { toggle.checked = true; load(); });
  input.addEventListener("input", search);
  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
  root.querySelector("form").addEventListener("reset", function () {
    setTimeout(search, 0);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) { toggle.checked = false; input.blur(); }
    var typing = /input|textarea|select/i.test((document.activeElement || {}).tagName || "");
    if (!typing && (event.key === "/" || event.key === "s")) { event.preventDefault(); input.focus(); }
  });
})();
