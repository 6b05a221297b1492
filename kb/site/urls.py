"""Where each page of a site lives: stable paths by id and code, and relative links between them.

Article pages are named by id (`articles/kb-1042.html`), so a new title or a move to another
folder never changes a URL. Every link in the output is relative, so a site works at any path
of any static host (and under `/public/` in `kb serve`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.markdown import slugify

HOME = "index.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"
ERRORS_INDEX = "errors/index.html"
ERRORS_JSON = "errors.json"
TAGS_INDEX = "tags/index.html"
AREAS_INDEX = "areas/index.html"
HEALTH = "health/index.html"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
REDIRECTS = "_redirects"
STATIC = "static"
ASSETS = "assets"
SEARCH_BUNDLE = "pagefind"


def health_page(number: int) -> str:
    """Page `number` (from 1) of the knowledge-health list: the first is the health page itself."""
    return HEALTH if number == 1 else f"health/page/{number}/index.html"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NOT_AREA = re.compile(r"[^a-z0-9-]+")


def article_path(article_id: str) -> str:
    """`articles/kb-1042.html`. An id is written by hand: one the schema would refuse (`../x`)
    still names a file inside the site folder."""
    return f"articles/{_UNSAFE.sub('-', article_id.lower()).strip('-.') or 'article'}.html"


def code_slug(code: str) -> str:
    """The URL segment of an error code: `AUTH-401` stays, `550 5.7.1` becomes `550-5.7.1`."""
    slug = _UNSAFE.sub("-", code.strip()).strip("-.")
    return slug or "code"


def code_path(code: str) -> str:
    return f"errors/{code_slug(code)}/index.html"


def area_path(area: str) -> str:
    """`areas/identity/sso.html`: a folder per level. Each level as the schema allows it
    (`[a-z0-9][a-z0-9-]*`); any other character becomes `-`, so no name leaves the folder."""
    levels = (_NOT_AREA.sub("-", level.lower()).strip("-") or "area" for level in area.split("/"))
    return f"areas/{'/'.join(levels)}.html"


def list_page(first: str, number: int) -> str:
    """Page `number` (from 1) of a list whose first page is `first`: `tags/vpn.html`, then
    `tags/vpn.page-2.html`. Neither a tag's slug nor a product area's name holds a dot, so
    no other page has that name."""
    return first if number == 1 else f"{first.removesuffix('.html')}.page-{number}.html"


@lru_cache(maxsize=65536)
def tag_slug(tag: str) -> str:
    return slugify(tag).strip("-_") or "tag"


def tag_path(tag: str) -> str:
    return f"tags/{tag_slug(tag)}.html"


def asset_path(relpath: str) -> str:
    """Where a file an article shows (an image under `articles/`) is copied."""
    return f"{ASSETS}/{relpath}"


def inside_site(path: str) -> bool:
    """Whether a site path names a file inside the site's folder: not absolute, and no empty, `.`
    or `..` part (each part found between slashes; collect asks this of every page it plans)."""
    padded = f"/{path}/"
    return bool(path) and "\\" not in path and "//" not in padded and "/./" not in padded and "/../" not in padded


def relative(from_page: str, to_page: str) -> str:
    """The relative URL from page `from_page` to `to_page` (both site paths).

    A folder's `index.html` is linked as the folder (`errors/`), as static hosts serve it.
    """
    target, _, anchor = to_page.partition("#")
    folder_index = target == "index.html" or target.endswith("/index.html")
    if folder_index:
        target = target[: -len("index.html")]
    # Site paths are normalised (no '.', '..' or '//'), so plain string work is enough; this
    # runs for every link of every page.
    here = from_page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    url = "../" * (len(here) - common) + "/".join(there[common:])
    if not url:
        url = "./"
    return url + (f"#{anchor}" if anchor else "")


def root_of(page: str) -> str:
    """The relative URL from `page` to the site's root folder ('' at the top, '../' below)."""
    return "../" * page.count("/")
