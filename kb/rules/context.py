"""What a rule can see besides its article: the KB's config, taxonomy and every other article."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kb.rules.text import ArticleText

if TYPE_CHECKING:
    from kb.article import Article
    from kb.config import Config
    from kb.taxonomy import Taxonomy


@dataclass
class CheckContext:
    root: Path
    config: Config
    taxonomy: Taxonomy
    # Every readable article of the KB. Article rules must not look at other articles (their
    # findings are cached per article); rules across articles use `kb.rules.facts`.
    articles: list[Article] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    _text: ArticleText | None = field(default=None, init=False, repr=False, compare=False)

    def text(self, article: Article) -> ArticleText:
        """What rules read in `article`'s body, built once while its rules run (one at a time)."""
        if self._text is None or self._text.article is not article:
            self._text = ArticleText(article)
        return self._text

    @cached_property
    def by_id(self) -> dict[str, list[Article]]:
        table: dict[str, list[Article]] = defaultdict(list)
        for article in self.articles:
            if article.id:
                table[article.id].append(article)
        return dict(table)

    @cached_property
    def by_path(self) -> dict[str, Article]:
        return {article.relpath: article for article in self.articles}

    def article(self, article_id: str) -> Article | None:
        found = self.by_id.get(article_id)
        return found[0] if found else None
