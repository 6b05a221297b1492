"""Benchmarks `search-code` and `search-prose`: latency of `SearchIndex.search` inside one process.

Each query is timed on its own, snippets and did-you-mean included, on an index opened once (as
the site server keeps it). The timing's runs are the single queries, so its median is the p50;
p95 is in the facts. Code queries are the codes of error-queries.tsv; prose queries are two to
four words of article titles. Before timing, a different set of prose queries warms the caches
once, as earlier visitors would on a running server.
"""

from __future__ import annotations

import random
import re
import statistics
import time

from bench.content import Workload
from bench.search_kb import corpus_queries, imported_kb
from bench.timing import Measurement, Timing
from kb.search import SearchIndex

_SHORT = {"when", "with", "after", "from", "that", "this", "your", "cannot", "error", "using", "into", "does"}


def prose_queries(index: SearchIndex, count: int, seed: int) -> list[str]:
    """Two to four longer words of article titles, as people describe a problem."""
    titles = sorted(set(index.titles()))
    rng = random.Random(seed)
    queries = []
    for title in rng.sample(titles, min(count, len(titles))):
        words = [w for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() not in _SHORT]
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, min(len(words), rng.randint(2, 4)))).lower())
    return queries


def latencies(index: SearchIndex, queries: list[str], repeat: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Wall and CPU seconds of each query: on a busy machine the CPU time is the steadier figure."""
    seconds = []
    cpu = []
    for _ in range(repeat):
        for query in queries:
            started, started_cpu = time.perf_counter(), time.thread_time()
            index.search(query)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
    return tuple(seconds), tuple(cpu)


def percentile(samples: tuple[float, ...], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _measure(workload: Workload, repeat: int, kind: str) -> Measurement:
    kb = imported_kb(workload)
    with SearchIndex.open(kb, "internal") as index:
        for query in prose_queries(index, 100, seed=1):  # warm-up: other queries than those timed
            index.search(query)
        queries = corpus_queries() if kind == "code" else prose_queries(index, 200, seed=2)
        seconds, cpu = latencies(index, queries, repeat)
        size = index.size
    facts: dict[str, int | float | str] = {
        "articles": size,
        "queries": len(queries),
        "p50 ms": round(statistics.median(seconds) * 1000, 2),
        "p95 ms": round(percentile(seconds, 95) * 1000, 2),
        "max ms": round(max(seconds) * 1000, 2),
        "CPU p50 ms": round(statistics.median(cpu) * 1000, 2),
        "CPU p95 ms": round(percentile(cpu, 95) * 1000, 2),
    }
    return Measurement(Timing(seconds, cpu), facts, [])


def search_code(workload: Workload, repeat: int) -> Measurement:
    return _measure(workload, repeat, "code")


def search_prose(workload: Workload, repeat: int) -> Measurement:
    return _measure(workload, repeat, "prose")
