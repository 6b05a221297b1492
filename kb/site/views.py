"""What each page shows, as plain frozen data: the context templates get, and what a page's key hashes.

A page's output depends only on its view (and the templates), so a page whose view did not change
since the last build is not rendered again. Views hold site paths; templates turn them into
relative links with the `url` filter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteInfo:
    name: str
    title: str
    kb_name: str
    staff: bool  # shows internal notes and KCS metadata
    public: bool  # customer-facing: sitemap, indexable
    language: str
    base_url: str
    search: bool  # has a Pagefind index
    has_health: bool
    id_prefix: str = ""  # what an article id starts with (`KB-`): the search page looks an id up


@dataclass(frozen=True)
class Link:
    path: str  # site path of the target page
    text: str


@dataclass(frozen=True)
class ArticleSummary:
    """An article in a list: title, where it is, what it is for."""

    id: str
    title: str
    path: str
    description: str
    type_title: str
    area: Link | None
    updated: str  # ISO date of the last review (or creation)
    codes: tuple[str, ...]
    confidence: str  # shown on the staff site only


@dataclass(frozen=True)
class Banner:
    kind: str  # "not-validated", "archived", "overdue", "review", "wip"
    title: str
    text: str
    link: Link | None = None  # to an article the site publishes
    named: str = ""  # else the replacement's id as text, when the site may name it


@dataclass(frozen=True)
class StaffFacts:
    """KCS metadata the internal site shows on each article (never on a customer site)."""

    confidence: str
    audience: str
    owner: str
    owner_name: str
    owner_contact: str
    score: int | None
    staleness: str
    due: str
    reviewed: str
    reasons: tuple[str, ...]
    findings: tuple[str, ...]
    path: str  # the source file, from the KB root


@dataclass(frozen=True)
class ArticleView:
    summary: ArticleSummary
    body_key: str  # the rendered body, looked up when the page is written
    outline: tuple[tuple[str, str], ...]
    crumbs: tuple[Link, ...]
    codes: tuple[Link, ...]
    tags: tuple[Link, ...]
    banners: tuple[Banner, ...]
    staff: StaffFacts | None
    created: str
    reviewed: str
    edit_url: str
    flag_url: str


@dataclass(frozen=True)
class AreaGroup:
    """A product area on the home page or its own page: sub-areas and articles."""

    link: Link
    description: str
    count: int  # articles in the area and its sub-areas
    children: tuple[Link, ...]
    articles: tuple[ArticleSummary, ...]
    more: bool  # the list is cut short (home page)


@dataclass(frozen=True)
class HomeView:
    areas: tuple[AreaGroup, ...]
    total: int
    codes: int


@dataclass(frozen=True)
class AreaView:
    """One page of a product area: the first also shows its description and sub-areas."""

    area: AreaGroup  # `articles` holds this page's articles
    crumbs: tuple[Link, ...]
    pager: Pager


@dataclass(frozen=True)
class TagView:
    """One page of the articles with a tag."""

    tag: str
    articles: tuple[ArticleSummary, ...]  # this page's
    pager: Pager


@dataclass(frozen=True)
class TagsView:
    tags: tuple[tuple[Link, int], ...]


@dataclass(frozen=True)
class CodeView:
    code: str
    message: str
    family: str
    description: str
    area: Link | None
    articles: tuple[ArticleSummary, ...]  # best first


@dataclass(frozen=True)
class CodesView:
    codes: tuple[CodeView, ...]


@dataclass(frozen=True)
class HealthRow:
    article: ArticleSummary
    owner: str
    score: int | None
    staleness: str
    due: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Pager:
    """Where one page of a long list sits among the others."""

    number: int  # from 1
    pages: tuple[Link, ...]  # every page, by number
    first_row: int  # the number of this page's first row in the whole list, from 1
    last_row: int  # and of its last
    total: int  # rows in the whole list

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def path(self) -> str:
        """The site path of this page."""
        return self.pages[self.number - 1].path

    @property
    def previous(self) -> str | None:
        """The site path of the page before this one."""
        return self.pages[self.number - 2].path if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.pages[self.number].path if self.number < len(self.pages) else None


@dataclass(frozen=True)
class HealthView:
    """One page of the knowledge-health list; the first also shows the quality report."""

    rows: tuple[HealthRow, ...]  # this page's rows
    counts: tuple[tuple[str, int], ...]  # (staleness state, articles)
    report_html: str  # the quality report's own page, when the audit is installed (first page only)
    today: str
    pager: Pager
    archived: int = 0  # archived articles: audited (the report counts them), not listed

    @property
    def total(self) -> int:
        """Rows on every page."""
        return self.pager.total


@dataclass(frozen=True)
class RedirectView:
    target: str  # site path (or absolute URL) to send the reader to
    text: str


@dataclass(frozen=True)
class EmptyView:
    """Pages that show nothing but the layout (search, 404)."""
