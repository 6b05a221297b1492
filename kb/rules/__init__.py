"""Every rule kb knows, in one ordered list: `kb rules` lists them, `kb explain` shows one."""

from __future__ import annotations

from kb.rules import clear, complete, current, findable, links, metadata, safe, source, suppression, unique
from kb.rules.base import ArticleRule, CorpusRule, Group, Rule

ALL_RULES: list[type[Rule]] = [
    *source.RULES,
    *suppression.RULES,
    *complete.RULES,
    *clear.RULES,
    *metadata.RULES,
    *findable.RULES,
    *links.RULES,
    *safe.RULES,
    *unique.RULES,
    *current.RULES,
]


def find_rule(code_or_name: str) -> type[Rule] | None:
    """The rule with this code (`KB101`) or name (`missing-section`), case-insensitive."""
    wanted = code_or_name.strip().lower()
    for rule in ALL_RULES:
        if wanted in (rule.code.lower(), rule.name):
            return rule
    return None


def article_rules() -> list[ArticleRule]:
    return [rule() for rule in ALL_RULES if issubclass(rule, ArticleRule)]


def corpus_rules() -> list[CorpusRule]:
    return [rule() for rule in ALL_RULES if issubclass(rule, CorpusRule)]


__all__ = ["ALL_RULES", "ArticleRule", "CorpusRule", "Group", "Rule", "article_rules", "corpus_rules", "find_rule"]
