"""The benchmarks `python -m bench` knows, in the order they run: write one function, register it here.

A benchmark is `run(workload, repeat) -> Measurement`: it prepares what it needs without timing
it, then times `repeat` runs with `bench.timing.measure` (in-process) or `run_process` (a command).
The runner measures the anchors on the same workload in the same run and prints the ratios.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from bench import check, indexing, memory, parse, querying, site
from bench.content import Workload
from bench.errors import BenchError
from bench.timing import Measurement


@dataclass(frozen=True)
class Benchmark:
    """One figure of DESIGN.md's targets, measured on a workload."""

    name: str  # what `python -m bench NAME` selects
    label: str  # the row's name in the table
    about: str  # what is timed, for the report's legend
    versus: str  # how to read the ratio against the anchors' full builds
    run: Callable[[Workload, int], Measurement]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        name="parse",
        label="kb parse",
        about="kb.load.load_bytes + article.tokens for every article, files already in memory",
        versus="kb's parse only (front matter + Markdown tokens, one core) vs each anchor's full build "
        "(read, parse, render, write)",
        run=parse.parse,
    ),
    Benchmark(
        name="index",
        label="kb index (full)",
        about="kb.search.update_index(full=True): load, site views, analysis and whoosh writes of both sites' "
        "search indexes (articles imported as public, so each site indexes all of them)",
        versus="kb's search-index build vs each anchor's full site build",
        run=indexing.index,
    ),
    Benchmark(
        name="index-update",
        label="kb index (one edit)",
        about="kb.search.update_index after one article changed: stat every file, re-index the one, commit "
        "(target: under 1 s at 10,000 articles)",
        versus="one incremental index update vs a full anchor build",
        run=indexing.index_update,
    ),
    Benchmark(
        name="search-code",
        label="kb search (code)",
        about="SearchIndex.search per error code of error-queries.tsv, in one process; median = p50, p95 in "
        "the facts (target: p95 under 5 ms at 10,000 articles)",
        versus="one query vs a full anchor build: read as how many searches fit in one build",
        run=querying.search_code,
    ),
    Benchmark(
        name="search-prose",
        label="kb search (prose)",
        about="SearchIndex.search per query of 2-4 title words, in one process; median = p50, p95 in the facts "
        "(target: p95 under 30 ms at 10,000 articles)",
        versus="one query vs a full anchor build: read as how many searches fit in one build",
        run=querying.search_prose,
    ),
    Benchmark(
        name="check-cold",
        label="kb check (cold)",
        about="`python -m kb check -q` on a kb-format KB of the workload's size, .kb-cache/ removed before each run",
        versus="a whole `kb check` (load, schema, every rule, cache written) vs each anchor's full build",
        run=check.check_cold,
    ),
    Benchmark(
        name="check-floor",
        label="kb check (cold, no article rules)",
        about="`python -m kb check -q` as check-cold, on a copy of the KB whose kb.yaml ignores every article rule: "
        "reading, schema, parse, facts and the rules across articles only",
        versus="the floor of a cold `kb check` (no article rule runs) vs each anchor's full build",
        run=check.check_floor,
    ),
    Benchmark(
        name="check-warm",
        label="kb check (warm)",
        about="`python -m kb check -q` again with nothing changed: per-article results from .kb-cache/",
        versus="a `kb check` with nothing changed vs each anchor's full build",
        run=check.check_warm,
    ),
    Benchmark(
        name="build",
        label="kb build, 2 sites",
        about="kb build --no-search --full --no-cache in a new process, .kb-cache/ removed: both sites, cold "
        "(every article checked), every file written",
        versus="kb's two sites vs each anchor's one site (targets: at most 1x Hugo, at most 0.1x MkDocs)",
        run=site.build,
    ),
    Benchmark(
        name="rebuild",
        label="kb rebuild, 1 article",
        about="kb serve's builder after one article is saved, told which file (no Pagefind)",
        versus="one article's rebuild vs each anchor's full build (target: under 1 s at 10,000 articles)",
        run=site.rebuild,
    ),
    Benchmark(
        name="memory",
        label="kb peak memory",
        about="every command (import, check cold and warm, audit, build cold and warm, index, search) "
        "in a new process; "
        "peak = largest sum of PSS (shared pages split, not counted twice) over its process tree; "
        "time = the commands' times added up "
        "(target: every peak under 1 GiB at 50,000 articles)",
        versus="all commands' time vs one anchor build; read the peaks in the facts",
        run=memory.memory,
    ),
)


def select(names: list[str]) -> list[Benchmark]:
    """The benchmarks named (all when none is), in registry order."""
    known = {b.name: b for b in BENCHMARKS}
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise BenchError(f"unknown benchmark {name!r} (known: {', '.join(known)}){hint}")
    return [b for b in BENCHMARKS if not names or b.name in names]
