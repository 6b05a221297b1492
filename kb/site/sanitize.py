"""Raw HTML in article bodies: keep the harmless tags authors use, drop scripts, handlers and comments.

Real articles carry `<br>`, `<a name>`, `<sup>` and tables written in HTML; a help site must
show those and never run what a body smuggles in. Elements that hold code (`<script>`,
`<style>`, `<iframe>`...) are dropped with their content; unknown tags are dropped and their
text kept; `on*` handlers, `style` and unsafe URLs never survive; comments are removed (they
could carry notes meant for writers only).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Dropped together with everything inside them.
DROP_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select", "svg", "math",
     "frame", "frameset", "applet", "title", "head", "form", "button", "input", "option"}
)  # fmt: skip
VOID = frozenset({"br", "hr", "img", "wbr", "col"})
ALLOWED = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
     "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
     "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
     "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr"}
)  # fmt: skip
GLOBAL_ATTRS = frozenset({"id", "title", "lang", "dir", "class"})
TAG_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "name"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "del": frozenset({"datetime", "cite"}),
    "ins": frozenset({"datetime", "cite"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "time": frozenset({"datetime"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
# Authors' raw `<h1>` would make a second h1 on the page: it becomes an h2.
RENAMED = {"h1": "h2", "center": "div", "font": "span", "big": "span", "tt": "code", "strike": "s"}
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|tel:|#|/|\.|[^:/?#]+(?:[/?#]|$))", re.IGNORECASE)


def safe_url(url: str) -> bool:
    """Whether a URL is a web, mail or relative link (not `javascript:`, `data:`, `vbscript:`...)."""
    compact = re.sub(r"[\x00-\x20]+", "", html.unescape(url))
    return bool(_SAFE_URL.match(compact))


# A URL rewriter for `<a href>` and `<img src>`: returns the new URL, or None to drop it.
Rewrite = Callable[[str, str], "str | None"]


@dataclass
class HtmlState:
    """What raw HTML has opened so far in one body: content being dropped, anchors unwrapped."""

    dropping: list[str] = field(default_factory=list)
    anchors: list[bool] = field(default_factory=list)  # per open raw <a>: True when its tag was dropped


def clean(fragment: str, rewrite: Rewrite, state: HtmlState | None = None) -> str:
    """`fragment` with only allowed tags and attributes, URLs passed through `rewrite`."""
    cleaner = _Cleaner(rewrite, state or HtmlState())
    cleaner.feed(fragment)
    cleaner.close()
    return "".join(cleaner.out)


class _Cleaner(HTMLParser):
    def __init__(self, rewrite: Rewrite, state: HtmlState) -> None:
        super().__init__(convert_charrefs=False)
        self.rewrite = rewrite
        self.state = state
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=True)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        if self.state.dropping:
            if tag in DROP_CONTENT and not closed and tag not in VOID:
                self.state.dropping.append(tag)
            return
        if tag in DROP_CONTENT:
            if not closed:
                self.state.dropping.append(tag)
            return
        tag = RENAMED.get(tag, tag)
        if tag not in ALLOWED:
            return
        kept: list[tuple[str, str]] = []
        allowed = GLOBAL_ATTRS | TAG_ATTRS.get(tag, frozenset())
        for name, value in attrs:
            if name not in allowed or name.startswith("on"):
                continue
            value = value or ""
            if name in ("href", "src", "cite"):
                if not safe_url(value):
                    continue
                if name in ("href", "src"):
                    rewritten = self.rewrite(tag, html.unescape(value))
                    if rewritten is None:
                        continue
                    value = rewritten
            kept.append((name, value))
        if tag == "a":
            has_href = any(name == "href" for name, _ in kept)
            had_href = any(name == "href" for name, _ in attrs)
            if had_href and not has_href:  # a link to something this site does not publish: text only
                self.state.anchors.append(True)
                return
            self.state.anchors.append(False)
        if tag == "img":
            if not any(name == "src" for name, _ in kept):
                return
            if not any(name == "alt" for name, _ in kept):
                kept.append(("alt", ""))
        rendered = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in kept)
        self.out.append(f"<{tag}{rendered}>")

    def handle_endtag(self, tag: str) -> None:
        if self.state.dropping:
            if tag == self.state.dropping[-1]:
                self.state.dropping.pop()
            return
        tag = RENAMED.get(tag, tag)
        if tag not in ALLOWED or tag in VOID:
            return
        if tag == "a" and self.state.anchors and self.state.anchors.pop():
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.state.dropping:
            self.out.append(html.escape(html.unescape(data), quote=False))

    def handle_entityref(self, name: str) -> None:
        if not self.state.dropping:
            self.out.append(f"&{name};" if f"&{name};" != html.unescape(f"&{name};") else f"&amp;{name};")

    def handle_charref(self, name: str) -> None:
        if not self.state.dropping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        return  # comments may hold writers' notes: never published

    def handle_decl(self, decl: str) -> None:
        return

    def handle_pi(self, data: str) -> None:
        return

    def unknown_decl(self, data: str) -> None:
        return
