"""Collect the pages of one site: what it publishes turned into views, one `Page` per output file.

Home by product area, one page per article, per product area, per tag and per error code, the
indexes, search, 404, the knowledge-health page (staff site), redirects, and the files that are
not pages (errors.json, sitemap, robots.txt, _redirects, copied images).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import chain
from pathlib import Path
from typing import TypeVar

from kb.article import Article
from kb.config import Config
from kb.errors import KbError
from kb.publish import PublishedArticle, SiteView
from kb.site import codes, routes, urls
from kb.site.health import ArticleHealth, Health, Staleness
from kb.site.render import RenderedBody
from kb.site.views import (
    AreaGroup,
    AreaView,
    ArticleSummary,
    ArticleView,
    Banner,
    CodesView,
    EmptyView,
    HealthRow,
    HealthView,
    HomeView,
    Link,
    Pager,
    RedirectView,
    SiteInfo,
    StaffFacts,
    TagsView,
    TagView,
)
from kb.taxonomy import Taxonomy

HOME_ARTICLES_PER_AREA = 6
_CURRENT = ArticleHealth(Staleness("current", None))  # an article the health assessment does not know


@dataclass(frozen=True)
class Page:
    path: str  # the file in the site folder
    template: str
    title: str
    view: object
    searchable: bool = False  # indexed by Pagefind
    listed: bool = True  # in the sitemap
    description: str = ""


@dataclass
class Plan:
    """Everything one site writes."""

    site: SiteInfo
    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # written as they are
    assets: dict[str, Path] = field(default_factory=dict)  # site path -> file to copy
    redirected_ids: set[str] = field(default_factory=set)  # archived articles that redirect here


@dataclass
class Inputs:
    """What collecting a site needs besides its `SiteView`."""

    root: Path
    config: Config
    taxonomy: Taxonomy
    health: Health
    today: dt.date
    articles: list[Article]  # every article of the KB (for redirects of archived ones)
    bodies: dict[str, tuple[str, RenderedBody]]  # article id -> (body key, rendered body)


@dataclass
class Memo:
    """What collecting a site made last time, for `kb serve`'s rebuilds.

    Articles that did not change are the same objects from one build to the next (the build
    cache keeps them), so their summaries and pages are reused instead of made again. A saved
    article whose summary reads the same keeps the old summary object, so the lists of many
    articles (home, product areas, tags, error codes) are reused while what they show is the
    same. Any change to the site, config, taxonomy or templates (`fingerprint`) starts afresh.
    """

    fingerprint: str = ""
    summaries: dict[str, tuple[Article, ArticleSummary]] = field(default_factory=dict)  # by path
    pages: dict[int, tuple[Article, str, ArticleHealth, tuple[Banner, ...], Page]] = field(default_factory=dict)
    rows: dict[int, tuple[Article, ArticleHealth, ArticleSummary, tuple[int, int, str, str], HealthRow]] = field(
        default_factory=dict
    )
    listings: tuple[tuple[object, ...], Listings] | None = None  # (what they were made from, the pages)
    # The last knowledge-health pages, with (rows, archived, report, day) they were made from; their rows by id.
    health_pages: tuple[tuple[int, int, str, str], list[Page]] | None = None
    health_rows: dict[str, HealthRow] = field(default_factory=dict)
    sitemap: tuple[list[str], bytes] | None = None  # the paths it lists, and the file

    def start(self, fingerprint: str) -> None:
        if fingerprint != self.fingerprint:
            self.fingerprint = fingerprint
            self.summaries.clear()
            self.pages.clear()
            self.rows.clear()
            self.listings = None
            self.health_pages, self.health_rows = None, {}
            self.sitemap = None

    def summary(self, article: Article, taxonomy: Taxonomy) -> ArticleSummary:
        known = self.summaries.get(article.relpath)
        if known is not None and known[0] is article:
            return known[1]
        made = _summary(article, taxonomy)
        if known is not None and known[1] == made:
            made = known[1]  # the same object: lists holding it stay the same objects too
        self.summaries[article.relpath] = (article, made)
        return made


@dataclass
class Listings:
    """The pages that list many articles, and errors.json: made again only when what they list changes."""

    pages: list[Page]
    errors_json: bytes


def collect(site: SiteInfo, view: SiteView, inputs: Inputs, memo: Memo | None = None) -> Plan:
    plan = Plan(site)
    tax = inputs.taxonomy
    published = view.articles
    memo = memo or Memo()
    summaries = {p.id: memo.summary(p.article, tax) for p in published}
    live = {id(p.article) for p in published}
    for table in (memo.pages, memo.rows):  # a saved article's last object: let it go (kb serve runs for days)
        for gone in [key for key in table if key not in live]:
            del table[gone]
    if len(memo.summaries) > len(published):
        paths = {p.article.relpath for p in published}
        memo.summaries = {path: known for path, known in memo.summaries.items() if path in paths}

    replacements = Replacements(view, inputs.articles, withhold_names=not site.staff)
    for item in published:
        key, body = inputs.bodies[item.id]
        health = inputs.health.of(item.article) or _CURRENT
        known = memo.pages.get(id(item.article))
        page = None
        if known is not None and known[0] is item.article and known[1] == key and _same(known[2], health):
            page = known[4]
            # Other banners follow from the article and its health; an archived article's from
            # what else the site publishes.
            if item.article.confidence == "archived" and known[3] != _banners(item.article, health, site, replacements):
                page = None
        if page is None:
            banners = _banners(item.article, health, site, replacements)
            page = _article_page(item, summaries[item.id], key, body, site, inputs, banners)
            memo.pages[id(item.article)] = (item.article, key, health, banners, page)
        plan.pages.append(page)
        for asset in body.assets:
            plan.assets[urls.asset_path(asset)] = inputs.root / asset

    made_of = _listing_key(published, summaries, inputs.health)
    if memo.listings is None or memo.listings[0] != made_of:
        memo.listings = (made_of, _listings(site, published, summaries, inputs))
    listings = memo.listings[1]
    plan.pages.extend(listings.pages)
    plan.files[urls.ERRORS_JSON] = listings.errors_json

    plan.pages.append(Page(urls.SEARCH, "search.html", "Search", EmptyView(), listed=False))
    plan.pages.append(Page(urls.NOT_FOUND, "404.html", "Page not found", EmptyView(), listed=False))
    if site.has_health:
        plan.pages.extend(_health_pages(published, summaries, inputs, memo))

    # A redirect never takes the place of what the site writes (`aliases: [index.html]`).
    written = chain((page.path for page in plan.pages), plan.files, plan.assets)
    moved = routes.redirects(view, inputs.articles, written)
    for redirect in moved:
        plan.pages.append(
            Page(redirect.source, "redirect.html", "Moved", RedirectView(redirect.target, "This page has moved"),
                 listed=False)
        )  # fmt: skip
        if redirect.reason == "archived":
            plan.redirected_ids.add(redirect.article_id)
    if moved:
        plan.files[urls.REDIRECTS] = routes.redirects_file(moved)
    plan.files[urls.ROBOTS] = routes.robots(public=site.public, base_url=site.base_url)
    if site.public:
        listed = [p.path for p in plan.pages if p.listed]
        if memo.sitemap is None or memo.sitemap[0] != listed:
            memo.sitemap = (listed, routes.sitemap(site.base_url, listed))
        plan.files[urls.SITEMAP] = memo.sitemap[1]
    names = chain((page.path for page in plan.pages), plan.files, plan.assets)
    outside = next((name for name in names if not urls.inside_site(name)), None)
    if outside is not None:  # the names above are made safe where they are made: this is the last guard
        raise KbError(f"the {site.name} site would write {outside!r}, outside its folder; nothing was published")
    return plan


def _listing_key(
    published: list[PublishedArticle], summaries: dict[str, ArticleSummary], health: Health
) -> tuple[object, ...]:
    """What the listing pages are made of: each article's summary (the same object while it reads
    the same), area, tags, codes and, for ranking on code pages, health score."""
    key: list[object] = []
    for item in published:
        article = item.article
        score = None
        if article.error_codes:
            known = health.of(article)
            score = known.score if known else None
        key.append((summaries[item.id], article.product_area, tuple(article.tags), tuple(article.error_codes), score))
    return tuple(key)


def _listings(
    site: SiteInfo, published: list[PublishedArticle], summaries: dict[str, ArticleSummary], inputs: Inputs
) -> Listings:
    tax = inputs.taxonomy
    pages: list[Page] = []
    groups = _area_groups(published, summaries, tax)
    home_groups = tuple(g for path, g in sorted(groups.items()) if "/" not in path)
    entries = codes.collect_codes(published, tax, include_registered=site.staff)
    code_views = codes.code_views(
        entries, tax, inputs.health, lambda p: summaries[p.id], lambda area: _area_link(area, tax)
    )
    pages.append(
        Page(urls.HOME, "home.html", site.title, HomeView(_shorten(home_groups), len(published), len(code_views)))
    )
    for path, group in sorted(groups.items()):
        crumbs = tuple(_area_link(a, tax) for a in _ancestors(path))
        for rows, pager in _pieces(group.articles, LIST_ROWS_PER_PAGE, partial(urls.list_page, urls.area_path(path))):
            shown = replace(group, articles=rows)
            pages.append(
                Page(
                    pager.path,
                    "area.html",
                    _numbered(group.link.text, pager),
                    AreaView(shown, crumbs, pager),
                    description=group.description,
                )
            )

    tagged: dict[str, list[ArticleSummary]] = defaultdict(list)
    names: dict[str, str] = {}
    for item in published:
        for tag_slug, tag in sorted({urls.tag_slug(tag): tag for tag in item.article.tags}.items()):
            names.setdefault(tag_slug, tag)
            tagged[tag_slug].append(summaries[item.id])
    for slug in sorted(tagged):
        name = names[slug]
        for rows, pager in _pieces(
            tuple(tagged[slug]), LIST_ROWS_PER_PAGE, partial(urls.list_page, urls.tag_path(name))
        ):
            view = TagView(name, rows, pager)
            pages.append(Page(pager.path, "tag.html", _numbered(f"Tag: {name}", pager), view))
    tag_links = tuple((Link(urls.tag_path(names[s]), names[s]), len(tagged[s])) for s in sorted(tagged))
    pages.append(Page(urls.TAGS_INDEX, "tags.html", "Tags", TagsView(tag_links)))

    for code_view in code_views:
        title = f"{code_view.code}: {code_view.message}" if code_view.message else f"Error {code_view.code}"
        pages.append(
            Page(urls.code_path(code_view.code), "error.html", title, code_view, searchable=True,
                 description=code_view.description or code_view.message)
        )  # fmt: skip
    all_codes = CodesView(tuple(code_views))
    pages.append(Page(urls.ERRORS_INDEX, "errors.html", "Error codes", all_codes))
    return Listings(pages, codes.errors_json(all_codes))


def _same(known: ArticleHealth, health: ArticleHealth) -> bool:
    return known is health or known == health  # the same object for most articles on a rebuild


# -- articles -----------------------------------------------------------------------------------


def _summary(article: Article, taxonomy: Taxonomy) -> ArticleSummary:
    kind = taxonomy.types.get(article.type or "")
    area = article.product_area
    updated = article.reviewed or article.created
    return ArticleSummary(
        id=article.id or "",
        title=article.title or article.id or "",
        path=urls.article_path(article.id or ""),
        description=article.description or "",
        type_title=kind.title if kind else (article.type or ""),
        area=_area_link(area, taxonomy) if area else None,
        updated=updated.isoformat() if updated else "",
        codes=tuple(article.error_codes),
        confidence=article.confidence or "",
    )


def _article_page(
    item: PublishedArticle,
    summary: ArticleSummary,
    key: str,
    body: RenderedBody,
    site: SiteInfo,
    inputs: Inputs,
    banners: tuple[Banner, ...],
) -> Page:
    article = item.article
    health = inputs.health.of(article) or _CURRENT
    area = article.product_area
    crumbs = tuple(_area_link(a, inputs.taxonomy) for a in _ancestors(area)) if area else ()
    code_links = tuple(Link(urls.code_path(c), c) for c in article.error_codes)
    tag_links = tuple(Link(urls.tag_path(t), t) for t in article.tags)
    config = inputs.config
    edit = config.edit_url.replace("{path}", article.relpath) if config.edit_url else ""
    flag = ""
    if config.flag_url:
        from urllib.parse import quote

        flag = config.flag_url.replace("{id}", quote(item.id)).replace("{title}", quote(summary.title))
    staff = _staff_facts(article, health, inputs) if site.staff else None
    view = ArticleView(
        summary=summary,
        body_key=key,
        outline=body.outline,
        crumbs=crumbs,
        codes=code_links,
        tags=tag_links,
        banners=banners,
        staff=staff,
        created=article.created.isoformat() if article.created else "",
        reviewed=article.reviewed.isoformat() if article.reviewed else "",
        edit_url=edit,
        flag_url=flag,
    )
    return Page(summary.path, "article.html", summary.title, view, searchable=True, description=summary.description)


@dataclass
class Replacements:
    """What an archived article's banner says replaces it on one site.

    A link only to an article the site publishes, following replacements as its redirect does;
    failing that, the id as plain text, unless an article the site withholds has it: a customer
    site never names those (the leak scan fails the build on their ids).
    """

    view: SiteView
    articles: list[Article]  # every article of the KB
    withhold_names: bool  # a customer site: withheld articles are not named

    @cached_property
    def _by_id(self) -> dict[str, Article]:  # made when first needed: few articles are archived
        return {a.id: a for a in self.articles if a.id}

    @cached_property
    def _withheld_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.view.withheld if a.id)

    def of(self, article: Article) -> tuple[Link | None, str]:
        """(a link to the replacement, or None; else the id to name as text, or "")."""
        first = article.replaced_by
        seen: set[str | None] = {article.id}
        target = first
        while target and target not in seen:
            if self.view.is_published(target):
                return Link(urls.article_path(target), target), ""
            seen.add(target)
            then = self._by_id.get(target)
            target = then.replaced_by if then is not None else None
        if not first or (self.withhold_names and first in self._withheld_ids):
            return None, ""
        return None, first


def _banners(article: Article, health: ArticleHealth, site: SiteInfo, replacements: Replacements) -> tuple[Banner, ...]:
    banners = []
    confidence = article.confidence
    if confidence == "archived":
        link, named = replacements.of(article)
        banners.append(Banner("archived", "Archived", "This article is no longer maintained.", link, named))
    elif confidence in ("not-validated", "wip"):
        text = (
            "Work in progress: this article is being written and may be incomplete."
            if confidence == "wip"
            else "Not validated yet: this solution has not been confirmed by enough cases."
        )
        banners.append(Banner(confidence, "Not validated" if confidence != "wip" else "Work in progress", text))
    if confidence != "archived" and health.staleness.state == "overdue":
        if site.staff:
            reasons = "; ".join(health.staleness.reasons) or "review date has passed"
            banners.append(Banner("overdue", "Overdue for review", reasons[:1].upper() + reasons[1:] + "."))
        else:
            banners.append(Banner("review", "Being reviewed", "Some details of this article may be out of date."))
    return tuple(banners)


def _staff_facts(article: Article, health: ArticleHealth, inputs: Inputs) -> StaffFacts:
    owner = article.owner or ""
    spec = inputs.taxonomy.owners.get(owner)
    return StaffFacts(
        confidence=article.confidence or "",
        audience=article.audience or "",
        owner=owner,
        owner_name=spec.name if spec and spec.name else owner,
        owner_contact=spec.contact if spec else "",
        score=health.score,
        staleness=health.staleness.state,
        due=health.staleness.due.isoformat() if health.staleness.due else "",
        reviewed=(article.reviewed or article.created or dt.date.min).isoformat()
        if (article.reviewed or article.created)
        else "",
        reasons=health.staleness.reasons,
        findings=health.findings,
        path=article.relpath,
    )


# -- product areas ------------------------------------------------------------------------------


def _ancestors(area: str) -> list[str]:
    """`identity/sso` -> [`identity`, `identity/sso`]."""
    parts = area.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _area_link(area: str, taxonomy: Taxonomy) -> Link:
    known = taxonomy.areas.get(area)
    return Link(urls.area_path(area), known.title if known else area.rsplit("/", 1)[-1])


def _area_groups(
    published: list[PublishedArticle], summaries: dict[str, ArticleSummary], taxonomy: Taxonomy
) -> dict[str, AreaGroup]:
    direct: dict[str, list[ArticleSummary]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for item in published:
        area = item.article.product_area
        if not area:
            continue
        direct[area].append(summaries[item.id])
        for ancestor in _ancestors(area):
            counts[ancestor] += 1
    below: dict[str, list[str]] = defaultdict(list)  # area -> its direct sub-areas, in order
    for area in sorted(counts):
        if "/" in area:
            below[area.rsplit("/", 1)[0]].append(area)
    groups = {}
    for area in sorted(counts):
        children = tuple(_area_link(child, taxonomy) for child in below.get(area, []))
        known = taxonomy.areas.get(area)
        articles = tuple(sorted(direct.get(area, []), key=lambda s: (s.title.casefold(), s.id)))
        groups[area] = AreaGroup(
            _area_link(area, taxonomy), known.description if known else "", counts[area], children, articles, False
        )
    return groups


def _shorten(groups: tuple[AreaGroup, ...]) -> tuple[AreaGroup, ...]:
    """Home lists a few articles per area and links to the rest."""
    short = []
    for group in groups:
        articles = group.articles[:HOME_ARTICLES_PER_AREA]
        more = len(articles) < group.count
        short.append(AreaGroup(group.link, group.description, group.count, group.children, articles, more))
    return tuple(short)


# -- knowledge health (staff site) ------------------------------------------------------------------


_ORDER = {"overdue": 0, "due-soon": 1, "current": 2}
# Rows on one page of the list of every article: 50,000 rows on one page made 22 MB of HTML.
HEALTH_ROWS_PER_PAGE = 500


def _health_pages(
    published: list[PublishedArticle], summaries: dict[str, ArticleSummary], inputs: Inputs, memo: Memo
) -> list[Page]:
    ranked: list[tuple[tuple[int, int, str, str], HealthRow]] = []
    counts: dict[str, int] = defaultdict(int)
    archived = 0  # audited (the report counts them) but not listed: nobody reviews them any more
    same = memo.health_pages is not None  # every row as it was: the last pages are kept
    for item in published:
        if item.article.confidence == "archived":
            archived += 1
            continue
        health = inputs.health.of(item.article) or _CURRENT
        counts[health.staleness.state] += 1
        summary = summaries[item.id]
        known = memo.rows.get(id(item.article))
        if known is None or known[0] is not item.article or not _same(known[1], health) or known[2] is not summary:
            row = HealthRow(
                summary,
                item.article.owner or "",
                health.score,
                health.staleness.state,
                health.staleness.due.isoformat() if health.staleness.due else "",
                health.staleness.reasons,
            )
            rank = (_ORDER.get(row.staleness, 3), row.score if row.score is not None else 101, row.due, item.id)
            known = memo.rows[id(item.article)] = (item.article, health, summary, rank, row)
            same = same and memo.health_rows.get(item.id) == row
        ranked.append((known[3], known[4]))
    report = inputs.health.report_html or ""
    today = inputs.today.isoformat()
    made_of = (len(ranked), archived, report, today)
    if same and memo.health_pages is not None and memo.health_pages[0] == made_of:
        return memo.health_pages[1]
    ranked.sort(key=lambda pair: pair[0])
    rows = tuple(row for _, row in ranked)
    counts_by_state = tuple(sorted(counts.items(), key=lambda kv: _ORDER.get(kv[0], 3)))
    pages = _paged(rows, counts_by_state, archived, report, today)
    memo.health_pages, memo.health_rows = (made_of, pages), {row.article.id: row for row in rows}
    return pages


def _paged(
    rows: tuple[HealthRow, ...], counts: tuple[tuple[str, int], ...], archived: int, report: str, today: str
) -> list[Page]:
    """The list of every article in pages a browser opens at once; the report on the first."""
    pages = []
    for shown, pager in _pieces(rows, HEALTH_ROWS_PER_PAGE, urls.health_page):
        view = HealthView(shown, counts, report if pager.number == 1 else "", today, pager, archived)
        pages.append(Page(pager.path, "health.html", _numbered("Knowledge health", pager), view))
    return pages


# -- long lists -------------------------------------------------------------------------------------

# Articles on one page of a tag's or a product area's list: at 50,000 articles, one tag's page
# listed 12,000 of them (5 MB).
LIST_ROWS_PER_PAGE = 200

Row = TypeVar("Row")


def _pieces(rows: tuple[Row, ...], size: int, page_path: Callable[[int], str]) -> list[tuple[tuple[Row, ...], Pager]]:
    """`rows` cut into pages of `size` (one page when empty), each with its pager; page `n` (from
    1) is named `page_path(n)`."""
    count = max(1, -(-len(rows) // size))
    numbers = tuple(Link(page_path(n), str(n)) for n in range(1, count + 1))
    pieces = []
    for number in range(1, count + 1):
        shown = rows[(number - 1) * size : number * size]
        first_row = (number - 1) * size + 1
        pieces.append((shown, Pager(number, numbers, first_row, first_row + len(shown) - 1, len(rows))))
    return pieces


def _numbered(title: str, pager: Pager) -> str:
    """A paged list's title: as it is on the first page, with the page's number on the others."""
    return title if pager.number == 1 else f"{title}, page {pager.number} of {pager.count}"
