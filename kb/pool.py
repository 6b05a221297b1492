"""Both cores for the costly stages: work in chunks over a process pool, or once in a child process.

Parsing Markdown in pure Python is what checking, indexing and building thousands of articles
spend most of their time on; a process pool splits that work. Work goes out and comes back in
small chunks, a few at a time, so that neither side ever holds more than those chunks: at 50,000
articles, a handful of large chunks cost gigabytes in flight. What every item needs (a site's link
table, the check's rules) reaches each worker once. Small jobs stay in the calling process, where
starting a pool would cost more than it saves.

Workers start one of two ways:
- `fork`: copies of the caller, which inherit what it has loaded (the config, the taxonomy, the
  rules). Right for `kb check`, which holds little when its pool starts.
- `forkserver`: forks of a server that has imported kb's module of the first work that used it
  and nothing else (the build, the index). A worker forked from a build holding 50,000 articles
  shares its memory only until either side touches a page of it, and sending pages to the workers
  touches most of them, so each page ended up twice; kb serve indexes from such a process.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from typing import Any, Literal, TypeVar

POOL_THRESHOLD = 200  # fewer items than this run in the calling process
CHUNK = 50  # items sent to a worker at once
CHUNK_WEIGHT = 2_000  # ... or fewer, when they are heavy (a page listing 500 articles weighs 500)
IN_FLIGHT = 2  # chunks per worker sent ahead of the results read
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
Start = Literal["fork", "forkserver"]

_SHARED: Any = None  # in a worker: what the pool's function gets besides its items


def cores(most: int) -> int:
    """Every core of this machine, up to `most`."""
    return max(1, min(os.cpu_count() or 1, most))


def workers() -> int:
    """Processes the build uses: every core, up to four; `KB_WORKERS` overrides (1 means no pool).
    The check and the index choose their own (`processes`)."""
    configured = os.environ.get("KB_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return cores(4)


def run(
    function: Callable[[S, list[T]], list[R]],
    shared: S,
    items: Iterable[T],
    *,
    weight: Callable[[T], int] | None = None,
    processes: int | None = None,
    chunk: int | None = None,
    threshold: int | None = None,
    start: Start = "forkserver",
) -> Iterator[R]:
    """`function(shared, chunk)` over `items` in chunks, in a pool when there are at least
    `threshold` (POOL_THRESHOLD) items; the results in order, as they come. `items` is read as the
    work goes, never all at once. With `weight`, a chunk ends before its items weigh more than
    CHUNK_WEIGHT together (a chunk of long pages is as heavy as thousands of short ones).
    `processes` defaults to `workers()`, `chunk` to CHUNK. `function` must be a module's own
    function: the fork server imports its module."""
    source = iter(items)
    needed = POOL_THRESHOLD if threshold is None else threshold
    head = list(islice(source, needed))
    processes = processes or workers()
    size = chunk or CHUNK
    context = _context(start, function.__module__)
    if len(head) < needed or processes == 1 or context is None:
        for part in _chunks(chain(head, source), size, weight):
            yield from function(shared, part)
        return
    with ProcessPoolExecutor(processes, context, initializer=_share, initargs=(shared,)) as pool:
        pending: deque[Future[list[R]]] = deque()
        for part in _chunks(chain(head, source), size, weight):
            pending.append(pool.submit(_call, function, part))
            if len(pending) >= IN_FLIGHT * processes:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _context(start: Start, module: str) -> BaseContext | None:
    """How workers start; None when they cannot start that way here (the work stays in process)."""
    methods = get_all_start_methods()
    if start == "fork":
        return get_context("fork") if "fork" in methods else None
    if "forkserver" not in methods:
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload([module])  # the server imports it once; each worker is a fork of it
    return context


def _share(shared: object) -> None:
    global _SHARED
    _SHARED = shared
    # A worker forked while its caller had paused the collector (`gc_paused`) would run without
    # one: the many objects each item makes and drops would pile up instead. What it starts with
    # (what it inherited, what it shares) lives as long as it does: frozen, the collector's full
    # passes skip it, and do not write to pages it shares with its parent.
    gc.enable()
    gc.freeze()


def _chunks(items: Iterator[T], size: int, weight: Callable[[T], int] | None) -> Iterator[list[T]]:
    if weight is None:
        while part := list(islice(items, size)):
            yield part
        return
    part, load = [], 0
    for item in items:
        heft = weight(item)
        if part and (len(part) == size or load + heft > CHUNK_WEIGHT):
            yield part
            part, load = [], 0
        part.append(item)
        load += heft
    if part:
        yield part


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
