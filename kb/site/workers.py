"""Both cores for the costliest stage of a large build: rendering article bodies.

Parsing Markdown in pure Python is what a build of thousands of articles spends most of its
time on; a process pool splits that work (the results, HTML strings, are cheap to send back).
Small jobs (an incremental rebuild) stay in the calling process, where starting a pool would cost
more than it saves.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from kb import markdown
from kb.site.collect import Page
from kb.site.leaks import Forbidden, Leak, scan_file
from kb.site.output import write_file
from kb.site.render import LinkTable, RenderedBody, render
from kb.site.templates import Templates
from kb.site.views import SiteInfo

POOL_THRESHOLD = 200  # fewer jobs than this run in the calling process
T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """Processes to use: every core, up to four; `KB_WORKERS` overrides (1 means no pool)."""
    configured = os.environ.get("KB_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(os.cpu_count() or 1, 4))


def _chunks(items: Sequence[T], count: int) -> list[list[T]]:
    size = max(1, -(-len(items) // count))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run(function: Callable[[list[T]], list[R]], items: Sequence[T], *, per_worker: int = 4) -> list[R]:
    """`function` over `items` in chunks, in a pool when there are enough; results in order."""
    processes = workers()
    if len(items) < POOL_THRESHOLD or processes == 1:
        return function(list(items))
    chunks = _chunks(items, processes * per_worker)
    results: list[R] = []
    # The workers are forked from a parent holding the whole build. A garbage collection in a
    # worker would walk (and so copy) every object it inherits; frozen, they are left alone and
    # their pages stay shared. They live as long as the build (kb serve freezes them anyway).
    gc.freeze()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        for part in pool.map(function, chunks):
            results.extend(part)
    return results


@dataclass(frozen=True)
class PageBatch:
    """What writing any page of one site needs besides the page itself."""

    override: Path | None  # the KB's templates folder
    fingerprint: str  # of the templates in use (a worker reuses its compiled templates while it matches)
    site: SiteInfo
    target: Path  # the folder being written
    forbidden: Forbidden


_TEMPLATES: dict[tuple[Path | None, str], Templates] = {}


def write_pages(items: list[tuple[PageBatch, Page, str]]) -> list[Leak]:
    """Render, scan and write pages; returns what the scan found."""
    found: list[Leak] = []
    for batch, page, body in items:
        templates = _TEMPLATES.get((batch.override, batch.fingerprint))
        if templates is None:
            _TEMPLATES.clear()
            templates = _TEMPLATES[(batch.override, batch.fingerprint)] = Templates(batch.override)
        data = templates.render(page, batch.site, body)
        found.extend(scan_file(page.path, data, batch.forbidden))
        write_file(batch.target, page.path, data)
    return found


RenderJob = tuple[str, str, str, bool, str | None]  # (cache key, body, relpath, staff, title)


def render_chunk(items: list[tuple[LinkTable, RenderJob]]) -> list[tuple[str, RenderedBody]]:
    return [
        (key, render(markdown.parse(body), relpath, table, staff=staff, title=title))
        for table, (key, body, relpath, staff, title) in items
    ]
