"""Repeat a callable or a subprocess, record wall time (and peak RSS of subprocesses), and summarise."""

from __future__ import annotations

import ctypes
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench.errors import ProcessFailed

T = TypeVar("T")

Facts = dict[str, int | float | str]


@dataclass(frozen=True)
class Timing:
    """Wall times of repeated runs, in seconds, with peak resident memory per run when known."""

    seconds: tuple[float, ...]
    cpu: tuple[float, ...] = ()  # user + system CPU seconds per run: above wall time means parallel work
    peak_rss: tuple[int, ...] = ()  # bytes; subprocesses only (in-process runs share our own RSS)

    @property
    def runs(self) -> int:
        return len(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def min(self) -> float:
        return min(self.seconds)

    @property
    def max(self) -> float:
        return max(self.seconds)

    @property
    def iqr(self) -> float:
        """Interquartile range (inclusive quartiles); 0 for a single run."""
        if self.runs < 2:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.seconds, n=4, method="inclusive")
        return q3 - q1

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def peak_rss_max(self) -> int | None:
        return max(self.peak_rss) if self.peak_rss else None

    def per(self, size: int, unit: int = 1000) -> float:
        """The median scaled to `unit` articles when the run handled `size` of them."""
        return self.median / size * unit if size else 0.0


@dataclass
class Measurement:
    """What one benchmark or anchor returns: its timing, counts worth printing, and caveats."""

    timing: Timing
    facts: Facts = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def measure(fn: Callable[[], T], repeat: int, setup: Callable[[], object] | None = None) -> tuple[Timing, T]:
    """Call `fn` `repeat` times (after `setup`, which is not timed); the timing and the last result."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    seconds: list[float] = []
    cpu: list[float] = []
    results: list[T] = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start, start_cpu = time.perf_counter(), time.process_time()
        results.append(fn())
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing(tuple(seconds), tuple(cpu)), results[-1]


def run_process(
    argv: Sequence[str],
    repeat: int,
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    setup: Callable[[], object] | None = None,
    log: Path | None = None,
) -> Timing:
    """Run `argv` `repeat` times; wall time from start to exit, and the child tree's peak RSS.

    Peak RSS comes from `wait4`, which reports the child and the descendants it waited for, so a
    wrapper that `exec`s or waits for the real tool is measured as the tool. CPU time counts every
    descendant, those the command never waited for too (kb's fork server outlives its build by a
    moment, and its workers' time went uncounted): this process adopts them and waits for them
    (Linux). Output goes to
    `<log>.stdout.log` and `<log>.stderr.log` (default: `cwd/<program>`), never to pipes, so a
    chatty tool cannot block on a full pipe.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    log = log or cwd / Path(argv[0]).name
    log.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log.with_name(log.name + ".stdout.log"), log.with_name(log.name + ".stderr.log")
    seconds: list[float] = []
    cpu: list[float] = []
    rss: list[int] = []
    adopting = _adopt_orphans()
    for _ in range(repeat):
        if setup is not None:
            setup()
        with out_path.open("wb") as out, err_path.open("wb") as err:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            process = subprocess.Popen(
                list(argv), cwd=cwd, env=None if env is None else dict(env), stdout=out, stderr=err
            )
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            if adopting:
                _wait_for_orphans()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
            detail = "\n".join(tail) or out_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise ProcessFailed(f"{' '.join(argv)} (in {cwd}) exited with {process.returncode}:\n{detail}")
        seconds.append(elapsed)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        rss.append(usage.ru_maxrss * 1024)  # Linux reports KiB
    return Timing(tuple(seconds), tuple(cpu), tuple(rss))


_PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans() -> bool:
    """Make this process the one that orphaned descendants are handed to (Linux prctl)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _wait_for_orphans(patience: float = 10.0) -> None:
    """Wait for the descendants the command left behind (they exit once it has gone)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            time.sleep(0.01)
