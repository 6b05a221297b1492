"""Check results by content hash, in `.kb-cache/`: an unchanged article is never read twice.

Each article's findings from the article rules, its facts (for the rules across articles) and
its inline suppressions are stored under its path with the sha256 of its bytes, and with its
size and modification time so that a warm run need not even read it. The whole cache is keyed
by a fingerprint of everything else that decides findings: kb's own code, `kb.yaml` and the
taxonomy. The file is JSON (never pickle: a cache folder committed by mistake must not be able
to run code), written to a temporary file and swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.findings import Finding, Level, Location
from kb.quality.suppression import Suppression
from kb.rules.facts import ArticleFacts

CACHE_FILE = "check.json"
FORMAT = 2


@dataclass
class Examined:
    """What the article rules found in one file (and what the corpus rules need from it)."""

    relpath: str
    digest: str
    size: int
    mtime_ns: int
    findings: list[Finding]
    facts: ArticleFacts | None
    suppressions: list[Suppression]

    def to_json(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "findings": [_finding_json(f) for f in self.findings],
            "facts": self.facts.to_json() if self.facts else None,
            "suppressions": [s.to_json() for s in self.suppressions],
        }

    @classmethod
    def from_json(cls, relpath: str, data: dict[str, Any]) -> Examined:
        return cls(
            relpath,
            data["digest"],
            data["size"],
            data["mtime_ns"],
            [_finding_from(relpath, f) for f in data["findings"]],
            ArticleFacts.from_json(data["facts"]) if data["facts"] else None,
            [Suppression.from_json(s) for s in data["suppressions"]],
        )


def _finding_json(f: Finding) -> list[Any]:
    return [f.code, f.name, int(f.level), f.location.line, f.location.col, f.message, f.hint, f.context, f.extra]


def _finding_from(relpath: str, d: list[Any]) -> Finding:
    return Finding(d[0], d[1], Level(d[2]), Location(relpath, d[3], d[4]), d[5], d[6], d[7], d[8])


def fingerprint(root: Path, files: list[Path]) -> str:
    """A hash of kb's code and of the KB's settings files: any change empties the cache."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


class ResultCache:
    """The per-article results of the last check, read at start and written back at the end."""

    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / CACHE_FILE
        self.key = key
        self.entries: dict[str, dict[str, Any]] = {}
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no cache yet, or a damaged one: start afresh
        if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("articles"), dict):
            self.entries = data["articles"]

    def lookup(self, relpath: str, size: int, mtime_ns: int) -> Examined | None:
        """The cached result when the file has the same size and modification time."""
        entry = self.entries.get(relpath)
        if entry is None or entry["size"] != size or entry["mtime_ns"] != mtime_ns:
            return None
        return Examined.from_json(relpath, entry)

    def lookup_digest(self, relpath: str, digest: str, size: int, mtime_ns: int) -> Examined | None:
        """The cached result for the same content (the file was touched, not changed)."""
        entry = self.entries.get(relpath)
        if entry is None or entry["digest"] != digest:
            return None
        entry["size"], entry["mtime_ns"] = size, mtime_ns
        self.changed = True
        return Examined.from_json(relpath, entry)

    def store(self, examined: Examined) -> None:
        self.entries[examined.relpath] = examined.to_json()
        self.changed = True

    def forget_except(self, relpaths: set[str]) -> None:
        """Drop entries of files that are gone."""
        gone = set(self.entries) - relpaths
        for relpath in gone:
            del self.entries[relpath]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": self.key, "articles": self.entries}, separators=(",", ":")), encoding="utf-8")
        tmp.replace(self.path)
        self.changed = False
