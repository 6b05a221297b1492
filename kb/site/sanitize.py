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
# Elements that never have an end tag: one of these among the dropped (`<input>`, `<embed>`) must
# not wait for its `</input>`, which never comes: the rest of the article would go with it.
VOID = frozenset({"area", "base", "br", "col", "embed", "frame", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr"})  # fmt: skip
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


@dataclass(frozen=True)
class Dropped:
    """Something of raw HTML that `clean` leaves out, where its tag starts in the fragment.

    `kind`: "element" (dropped with all it holds), "tag" (a tag the page does not keep; its text
    stays), "handler" (an `on*` attribute), "url" (an `href`, `src` or `cite` that is not a web,
    mail or relative address) or "attribute" (any other attribute the tag may not have).
    """

    line: int  # 1-based, in the fragment
    offset: int  # 0-based, in that line
    kind: str
    tag: str  # the start tag as written (`<GetMappedIdentityClaim>`)
    name: str  # the element, lower case
    attribute: str = ""
    value: str = ""


def clean(fragment: str, rewrite: Rewrite, state: HtmlState | None = None) -> str:
    """`fragment` with only allowed tags and attributes, URLs passed through `rewrite`."""
    cleaner = _Cleaner(rewrite, state or HtmlState())
    cleaner.feed(fragment)
    cleaner.close()
    return "".join(cleaner.out)


def dropped(fragment: str, state: HtmlState) -> list[Dropped]:
    """What `clean` leaves out of `fragment` (after the fragments `state` has seen), as it decides
    it; links to what a site does not publish are another matter (`rewrite`) and not listed."""
    cleaner = _Cleaner(lambda tag, url: url, state, found=[])
    cleaner.feed(fragment)
    cleaner.close()
    return cleaner.found or []


class _Cleaner(HTMLParser):
    def __init__(self, rewrite: Rewrite, state: HtmlState, found: list[Dropped] | None = None) -> None:
        super().__init__(convert_charrefs=False)
        self.rewrite = rewrite
        self.state = state
        self.out: list[str] = []
        self.found = found  # what is left out, when someone asks (`dropped`)

    def _drop(self, kind: str, name: str, attribute: str = "", value: str = "") -> None:
        if self.found is not None:
            line, offset = self.getpos()
            self.found.append(Dropped(line, offset, kind, self.get_starttag_text() or "", name, attribute, value))

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
            self._drop("element", tag)
            if not closed and tag not in VOID:
                self.state.dropping.append(tag)
            return
        tag = RENAMED.get(tag, tag)
        if tag not in ALLOWED:
            self._drop("tag", tag)
            return
        kept: list[tuple[str, str]] = []
        allowed = GLOBAL_ATTRS | TAG_ATTRS.get(tag, frozenset())
        for name, value in attrs:
            if name not in allowed or name.startswith("on"):
                self._drop("handler" if name.startswith("on") else "attribute", tag, name, value or "")
                continue
            value = value or ""
            if name in ("href", "src", "cite"):
                if not safe_url(value):
                    self._drop("url", tag, name, value)
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
            # `</select>` closes the `<option>`s inside it too: their end tags are optional.
            if tag in self.state.dropping:
                del self.state.dropping[len(self.state.dropping) - 1 - self.state.dropping[::-1].index(tag) :]
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
