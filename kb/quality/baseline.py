"""The baseline: findings a team accepted when adopting kb on an existing corpus, which may only shrink.

Entries are keyed by rule, path and a fingerprint of the text the finding is about
(`Finding.context`), never by line number, so they survive edits elsewhere in the file. An
entry that no finding matches any more, or whose file is no longer in the KB, fails the run
(KB016) until the file is written again.
The file keeps one entry per line, sorted, so that reviews see exactly what was accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from kb import atomic
from kb.errors import ConfigError
from kb.findings import Finding, Location
from kb.rules.suppression import StaleBaselineEntry
from kb.words import plural

VERSION = 1
_HEADER_LINES = 3  # "{", the version, and "entries": [


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    rule: str
    fingerprint: str


def fingerprint(finding: Finding) -> str:
    """What a finding is about, independent of where in the file it is."""
    about = finding.context or finding.message
    return hashlib.sha256(f"{finding.code}\0{finding.location.path}\0{about}".encode()).hexdigest()[:16]


def entry_of(finding: Finding) -> Entry:
    return Entry(finding.location.path, finding.code, fingerprint(finding))


@dataclass
class Baseline:
    """Accepted findings, counted (the same text may be accepted more than once in a file)."""

    path: Path
    relpath: str
    entries: Counter[Entry]
    lines: dict[Entry, int]  # line of each entry in the file, for KB016

    @classmethod
    def read(cls, path: Path, relpath: str) -> Baseline | None:
        """The baseline at `path`, or None when there is none. A broken file is a ConfigError."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the baseline: {exc}", path=path) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"the baseline is not valid JSON: {exc.msg}", path=path, line=exc.lineno, col=exc.colno,
                hint="write it again with kb check --write-baseline",
            ) from None  # fmt: skip
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
            raise ConfigError(
                f"the baseline is not a kb baseline (version {VERSION})",
                path=path,
                line=1,
                hint="write it again with kb check --write-baseline",
            )
        entries: Counter[Entry] = Counter()
        lines: dict[Entry, int] = {}
        for i, item in enumerate(data["entries"]):
            try:
                entry = Entry(str(item["path"]), str(item["rule"]), str(item["fingerprint"]))
                count = int(item.get("count", 1))
            except (KeyError, TypeError, ValueError):
                raise ConfigError(
                    "a baseline entry needs path, rule and fingerprint",
                    path=path, line=_HEADER_LINES + i + 1, hint="write it again with kb check --write-baseline",
                ) from None  # fmt: skip
            entries[entry] += count
            lines.setdefault(entry, _HEADER_LINES + i + 1)
        return cls(path, relpath, entries, lines)

    def filter(
        self, findings: list[Finding], checked: set[str], present: Collection[str], *, whole: bool = False
    ) -> tuple[list[Finding], list[Finding], list[Finding]]:
        """(findings the baseline does not accept, those it accepts, and KB016 findings for
        entries of the checked files that no finding matched). `present`: every file of the KB;
        in a `whole` run, the entries of the files no longer in it are KB016 too: they would
        accept the findings of a file that comes to that path later."""
        left = Counter(self.entries)
        kept: list[Finding] = []
        accepted: list[Finding] = []
        for finding in findings:
            entry = entry_of(finding)
            if left[entry] > 0:
                left[entry] -= 1
                accepted.append(finding)
            else:
                kept.append(finding)
        there = set(present)
        stale: list[Finding] = []
        for entry, count in sorted(left.items()):
            gone = entry.path not in there
            if count <= 0 or (entry.path not in checked and not (whole and gone)):
                continue
            times = f" {count:,} more times" if count > 1 else ""
            why = "that file is no longer in the knowledge base" if gone else "no such finding is left"
            stale.append(
                StaleBaselineEntry.at(
                    Location(self.relpath, self.lines[entry], 5),
                    f"the baseline accepts {entry.rule} in {entry.path}{times}, but {why}; "
                    "run kb check --write-baseline to shrink it",
                    context=f"{entry.rule}:{entry.path}:{entry.fingerprint}",
                )
            )
        return kept, accepted, stale


def write_baseline(path: Path, findings: list[Finding], keep: Collection[str] = ()) -> int:
    """Write a baseline accepting `findings`; returns the number of entries. The entries of the
    files in `keep` (the KB's files a run did not check, when it checked some) stay as they
    were; those of every other file go: it was checked, or it is no longer in the KB."""
    counts: Counter[Entry] = Counter(entry_of(f) for f in findings)
    if keep:
        existing = Baseline.read(path, path.name)
        kept = set(keep)
        for entry, count in (existing.entries if existing else Counter[Entry]()).items():
            if entry.path in kept:
                counts[entry] += count
    rows = [
        json.dumps(
            {"path": e.path, "rule": e.rule, "fingerprint": e.fingerprint, "count": counts[e]}, ensure_ascii=False
        )
        for e in sorted(counts)
    ]
    body = ",\n".join(f"    {row}" for row in rows)
    text = "{\n" + f'  "version": {VERSION},\n' + '  "entries": [\n' + (body + "\n" if rows else "") + "  ]\n}\n"
    atomic.write_text(path, text)
    return len(rows)


def written_message(entries: int, findings: int, where: str) -> str:
    """What `--write-baseline` tells the user."""
    return (
        f"Wrote {plural(entries, 'baseline entry', 'baseline entries')} accepting "
        f"{plural(findings, 'finding')} to {where}"
    )
