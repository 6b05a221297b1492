"""Benchmarks `build` and `rebuild`: kb's two sites from a cold start, and a rebuild after one change.

The workload's articles are corpus articles (foreign front matter, or a replica of them); they
are brought in by `kb import` once, untimed, as public and validated articles so that both sites
publish every one (`bench.search_kb.imported_kb`, shared with the search benchmarks).

- `build` times `kb build --no-search --full --no-cache` in a new process: both sites, nothing
  reused (compare with one anchor site: the target is at most 1x Hugo and 0.1x MkDocs). The
  check's results (`.kb-cache/`, which `--no-cache` leaves alone) are removed before each run: a
  cold build checks every article.
- `rebuild` times what `kb serve` does after one article is saved: the same builder, told which
  file changed (target under 1 s at 10,000 articles); facts give a new `kb build` process's time.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
from pathlib import Path

from bench.content import WORK, Workload
from bench.search_kb import imported_kb
from bench.timing import Measurement, measure, run_process
from kb.project import CACHE_DIR

KB = Path(sys.executable).parent / "kb"
TODAY = dt.date(2026, 3, 1)  # staleness is judged on a fixed day: the same output every run


def kb_copy(workload: Workload) -> Path:
    """A KB holding the workload's articles, imported (made once, untimed)."""
    return imported_kb(workload, indexed=False).root


def _command(root: Path, out: Path, *extra: str) -> list[str]:
    return [str(KB), "--root", str(root), "build", "--no-search", "--out", str(out), "-q",
            "--today", TODAY.isoformat(), *extra]  # fmt: skip


def build(workload: Workload, repeat: int) -> Measurement:
    """A cold `kb build` of both sites in a new process: no cache read or written, every file written."""
    root = kb_copy(workload)
    out = WORK / "site-out" / workload.name

    def cold() -> None:
        shutil.rmtree(out, True)
        shutil.rmtree(root / CACHE_DIR, True)  # else every run after the first reads the check's results

    timing = run_process(
        _command(root, out, "--full", "--no-cache"),
        repeat,
        cwd=root,
        setup=cold,
        log=WORK / "logs" / f"build-{workload.name}",
    )
    pages = sum(1 for _ in out.rglob("*.html"))
    return Measurement(timing, {"articles": len(workload.files), "sites": 2, "pages written": pages})


def rebuild(workload: Workload, repeat: int) -> Measurement:
    """One article changes: `kb serve`'s builder rebuilds (told which file); then a new process does."""
    from kb.site.build import Builder

    root = kb_copy(workload)
    out = WORK / "site-out" / f"{workload.name}-rebuild"
    shutil.rmtree(out, ignore_errors=True)
    article = sorted((root / "articles").rglob("*.md"))[len(workload.files) // 2]
    original = article.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    def edit() -> None:
        article.write_text(original + f"\n\nEdit number {next(edits)}.\n", encoding="utf-8")

    try:
        with Builder(root, out=out, today=TODAY, search=False) as builder:
            builder.build()  # the first build, as `kb serve` starts with (not timed)
            timing, report = measure(lambda: builder.build(changed={article}), repeat, setup=edit)
        written = sum(site.written for site in report.sites)
        log = WORK / "logs" / f"rebuild-{workload.name}"
        cold = run_process(_command(root, out), max(1, repeat // 2), cwd=root, setup=edit, log=log)
    finally:
        article.write_text(original, encoding="utf-8")
    facts: dict[str, int | float | str] = {
        "articles": len(workload.files),
        "files written": written,
        "new kb build process, median s": round(statistics.median(cold.seconds), 2),
    }
    return Measurement(timing, facts)
