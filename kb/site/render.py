"""Markdown to HTML for one site: links between articles become links between pages, or plain text.

The body is rendered from the tokens of `kb.publish.PublishedArticle` (internal blocks already
blanked for a customer site). Links are resolved against what the site publishes: a relative
`.md` link or a bare id to a published article becomes a link to its page; to anything the site
does not publish it becomes plain text (no href, no id, no title of the target). Headings get
GitHub-style ids and move down so the body starts at h2 under the page's one h1. Raw HTML goes
through `kb.site.sanitize`. Every resolution is recorded in `deps`, so a cached body is reused
only while every link it made still resolves the same way.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from kb import markdown
from kb.site import sanitize, urls

RENDERER_VERSION = "4"  # part of every cache key: bump when the HTML (or what it depends on) changes
ARTICLE_DIR = "articles"  # article pages live here; body links are relative to it

_ID_LINK = re.compile(r"^[A-Za-z][A-Za-z0-9]*-[0-9]+$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class LinkTable:
    """What one site publishes, as link targets: article paths and ids to page paths."""

    by_relpath: dict[str, str]  # "articles/x/y.md" -> "articles/kb-1.html" (published only)
    by_id: dict[str, str]  # "KB-1" -> "articles/kb-1.html" (published only)
    known_ids: frozenset[str]  # every id in the KB, published or not
    known_relpaths: frozenset[str]  # every article file in the KB
    files: frozenset[str]  # other files under the articles folder (images, attachments)

    def article(self, target: str) -> str | None:
        return self.by_relpath.get(target) or self.by_id.get(target)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    outline: tuple[tuple[str, str], ...]  # (anchor, text) of the body's top-level sections
    assets: tuple[str, ...]  # files (relative to the KB root) the body shows or links to
    deps: tuple[tuple[str, str | None], ...]  # (link target, what it resolved to)


@dataclass
class _Env:
    relpath: str
    table: LinkTable
    staff: bool
    shift: int
    slugs: dict[str, int] = field(default_factory=dict)
    outline: list[tuple[str, str]] = field(default_factory=list)
    assets: set[str] = field(default_factory=set)
    deps: dict[str, str | None] = field(default_factory=dict)
    links: list[bool] = field(default_factory=list)  # per open Markdown link: True when unwrapped
    raw: sanitize.HtmlState = field(default_factory=sanitize.HtmlState)
    top_level: int = 2


def render(
    tokens: Sequence[Token], relpath: str, table: LinkTable, *, staff: bool, title: str | None = None
) -> RenderedBody:
    """The HTML of an article body whose file is `relpath` (from the KB root); a first heading
    that repeats the article's `title` is left out (the page shows the title as its h1)."""
    if not staff:
        tokens = _without_internal_blocks(tokens)
    tokens = _without_repeated_title(tokens, title)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    top = min(levels, default=2)
    env = _Env(relpath, table, staff, shift=2 - top)
    html_out = _renderer().render(tokens, markdown.parser().options, {"kb": env})
    return RenderedBody(
        html_out,
        tuple(env.outline),
        tuple(sorted(env.assets)),
        tuple(sorted(env.deps.items(), key=lambda item: item[0])),
    )


def _without_internal_blocks(tokens: Sequence[Token]) -> list[Token]:
    """Defence in depth: a customer site's body has its internal blocks blanked before parsing
    (`kb.publish`), so there are none to drop; should one ever reach here, none of it renders."""
    kept: list[Token] = []
    depth = 0
    for token in tokens:
        if token.type == f"container_{markdown.INTERNAL}_open":
            depth += 1
        elif token.type == f"container_{markdown.INTERNAL}_close":
            depth -= 1
        elif depth == 0:
            kept.append(token)
    return kept


def _without_repeated_title(tokens: Sequence[Token], title: str | None) -> Sequence[Token]:
    """The tokens without a leading `# Title` that says what the title says (imported articles
    open with one; the page would show two h1s). Whitespace and case do not count."""
    if (
        title
        and len(tokens) >= 3
        and tokens[0].type == "heading_open"
        and tokens[0].tag == "h1"
        and _same_words(markdown.heading_text(tokens[1]), title)
    ):
        return tokens[3:]
    return tokens


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def still_valid(body: RenderedBody, table: LinkTable) -> bool:
    """Whether every link target of a cached body resolves now as it did when it was rendered."""
    return all(_resolve_target(target, table) == result for target, result in body.deps)


# -- resolving links ------------------------------------------------------------------------------


def _resolve_target(target: str, table: LinkTable) -> str | None:
    """A dependency key ("article:<relpath>", "id:<id>", "known:<id>", "file:<relpath>") to what it
    gives now."""
    kind, _, key = target.partition(":")
    if kind == "file":
        return key if key in table.files else None
    if kind == "known":
        return key if key in table.known_ids else None
    return table.article(key)


def resolve(env: _Env, href: str, *, image: bool = False) -> str | None:
    """The URL `href` of a body becomes on the article's page, or None for plain text.

    External and in-page links are kept. A link to an article becomes its page (or None when the
    site does not publish it); a link to another file under the articles folder becomes a copied
    asset.
    """
    if not href or href.startswith("#") or _EXTERNAL.match(href) or href.startswith(("/", "//")):
        return href
    parts = urlsplit(href)
    path = unquote(parts.path)
    anchor = f"#{parts.fragment}" if parts.fragment else ""
    if _ID_LINK.match(path):
        # Whether the id is known decides the link too (an unknown one is left as written): an
        # article with that id added later must render this body again.
        known = env.deps[f"known:{path}"] = _resolve_target(f"known:{path}", env.table)
        if known is not None:
            return _article_url(env, f"id:{path}", anchor)
    base = posixpath.dirname(env.relpath)
    target = posixpath.normpath(posixpath.join(base, path))
    if target.startswith("../") or target == "..":
        return href  # outside the KB: leave as written (kb check reports broken links)
    if target in env.table.known_relpaths or (not image and target.lower().endswith(".md")):
        # A Markdown file that is no article of this KB is nothing to link to, until it is one.
        return _article_url(env, f"article:{target}", anchor)
    key = f"file:{target}"
    found = _resolve_target(key, env.table)
    env.deps[key] = found
    if found is None:
        return href
    env.assets.add(target)
    here = f"{ARTICLE_DIR}/page.html"
    return urls.relative(here, urls.asset_path(target)) + (f"?{parts.query}" if parts.query else "") + anchor


def _article_url(env: _Env, key: str, anchor: str) -> str | None:
    page = _resolve_target(key, env.table)
    env.deps[key] = page
    if page is None:
        return None
    return urls.relative(f"{ARTICLE_DIR}/page.html", page) + anchor


# -- the renderer ---------------------------------------------------------------------------------


def _state(env: Any) -> _Env:
    state = env["kb"]
    assert isinstance(state, _Env)
    return state


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in pairs)


class SiteRenderer(RendererHTML):
    """markdown-it's HTML renderer with kb's rules for links, images, headings and raw HTML."""

    def __init__(self, parser: Any = None) -> None:
        super().__init__(parser)
        # Rules that plugins of the one dialect registered (footnotes, containers) come along,
        # bound to this renderer.
        shared = markdown.parser().renderer
        assert isinstance(shared, RendererHTML)
        for name, rule in shared.rules.items():
            if name not in self.rules:
                self.rules[name] = rule.__func__.__get__(self)

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        url = resolve(state, href)
        if url is None:
            state.links.append(True)
            return ""
        state.links.append(False)
        pairs = [("href", url)]
        title = token.attrGet("title")
        if title:
            pairs.append(("title", str(title)))
        if token.attrGet("class"):  # footnote references and back-links carry classes and ids
            pairs.append(("class", str(token.attrGet("class"))))
        return f"<a{_attrs(pairs)}>"

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        if state.links and state.links.pop():
            return ""
        return "</a>"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        token = tokens[idx]
        src = resolve(state, str(token.attrGet("src") or ""), image=True)
        alt = self.renderInlineAsText(token.children or [], options, env)
        if src is None:
            return html.escape(alt)
        pairs = [("src", src), ("alt", alt)]
        title = token.attrGet("title")
        if title:
            pairs.append(("title", str(title)))
        pairs.append(("loading", "lazy"))
        return f"<img{_attrs(pairs)}>"

    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        token = tokens[idx]
        level = min(max(int(token.tag[1]) + state.shift, 2), 6)
        text = markdown.heading_text(tokens[idx + 1]) if idx + 1 < len(tokens) else ""
        slug = markdown.slugify(text) or "section"
        count = state.slugs.get(slug, 0)
        state.slugs[slug] = count + 1
        anchor = slug if count == 0 else f"{slug}-{count}"
        if level == 2:
            state.outline.append((anchor, text))
        return f'<h{level} id="{html.escape(anchor, quote=True)}">'

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        level = min(max(int(tokens[idx].tag[1]) + state.shift, 2), 6)
        return f"</h{level}>\n"

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        css = f' class="language-{html.escape(language, quote=True)}"' if language else ""
        # tabindex: a code block that scrolls sideways must be reachable by keyboard.
        return f'<pre tabindex="0"><code{css}>{html.escape(token.content)}</code></pre>\n'

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f'<pre tabindex="0"><code>{html.escape(tokens[idx].content)}</code></pre>\n'

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return '<div class="table-wrap" tabindex="0">\n<table>\n'

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return "</table>\n</div>\n"

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        if _state(env).raw.dropping:
            return ""
        return html.escape(tokens[idx].content)

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        return sanitize.clean(tokens[idx].content, lambda tag, url: resolve(state, url, image=tag == "img"), state.raw)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state = _state(env)
        return sanitize.clean(tokens[idx].content, lambda tag, url: resolve(state, url, image=tag == "img"), state.raw)

    def container_internal_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        if not _state(env).staff:
            return ""  # cannot happen (the body was blanked), but never render the frame either
        return '<div class="internal-note" role="note">\n<p class="internal-note-label">Internal: staff only</p>\n'

    def container_internal_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return "</div>\n" if _state(env).staff else ""


@cache
def _renderer() -> SiteRenderer:
    return SiteRenderer()
