"""Links valid: what an article points at exists and is still current."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.findings import Finding
from kb.rules.base import ArticleRule, Group, Rule
from kb.taxonomy import did_you_mean

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext


class ReplacedByUnknown(ArticleRule):
    """## What it does
    Reports a `replaced_by` that names no article of the KB, or names the article itself, or an
    article that is archived in turn.

    ## Why it matters
    Archived articles redirect to their replacement. A replacement that does not exist sends
    customers to a 404; one that is archived itself sends them round in a chain.

    ## Example
    ```yaml
    confidence: archived
    replaced_by: KB-2001   # no article has this id
    ```

    ## Use instead
    ```yaml
    confidence: archived
    replaced_by: KB-1042   # the current article for this issue
    ```
    """

    code = "KB401"
    name = "replaced-by-unknown"
    group = Group.LINKS
    summary = "replaced_by does not point at a current article."
    hint = "point replaced_by at the id of the current article for this issue"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        target_id = article.replaced_by
        if not target_id:
            return
        location = article.field_location("replaced_by")
        if target_id == article.id:
            yield self.at(location, "replaced_by names the article itself", context=target_id)
            return
        target = context.article(target_id)
        if target is None:
            yield self.at(
                location,
                f"replaced_by names {target_id}, which no article has{did_you_mean(target_id, context.by_id)}",
                context=target_id,
            )
        elif target.confidence == "archived":
            yield self.at(
                location,
                f"replaced_by names {target_id}, which is archived too; point at its replacement",
                context=target_id,
            )


RULES: list[type[Rule]] = [ReplacedByUnknown]
