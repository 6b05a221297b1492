"""Both cores for the costly stages of a large build.

Parsing Markdown in pure Python is what a build of thousands of articles spends most of its
time on; a process pool splits that work, and the writing of pages. Work goes out and comes back
in small chunks, a few at a time, so that neither side ever holds more than those chunks: at
50,000 articles, a handful of large chunks cost gigabytes in flight. What every item needs (the
site's link table, its templates) is sent once to each worker.

The workers come from a fork server that has imported kb and nothing else, not from the build
itself: a worker forked from a build holding 50,000 articles shares its memory only until either
side touches a page of it, and sending pages to the workers touches most of them, so each page
ended up twice. Small jobs (an incremental rebuild) stay in the calling process, where starting a
pool would cost more than it saves.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from kb import markdown
from kb.site.collect import Page
from kb.site.leaks import Forbidden, Leak, scan_file
from kb.site.output import write_file
from kb.site.render import LinkTable, RenderedBody, render
from kb.site.templates import Templates
from kb.site.views import AreaView, CodesView, CodeView, HealthView, SiteInfo, TagView

POOL_THRESHOLD = 200  # fewer items than this run in the calling process
CHUNK = 50  # items sent to a worker at once
CHUNK_WEIGHT = 2_000  # ... or fewer, when they are heavy (a page listing 500 articles weighs 500)
IN_FLIGHT = 2  # chunks per worker sent ahead of the results read
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_SHARED: Any = None  # in a worker: what the pool's function gets besides its items


def workers() -> int:
    """Processes to use: every core, up to four; `KB_WORKERS` overrides (1 means no pool)."""
    configured = os.environ.get("KB_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(os.cpu_count() or 1, 4))


def run(
    function: Callable[[S, list[T]], list[R]],
    shared: S,
    items: Iterable[T],
    weight: Callable[[T], int] | None = None,
) -> Iterator[R]:
    """`function(shared, chunk)` over `items` in chunks, in a pool when there are enough; the
    results in order, as they come. `items` is read as the work goes, never all at once. With
    `weight`, a chunk ends before its items weigh more than CHUNK_WEIGHT together (a chunk of
    long pages is as heavy as thousands of short ones)."""
    source = iter(items)
    head = list(islice(source, POOL_THRESHOLD))
    processes = workers()
    if len(head) < POOL_THRESHOLD or processes == 1:
        for chunk in _chunks(chain(head, source), weight):
            yield from function(shared, chunk)
        return
    with ProcessPoolExecutor(processes, _pool_context(), initializer=_share, initargs=(shared,)) as pool:
        pending: deque[Future[list[R]]] = deque()
        for chunk in _chunks(chain(head, source), weight):
            pending.append(pool.submit(_call, function, chunk))
            if len(pending) >= IN_FLIGHT * processes:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _pool_context() -> BaseContext:
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload([__name__])  # the server imports kb once; each worker is a fork of it
    return context


def _share(shared: object) -> None:
    global _SHARED
    _SHARED = shared


def _chunks(items: Iterator[T], weight: Callable[[T], int] | None = None) -> Iterator[list[T]]:
    if weight is None:
        while chunk := list(islice(items, CHUNK)):
            yield chunk
        return
    chunk, load = [], 0
    for item in items:
        heft = weight(item)
        if chunk and (len(chunk) == CHUNK or load + heft > CHUNK_WEIGHT):
            yield chunk
            chunk, load = [], 0
        chunk.append(item)
        load += heft
    if chunk:
        yield chunk


def _call(function: Callable[[Any, list[T]], list[R]], items: list[T]) -> list[R]:
    return function(_SHARED, items)


def in_child(function: Callable[[], T]) -> T | None:
    """`function()` in a forked process, its result sent back; None when that did not work (no
    fork here, or the child failed), and the caller runs it itself. All the memory the work
    needed goes back to the system with the child: only the result stays."""
    if "fork" not in get_all_start_methods():
        return None
    # Through a file, read once the child has gone: its memory and the result's never add up.
    with tempfile.TemporaryFile() as spool:
        pid = os.fork()
        if pid == 0:  # the child
            status = 1
            try:
                pickle.dump(function(), spool, protocol=pickle.HIGHEST_PROTOCOL)
                spool.flush()
                status = 0
            except BaseException:  # the parent runs it again and reports the failure as it should
                status = 1
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        spool.seek(0)
        result: T = pickle.load(spool)
        return result


@dataclass(frozen=True)
class PageBatch:
    """What writing any page of one site needs besides the page itself."""

    override: Path | None  # the KB's templates folder
    fingerprint: str  # of the templates in use (a worker reuses its compiled templates while it matches)
    site: SiteInfo
    target: Path  # the folder being written
    forbidden: Forbidden


_TEMPLATES: dict[tuple[Path | None, str], Templates] = {}


def page_weight(item: tuple[Page, str]) -> int:
    """What writing a page holds while it works: its list's rows, or one for an article."""
    view = item[0].view
    if isinstance(view, HealthView):
        return max(1, len(view.rows))
    if isinstance(view, TagView | CodeView):
        return max(1, len(view.articles))
    if isinstance(view, AreaView):
        return max(1, len(view.area.articles))
    if isinstance(view, CodesView):
        return max(1, len(view.codes))
    return 1


def write_pages(batch: PageBatch, items: list[tuple[Page, str]]) -> list[Leak]:
    """Render, scan and write pages (each with its body's HTML); returns what the scan found."""
    found: list[Leak] = []
    for page, body in items:
        templates = _TEMPLATES.get((batch.override, batch.fingerprint))
        if templates is None:
            _TEMPLATES.clear()
            templates = _TEMPLATES[(batch.override, batch.fingerprint)] = Templates(batch.override)
        data = templates.render(page, batch.site, body)
        found.extend(scan_file(page.path, data, batch.forbidden))
        write_file(batch.target, page.path, data)
    return found


RenderJob = tuple[str, str, str, bool, str | None]  # (cache key, body, relpath, staff, title)


def render_chunk(table: LinkTable, jobs: list[RenderJob]) -> list[tuple[str, RenderedBody]]:
    return [
        (key, render(markdown.parse(body), relpath, table, staff=staff, title=title))
        for key, body, relpath, staff, title in jobs
    ]
