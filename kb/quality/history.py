"""What git knows about the KB: when each article last changed, what changed since a ref, and
what a deleted file held.

One `git log` for the whole KB, never one process per file. Paths are read NUL-separated (`-z`):
otherwise git quotes every name outside ASCII (`"caf\\303\\251.md"`, core.quotePath), and an
article named from an accented or Japanese title would be missed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Collection, Iterator
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
        result = _git(root, "log", "-z", "--format=format:%x01%cs", "--name-only", "--relative", "--", ".")
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, dt.date] = {}
    for day, path in _commits_and_paths(result.stdout):
        if path not in dates:  # newest commit first: keep the first date seen
            dates[path] = dt.date.fromisoformat(day)
    return dates


def _commits_and_paths(log: str) -> Iterator[tuple[str, str]]:
    """(commit's field, path) for each path of a `git log -z --name-only` whose format starts each
    commit with "\x01" and one field (a date, a hash): "\x01FIELD\nPATH\0PATH\0...". No path of
    the KB starts with \x01."""
    field = ""
    for item in log.split("\0"):
        if item.startswith("\x01"):
            field, _, item = item[1:].partition("\n")
        if item and field:
            yield field, item


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


def last_versions(root: Path, paths: Collection[str]) -> dict[str, bytes]:
    """What each of `paths` (relative to `root`, gone from the work tree) held in the last commit
    that had it: HEAD when its deletion is not committed, else the commit before the one that
    deleted it. Three git processes at most, whatever the number of paths; {} outside git."""
    found = _blobs(root, {path: f"HEAD:./{path}" for path in paths})
    left = [path for path in paths if path not in found]
    if not left:
        return found
    try:
        # Newest first (see _commits_and_paths).
        log = _git(
            root, "--literal-pathspecs", "log", "-z", "--no-renames", "--diff-filter=D", "--format=format:%x01%H",
            "--name-only", "--relative", "--", *left,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return found
    deleted_in: dict[str, str] = {}
    for commit, path in _commits_and_paths(log.stdout) if log.returncode == 0 else ():
        deleted_in.setdefault(path, commit)
    return found | _blobs(root, {path: f"{commit}^:./{path}" for path, commit in deleted_in.items()})


def _blobs(root: Path, names: dict[str, str]) -> dict[str, bytes]:
    """The content of each git object named (`REV:./PATH`), by key; the missing ones left out."""
    names = {key: name for key, name in names.items() if "\n" not in name}  # one name a line
    if not names:
        return {}
    request = "".join(f"{name}\n" for name in names.values()).encode("utf-8", "surrogateescape")
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"], input=request, capture_output=True, check=False,
            timeout=300,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    found: dict[str, bytes] = {}
    out, at = result.stdout, 0
    for key in names:  # one answer per line asked, in order: "SHA TYPE SIZE\nCONTENT\n" or "NAME missing\n"
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split(b" ")
        at = end + 1
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            size = int(header[2])
            found[key] = out[at : at + size]
            at += size + 1
        elif len(header) == 3 and header[2].isdigit():  # a tree or a commit: skipped all the same
            at += int(header[2]) + 1
    return found


def repo_prefix(root: Path) -> str:
    """The KB root's path inside its git repository ("" at the top or outside git), so that
    CI reports name files as the repository does."""
    try:
        result = _git(root, "rev-parse", "--show-prefix")
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
