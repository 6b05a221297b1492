"""The import report: what was written, and everything that did not map, with source file and line."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.importer.registry import RegistryChanges
from kb.words import plural

# What each kind of problem means, for the text report.
KINDS = {
    "unknown-key": "front matter keys the mapping neither maps nor ignores",
    "bad-value": "values that could not be used as they were",
    "bad-date": "dates in no known format",
    "no-title": "articles without a title",
    "long-title": "titles cut to 200 characters",
    "unmapped-type": "types without a mapping",
    "broken-include": "[!INCLUDE] files not found",
    "include-outside": "[!INCLUDE] files outside the source and the include root (refused, left out)",
    "unconvertible": "DocFX syntax left as it was",
    "root-absolute-link": "links from the old site's root (/x), which leave a kb site (--link-base: full addresses)",
    "image-without-alt": "images without alt text",
    "missing-image": "images not found in the source",
    "front-matter": "front matter that is not valid YAML",
    "no-front-matter": "files without front matter",
    "encoding": "files that are not UTF-8",
    "unreadable": "files that could not be read (left out)",
    "not-an-article": "binary or empty files (left out)",
    "path-taken": "articles written under another name because the path was taken",
    "edited-since-import": "articles edited in kb since the import, kept as they are (--overwrite replaces them)",
    "other-folder": "articles another folder of the same name was imported into, left as they are (--source-name)",
}


@dataclass(frozen=True)
class ImportProblem:
    """One thing that did not map: where in the source, what kind, and what happened instead."""

    source: str  # path relative to the import source
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.kind}: {self.message}"


@dataclass
class ImportReport:
    """The outcome of one `kb import`."""

    source: str
    created: list[str] = field(default_factory=list)  # article paths relative to the KB root
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in kb since the import: left as they are
    problems: list[ImportProblem] = field(default_factory=list)
    registry: RegistryChanges = field(default_factory=RegistryChanges)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.kept)

    def counts(self) -> Counter[str]:
        return Counter(p.kind for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kept": self.kept,
            "registry": asdict(self.registry),
            "problem_counts": dict(sorted(self.counts().items())),
            "problems": [asdict(p) for p in self.problems],
        }

    def render(self, *, per_kind: int | None = 10) -> str:
        """The text report: a summary, then the problems grouped by kind (`per_kind` of each)."""
        verb = "Would import" if self.dry_run else "Imported"
        kept = f", {len(self.kept):,} kept as edited in kb" if self.kept else ""
        lines = [
            f"{verb} {plural(self.imported, 'article')} from {self.source}: {len(self.created):,} new, "
            f"{len(self.updated):,} updated, {len(self.unchanged):,} unchanged{kept}.",
        ]
        added = self.registry
        if added.areas or added.owners or added.types or added.codes:
            lines.append(
                f"Taxonomy: {plural(len(added.areas), 'product area')}, {plural(len(added.owners), 'owner')}, "
                f"{plural(len(added.types), 'type')} and {plural(len(added.codes), 'error code')} added."
            )
        counts = self.counts()
        if not counts:
            lines.append("Everything mapped.")
            return "\n".join(lines)
        lines.append(f"Did not map ({sum(counts.values())}):")
        for kind, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {count:>5}  {kind}: {KINDS.get(kind, kind)}")
        for kind in sorted(counts):
            shown = [p for p in self.problems if p.kind == kind]
            lines.append(f"\n{kind}:")
            limit = len(shown) if per_kind is None else per_kind
            lines.extend(f"  {p}" for p in shown[:limit])
            if len(shown) > limit:
                lines.append(f"  ... and {len(shown) - limit} more (see --report FILE, or -v)")
        return "\n".join(lines)
