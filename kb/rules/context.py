"""What a rule can see besides its article: the KB's config, taxonomy and every other article."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.article import Article
    from kb.config import Config
    from kb.taxonomy import Taxonomy


@dataclass
class CheckContext:
    root: Path
    config: Config
    taxonomy: Taxonomy
    articles: list[Article]  # every readable article of the KB, not only those being checked
    today: dt.date = field(default_factory=dt.date.today)

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
