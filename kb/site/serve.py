"""`kb serve`: build every site, serve each on its own port of 127.0.0.1, rebuild and reload on change.

Each site gets its own server (the first port for the first site, the next for the next), so the
public site's server can only ever read the public site's files and the public search index.
Besides the files, each server answers:
  /api/search?q=...&area=&type=&code=&limit=  ranked hits from the site's whoosh index (kb.search)
  /api/errors/<code>                          the articles that resolve a code, best first
  /__kb/events, /__kb/livereload.js           live reload: injected into pages by this server only,
                                              never written into the built files
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from kb.errors import KbError, UsageError
from kb.memory import give_back_freed_memory
from kb.project import KnowledgeBase
from kb.site import urls
from kb.site.build import Builder, BuildReport
from kb.words import plural

if TYPE_CHECKING:  # whoosh and numpy are loaded by the first search (17 MB a process that only serves)
    from kb.search import Hit, SearchIndex, SearchResult

LIVERELOAD = b"""// kb serve: reload the page when the site is rebuilt.
(function () {
  var source = new EventSource("/__kb/events");
  var first = null;
  source.onmessage = function (event) {
    if (first === null) { first = event.data; return; }
    if (event.data !== first) { window.location.reload(); }
  };
})();
"""
INJECT = b'<script src="/__kb/livereload.js"></script>'
POLL_SECONDS = 0.4
KEEPALIVE_SECONDS = 10.0
# Kept in memory, a build takes about 45 KB an article: above this many articles `kb serve` builds
# each time in a process of its own unless told otherwise (DESIGN.md: any command under 1 GiB at
# 50,000 articles).
IN_MEMORY_MOST = 15_000
# What the watcher keeps of each file, compactly: the hash of its path → its size and modification
# time in one number. At 50,000 files that is 6 MB, where the paths and (size, time) pairs took 18,
# and the watcher holds two while it compares.
Watched = dict[int, int]


@dataclass
class Generation:
    """Counts successful builds; live-reload clients wait on it."""

    number: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def bump(self) -> None:
        with self.condition:
            self.number += 1
            self.condition.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self.condition:
            self.condition.wait_for(lambda: self.number != seen or self.stopping, timeout=timeout)
            return self.number


@dataclass
class SiteServer:
    name: str
    folder: Path
    server: ThreadingHTTPServer

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/"


class DevServer:
    """Builds the sites of the KB at `root` and serves them until `stop()`."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        search: bool | None = None,
        log: Callable[[str], None] = print,
        in_memory: bool | None = None,
    ) -> None:
        self.kb = KnowledgeBase(root)
        self.out = self.kb.root / self.kb.config.site.output
        self.builder = Builder(self.kb.root, out=self.out, search=search)
        # Keep what a build made (the check's results, every page's view, the rendered bodies:
        # about 45 KB an article) for rebuilds in a second; or build each time as `kb build` does,
        # in a process of its own, through the disk caches: less memory, slower rebuilds. Unless
        # told, a KB of up to IN_MEMORY_MOST articles is kept in memory.
        if in_memory is None:
            in_memory = len(self.kb.article_relpaths()) <= IN_MEMORY_MOST
        self.in_memory = in_memory
        self._building = threading.Lock()
        self.host = host
        self.port = port
        self.log = log
        self.generation = Generation()
        self.sites: list[SiteServer] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.searches: dict[str, SiteSearch] = {}  # per site: its whoosh index, kept open
        self.warned: list[tuple[str, str, int | None, int | None]] = []  # the config warnings last logged

    # -- building ---------------------------------------------------------------------------

    def rebuild(self, changed: set[Path] | None = None) -> BuildReport | None:
        """Build (incrementally after the first time); on a user error keep serving the last site.
        One build at a time: the watcher's and a caller's would write the same folders."""
        with self._building:
            return self._rebuild(changed)

    def _rebuild(self, changed: set[Path] | None) -> BuildReport | None:
        not_indexed: list[str] = []  # built apart: what kept the build's process from updating an index
        try:
            if self.in_memory:
                report = self.builder.build(changed=changed, defer_search=self.generation.number > 0)
            else:
                self._let_searches_go()
                report, not_indexed = build_apart(self.kb.root, self.out, self.builder.search)
        except KbError as exc:
            self.log(f"Build failed; still serving the previous site.\n{exc.render()}")
            return None
        self.generation.bump()  # pages first: open pages reload now
        # What loading found wrong with the saved files (all files on the first build), and
        # config warnings when they change: not the same lines again after every save.
        saved = None if changed is None else {self.kb.relpath(path) for path in changed}
        for finding in report.unreadable:
            if saved is None or finding.location.path in saved:
                self.log(str(finding))
        warned = [warning.key for warning in report.warnings]
        if changed is None or warned != self.warned:
            for warning in report.warnings:
                self.log(f"Warning: {warning.render()}")
        self.warned = warned
        try:
            self.builder.index_pending()  # then Pagefind and the whoosh index catch up
        except KbError as exc:
            self.log(f"Search index not updated: {exc.render()}")
        for site in report.sites:
            if self.in_memory:
                self.search_of(site.name).update(self.log)
            else:  # the build's process brought the index up to date
                self.search_of(site.name).refresh()
        for problem in not_indexed:
            self.log(problem)
        return report

    def _let_searches_go(self) -> None:
        """Close the open search indexes while a build runs in a process beside this one: an index
        whose segments are each in one compound file (as kb wrote them before 2026-11-28) is held
        in memory (300 MiB at 50,000 articles), and the two together went above 1 GiB. The next
        search opens the index again (a fifth of a second)."""
        for search in self.searches.values():
            search.close()
        give_back_freed_memory()

    def search_of(self, site: str) -> SiteSearch:
        if site not in self.searches:
            self.searches[site] = SiteSearch(self.kb.root, site)
        return self.searches[site]

    def watched(self, since: Watched | None = None) -> tuple[Watched, list[str]]:
        """Every file a build reads (os.scandir: fast at 10,000 files), and the paths of those that
        are new or differ from `since`."""
        kb = self.kb
        state: Watched = {}
        differ: list[str] = []
        for folder in (kb.articles_dir, kb.schemas_dir, kb.root / kb.config.site.templates):
            _scan(folder, state, since, differ)
        config = kb.root / "kb.yaml"
        with contextlib.suppress(OSError):
            _note(str(config), config.stat(), state, since, differ)
        return state, differ

    def _edited_articles(self, before: Watched, now: Watched, differ: list[str]) -> set[Path] | None:
        """The article files edited in place, or None when anything else changed (files came or
        went, or the config, taxonomy or templates changed): then the build checks everything."""
        if before.keys() != now.keys():
            return None
        edited = {Path(name) for name in differ}
        articles = self.kb.articles_dir
        if any(path.suffix.lower() != ".md" or articles not in path.parents for path in edited):
            return None
        return edited

    def _watch(self, before: Watched) -> None:
        while not self._stop.wait(POLL_SECONDS):
            now, _ = self.watched()
            if now == before:
                continue
            time.sleep(0.1)  # let an editor finish writing (several files, or write-then-rename)
            now, differ = self.watched(since=before)
            changed = self._edited_articles(before, now, differ)
            before = now
            del now, differ
            started = time.perf_counter()
            report = self.rebuild(changed)
            if report is not None:
                written = sum(s.written for s in report.sites)
                self.log(
                    f"Rebuilt in {time.perf_counter() - started:.2f} s ({plural(written, 'file')} changed); reloading."
                )

    # -- serving ------------------------------------------------------------------------------

    def start(self) -> list[SiteServer]:
        before, _ = self.watched()  # taken before the first build, so no edit after it goes unseen
        report = self.rebuild()
        if report is None:
            raise UsageError("the first build failed; fix it and run kb serve again")
        for offset, site in enumerate(report.sites):
            port = 0 if self.port == 0 else self.port + offset
            handler = _handler(site.folder, self.search_of(site.name), self.generation)
            try:
                server = ThreadingHTTPServer((self.host, port), handler)
            except OSError as exc:
                self.stop()
                raise UsageError(f"cannot listen on {self.host}:{port}: {exc.strerror}", hint="pass --port") from None
            server.daemon_threads = True
            self.sites.append(SiteServer(site.name, site.folder, server))
            thread = threading.Thread(target=server.serve_forever, name=f"kb-serve-{site.name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        watcher = threading.Thread(target=self._watch, args=(before,), name="kb-watch", daemon=True)
        watcher.start()
        self._threads.append(watcher)
        return self.sites

    def stop(self) -> None:
        self._stop.set()
        self.builder.close()
        with self.generation.condition:
            self.generation.stopping = True
            self.generation.condition.notify_all()
        for site in self.sites:
            site.server.shutdown()
            site.server.server_close()
        for search in self.searches.values():
            search.close()


def build_apart(root: Path, out: Path, search: bool | None) -> tuple[BuildReport, list[str]]:
    """A build of every site in a new process, as `kb build` makes it (through the disk caches),
    then each site's whoosh index brought up to date in another: all they held goes back to the
    system with them. Also what kept an index from being updated, as the user reads it."""
    context = multiprocessing.get_context("spawn")  # new interpreters: this one runs threads
    with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as executor:
        made = executor.submit(_build_once, root, out, search).result()
        if isinstance(made, str):
            raise KbError(made)
        return made, executor.submit(_index_sites, root, [site.name for site in made.sites]).result()


def _build_once(root: Path, out: Path, search: bool | None) -> BuildReport | str:
    """`build_apart`'s build: its report, or what went wrong as the user reads it."""
    try:
        with Builder(root, out=out, search=search, once=True) as builder:
            return builder.build()
    except KbError as exc:
        return exc.render()


def _index_sites(root: Path, sites: list[str]) -> list[str]:
    """`build_apart`'s index updates: what kept any from being made."""
    return [problem for site in sites if (problem := _update_index(root, site))]


def _update_index(root: Path, site: str) -> str | None:
    """Bring `site`'s whoosh index up to date; what kept it from that, as the user reads it."""
    from kb.search import update_index

    try:
        update_index(KnowledgeBase(root), site=site)
    except KbError as exc:
        return f"Search index of {site} not updated: {exc.render()}"
    return None


def _scan(folder: Path, state: Watched, since: Watched | None, differ: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan(Path(entry.path), state, since, differ)
            else:
                _note(entry.path, entry.stat(), state, since, differ)
        except OSError:
            continue


def _note(path: str, info: os.stat_result, state: Watched, since: Watched | None, differ: list[str]) -> None:
    key, value = hash(path), info.st_size << 64 | info.st_mtime_ns
    state[key] = value
    if since is not None and since.get(key) != value:
        differ.append(path)


class SiteSearch:
    """One site's whoosh index, opened once and kept open while the server runs.

    The server's threads share it (`SearchIndex` serialises its calls); after each rebuild
    `update()` brings the index up to date and lets the open searcher see it.
    """

    def __init__(self, root: Path, site: str) -> None:
        self.root = root
        self.site = site
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def search(self, text: str, **options: Any) -> SearchResult:
        """`SearchIndex.search` on the open index (opened now if need be). Searches hold the lock
        `close()` takes: an index closed under a search reads files it no longer has."""
        with self._lock:
            return self._open().search(text, **options)

    def lookup_code(self, code: str) -> list[Hit]:
        with self._lock:
            return self._open().lookup_code(code)

    def _open(self) -> SearchIndex:
        """The open index; raises `IndexMissing` (a `KbError`) when it has not been built."""
        if self._index is None:
            from kb.search import SearchIndex

            self._index = SearchIndex.open(KnowledgeBase(self.root), self.site)
        return self._index

    @property
    def is_open(self) -> bool:
        return self._index is not None

    def update(self, log: Callable[[str], None]) -> None:
        problem = _update_index(self.root, self.site)
        if problem is not None:
            log(problem)
            return
        self.refresh()

    def refresh(self) -> None:
        """Let the open searcher see what the index holds now."""
        with self._lock:
            if self._index is not None:
                self._index.refresh()

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None


# -- the API: one small function per route -------------------------------------------------------

MAX_LIMIT = 100  # the most hits /api/search returns


def api_search(search: SiteSearch, query: dict[str, list[str]]) -> tuple[int, object]:
    """`/api/search?q=...`: ranked hits from this site's whoosh index only."""
    text = (query.get("q") or [""])[0]
    if not text.strip():
        return 400, {"error": "give a query: /api/search?q=AUTH-401"}
    options: dict[str, Any] = {}
    for name in ("area", "type", "code"):
        if query.get(name):
            options[name] = query[name][0]
    limit = (query.get("limit") or ["20"])[0]
    # ASCII digits only ("²" is a digit to isdigit, not to int), and few: int() refuses 4,300 of them.
    if not (limit.isascii() and limit.isdigit() and len(limit) <= 10 and 1 <= int(limit) <= MAX_LIMIT):
        return 400, {"error": f"limit must be a number from 1 to {MAX_LIMIT}, not {limit!r}"}
    options["limit"] = int(limit)
    try:
        result = search.search(text, **options)
    except UsageError as exc:  # an unknown area or type: the request is wrong, not the server
        return 400, {"error": exc.message, "hint": exc.hint}
    except KbError as exc:  # no index yet: say so, as the command line would
        return 503, {"error": exc.message, "hint": exc.hint}
    return 200, {"query": text, "suggestion": result.suggestion, "hits": [_hit(h) for h in result.hits]}


def api_error(search: SiteSearch, folder: Path, code: str) -> tuple[int, object]:
    """`/api/errors/<code>`: the code and the articles that resolve it, best first."""
    try:
        hits = search.lookup_code(code)
    except KbError:
        hits = []
    if hits:
        return 200, {"code": code, "articles": [_hit(h) for h in hits]}  # the same key as errors.json
    # Without the search index (or for a code it does not know), the site's own errors.json.
    try:
        data = json.loads((folder / urls.ERRORS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 503, {"error": "the site has not been built"}
    wanted = " ".join(code.split()).upper()
    for entry in data.get("codes", []):
        if " ".join(str(entry.get("code", "")).split()).upper() == wanted:
            return 200, entry
    return 404, {"error": f"no article on this site resolves {code}"}


def _hit(hit: Any) -> dict[str, Any]:
    fields = ("id", "title", "path", "score", "snippet", "error_codes", "product_area", "type")
    return {name: getattr(hit, name, None) for name in fields}


# -- the HTTP handler ----------------------------------------------------------------------------


def _handler(folder: Path, search: SiteSearch, generation: Generation) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kb-serve"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the terminal shows builds, not every request

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            if path == "/__kb/livereload.js":
                self._send(200, LIVERELOAD, "text/javascript; charset=utf-8")
            elif path == "/__kb/events":
                self._events()
            elif path == "/api/search":
                self._json(*api_search(search, parse_qs(parts.query)))
            elif path.startswith("/api/errors/"):
                self._json(*api_error(search, folder, path[len("/api/errors/") :]))
            elif path == "/api" or path.startswith("/api/"):  # a client of the API reads JSON, even here
                self._json(404, {"error": f"no API at {path}", "hint": "/api/search?q=... or /api/errors/<code>"})
            else:
                self._file(path)

        def _file(self, path: str) -> None:
            target = (folder / path.lstrip("/")).resolve()
            base = folder.resolve()
            if base not in target.parents and target != base:
                self._not_found()
                return
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return
                target = target / "index.html"
            if not target.is_file():
                self._not_found()
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix == ".pagefind" or target.suffix.startswith(".pf_"):
                kind = "application/octet-stream"
            data = target.read_bytes()
            if kind == "text/html":
                data = _inject(data)
                kind = "text/html; charset=utf-8"
            self._send(200, data, kind)

        def _not_found(self) -> None:
            page = folder / urls.NOT_FOUND
            data = _inject(page.read_bytes()) if page.is_file() else b"Not found"
            self._send(404, data, "text/html; charset=utf-8")

        def _json(self, status: int, payload: object) -> None:
            body = (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
            self._send(status, body, "application/json; charset=utf-8")

        def _send(self, status: int, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = generation.number
            try:
                self.wfile.write(f"data: {seen}\n\n".encode())
                self.wfile.flush()
                while not generation.stopping:
                    now = generation.wait_past(seen, KEEPALIVE_SECONDS)
                    if generation.stopping:
                        return
                    self.wfile.write(f"data: {now}\n\n".encode() if now != seen else b": keepalive\n\n")
                    self.wfile.flush()
                    seen = now
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def _inject(page: bytes) -> bytes:
    """Add the live-reload script to a page as it is served (never to the built file)."""
    closing = page.rfind(b"</body>")
    return page[:closing] + INJECT + page[closing:] if closing >= 0 else page + INJECT
