"""Health score and staleness for the internal site: the one place kb's quality audit plugs in.

The internal site shows, per article, its health score, the checks it fails and its staleness,
and a knowledge-health page. Those come from `kb.quality.audit` (the quality audit) when it is
installed; `assess()` is the only function that talks to it. Without it, staleness is worked
out here from the taxonomy (review interval per type, end-of-life versions) and the score is
shown as not measured. The public site uses only `Staleness.state` (its overdue policy).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb.article import Article
    from kb.project import KnowledgeBase
    from kb.taxonomy import Taxonomy

DUE_SOON_DAYS = 30  # "due soon" this many days before the review date
DEFAULT_INTERVAL_DAYS = 365  # an article of a type the taxonomy does not know


@dataclass(frozen=True)
class Staleness:
    state: str  # "current", "due-soon" or "overdue"
    due: dt.date | None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleHealth:
    """What the internal site shows about one article's quality."""

    staleness: Staleness
    score: int | None = None  # 0-100; None until the quality audit is installed
    findings: tuple[str, ...] = ()  # "KB104 missing-resolution: ..." lines


@dataclass
class Health:
    by_id: dict[str, ArticleHealth] = field(default_factory=dict)
    report_html: str | None = None  # the knowledge-health page (the `kb audit` report), if available

    def of(self, article: Article) -> ArticleHealth | None:
        return self.by_id.get(article.id or "")

    def of_id(self, article_id: str) -> ArticleHealth | None:
        return self.by_id.get(article_id)


def assess(
    kb: KnowledgeBase,
    articles: list[Article],
    today: dt.date,
    known: dict[int, tuple[Article, ArticleHealth]] | None = None,
) -> Health:
    """Health of every article: from the quality audit when installed, else staleness alone.

    `known` remembers the staleness of article objects between builds on the same day with the
    same taxonomy (the caller clears it otherwise), so a rebuild does not recompute 10,000.
    """
    audit = _quality_audit()
    if audit is not None:
        return _from_audit(kb, audit, today)
    known = {} if known is None else known
    health = Health()
    for article in articles:
        if not article.id:
            continue
        found = known.get(id(article))
        if found is None or found[0] is not article:
            found = known[id(article)] = (article, ArticleHealth(staleness(article, kb.taxonomy, today)))
        health.by_id[article.id] = found[1]
    return health


def staleness(article: Article, taxonomy: Taxonomy, today: dt.date) -> Staleness:
    """Due when `reviewed` (else `created`) plus the type's review interval has passed, or when
    the article names a product version past its end of life."""
    reasons: list[str] = []
    kind = taxonomy.types.get(article.type or "")
    interval = kind.review_interval_days if kind else DEFAULT_INTERVAL_DAYS
    checked = article.reviewed or article.created
    due = checked + dt.timedelta(days=interval) if checked else None
    state = "current"
    if due is None:
        state = "overdue"
        reasons.append("never reviewed: no reviewed or created date")
    elif due < today:
        state = "overdue"
        reasons.append(f"review was due {due.isoformat()} ({interval} days after {checked})")
    elif (due - today).days <= DUE_SOON_DAYS:
        state = "due-soon"
        reasons.append(f"review due {due.isoformat()}")
    product = article.environment.get("product")
    for version in article.versions:
        release = taxonomy.release(product, version) if isinstance(product, str) else None
        if release and release.end_of_life and release.end_of_life <= today:
            state = "overdue"
            reasons.append(f"{product} {version} reached end of life on {release.end_of_life.isoformat()}")
    return Staleness(state, due, tuple(reasons))


# -- the quality audit (kb.quality, kb.report.html) -------------------------------------------


def _quality_audit() -> Any:
    """`kb.quality.audit` if this kb has it, else None."""
    try:
        module = importlib.import_module("kb.quality")
    except ModuleNotFoundError:
        return None
    return getattr(module, "audit", None)


def _from_audit(kb: KnowledgeBase, audit: Any, today: dt.date) -> Health:
    """Read an `AuditReport`: `articles: list[ArticleHealth]` with `article`, `score`, `findings`
    and `staleness` (`state`, `due`, `reasons`); the page from `kb.report.html.render(report)`."""
    report = audit(kb, today=today)
    health = Health()
    for item in report.articles:
        if not item.article.id:
            continue
        stale = item.staleness
        health.by_id[item.article.id] = ArticleHealth(
            Staleness(str(stale.state), stale.due, tuple(str(r) for r in stale.reasons)),
            int(item.score),
            tuple(f"{f.code} {f.name}: {f.message}" for f in item.findings),
        )
    try:
        page = importlib.import_module("kb.report.html")
    except ModuleNotFoundError:
        return health
    health.report_html = embeddable(str(page.render(report)))
    return health


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.IGNORECASE | re.DOTALL)


def embeddable(report: str) -> str:
    """The report as a part of the knowledge-health page: a whole HTML document keeps its
    styles and the inside of its body (its own h1 is the page's heading then)."""
    body = _BODY.search(report)
    if body is None:
        return report
    return "".join(_STYLE.findall(report)) + body.group(1)
