"""Benchmarks `check-cold` and `check-warm`: `kb check` of a whole KB, without and with its result cache;
and `check-floor`: the cold check with every article rule turned off.

DESIGN.md's targets: 10,000 articles under 15 s cold and under 2 s when nothing changed. Each
run is a fresh `python -m kb check -q` process (start-up and imports included). On the corpus,
the articles are the real ones brought in by `kb import` (`bench.search_kb.imported_kb`: the
corpus, or its replica at the workload's size, imported once and reused), so every quality rule
reads real prose; on `--source articles` this repository's sample KB is replicated as it is.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from bench.content import WORK, Workload
from bench.errors import BenchError
from bench.search_kb import imported_kb
from bench.timing import Measurement, run_process
from kb.config import CONFIG_FILE
from kb.project import CACHE_DIR


def kb_root(workload: Workload) -> Path:
    """The root of a KB with the workload's number of articles."""
    if workload.source != "corpus":
        if workload.kb_root is None:
            raise BenchError(f"{workload.root} is not a knowledge base (no kb.yaml)")
        return workload.kb_root
    return imported_kb(workload, indexed=False).root


def _command() -> list[str]:
    # `kb check` exits 1 when it finds errors, which real articles have: only 2 (or worse) fails.
    return ["sh", "-c", f'"{sys.executable}" -m kb check -q; test $? -le 1']


def _facts(root: Path, log: Path) -> dict[str, int | float | str]:
    findings = log.with_name(log.name + ".stdout.log").read_text(encoding="utf-8").count("\n")
    articles = sum(1 for _ in (root / "articles").rglob("*.md"))
    return {"articles": articles, "findings": findings}


def check_cold(workload: Workload, repeat: int) -> Measurement:
    """`kb check` with no result cache: every article read, parsed and checked (in a process pool)."""
    root = kb_root(workload)
    log = WORK / "logs" / f"check-cold-{workload.name}"
    timing = run_process(_command(), repeat, cwd=root, setup=lambda: shutil.rmtree(root / CACHE_DIR, True), log=log)
    return Measurement(timing, _facts(root, log), [f"KB: {root}"])


def check_warm(workload: Workload, repeat: int) -> Measurement:
    """`kb check` when nothing changed since the last run: findings come from .kb-cache/."""
    root = kb_root(workload)
    log = WORK / "logs" / f"check-warm-{workload.name}"
    run_process(_command(), 1, cwd=root, log=log)  # fill the cache, untimed
    timing = run_process(_command(), repeat, cwd=root, log=log)
    return Measurement(timing, _facts(root, log), [f"KB: {root}"])


def check_floor(workload: Workload, repeat: int) -> Measurement:
    """`kb check` with no result cache and every article rule ignored in kb.yaml (`lint.ignore`):
    what reading, validating, parsing, the facts and the rules across articles cost on their own,
    a floor that no work on the article rules can go below. Runs on a copy of the KB."""
    from kb.rules import article_rules

    source = kb_root(workload)
    root = WORK / "check-floor" / workload.name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(CACHE_DIR, "site"))
    config = yaml.safe_load((root / CONFIG_FILE).read_text(encoding="utf-8")) or {}
    lint = config.setdefault("lint", {})
    lint["ignore"] = sorted({*lint.get("ignore", []), *(rule.code for rule in article_rules())})
    (root / CONFIG_FILE).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    log = WORK / "logs" / f"check-floor-{workload.name}"
    timing = run_process(_command(), repeat, cwd=root, setup=lambda: shutil.rmtree(root / CACHE_DIR, True), log=log)
    return Measurement(timing, _facts(root, log), [f"KB: a copy of {source}, every article rule ignored"])
