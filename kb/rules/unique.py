"""Unique: one id per article, one article per id, and one article per issue."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.findings import Finding, Level
from kb.rules import minhash
from kb.rules.base import CorpusRule, Group, Rule

if TYPE_CHECKING:
    from kb.rules.facts import CorpusContext

FOCUSED = 20  # up to this many articles in focus, each is compared with the others directly
LISTED = 5  # near-duplicates listed in a finding's extra (JSON report); its message counts them all


class DuplicateId(CorpusRule):
    """## What it does
    Reports two or more articles that carry the same `id`, on each of them.

    ## Why it matters
    The id is the article's permanent address: its URL, its search key and what other articles
    link to. Two articles with one id means one of them cannot be reached, and links go to
    whichever kb happened to read last.

    ## Example
    `articles/sso/timeout.md` and `articles/sso/expired-token.md` both say `id: KB-1042`.

    ## Use instead
    Give the newer article the next free id (`kb new` picks one). Never reuse the id of an
    archived or deleted article.
    """

    code = "KB601"
    name = "duplicate-id"
    group = Group.UNIQUE
    summary = "Two articles share an id."
    hint = "give one of them a new id (kb new picks the next free one)"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for article_id, same in context.by_id.items():
            if len(same) < 2:
                continue
            for facts in same:
                if context.focus is not None and facts.relpath not in context.focus:
                    continue
                others = ", ".join(o.relpath for o in same if o is not facts)
                yield self.at(
                    facts.at(facts.id_at), f"the id {article_id} is also used by {others}", context=article_id
                )


class NearDuplicate(CorpusRule):
    """## What it does
    Reports two articles whose text is nearly the same (by default 70% or more of their
    four-word sequences in common, estimated with MinHash), on both of them, with their
    similarity; an article like several others names the closest and counts the rest (the JSON
    report lists the five closest). Archived articles are left out: they are expected to resemble their
    replacement.

    ## Why it matters
    KCS keeps one article per issue. Two copies drift apart: one gets the fix, the other keeps
    the old advice, and search shows both. Duplicates usually come from a writer who did not
    find the existing article (a findability problem worth knowing about).

    ## Example
    `sso/cert-expired.md` and `sso/certificate-expired-error.md` both describe the SSO-1002
    fix, with the same steps in slightly different words.

    ## Use instead
    Merge them: keep the better one, archive the other with `confidence: archived` and
    `replaced_by:` the one you kept, so its links and URL redirect.
    """

    code = "KB602"
    name = "near-duplicate"
    group = Group.UNIQUE
    level = Level.WARNING
    summary = "Another article says nearly the same thing."
    hint = "merge the two: archive one with replaced_by pointing at the other"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        threshold = context.config.lint.thresholds.duplicate_similarity
        sketches = [(f.relpath, f.sketch) for f in context.facts if f.sketch is not None and not f.archived]
        closest = _Closest()
        if context.focus is not None and len(context.focus) <= FOCUSED:
            # kb serve re-audits one saved article: its finding is the one wanted, and comparing
            # it with the others is quicker than indexing them all.
            for relpath, like, score in minhash.similar_to(context.focus, sketches, threshold):
                closest.add(relpath, score, like)
        else:
            for first, second, score in minhash.similar_pairs(sketches, threshold):
                closest.add(first, score, second)
                closest.add(second, score, first)
        # One finding per article, naming the closest: a KB with five copies of an article gets
        # six findings, not thirty.
        for relpath in sorted(closest.kept):  # a copy of the keys: each is taken out as it goes
            if context.focus is not None and relpath not in context.focus:
                continue
            others = closest.take(relpath)
            this = context.by_path[relpath]
            score, closest_path = others[0]
            other = context.by_path[closest_path]
            count = closest.count[relpath]
            more = f", and {count - 1} more" if count > 1 else ""
            finding = self.at(
                this.at(this.title_at),
                f"{score:.0%} similar to {other.relpath} ({other.label}){more}",
                context=other.id or other.relpath,
            )
            finding.extra.update(similar=[{"path": path, "similarity": round(s, 3)} for s, path in others])
            yield finding


class _Closest:
    """The LISTED closest near-duplicates of each article, and how many it has in all. A family
    of 29 copies has 406 pairs: all of them kept took 250 MB at 50,000 articles."""

    def __init__(self) -> None:
        self.kept: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self.count: Counter[str] = Counter()

    def add(self, relpath: str, score: float, other: str) -> None:
        self.count[relpath] += 1
        kept = self.kept[relpath]
        kept.append((score, other))
        if len(kept) >= 2 * LISTED:
            kept[:] = self._closest(kept)

    def take(self, relpath: str) -> list[tuple[float, str]]:
        """(similarity, path) of the closest, most similar first (then by path); forgotten here."""
        return self._closest(self.kept.pop(relpath))

    @staticmethod
    def _closest(pairs: list[tuple[float, str]]) -> list[tuple[float, str]]:
        return sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[:LISTED]


RULES: list[type[Rule]] = [DuplicateId, NearDuplicate]
