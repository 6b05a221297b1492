"""What a site publishes: the audience boundary, decided once for the index and the site alike.

A site publishes an article when the taxonomy lets it show that audience and confidence. A site
that does not publish the `internal` audience never sees the text of `::: internal` blocks:
they are blanked in the Markdown source before anything parses it, so no renderer, index or
footnote can carry them. `SiteView.forbidden` lists what must never appear in such a site's
output (ids and titles of withheld articles, the text of internal blocks) for the leak scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from kb import markdown

if TYPE_CHECKING:
    from markdown_it.token import Token

    from kb.article import Article
    from kb.taxonomy import Site


def shows_internal_notes(site: Site) -> bool:
    """Only a site for staff (one that publishes the internal audience) shows internal blocks."""
    return "internal" in site.audiences and not site.public


class Publishable(Protocol):
    """What decides whether a site publishes something: an `Article`, or the cached facts of one."""

    @property
    def id(self) -> str | None: ...

    @property
    def audience(self) -> str | None: ...

    @property
    def confidence(self) -> str | None: ...


def publishes(site: Site, article: Publishable) -> bool:
    """Whether `site` publishes `article`. An article without a valid audience is never public."""
    if site.public and article.audience not in ("customer", "public", "partner"):
        return False
    return site.publishes(article.audience, article.confidence) and bool(article.id)


@dataclass
class PublishedArticle:
    """An article as one site shows it: the body is what that site may show, nothing more."""

    article: Article
    body: str  # Markdown with internal blocks blanked when the site may not show them
    internal_notes: bool  # whether the body still holds internal blocks (staff site)

    def let_text_go(self) -> None:
        """Drop the body and what was parsed from it (see `Article.let_text_go`)."""
        self.body = ""
        for parsed in ("tokens", "text"):
            self.__dict__.pop(parsed, None)

    @cached_property
    def id(self) -> str:
        assert self.article.id is not None  # `publishes` refuses articles without an id
        return self.article.id

    @cached_property
    def tokens(self) -> list[Token]:
        return self.article.tokens if self.body is self.article.body else markdown.parse(self.body)

    @cached_property
    def text(self) -> str:
        """The plain text of the body as this site shows it (for search and snippets)."""
        return markdown.plain_text(self.tokens)


def visible_body(article: Article, site: Site) -> str:
    """The article's Markdown as `site` may show it."""
    # Without an opening line there is nothing to blank, and the body need not be parsed
    # (parsing is the cost that dominates a build of thousands of articles).
    if shows_internal_notes(site) or not may_hold_internal_blocks(article.body):
        return article.body
    return _without_notes(article.body_lines, _with_closing_lines(article))


# Every internal block opens with a line holding ':::' (or more colons) and then 'internal' in
# any case; a body without such text has none, and need not be parsed to know it.
# (Letter classes, not IGNORECASE: the literal ':::' prefix then lets the search skip ahead fast.)
_OPENING = re.compile(r":::+\s*[Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll]")


def may_hold_internal_blocks(body: str) -> bool:
    return _OPENING.search(body) is not None


# A block's closing line, in a quote or a list item too (`> :::`, `  :::`).
_CLOSING = re.compile(r"^[ \t>]*:{3,}\s*$")
_QUOTE_PREFIX = re.compile(r"^[ \t>]*")
_ALERT = re.compile(r"^[ \t>]*>[ \t]*\[![A-Za-z]+\][ \t]*$")  # `> [!NOTE]` alone on its line


def _with_closing_lines(article: Article) -> list[tuple[int, int, int]]:
    """The internal blocks' line ranges including their closing `:::` line, which the container
    rule leaves out of the token's map (left behind, it would print a stray ':::'); and the
    `> [!NOTE]` line of an alert that holds nothing else (left, it would print an empty box).
    Each with the quote markers its blanked lines keep: those of the quotes around the block, and
    around the alert when the alert goes."""
    lines = article.body_lines
    ranges = []
    for start, end in markdown.internal_blocks(article.tokens):
        if end < len(lines) and _CLOSING.match(lines[end]):
            end += 1
        depth = _depth(lines[start])
        if start > 0 and _ALERT.match(lines[start - 1]) and _quote_ends(lines, end, _depth(lines[start - 1])):
            start, depth = start - 1, _depth(lines[start - 1]) - 1
        ranges.append((start, end, depth))
    return ranges


def _quote_ends(lines: list[str], end: int, depth: int) -> bool:
    """Whether a quote `depth` deep holds nothing after line `end` (bare `>` lines aside)."""
    for line in lines[end:]:
        if _QUOTE_PREFIX.sub("", line, count=1).strip():
            return _depth(line) < depth
        if _depth(line) < depth:
            return True  # a blank line, or one of a quote around it, ends the quote
    return True


def _depth(line: str) -> int:
    """How many quotes deep a line is (its leading `>` markers)."""
    prefix = _QUOTE_PREFIX.match(line)
    return prefix.group(0).count(">") if prefix else 0


def _without_notes(lines: list[str], ranges: list[tuple[int, int, int]]) -> str:
    """The body with the lines in `ranges` blanked (kept, so line numbers do not move), each
    keeping the quote markers its range says: what follows a note in the same quote or alert
    stays in it."""
    kept = list(lines)
    for start, end, depth in ranges:
        for i in range(start, min(end, len(kept))):
            kept[i] = " ".join(">" * min(depth, _depth(kept[i])))
    return "\n".join(kept)


@dataclass
class SiteView:
    """The articles one site publishes, and what it must not contain."""

    site: Site
    articles: list[PublishedArticle]
    withheld: list[Article] = field(default_factory=list)  # by audience or confidence: confidential
    # Articles the site could show but does not (an id another article has, a secret, an overdue
    # review under the `hide` policy): not published, but their ids and titles are no secret.
    kept_off: list[Article] = field(default_factory=list)
    # Of those, the ones kept off because an earlier one (by path) has their id: (kept off, published).
    duplicates: list[tuple[Article, Article]] = field(default_factory=list)

    @cached_property
    def by_id(self) -> dict[str, PublishedArticle]:
        return {p.id: p for p in self.articles}

    def is_published(self, article_id: str) -> bool:
        return article_id in self.by_id

    def keep_off(self, off: Callable[[PublishedArticle], bool]) -> SiteView:
        """This view with the articles `off` picks moved from `articles` to `kept_off` (asked once each)."""
        kept: list[PublishedArticle] = []
        gone: list[Article] = []
        for published in self.articles:
            if off(published):
                gone.append(published.article)
            else:
                kept.append(published)
        return replace(self, articles=kept, kept_off=[*self.kept_off, *gone]) if gone else self

    @cached_property
    def forbidden(self) -> list[tuple[str, str]]:
        """(what, text) pairs that must never appear in this site's output.

        Empty for a staff site. For any other: the id and title of every withheld article
        (unless a published article carries the same title, or the title is one word) and each
        line of every internal block of the published articles that is long enough to be
        recognisable.
        """
        if shows_internal_notes(self.site):
            return []
        published_titles = {p.article.title for p in self.articles}
        published_ids = set(self.by_id)
        found: list[tuple[str, str]] = []
        for article in self.withheld:
            if article.id and article.id not in published_ids:
                found.append((f"id of withheld article {article.relpath}", article.id))
            # A title of one word ("Search", "Billing") is any page's word, not a sign of a leak.
            if article.title and len(article.title.split()) > 1 and article.title not in published_titles:
                found.append((f"title of withheld article {article.relpath}", article.title))
        for published in self.articles:
            article = published.article
            if not may_hold_internal_blocks(article.body):
                continue
            for start, end in markdown.internal_blocks(article.tokens):
                for line in article.body_lines[start + 1 : end]:
                    if not line.strip().startswith(":::"):
                        what = f"internal note of {article.relpath}"
                        found.extend((what, text) for text in _note_forms(line))
        return found


def _note_forms(line: str) -> set[str]:
    """The forms a line of an internal note would take in a page, long enough to be recognisable:
    as written (block markers off: `admin_reset_tool`, `#billing-ops` and `C#` stay), as read
    (inline markup rendered away: `**bold**` is bold, `[text](url)` is text), and with every
    markup character dropped."""
    written = _BLOCK_MARKERS.sub("", line)
    read = markdown.plain_text(markdown.parse(written)) if _INLINE_MARKUP.search(written) else written
    forms = {" ".join(text.split()) for text in (written, read, _MARKUP.sub(" ", line))}
    return {text for text in forms if len(text) >= 20}


_MARKUP = re.compile(r"[*_`>#|\[\]]+|^\s*(?:[-+]|\d+\.)\s+")
_BLOCK_MARKERS = re.compile(r"^(?:\s*(?:>|[-+*](?=\s)|\d+[.)](?=\s)|#{1,6}(?=\s)))*\s*")
_INLINE_MARKUP = re.compile(r"[*_`\[\]<&\\]")


def site_view(site: Site, articles: Iterable[Article], memo: ViewMemo | None = None) -> SiteView:
    """Split `articles` into what `site` publishes (with bodies it may show) and what it withholds.
    `memo` keeps the split of each article object from the last call (kb serve's rebuilds)."""
    published: list[PublishedArticle] = []
    withheld: list[Article] = []
    staff = shows_internal_notes(site)
    known = memo.start(site) if memo is not None else {}
    made: dict[int, tuple[Article, PublishedArticle | None]] = {}
    for article in articles:
        hit = known.get(id(article))
        if hit is not None and hit[0] is article:
            shown = hit[1]
        else:
            shown = PublishedArticle(article, visible_body(article, site), staff) if publishes(site, article) else None
        made[id(article)] = (article, shown)
        if shown is not None:
            published.append(shown)
        else:
            withheld.append(article)
    if memo is not None:
        memo.split = made
    # One page per id: of articles sharing one, the first by path is published (kb check
    # reports the clash); the others are kept off, not written over each other.
    published.sort(key=lambda p: (p.id, p.article.relpath))
    kept: list[PublishedArticle] = []
    duplicates: list[tuple[Article, Article]] = []
    for shown in published:
        if kept and kept[-1].id == shown.id:
            duplicates.append((shown.article, kept[-1].article))
        else:
            kept.append(shown)
    return SiteView(site, kept, withheld, [d for d, _ in duplicates], duplicates)


@dataclass
class ViewMemo:
    """What `site_view` made of each article object for one site, kept while the site is the same."""

    site: Site | None = None
    split: dict[int, tuple[Article, PublishedArticle | None]] = field(default_factory=dict)

    def start(self, site: Site) -> dict[int, tuple[Article, PublishedArticle | None]]:
        if site is not self.site:
            self.site, self.split = site, {}
        return self.split
