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
from dataclasses import dataclass
from xml.sax.saxutils import escape

from kb.article import Article
from kb.publish import SiteView
from kb.site import urls

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*-[0-9]+$")


@dataclass(frozen=True)
class Redirect:
    source: str  # site path of the stub page
    target: str  # site path it sends readers to
    reason: str  # "archived" or "moved"
    article_id: str = ""  # the archived article, for an "archived" redirect


def redirects(view: SiteView, all_articles: list[Article]) -> list[Redirect]:
    """The site's redirects, sorted by source; none that would shadow a real page or loop."""
    found: dict[str, Redirect] = {}
    by_id: dict[str, Article] | None = None  # made when first needed, as is `pages`: few articles need them
    for article in view.withheld:
        if article.confidence != "archived" or not article.id or article.audience not in view.site.audiences:
            continue
        if by_id is None:
            by_id = {a.id: a for a in all_articles if a.id}
        current = _current(article, by_id, view)
        if current is not None:
            source = urls.article_path(article.id)
            found.setdefault(source, Redirect(source, urls.article_path(current), "archived", article.id))
    pages: set[str] | None = None
    for published in view.articles:
        aliases = published.article.meta.get("aliases")
        if not aliases:
            continue
        if pages is None:
            pages = {urls.article_path(p.id) for p in view.articles}
        target = urls.article_path(published.id)
        for alias in [aliases] if isinstance(aliases, str) else aliases if isinstance(aliases, list) else []:
            if not isinstance(alias, str) or not alias.strip():
                continue
            moved = alias_path(alias.strip())
            if moved is None or moved in pages or moved == target:
                continue
            found.setdefault(moved, Redirect(moved, target, "moved"))
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


def alias_path(alias: str) -> str | None:
    """The stub page for an alias: an id, or a path as the old site had it (`/hc/articles/123`)."""
    if _ID.match(alias):
        return urls.article_path(alias)
    path = posixpath.normpath("/" + alias.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    if not path or path == "." or path.startswith(".."):
        return None
    if path.endswith((".html", ".htm")):
        return path
    return f"{path}/index.html"


def redirects_file(items: list[Redirect]) -> bytes:
    """Netlify/Cloudflare-style `_redirects`: one `source target 301` line per redirect."""
    lines = [f"/{_served(r.source)} /{_served(r.target)} 301" for r in items]
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
