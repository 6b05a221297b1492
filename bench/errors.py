"""What the benchmarks raise when the user can fix it: a bad source, destination or anchor build."""

from __future__ import annotations


class BenchError(Exception):
    """A problem with the benchmark's input or tools (shown as `error: ...`, no traceback)."""


class ReplicateError(BenchError):
    """`replicate` cannot read the source or write the destination."""


class ProcessFailed(BenchError):
    """A timed subprocess (an anchor build, a kb command) exited with an error."""
