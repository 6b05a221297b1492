"""Pages that are not articles: redirects (archived and moved articles), the sitemap and robots.txt.

An archived article's page redirects to its `replaced_by` on a site that no longer publishes it
but did publish its audience (readers kept the old link); an article's `aliases` (its earlier
paths or ids) redirect to it. Redirects are HTML pages (any static host) plus a `_redirects`
file for hosts that serve real 301s. The public site gets a sitemap of its pages and a
robots.txt pointing at it; every other site is kept out of search engines.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote
from xml.sax.saxutils import escape

from kb.article import Article
from kb.publish import SiteView
from kb.site import urls

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*-[0-9]+$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"^//[^/]")  # `//old.example/a`: a host, not a path
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# What kb writes at the top of every site besides article pages: its own pages and files, and the
# folders it fills. An alias takes none of them, nor a path inside one: a tag or an error code
# added later would otherwise take its page from a redirect, or a redirect a page from the site.
KB_FILES = frozenset(
    name.casefold()
    for name in (urls.HOME, urls.SEARCH, urls.NOT_FOUND, urls.ERRORS_JSON, urls.SITEMAP, urls.ROBOTS, urls.REDIRECTS)
)
KB_FOLDERS = frozenset(
    name.split("/")[0].casefold()
    for name in (urls.ERRORS_INDEX, urls.TAGS_INDEX, urls.AREAS_INDEX, urls.HEALTH, urls.STATIC, urls.ASSETS,
                 urls.SEARCH_BUNDLE)
)  # fmt: skip


@dataclass(frozen=True)
class Redirect:
    source: str  # site path of the stub page
    target: str  # site path it sends readers to
    reason: str  # "archived" or "moved"
    article_id: str = ""  # the archived article, for an "archived" redirect


@dataclass(frozen=True)
class AliasPage:
    """Where the redirect page of one `aliases:` value goes (`path`), or why there is none."""

    path: str | None
    problem: str = ""  # when `path` is None: why the build makes no redirect, in the writer's words


class SitePaths:
    """The files a site writes and the folders they make, compared without case (as macOS and
    Windows compare names): a redirect page may take none of those names, nor go under a file."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.files = {path.casefold() for path in paths}

    @cached_property
    def folders(self) -> set[str]:
        found: set[str] = set()
        for name in self.files:
            _add_folders(found, name)
        return found

    def add(self, path: str) -> None:
        name = path.casefold()
        self.files.add(name)
        if "folders" in self.__dict__:
            _add_folders(self.folders, name)

    def clash(self, path: str) -> str | None:
        """The file or folder of the site that a page at `path` would replace or go under, if any."""
        name = path.casefold()
        if name in self.files or name in self.folders:
            return name
        cut = name.find("/")
        while cut > 0:
            if name[:cut] in self.files:
                return name[:cut]
            cut = name.find("/", cut + 1)
        return None


def _add_folders(folders: set[str], name: str) -> None:
    """Add the folders that hold the file `name` (a/b/c.html: a/b and a), innermost first, up
    to one already there."""
    cut = name.rfind("/")
    while cut > 0 and name[:cut] not in folders:
        folders.add(name[:cut])
        cut = name.rfind("/", 0, cut)


def alias_page(alias: object, own_page: str, site: SitePaths | None = None) -> AliasPage:
    """Where the redirect page of `alias` goes: an `aliases:` value (an old id, or a path as the
    old site had it, `/hc/articles/123`) of the article whose page is `own_page`; or why the
    build makes none. Without `site` this is what the article alone tells (`kb check` asks it so);
    the build also passes the paths its site writes, none of which a redirect may take.
    """
    if not isinstance(alias, str):
        return AliasPage(None, "it is not text")
    value = alias.strip()
    if not value:
        return AliasPage(None, "it is empty")
    if _CONTROL.search(value):
        return AliasPage(None, "it holds a line break or another control character")
    if "\\" in value:
        return AliasPage(None, "it holds a backslash: web paths are written with /")
    if _SCHEME.match(value) or _HOST.match(value):
        return AliasPage(None, "it is a full address: a redirect can only be made on this site, so write its path")
    if _ID.match(value):
        path = urls.article_path(value)
    else:
        path = posixpath.normpath("/" + value.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
        if not path:
            return AliasPage(None, "it leads to the top of the site, the home page")
        if not path.endswith((".html", ".htm")):
            path = f"{path}/index.html"
    if path.casefold() == own_page.casefold():
        return AliasPage(None, "it is this article's own page")
    top, _, below = path.partition("/")
    if top.casefold() in KB_FILES:
        return AliasPage(None, f"kb writes {top.casefold()} itself")
    if top.casefold() in KB_FOLDERS and below:
        return AliasPage(None, f"kb writes the {top.casefold()}/ folder itself")
    taken = site.clash(path) if site is not None else None
    if taken is not None:
        return AliasPage(None, f"the site already has {taken}")
    return AliasPage(path)


def aliases(article: Article) -> list[tuple[tuple[int, ...], object]]:
    """An article's `aliases:` values, each with where it is in the front matter: a list, or one
    value written alone."""
    value = article.meta.get("aliases")
    if isinstance(value, list):
        return [((i,), item) for i, item in enumerate(value)]
    return [((), value)] if isinstance(value, str) else []


def decided_aliases(article: Article) -> list[tuple[tuple[int, ...], str, AliasPage]]:
    """Each `aliases:` value of the article that is text, with where it is in the front matter and
    what the build makes of it as far as the article alone tells (`kb check` asks this)."""
    own_page = urls.article_path(article.id) if article.id else ""
    texts = [(where, alias) for where, alias in aliases(article) if isinstance(alias, str) and alias]
    return [(where, alias, alias_page(alias, own_page)) for where, alias in texts]


def redirects(view: SiteView, all_articles: list[Article], written: Iterable[str] = ()) -> list[Redirect]:
    """The site's redirects, sorted by source: none takes the place of what the site writes
    (`written`, and every article page), of another redirect, or loops."""
    found: dict[str, Redirect] = {}
    # Made when first needed, as is `by_id`: few articles are archived or have aliases.
    by_id: dict[str, Article] | None = None
    site: SitePaths | None = None

    def paths() -> SitePaths:
        nonlocal site
        if site is None:
            site = SitePaths(written)
            for published in view.articles:
                site.add(urls.article_path(published.id))
        return site

    for article in view.withheld:
        if article.confidence != "archived" or not article.id or article.audience not in view.site.audiences:
            continue
        if by_id is None:
            by_id = {a.id: a for a in all_articles if a.id}
        current = _current(article, by_id, view)
        source = urls.article_path(article.id)
        if current is not None and paths().clash(source) is None:
            found[source] = Redirect(source, urls.article_path(current), "archived", article.id)
            paths().add(source)
    for published in view.articles:
        values = aliases(published.article)
        if not values:
            continue
        target = urls.article_path(published.id)
        for _, alias in values:
            moved = alias_page(alias, target, paths()).path
            if moved is not None:
                found[moved] = Redirect(moved, target, "moved")
                paths().add(moved)
    return [found[key] for key in sorted(found)]


def _current(article: Article, by_id: dict[str, Article], view: SiteView) -> str | None:
    """The published article an archived one points at, following a chain of replacements."""
    seen: set[str | None] = {article.id}
    target: str | None = article.replaced_by
    while target and target not in seen:
        if view.is_published(target):
            return target
        seen.add(target)
        nxt = by_id.get(target)
        target = nxt.replaced_by if nxt else None
    return None


def redirects_file(items: list[Redirect]) -> bytes:
    """Netlify/Cloudflare-style `_redirects`: one `source target 301` line per redirect, the paths
    percent-encoded as browsers ask for them (a space would end the field)."""
    lines = [f"/{quote(_served(r.source), safe='/%')} /{quote(_served(r.target), safe='/%')} 301" for r in items]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _served(path: str) -> str:
    return path[: -len("index.html")] if path.endswith("index.html") else path


def sitemap(base_url: str, paths: list[str]) -> bytes:
    """`sitemap.xml` of the given pages (absolute URLs need `base_url`, else relative ones)."""
    base = base_url.rstrip("/") + "/" if base_url else "/"
    entries = "".join(f"  <url><loc>{escape(base + _served(p))}</loc></url>\n" for p in sorted(paths))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    return text.encode("utf-8")


def robots(*, public: bool, base_url: str) -> bytes:
    if not public:
        return b"User-agent: *\nDisallow: /\n"
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url.rstrip('/')}/{urls.SITEMAP}")
    return ("\n".join(lines) + "\n").encode("utf-8")
