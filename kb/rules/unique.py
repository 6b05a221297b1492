"""Unique: one id per article and one article per id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.findings import Finding
from kb.rules.base import CorpusRule, Group, Rule

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext


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

    def check_corpus(self, articles: list[Article], context: CheckContext) -> Iterator[Finding]:
        for article_id, same in context.by_id.items():
            if len(same) < 2:
                continue
            for article in same:
                others = ", ".join(o.relpath for o in same if o is not article)
                yield self.at(
                    article.field_location("id"),
                    f"the id {article_id} is also used by {others}",
                    context=article_id,
                )


RULES: list[type[Rule]] = [DuplicateId]
