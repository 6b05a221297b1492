"""Benchmarks `index` and `index-update`: a full build of every site's search index, and one edit."""

from __future__ import annotations

from bench.content import Workload
from bench.search_kb import imported_kb, touch_one
from bench.timing import Measurement, measure
from kb.search import IndexReport, update_index


def index(workload: Workload, repeat: int) -> Measurement:
    """`update_index(kb, full=True)`: load, site views, analysis and whoosh writes for both sites."""
    kb = imported_kb(workload, indexed=False)
    timing, report = measure(lambda: update_index(kb, full=True), repeat)
    return Measurement(timing, _facts(report), [])


def index_update(workload: Workload, repeat: int) -> Measurement:
    """`update_index(kb)` after one article changed: find it, re-index it in every site, commit."""
    kb = imported_kb(workload)
    rounds = iter(range(1, 1_000_000))
    timing, report = measure(lambda: update_index(kb), repeat, setup=lambda: touch_one(kb, next(rounds)))
    changed = sum(site.changed for site in report.sites)
    facts = _facts(report)
    facts["rewritten"] = changed
    return Measurement(timing, facts, [] if changed else ["the edit was not seen: nothing was re-indexed"])


def _facts(report: IndexReport) -> dict[str, int | float | str]:
    facts: dict[str, int | float | str] = {f"{site.site} articles": site.published for site in report.sites}
    facts["unreadable"] = len(report.unreadable)
    return facts
