"""`kb check`: load every article, validate it, run the rules, and collect every finding.

The stages, in order: load (file and YAML traps) → schema → article rules → corpus rules.
One unreadable article never stops the others from being checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kb.article import Article
from kb.findings import Finding, Level
from kb.load import load_all
from kb.project import KnowledgeBase
from kb.rules import article_rules, corpus_rules
from kb.rules.context import CheckContext
from kb.validate import validate_front_matter


@dataclass
class CheckResult:
    """Findings for the checked articles, sorted by place; `articles` are those that loaded."""

    findings: list[Finding]
    checked: list[str]
    articles: list[Article] = field(default_factory=list)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def failed(self, fail_level: Level) -> bool:
        return any(f.level >= fail_level for f in self.findings)


def check(
    kb: KnowledgeBase,
    paths: list[Path] | None = None,
    *,
    today: dt.date | None = None,
) -> CheckResult:
    """Check the articles under `paths` (default: the whole KB) against everything kb knows.

    Rules that compare articles (duplicate ids, replacements) see the whole KB even when only
    some articles are checked.
    """
    targets = [kb.relpath(p) for p in kb.article_paths(paths)]
    taxonomy = kb.taxonomy  # a broken taxonomy is a ConfigError before any article is read
    everything = load_all(kb, sorted({*kb.article_paths(), *(kb.root / t for t in targets)}))
    articles = [loaded.article for loaded in everything.values() if loaded.article is not None]
    context = CheckContext(kb.root, kb.config, taxonomy, articles, today=today or dt.date.today())

    wanted = set(targets)
    findings: list[Finding] = []
    checked_articles: list[Article] = []
    rules = article_rules()
    for relpath in targets:
        loaded = everything[relpath]
        findings.extend(loaded.findings)
        article = loaded.article
        if article is None:
            continue
        checked_articles.append(article)
        findings.extend(validate_front_matter(article, kb.config.id_prefix))
        for rule in rules:
            findings.extend(rule.check(article, context))
    for corpus_rule in corpus_rules():
        findings.extend(f for f in corpus_rule.check_corpus(articles, context) if f.location.path in wanted)

    findings.sort(key=Finding.sort_key)
    return CheckResult(findings, targets, checked_articles)
