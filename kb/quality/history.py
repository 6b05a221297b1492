"""What git knows about the KB: when each article last changed, and what changed since a ref.

One `git log` for the whole KB, never one process per file. Paths are read NUL-separated (`-z`):
otherwise git quotes every name outside ASCII (`"caf\\303\\251.md"`, core.quotePath), and an
article named from an accented or Japanese title would be missed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from kb.errors import UsageError


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Paths as the file system names them (UTF-8, undecodable bytes kept), whatever the locale.
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True, encoding="utf-8", errors="surrogateescape", check=False, timeout=300,
    )  # fmt: skip


def last_commit_dates(root: Path) -> dict[str, dt.date]:
    """Path (relative to `root`, POSIX) → date of the newest commit touching it; empty outside git."""
    try:
        # Each commit reads "\x01DATE\nPATH\0PATH\0...": no path of the KB starts with \x01.
        result = _git(root, "log", "-z", "--format=format:%x01%cs", "--name-only", "--relative", "--", ".")
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for item in result.stdout.split("\0"):
        if item.startswith("\x01"):
            day, _, item = item[1:].partition("\n")
            current = dt.date.fromisoformat(day)
        if item and current is not None:
            dates.setdefault(item, current)  # newest commit first: keep the first date seen
    return dates


def head_commit(root: Path) -> str | None:
    """The commit checked out at `root`, or None outside git (or before the first commit)."""
    try:
        result = _git(root, "rev-parse", "HEAD")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def changed_since(root: Path, ref: str) -> set[str]:
    """Files (relative to `root`) that differ from where this branch left `ref`: committed,
    staged, unstaged and untracked changes, as a pull request would show them."""
    if not ref.strip() or ref.startswith("-"):  # `--help` would be read by git as an option
        raise UsageError(
            f"--changed-since needs a git branch, tag or commit, not {ref!r}",
            hint="for example --changed-since origin/main",
        )
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise UsageError(
                f"--changed-since {ref} needs a git repository, and {root} is not in one",
                hint="run it in a clone, or name the articles to audit instead",
            )
        base = _git(root, "merge-base", ref, "HEAD")
        if base.returncode != 0:
            branch = ref.split("/", 1)[1] if ref.startswith("origin/") else ref
            raise UsageError(
                f"cannot compare with {ref!r}: {base.stderr.strip() or 'not a commit of this repository'}",
                hint=f"fetch it first (git fetch origin {branch}; in CI, a full clone: fetch-depth 0) or pass a commit",
            )
        commit = base.stdout.strip()
        diff = _git(root, "diff", "-z", "--name-only", "--relative", "--no-renames", commit, "--", ".")
        untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    except OSError as exc:
        raise UsageError(f"cannot run git: {exc}", hint="--changed-since needs git") from None
    if diff.returncode != 0:
        raise UsageError(f"git diff failed: {diff.stderr.strip()}")
    return {path for path in (diff.stdout + untracked.stdout).split("\0") if path}


def repo_prefix(root: Path) -> str:
    """The KB root's path inside its git repository ("" at the top or outside git), so that
    CI reports name files as the repository does."""
    try:
        result = _git(root, "rev-parse", "--show-prefix")
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
