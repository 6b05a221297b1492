"""Search quality on real articles: success@1 and MRR per `kind` of the known-answer queries.

    python -m bench.search_quality              # imports the corpus into the bench work folder first
    python -m bench.search_quality --kb DIR     # a KB that already holds the imported corpus

Each row of `error-queries.detail.tsv` names a code and the article whose title or first
heading names it; codes named by several titles count as found when any of them ranks first.
A hit is matched to the corpus by its `source` field (the path the importer recorded, after
the imported folder's name).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.content import CORPUS, prepare, real_size
from bench.search_kb import imported_kb
from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index

TARGET = 0.95


@dataclass
class KnownAnswer:
    """A query (an error code) and the articles that count as the right first hit."""

    code: str
    kind: str
    paths: set[str]


@dataclass
class KindScore:
    kind: str
    queries: int = 0
    first: int = 0
    reciprocal_ranks: float = 0.0

    @property
    def success_at_1(self) -> float:
        return self.first / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.queries if self.queries else 0.0


@dataclass
class QualityReport:
    kinds: dict[str, KindScore] = field(default_factory=dict)
    misses: list[tuple[str, int | None, list[str]]] = field(default_factory=list)  # (code, rank, top titles)

    @property
    def overall(self) -> KindScore:
        total = KindScore("overall")
        for score in self.kinds.values():
            total.queries += score.queries
            total.first += score.first
            total.reciprocal_ranks += score.reciprocal_ranks
        return total

    def render(self) -> str:
        lines = [f"{'kind':<12} {'queries':>7} {'success@1':>9} {'MRR':>6}"]
        for score in [*sorted(self.kinds.values(), key=lambda s: s.kind), self.overall]:
            lines.append(f"{score.kind:<12} {score.queries:>7} {score.success_at_1:>9.1%} {score.mrr:>6.3f}")
        for code, rank, titles in self.misses:
            lines.append(f"miss: {code!r} ranked {rank or '>10'}; first: {titles[:1]}")
        return "\n".join(lines)


def known_answers(tsv: Path) -> list[KnownAnswer]:
    """One per row of error-queries.detail.tsv (or .tsv, whose kind is 'all'); each accepts every
    article listed for its code."""
    lines = tsv.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t") if lines and lines[0].startswith("code\t") else None
    rows = [line.split("\t") for line in (lines[1:] if header else lines)]
    rows = [cells for cells in rows if len(cells) >= 2]
    paths: dict[str, set[str]] = defaultdict(set)
    for cells in rows:
        paths[cells[0]].add(cells[1])
    kind_at = header.index("kind") if header and "kind" in header else None
    return [KnownAnswer(c[0], c[kind_at] if kind_at is not None else "all", paths[c[0]]) for c in rows]


def _corpus_path(source: str) -> set[str]:
    """The paths `source:` may name in the corpus's articles folder: the importer records the
    imported folder's name first (`articles/Exchange/x.md`); KBs imported before did not."""
    return {source, source.partition("/")[2]}


def measure(index: SearchIndex, answers: list[KnownAnswer], *, depth: int = 10) -> QualityReport:
    """Run every known-answer query and score the rank of the first right article."""
    report = QualityReport()
    for answer in answers:
        score = report.kinds.setdefault(answer.kind, KindScore(answer.kind))
        hits = index.search(answer.code, limit=depth).hits
        rank = next((n for n, hit in enumerate(hits, 1) if _corpus_path(hit.source) & answer.paths), None)
        score.queries += 1
        if rank == 1:
            score.first += 1
        else:
            report.misses.append((answer.code, rank, [hit.title for hit in hits[:3]]))
        if rank:
            score.reciprocal_ranks += 1 / rank
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, help="a KB holding the imported corpus (default: import it)")
    parser.add_argument("--queries", type=Path, default=CORPUS / "error-queries.detail.tsv")
    parser.add_argument("--site", default="internal")
    args = parser.parse_args(argv)
    if not args.queries.is_file():
        print(f"no known-answer queries at {args.queries}", file=sys.stderr)
        return 2
    if args.kb:
        kb = KnowledgeBase(args.kb)
        update_index(kb, args.site)
    else:
        kb = imported_kb(prepare("corpus", real_size("corpus")))
    with SearchIndex.open(kb, args.site) as index:
        report = measure(index, known_answers(args.queries))
    print(report.render())
    overall = report.overall.success_at_1
    print(f"success@1 {overall:.1%} (target {TARGET:.0%}): {'met' if overall >= TARGET else 'MISSED'}")
    return 0 if overall >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
