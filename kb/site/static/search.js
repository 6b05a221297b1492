// Search on the page: an exact error code offers its page first, then Pagefind's results.
// Only the search page loads this script; every other page works without JavaScript.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = new URL(script.getAttribute("data-root") || "./", document.baseURI);
  var form = document.getElementById("kb-search");
  var input = document.getElementById("kb-q");
  var status = document.getElementById("kb-search-status");
  var list = document.getElementById("kb-results");
  if (!form || !input || !status || !list) return;

  var codes = null;
  var pagefind = null;
  var latest = 0;

  function normalise(text) {
    return text.trim().replace(/\s+/g, " ").toUpperCase();
  }

  function loadCodes() {
    if (codes) return Promise.resolve(codes);
    return fetch(new URL("errors.json", root))
      .then(function (r) { return r.ok ? r.json() : { codes: [] }; })
      .then(function (data) { codes = data.codes || []; return codes; })
      .catch(function () { codes = []; return codes; });
  }

  function loadPagefind() {
    if (pagefind || script.getAttribute("data-search") !== "true") return Promise.resolve(pagefind);
    return import(new URL("pagefind/pagefind.js", root).href)
      .then(function (module) {
        pagefind = module;
        return module.options({ baseUrl: root.pathname })
          .then(function () { return mergeParts(module); })
          .then(function () { return module; });
      })
      .catch(function () { return null; });
  }

  // A large site is indexed in parts (one Pagefind run each); kb-parts.json names the others.
  function mergeParts(module) {
    return fetch(new URL("pagefind/kb-parts.json", root))
      .then(function (r) { return r.ok ? r.json() : { parts: [] }; })
      .catch(function () { return { parts: [] }; })
      .then(function (data) {
        return Promise.all((data.parts || []).map(function (part) {
          return module.mergeIndex(new URL("pagefind/" + part, root).href, { baseUrl: root.pathname });
        }));
      });
  }

  function item(href, title, kind, excerptHtml) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href;
    a.textContent = title;
    li.appendChild(a);
    if (kind) {
      var k = document.createElement("span");
      k.className = "result-kind";
      k.textContent = " · " + kind;
      li.appendChild(k);
    }
    if (excerptHtml) {
      var p = document.createElement("p");
      // Pagefind's excerpt marks matches with <mark>; keep those and nothing else.
      excerptHtml.split(/(<mark>.*?<\/mark>)/).forEach(function (part) {
        var m = /^<mark>(.*)<\/mark>$/.exec(part);
        if (m) {
          var mark = document.createElement("mark");
          mark.textContent = decode(m[1]);
          p.appendChild(mark);
        } else {
          p.appendChild(document.createTextNode(decode(part.replace(/<[^>]*>/g, ""))));
        }
      });
      li.appendChild(p);
    }
    return li;
  }

  function decode(text) {
    var t = document.createElement("textarea");
    t.innerHTML = text;
    return t.value;
  }

  function run(query) {
    var ticket = ++latest;
    if (!query.trim()) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    Promise.all([loadCodes(), loadPagefind()]).then(function (loaded) {
      var wanted = normalise(query);
      var exact = loaded[0].filter(function (c) { return normalise(c.code) === wanted; });
      var engine = loaded[1];
      var search = engine ? engine.search(query) : Promise.resolve({ results: [] });
      return search.then(function (found) {
        var top = (found && found.results ? found.results : []).slice(0, 10);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (pages) {
          if (ticket !== latest) return;
          var items = [];
          var exactUrls = {};
          exact.forEach(function (c) {
            var href = new URL(c.url, root).href;
            exactUrls[new URL(href).pathname] = true;
            items.push(item(href, c.code + (c.message ? ": " + c.message : ""), "error code"));
          });
          pages.forEach(function (page) {
            var href = new URL(page.url, document.baseURI).href;
            if (exactUrls[new URL(href).pathname]) return;
            items.push(item(href, (page.meta && page.meta.title) || page.url, "", page.excerpt));
          });
          list.replaceChildren.apply(list, items);
          status.textContent = items.length
            ? items.length + (items.length === 1 ? " result" : " results") + " for “" + query + "”"
            : engine ? "No results for “" + query + "”" : "Search index not available; try an exact error code.";
        });
      });
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
    run(input.value);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
  // No focus on load: a keyboard user starts at the skip link as on every other page, and a
  // screen reader starts with the page's title; the status line announces the results.
})();
