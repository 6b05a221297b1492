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
  var more = document.getElementById("kb-more");
  if (!form || !input || !status || !list || !more) return;

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

  // The article whose id the query is ("see KB-1042": the KB's id prefix, then digits), among the
  // first results Pagefind found for it (its page is named from the id as kb.site.urls.article_path
  // names it), to show first: Pagefind's ranks across merged index parts do not. Only a page this
  // site publishes is found.
  var ID_LOOKAHEAD = 20;
  var idPrefix = (script.getAttribute("data-id-prefix") || "").toLowerCase();
  function byId(query, results) {
    var id = query.trim();
    var lowered = id.toLowerCase();
    if (!idPrefix || lowered.indexOf(idPrefix) !== 0 || !/^\d+$/.test(lowered.slice(idPrefix.length))) {
      return Promise.resolve(null);
    }
    var page = "articles/" + id.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") + ".html";
    var wanted = new URL(page, root).pathname;
    return Promise.all(results.slice(0, ID_LOOKAHEAD).map(function (r) { return r.data(); }))
      .then(function (pages) {
        var hit = pages.filter(function (p) { return new URL(p.url, root).pathname === wanted; })[0];
        return hit ? { href: new URL(hit.url, root).href, label: id.toUpperCase() + ": " + ((hit.meta && hit.meta.title) || hit.url) } : null;
      })
      .catch(function () { return null; });
  }

  // Pagefind finds every match at once but loads each result's page data on demand: a page of
  // results at a time, and "Show more results" loads the next.
  var PAGE_SIZE = 10;
  var current = null; // the results on show: {ticket, query, results, next, total, engine}

  function run(query) {
    var ticket = ++latest;
    current = null;
    more.hidden = true;
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
        var results = found && found.results ? found.results : [];
        return byId(query, results).then(function (article) { return [results, article]; });
      }).then(function (searched) {
        if (ticket !== latest) return;
        var results = searched[0];
        var article = searched[1];
        var shown = {
          ticket: ticket, query: query, results: results, next: 0, engine: engine,
          exactUrls: {}, total: exact.length + results.length + (article ? 1 : 0),
        };
        var items = exact.map(function (c) {
          var href = new URL(c.url, root).href;
          shown.exactUrls[new URL(href).pathname] = true;
          return item(href, c.code + (c.message ? ": " + c.message : ""), "error code");
        });
        if (article) {  // an article's id first ("see KB-1042"), then the rest
          shown.exactUrls[new URL(article.href).pathname] = true;
          items.unshift(item(article.href, article.label, "article"));
        }
        list.replaceChildren.apply(list, items);
        current = shown;
        return showMore(false);
      });
    });
  }

  // The next page of results; `focusFirst` moves focus to the first one added (the button that
  // asked for them goes away once every result is shown).
  function showMore(focusFirst) {
    var shown = current;
    if (!shown) return Promise.resolve();
    var batch = shown.results.slice(shown.next, shown.next + PAGE_SIZE);
    shown.next += batch.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (pages) {
      if (shown !== current || shown.ticket !== latest) return;
      var first = null;
      pages.forEach(function (page) {
        var href = new URL(page.url, document.baseURI).href;
        // The exact code's own page, already offered first: one result, not two.
        if (shown.exactUrls[new URL(href).pathname]) { shown.total -= 1; return; }
        var li = item(href, (page.meta && page.meta.title) || page.url, "", page.excerpt);
        list.appendChild(li);
        first = first || li;
      });
      var left = shown.next < shown.results.length;
      more.hidden = !left;
      var count = shown.total + (shown.total === 1 ? " result" : " results") + " for “" + shown.query + "”";
      status.textContent = shown.total
        ? count + (left ? ", " + list.children.length + " shown" : "")
        : shown.engine ? "No results for “" + shown.query + "”" : "Search index not available; try an exact error code.";
      var target = first || list.lastElementChild;
      if (focusFirst && target) target.querySelector("a").focus();
    });
  }

  more.addEventListener("click", function () { showMore(true); });

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
