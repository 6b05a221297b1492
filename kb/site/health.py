"""Health score and staleness for the sites: kb's quality audit, read once per build.

The internal site shows, per article, its health score, the checks it fails and its staleness,
and a knowledge-health page (the `kb audit` report). The public site uses only the staleness
state (its overdue policy) and the score to rank articles on error-code pages.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.check import check
from kb.errors import ConfigWarning
from kb.load import load_article
from kb.quality import audit
from kb.quality.health import build_report
from kb.quality.policy import load_policy
from kb.quality.unpublishable import reported, unpublishable, withheld_findings
from kb.report import html
from kb.rules.context import CheckContext

if TYPE_CHECKING:
    from kb.article import Article
    from kb.check import CacheHolder
    from kb.findings import Finding
    from kb.project import KnowledgeBase
    from kb.quality import AuditReport


@dataclass(frozen=True)
class Staleness:
    state: str  # "current", "due-soon" or "overdue"
    due: dt.date | None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleHealth:
    """What the internal site shows about one article's quality."""

    staleness: Staleness
    score: int | None = None  # 0-100
    findings: tuple[str, ...] = ()  # "KB101 missing-section: ..." lines
    unsafe: tuple[str, ...] = ()  # a secret or a card number: kept off customer sites


@dataclass
class Health:
    # By path, not id: two files that share an id (a mistake kb check reports) have their own.
    by_path: dict[str, ArticleHealth] = field(default_factory=dict)
    report_html: str | None = None  # the knowledge-health page (the `kb audit` report)
    warnings: list[ConfigWarning] = field(default_factory=list)  # settings that look wrong (kb.yaml)

    def of(self, article: Article) -> ArticleHealth | None:
        return self.by_path.get(article.relpath)


def assess(
    kb: KnowledgeBase,
    today: dt.date,
    *,
    changed: set[Path] | None = None,
    previous: Health | None = None,
    reuse: CacheHolder | None = None,
) -> Health:
    """Health of every article from the quality audit.

    With `changed` (kb serve's watcher knows which files were saved) and the `previous` health,
    only those articles are audited again and the knowledge-health page is kept. `reuse` keeps the
    result cache in memory between builds (kb serve).
    """
    if changed is not None and previous is not None:
        health = Health(dict(previous.by_path), previous.report_html, previous.warnings)
        saved = {kb.relpath(path) for path in changed}
        present = [path for path in changed if path.exists() and kb.is_article(path)]
        if present or any(relpath.lower().endswith(".md") for relpath in saved):
            # The saved articles and those whose findings change with them (check's `saved`);
            # none saved when one was deleted. The result cache is read, not written: rewriting
            # it for 10,000 articles after every save took most of a rebuild, and the next
            # `kb check` re-reads the one article anyway.
            only: set[str] | None = None if present else set()
            result = check(
                kb, present or None, today=today, only=only, save_cache=False, reuse=reuse, saved=saved, facts=True
            )
            _read(kb, build_report(kb, result, today), health)
        return health
    health = Health()
    report = audit(kb, today=today, reuse=reuse)
    # The check's result cache and its entries refer to each other: only a full collection frees
    # them, and the health and its page are made next (a tenth less memory at its peak).
    gc.collect()
    _read(kb, report, health)
    health.report_html = f"<style>{html.STYLE}</style>{html.content(report)}"
    return health


def _read(kb: KnowledgeBase, report: AuditReport, health: Health) -> None:
    health.warnings = report.warnings
    unsafe = _Unsafe(kb)
    # Articles share most of their messages ("KB101 missing-section: ..."): one copy of each.
    texts: dict[str, str] = {}

    def once(text: str) -> str:
        return texts.setdefault(text, text)

    for item in report.articles:
        stale = item.staleness
        health.by_path[item.relpath] = ArticleHealth(
            Staleness(once(str(stale.state)), stale.due, tuple(once(str(r)) for r in stale.reasons)),
            int(item.score),
            tuple(once(f"{f.code} {f.name}: {f.message}") for f in item.findings),
            unsafe.of(item.relpath, item.findings),
        )


class _Unsafe:
    """What keeps each article off customer sites (`kb.quality.unpublishable`): the audit's
    findings of those rules, or, for a file where kb.yaml's lint settings turn one off, the rules
    run afresh (those settings decide what `kb check` reports, not what customers may read)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.policy = load_policy(kb.config)
        self.context: CheckContext | None = None  # made when first needed: the rules are seldom off

    def of(self, relpath: str, findings: list[Finding]) -> tuple[str, ...]:
        # The messages never quote the secret.
        if reported(self.policy, relpath):
            return tuple(_line(f) for f in withheld_findings(findings))
        article = load_article(self.kb.root / relpath, relpath).article
        if article is None:
            return ()
        if self.context is None:
            self.context = CheckContext(self.kb.root, self.kb.config, self.kb.taxonomy)
        return tuple(
            f"{_line(f)} (kb.yaml's lint settings turn {f.code} off for kb check, not for customer sites; "
            "if it is made up, suppress it inline with a reason)"
            if self.policy.level(f.code, relpath, f.level) is None
            else _line(f)
            for f in unpublishable(article, self.context)
        )


def _line(finding: Finding) -> str:
    return f"{finding.code} {finding.name} on line {finding.location.line}: {finding.message}"
