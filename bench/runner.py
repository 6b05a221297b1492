"""One benchmark run: for each size, prepare the workload, time the selected benchmarks, then the anchors."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench import anchors as anchor_tools
from bench.anchors import Anchor
from bench.content import REPO, WORK, prepare, source_root
from bench.report import Report, Row
from bench.suite import Benchmark


@dataclass(frozen=True)
class Plan:
    """What to measure: the benchmarks and anchors, on which content, how many times."""

    benchmarks: list[Benchmark]
    anchors: list[Anchor]
    source: str
    sizes: list[int]
    repeat: int
    anchor_repeat: int
    work: Path = WORK
    kb_root: Path | None = None  # config for replicated content (default: see content.default_kb_root)


def run(plan: Plan, say: Callable[[str], None]) -> Report:
    """Measure everything in `plan`; `say` receives one line of progress per step."""
    report = Report(meta=_meta(plan))
    report.legend = [f"{b.label}: {b.about}; ratios compare {b.versus}." for b in plan.benchmarks]
    report.legend += [f"{a.label}: {a.about}." for a in plan.anchors]
    for size in plan.sizes:
        say(f"preparing {size:,} articles from {plan.source}")
        workload = prepare(plan.source, size, plan.work, plan.kb_root)
        kind = "replicated with new ids in " + str(workload.root) if workload.replicated else "the source's own files"
        say(f"  {workload.size:,} articles, {workload.total_bytes / 1e6:.1f} MB: {kind}")
        rows: list[Row] = []
        for benchmark in plan.benchmarks:
            say(f"  {benchmark.label}: {plan.repeat} run(s)")
            measured = benchmark.run(workload, plan.repeat)
            say(f"    median {measured.timing.median:.3f} s")
            rows.append(Row("kb", benchmark.name, benchmark.label, size, measured))
        anchor_rows: list[Row] = []
        for anchor in plan.anchors:
            say(f"  {anchor.label}: {plan.anchor_repeat} run(s)")
            measured = anchor_tools.measure(anchor, workload, plan.anchor_repeat, plan.work)
            say(f"    median {measured.timing.median:.3f} s")
            anchor_rows.append(Row("anchor", anchor.name, anchor.label, size, measured))
        for row in rows:
            kb_time = row.measurement.timing
            for anchor_row in anchor_rows:
                anchor_time = anchor_row.measurement.timing
                row.ratios[anchor_row.name] = kb_time.median / anchor_time.median
                if kb_time.cpu_median and anchor_time.cpu_median:
                    row.cpu_ratios[anchor_row.name] = kb_time.cpu_median / anchor_time.cpu_median
        report.rows += rows + anchor_rows
    report.meta["finished"] = _now()
    report.meta["load_after"] = _load()
    return report


def _meta(plan: Plan) -> dict[str, object]:
    return {
        "started": _now(),
        "source": f"{plan.source} ({source_root(plan.source)})",
        "sizes": plan.sizes,
        "repeat": plan.repeat,
        "anchor_repeat": plan.anchor_repeat,
        "cpus": os.cpu_count(),
        "load_before": _load(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "kb_commit": _commit(),
        "markdown_it_py": metadata.version("markdown-it-py"),
        "anchor_versions": {a.name: a.version() for a in plan.anchors},
        "anchor_executables": {a.name: str(a.executable()) for a in plan.anchors},
        "network": anchor_tools.isolation()[1] if plan.anchors else "-",
        "argv": sys.argv,
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _commit() -> str:
    """The kb commit measured, with `+dirty` when the tree has uncommitted changes to kb/."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kb"], cwd=REPO, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty.stdout.strip() else "")
