"""What a rule is: an id, a readable name, a group of the KCS content standard, a level, a doc."""

from __future__ import annotations

import enum
import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from kb.findings import Finding, Level, Location

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext
    from kb.rules.facts import CorpusContext


class Group(enum.Enum):
    """The groups of the health score, as the KCS content standard groups its checks."""

    SOURCE = "source"  # the file can be read at all; not scored, an unreadable article scores 0
    COMPLETE = "complete"
    CLEAR = "clear"
    FINDABLE = "findable"
    LINKS = "links"
    SAFE = "safe"
    UNIQUE = "unique"
    CURRENT = "current"

    @property
    def title(self) -> str:
        return _GROUP_TITLES[self]


_GROUP_TITLES = {
    Group.SOURCE: "File and front matter can be read",
    Group.COMPLETE: "Complete: required sections present and filled",
    Group.CLEAR: "Clear: short, readable, titled by the issue",
    Group.FINDABLE: "Findable: metadata valid, codes declared, described",
    Group.LINKS: "Links valid: links and anchors resolve, none to archived articles",
    Group.SAFE: "Safe: nothing secret or personal where customers can see it",
    Group.UNIQUE: "Unique: one article per issue, one id per article",
    Group.CURRENT: "Current: reviewed on time, on supported versions",
}


class Rule:
    """A named check. Subclasses set the class attributes and document themselves.

    The docstring of a rule is its documentation page (`kb explain CODE`), written in the
    sections ``## What it does``, ``## Why it matters``, ``## Example`` and ``## Use instead``.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    group: ClassVar[Group]
    level: ClassVar[Level] = Level.ERROR
    summary: ClassVar[str]
    hint: ClassVar[str] = ""

    @classmethod
    def at(
        cls,
        location: Location,
        message: str,
        *,
        hint: str | None = None,
        context: str = "",
    ) -> Finding:
        """A finding of this rule at `location`."""
        return Finding(
            code=cls.code,
            name=cls.name,
            level=cls.level,
            location=location,
            message=message,
            hint=cls.hint if hint is None else hint,
            context=context,
        )

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def label(cls) -> str:
        return f"{cls.code} {cls.name}"


def retired(article: Article) -> bool:
    """An archived article is kept for its redirect, not read: style and findability rules skip it."""
    return article.confidence == "archived"


class ArticleRule(Rule):
    """A rule that looks at one article at a time, and at nothing else but the KB's settings:
    its findings are cached by the article's content."""

    def check(self, article: Article, context: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError


class CorpusRule(Rule):
    """A rule across articles (duplicate ids, links, near-duplicates, staleness). It reads the
    cached facts of every article (`kb.rules.facts`), so it runs on every check, cheaply."""

    def check_corpus(self, context: CorpusContext) -> Iterable[Finding]:
        raise NotImplementedError
