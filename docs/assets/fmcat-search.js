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

  function render(results, query) {
    list.textContent = "";
    meta.textContent = results.length === 0 ? "No matching documents"
      : results.length === 1 ? "1 matching document" : results.length + " matching documents";
    results.forEach(function (result) {
      var item = document.createElement("li");
      item.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = result.url;
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      article.appendChild(text("h1", "", (result.meta && result.meta.title) || result.url));
      var excerpt = document.createElement("p");
      // Pagefind's excerpt is escaped text with <mark> around the matches.
      excerpt.innerHTML = result.excerpt;
      article.appendChild(excerpt);
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
      return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (results && ticket === latest) render(results, query);
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
