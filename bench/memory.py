"""Benchmark `memory`: the peak memory of every kb command on one KB (target: under 1 GiB at 50,000 articles).

Each command runs in a new process, as a user runs it, on the workload imported by `kb import`
(`bench.search_kb.imported_kb`): `import` (into a new KB), `check` cold and warm, `audit`,
`build` (both sites, no Pagefind, no cache), `build warm` (after one article changed, the caches
warm: the usual build), `build search` (every page written again with the caches warm, and the
Pagefind indexes: Pagefind's runs are part of the tree), `index` (full) and `search`. Peak memory is the
largest sum of resident memory over the command's whole process tree (the pools' workers
included), sampled every 20 ms from /proc; `wait4`'s figure (the largest single process) is kept
too. The benchmark's time is the sum of the commands' times; its facts give each command's peak.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.content import CORPUS, WORK, Workload
from bench.errors import ProcessFailed
from bench.search_kb import IMPORT_OPTIONS, corpus_queries, imported_kb
from bench.timing import Measurement, Timing

KB = Path(sys.executable).parent / "kb"
TODAY = "2026-03-01"
LIMIT = 1 << 30  # DESIGN.md: any command under 1 GiB at 50,000 articles
SAMPLE_SECONDS = 0.02
EDIT = "\nOne more sentence, for the memory benchmark's warm build.\n"

Setup = Callable[[], None]


@dataclass(frozen=True)
class Peak:
    """One command's run: wall and CPU time, and its peak memory (bytes)."""

    seconds: float
    cpu: float
    tree_pss: int  # the largest sum of proportional set sizes over the process tree seen while it ran
    tree_rss: int  # the same for resident set sizes: pages a forked worker shares are counted twice
    process_rss: int  # wait4 ru_maxrss: an upper bound only (it includes the harness, see run_measured)


def memory(workload: Workload, repeat: int) -> Measurement:
    """Every command once per repeat, on the workload's KB; facts: each command's peak in MiB."""
    root = imported_kb(workload, indexed=False).root
    scratch = WORK / "memory" / workload.name
    code = (corpus_queries(1) or ["0x80070005"])[0] if CORPUS.is_dir() else "error"
    commands = _commands(workload, root, scratch, code)
    peaks: dict[str, list[Peak]] = {name: [] for name, _, _ in commands}
    for _ in range(repeat):
        for name, argv, setup in commands:
            if setup is not None:
                setup()
            peaks[name].append(run_measured(argv, cwd=root, log=WORK / "logs" / f"memory-{name}-{workload.name}"))
    facts: dict[str, int | float | str] = {}
    notes = []
    for name, runs in peaks.items():
        worst = max(p.tree_pss for p in runs)
        facts[f"{name} peak MiB"] = round(worst / (1 << 20))
        facts[f"{name} RSS sum MiB"] = round(max(p.tree_rss for p in runs) / (1 << 20))
        if worst >= LIMIT:
            notes.append(f"{name}: {worst / (1 << 30):.2f} GiB, over the 1 GiB target")
    facts["largest peak MiB"] = max(int(v) for k, v in facts.items() if k.endswith(" peak MiB"))
    totals = [sum(runs[i].seconds for runs in peaks.values()) for i in range(repeat)]
    cpu = [sum(runs[i].cpu for runs in peaks.values()) for i in range(repeat)]
    rss = [max(runs[i].tree_pss for runs in peaks.values()) for i in range(repeat)]
    return Measurement(Timing(tuple(totals), tuple(cpu), tuple(rss)), facts, notes)


def _commands(workload: Workload, root: Path, scratch: Path, code: str) -> list[tuple[str, list[str], Setup | None]]:
    kb = [str(KB), "--root", str(root)]
    fresh = scratch / "import-kb"
    snippets = CORPUS / "snippets"
    include = ["--include-root", str(snippets)] if snippets.is_dir() else []

    def new_kb() -> None:
        shutil.rmtree(fresh, ignore_errors=True)
        subprocess.run([str(KB), "init", str(fresh), "-q"], check=True)
        shutil.rmtree(fresh / "articles")

    def no_cache() -> None:
        shutil.rmtree(root / ".kb-cache", ignore_errors=True)

    # As the other benchmarks' KB is imported (bench.search_kb.IMPORT_OPTIONS).
    import_flags = [part for key, value in IMPORT_OPTIONS.items() for part in (f"--{key.replace('_', '-')}", value)]
    warm_build = [*kb, "build", "--no-search", "-q", "--today", TODAY, "--out", str(scratch / "site-warm")]

    def one_article_changed() -> None:
        """A cached build (untimed), then one article edited: what `kb build` usually meets. The
        edit is undone by the next repeat's, so the KB stays as imported but for one line."""
        subprocess.run(warm_build, cwd=root, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        article = min((root / "articles").rglob("*.md"))
        text = article.read_text(encoding="utf-8")
        edited = text.removesuffix(EDIT) if text.endswith(EDIT) else text + EDIT
        article.write_text(edited, encoding="utf-8")

    return [
        ("import", [str(KB), "--root", str(fresh), "import", str(workload.articles_dir), *include, "-q",
                    *import_flags], new_kb),
        ("check cold", [*kb, "check", "-q", "--today", TODAY], no_cache),
        ("check warm", [*kb, "check", "-q", "--today", TODAY], None),
        ("audit", [*kb, "audit", "-q", "--today", TODAY, "-o", str(scratch / "audit.txt")], None),
        ("build", [*kb, "build", "--no-search", "--full", "--no-cache", "-q", "--today", TODAY,
                   "--out", str(scratch / "site")], None),
        ("build warm", warm_build, one_article_changed),
        ("build search", [*kb, "build", "--full", "-q", "--today", TODAY, "--out", str(scratch / "site-search")],
         None),
        ("index", [*kb, "index", "--full", "-q"], None),
        ("search", [*kb, "search", code, "--limit", "5"], None),
    ]  # fmt: skip


def run_measured(argv: list[str], *, cwd: Path, log: Path) -> Peak:
    """Run `argv` to its end (exit 0 or 1: findings are not failures), sampling its tree's memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log.with_name(log.name + ".stdout.log"), log.with_name(log.name + ".stderr.log")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        sampler = _Sampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        sampler.stop()
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    if code not in (0, 1):
        tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise ProcessFailed(f"{' '.join(argv)} exited with {code}:\n" + "\n".join(tail))
    # Not wait4's ru_maxrss for the tree: Linux carries the parent's high-water mark over the
    # fork and exec into the child's, so it reports at least this harness's own size (900 MiB
    # at 50,000 articles) for a command that used far less.
    single = usage.ru_maxrss * 1024
    return Peak(elapsed, usage.ru_utime + usage.ru_stime, sampler.peak_pss, sampler.peak_rss, single)


class _Sampler(threading.Thread):
    """Sums the memory of a process and its descendants until stopped; keeps the largest sums.

    PSS (proportional set size) splits each shared page between the processes that map it, so a
    pool worker forked from a large parent is not counted as a second copy of it; RSS is kept too.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_pss = 0
        self.peak_rss = 0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.is_set():
            sizes = [_sizes(pid) for pid in _tree(self.pid)]
            self.peak_pss = max(self.peak_pss, sum(pss for pss, _ in sizes))
            self.peak_rss = max(self.peak_rss, sum(rss for _, rss in sizes))
            self._done.wait(SAMPLE_SECONDS)


def _tree(pid: int) -> list[int]:
    found = [pid]
    for parent in found:
        try:
            tasks = os.listdir(f"/proc/{parent}/task")  # noqa: PTH208 - 50 times a second
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as file:  # noqa: PTH123
                    found.extend(int(child) for child in file.read().split())
            except OSError:
                continue
    return found


def _sizes(pid: int) -> tuple[int, int]:
    """Proportional and resident set size of `pid` in bytes; (0, 0) once it has gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as file:  # noqa: PTH123
            for line in file:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return 0, 0
    return pss, rss
