"""Benchmark `parse`: load every article from memory (front matter) and tokenise its Markdown body."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from bench.content import ArticleFile, Workload
from bench.timing import Measurement, measure
from kb.load import load_bytes


@dataclass
class Outcome:
    """What one pass over the articles found."""

    loaded: int = 0
    with_findings: int = 0
    tokens: int = 0
    markdown_seconds: float = 0.0  # the part of the pass spent in `article.tokens`
    codes: Counter[str] = field(default_factory=Counter)


def parse_all(files: list[ArticleFile]) -> Outcome:
    """`kb.load.load_bytes` then `article.tokens` for every file, as kb's pipeline starts."""
    outcome = Outcome()
    clock = time.perf_counter
    for file in files:
        loaded = load_bytes(file.data, file.path, file.relpath)
        if loaded.findings:
            outcome.with_findings += 1
            outcome.codes.update(f"{f.code} {f.name}" for f in loaded.findings)
        if loaded.article is not None:
            outcome.loaded += 1
            start = clock()
            outcome.tokens += len(loaded.article.tokens)
            outcome.markdown_seconds += clock() - start
    return outcome


def parse(workload: Workload, repeat: int) -> Measurement:
    """Time `parse_all` over the workload, read into memory first so that disk time is left out."""
    files = workload.read()
    timing, outcome = measure(lambda: parse_all(files), repeat)
    share = outcome.markdown_seconds / timing.seconds[-1] if timing.seconds[-1] else 0.0
    facts: dict[str, int | float | str] = {
        "articles": len(files),
        "MB": round(sum(len(f.data) for f in files) / 1e6, 1),
        "loaded": outcome.loaded,
        "with findings": outcome.with_findings,
        "tokens": outcome.tokens,
        "Markdown share": f"{share:.0%}",
    }
    notes = [f"{n} × {code}" for code, n in outcome.codes.most_common(8)]
    return Measurement(timing, facts, notes)
