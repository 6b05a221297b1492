"""`kb audit`: the health of every article (score, failed checks, staleness) and of the KB as a whole.

`audit()` is what the CLI, the CI reports and the internal site (health and staleness on article
pages) call. It runs the same check as `kb check` (with its cache, policy, suppressions and
baseline) and adds scores and a summary a knowledge manager can act on.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.check import CacheHolder, CheckResult, Progress, check, run_date
from kb.errors import ConfigWarning
from kb.findings import Finding, Level
from kb.memory import gc_paused
from kb.project import KnowledgeBase
from kb.publish import publishes
from kb.quality.history import changed_since as git_changed_since
from kb.quality.history import repo_prefix
from kb.quality.score import GroupCheck, health
from kb.quality.staleness import Staleness, staleness
from kb.rules.current import review_due
from kb.rules.facts import ArticleFacts, CorpusContext

UNREADABLE_GROUP = "(unreadable)"  # the row of files with no area or owner to group them by


@dataclass(slots=True)  # one per article: 50,000 at once
class ArticleHealth:
    """One article's health: its score, each group of checks, its findings and its staleness."""

    article: ArticleFacts  # what the reports show of it (id, title, type, owner, area, ...)
    score: int
    checks: list[GroupCheck]
    findings: list[Finding]
    staleness: Staleness

    @property
    def relpath(self) -> str:
        return self.article.relpath

    @property
    def failed_checks(self) -> list[GroupCheck]:
        return [c for c in self.checks if not c.passed]


@dataclass
class Unreadable:
    """A file kb could not read as an article (it scores 0)."""

    relpath: str
    findings: list[Finding]


@dataclass
class AreaStats:
    name: str
    articles: int
    mean_score: float
    overdue: int


@dataclass
class RuleCount:
    code: str
    name: str
    count: int
    articles: int


@dataclass
class Summary:
    """The KB at a glance: what the HTML report charts and the text report prints first."""

    articles: int
    mean_score: float
    median_score: float
    distribution: list[int]  # articles per score band: 0-9, 10-19, ..., 90-100
    by_area: list[AreaStats]
    by_owner: list[AreaStats]
    top_rules: list[RuleCount]
    overdue: list[ArticleHealth]
    due_soon: list[ArticleHealth]
    uncovered_codes: list[str]  # registered codes no published article covers
    levels: dict[str, int]  # findings per level


@dataclass
class AuditReport:
    """The result of an audit: every checked article's health, the summary, and the raw check."""

    articles: list[ArticleHealth]
    summary: Summary
    unreadable: list[Unreadable] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what fails the run (baseline applied)
    today: dt.date = field(default_factory=dt.date.today)
    kb_name: str = ""
    root: Path | None = None
    path_prefix: str = ""  # the KB root inside its git repository, for CI reports
    fail_level: Level = Level.ERROR
    fail_under: int | None = None  # articles scoring less fail the run
    rules_url: str = ""
    accepted: list[Finding] = field(default_factory=list)  # findings the baseline accepts
    warnings: list[ConfigWarning] = field(default_factory=list)  # settings that look wrong

    def repo_path(self, relpath: str) -> str:
        """`relpath` (from the KB root) as the repository names it."""
        return self.path_prefix + relpath

    def rule_url(self, code: str, name: str) -> str:
        if self.rules_url:
            return self.rules_url.format(code=code, name=name)
        return f"urn:kb:rule:{code}"

    @property
    def failing_articles(self) -> list[ArticleHealth]:
        if self.fail_under is None:
            return []
        return [a for a in self.articles if a.score < self.fail_under]

    def under_message(self, article: ArticleHealth) -> str:
        """Why an article fails `--fail-under`, as CI reports say it."""
        failed = ", ".join(c.group.value for c in article.failed_checks) or "none"
        return f"health score {article.score} is under {self.fail_under} (failed checks: {failed})"

    @property
    def failed(self) -> bool:
        """Whether the run fails: a finding at the failing level, or an article under `fail_under`."""
        if any(f.level >= self.fail_level for f in self.findings):
            return True
        if self.fail_under is not None and self.unreadable:
            return True
        return bool(self.failing_articles)

    def worst_first(self) -> list[ArticleHealth]:
        """Articles to fix first: lowest score, then most findings."""
        return sorted(self.articles, key=lambda a: (a.score, -len(a.findings), a.relpath))


def audit(
    kb: KnowledgeBase,
    *,
    paths: list[Path] | None = None,
    changed_since: str | None = None,
    today: dt.date | None = None,
    use_cache: bool | None = None,
    progress: Progress | None = None,
    save_cache: bool = True,
    reuse: CacheHolder | None = None,
) -> AuditReport:
    """Audit the articles under `paths` (default: all), or only those changed since git ref
    `changed_since`, as of `today`. `reuse` is `check`'s."""
    today = today or run_date()
    only = git_changed_since(kb.root, changed_since) if changed_since is not None else None
    result = check(
        kb, paths, today=today, only=only, use_cache=use_cache, progress=progress, save_cache=save_cache,
        reuse=reuse, facts=True,
    )  # fmt: skip
    return build_report(kb, result, today)


def build_report(kb: KnowledgeBase, result: CheckResult, today: dt.date) -> AuditReport:
    """Scores, staleness and the summary for the articles of a check result."""
    # Hundreds of thousands of small objects, none in a cycle: each full pass of the collector
    # they started walked every object of the check's result (a sixth of a warm audit at 10,000).
    with gc_paused():
        return _build_report(kb, result, today)


def _build_report(kb: KnowledgeBase, result: CheckResult, today: dt.date) -> AuditReport:
    weights = kb.config.lint.weights
    context = CorpusContext(kb.root, kb.config, kb.taxonomy, list(result.facts.values()), today)
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in [*result.findings, *result.accepted]:
        by_path[finding.location.path].append(finding)
    healths: list[ArticleHealth] = []
    unreadable: list[Unreadable] = []
    for relpath in result.checked:
        found = sorted(by_path.get(relpath, []), key=Finding.sort_key)
        facts = result.facts.get(relpath)
        if facts is None:
            unreadable.append(Unreadable(relpath, found))
            continue
        score = health(found, weights)
        due = review_due(facts, context)
        state = staleness(found, due.due if due else None)
        healths.append(ArticleHealth(facts, score.score, score.checks, found, state))
    summary = summarise(kb, healths, unreadable, result)
    return AuditReport(
        healths,
        summary,
        unreadable,
        result.findings,
        today,
        kb.config.name,
        kb.root,
        path_prefix=repo_prefix(kb.root),
        fail_level=kb.config.check.fail_level,
        rules_url=kb.config.lint.rules_url,
        accepted=result.accepted,
        warnings=result.warnings,
    )


def summarise(
    kb: KnowledgeBase, healths: list[ArticleHealth], unreadable: list[Unreadable], result: CheckResult
) -> Summary:
    scores = [h.score for h in healths] + [0] * len(unreadable)
    distribution = [0] * 10
    for score in scores:
        distribution[min(score // 10, 9)] += 1
    rules: Counter[tuple[str, str]] = Counter()
    rule_articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    levels: Counter[str] = Counter()
    for h in healths:
        for f in h.findings:
            rules[(f.code, f.name)] += 1
            rule_articles[(f.code, f.name)].add(h.relpath)
            levels[f.level.label] += 1
    for u in unreadable:
        for f in u.findings:
            rules[(f.code, f.name)] += 1
            rule_articles[(f.code, f.name)].add(u.relpath)
            levels[f.level.label] += 1
    top = [RuleCount(code, name, n, len(rule_articles[(code, name)])) for (code, name), n in rules.most_common(15)]
    return Summary(
        articles=len(scores),
        mean_score=round(statistics.fmean(scores), 1) if scores else 100.0,
        median_score=float(statistics.median(scores)) if scores else 100.0,
        distribution=distribution,
        by_area=_stats(healths, lambda h: h.article.product_area or "(none)", len(unreadable)),
        by_owner=_stats(healths, lambda h: h.article.owner or "(none)", len(unreadable)),
        top_rules=top,
        overdue=sorted((h for h in healths if h.staleness.state == "overdue"), key=_due_key),
        due_soon=sorted((h for h in healths if h.staleness.state == "due-soon"), key=_due_key),
        uncovered_codes=uncovered_codes(kb, result),
        levels={level.label: levels[level.label] for level in reversed(Level)},
    )


def _due_key(h: ArticleHealth) -> tuple[dt.date, str]:
    return (h.staleness.due or dt.date.max, h.relpath)


def _stats(healths: list[ArticleHealth], key: Callable[[ArticleHealth], str], unreadable: int) -> list[AreaStats]:
    """One row per area (or owner). Unreadable files have neither: they are a row of their own,
    scored 0 as in the headline mean, so that the rows add up to every file audited."""
    groups: dict[str, list[ArticleHealth]] = defaultdict(list)
    for h in healths:
        groups[key(h)].append(h)
    rows = [
        AreaStats(
            name,
            len(members),
            round(statistics.fmean(m.score for m in members), 1),
            sum(1 for m in members if m.staleness.state == "overdue"),
        )
        for name, members in sorted(groups.items())
    ]
    if unreadable:
        rows.append(AreaStats(UNREADABLE_GROUP, unreadable, 0.0, 0))
    return rows


def uncovered_codes(kb: KnowledgeBase, result: CheckResult) -> list[str]:
    """Registered error codes that no published article lists in `error_codes` (a public site's
    articles when there is a public site, else any site's)."""
    taxonomy = kb.taxonomy
    sites = [s for s in taxonomy.sites.values() if s.public] or list(taxonomy.sites.values())
    covered: set[str] = set()
    for facts in result.facts.values():
        if not sites or any(publishes(site, facts) for site in sites):
            covered.update(" ".join(code.split()).upper() for code in facts.error_codes)
    return sorted(code.code for key, code in taxonomy.codes.items() if " ".join(key.split()) not in covered)
