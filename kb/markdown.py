"""The one Markdown dialect kb reads: CommonMark + tables, alerts, footnotes, `::: internal` blocks.

Every stage (check, lint, index, render) parses with `parse()` so they agree on what an article
says; tokens keep `map` (their source lines in the body), which findings turn into file lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported when the first article is parsed: a `kb check` with
    # nothing changed never parses one.
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

INTERNAL = "internal"  # `::: internal` ... `:::` holds text only staff may see


@cache
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.options["alerts"] = True  # GitHub-style `> [!NOTE]` callouts (markdown-it-py >= 4.1)
    # `::: internal`, `:::internal` and `::: Internal` all open a staff-only block: a spelling
    # that slipped through would publish staff notes to customers.
    md.use(container_plugin, name=INTERNAL, validate=_is_internal_marker)
    md.use(footnote_plugin)
    return md


def _is_internal_marker(params: str, *_: object) -> bool:
    words = params.strip().split(maxsplit=1)
    return bool(words) and words[0].lower() == INTERNAL


def parse(body: str) -> list[Token]:
    return parser().parse(body)


@cache
def _block_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.options["alerts"] = True
    md.use(container_plugin, name=INTERNAL, validate=_is_internal_marker)
    md.use(footnote_plugin)
    md.core.ruler.enableOnly(["normalize", "block"])
    return md


def parse_blocks(body: str) -> tuple[list[Token], dict[str, object]]:
    """The block structure of `body` as `parse()` sees it, with inline content left unparsed
    (`children` is None) except in headings; and the parse environment (link references).

    Linting needs blocks and headings for every article but inline markup only for a few
    lines; the inline pass is half the cost of a full parse. `inline_children` parses one
    inline token on demand, exactly as `parse()` would.
    """
    env: dict[str, object] = {}
    tokens = _block_parser().parse(body, env)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            token.children = None  # the block rules leave [], which would read as "no inline content"
            if tokens[i - 1].type == "heading_open":
                inline_children(token, env)
    return tokens, env


def inline_children(inline: Token, env: dict[str, object]) -> list[Token]:
    """The inline tokens of `inline` (parsed now unless already parsed)."""
    if inline.children is None:
        from markdown_it.rules_core.text_join import _join_text_tokens

        children: list[Token] = []
        md = _block_parser()
        md.inline.parse(inline.content, md, env, children)
        for child in children:  # what the `text_join` core rule does after a full parse
            if child.children:
                child.children = _join_text_tokens(child.children)
        inline.children = _join_text_tokens(children)
    return inline.children


@dataclass(frozen=True)
class Section:
    """A `#` or `##` heading and the body lines up to the next one (0-based body lines)."""

    title: str
    level: int
    line: int  # the heading's line
    start: int  # first content line
    end: int  # one past the last content line
    content: str

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def is_empty(self) -> bool:
        return not _HTML_COMMENT.sub("", self.content).strip()


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def sections(tokens: list[Token], lines: list[str]) -> list[Section]:
    """The article's sections: headings of level 1 and 2 with the lines beneath them."""
    heads: list[tuple[int, str, int, int]] = []  # (level, title, line, content start)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map and int(token.tag[1]) <= 2:
            inline = tokens[i + 1]
            heads.append((int(token.tag[1]), heading_text(inline), token.map[0], token.map[1]))
    result = []
    for n, (level, title, line, start) in enumerate(heads):
        end = heads[n + 1][2] if n + 1 < len(heads) else len(lines)
        result.append(Section(title, level, line, start, end, "\n".join(lines[start:end])))
    return result


def heading_text(inline: Token) -> str:
    """The plain text of a heading's inline token (no markup, no HTML)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
    return "".join(parts).strip()


def internal_blocks(tokens: list[Token]) -> list[tuple[int, int]]:
    """Body line ranges [start, end) of the `::: internal` blocks (outermost only)."""
    ranges = []
    depth = 0
    for token in tokens:
        if token.type == f"container_{INTERNAL}_open":
            if depth == 0 and token.map:
                ranges.append((token.map[0], token.map[1]))
            depth += 1
        elif token.type == f"container_{INTERNAL}_close":
            depth -= 1
    return ranges


def unclosed_internal_blocks(tokens: list[Token]) -> list[tuple[int, int]]:
    """Body line ranges [start, end) of the `::: internal` blocks with no closing `:::`: each
    runs to the end of what holds it (the article, or a list item or quote)."""
    found = []
    opened: list[Token] = []
    for token in tokens:
        if token.type == f"container_{INTERNAL}_open":
            opened.append(token)
        elif token.type == f"container_{INTERNAL}_close" and opened:
            start = opened.pop()
            if not token.markup and start.map:  # closed by the end of its parent, not by a fence
                found.append((start.map[0], start.map[1]))
    return sorted(found)


def slugify(text: str) -> str:
    """GitHub-style heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r" ", "-", text)


def without_lines(body: str, ranges: list[tuple[int, int]]) -> str:
    """`body` with the lines in `ranges` blanked (kept empty, so line numbers do not move)."""
    if not ranges:
        return body
    lines = body.split("\n")
    for start, end in ranges:
        for i in range(start, min(end, len(lines))):
            lines[i] = ""
    return "\n".join(lines)


def plain_text(tokens: list[Token]) -> str:
    """The readable text of the tokens: words of paragraphs, headings, lists, tables and code,
    one block per line, without markup or raw HTML tags."""
    out: list[str] = []
    for token in tokens:
        if token.type == "inline":
            out.append(_inline_text(token))
        elif token.type in ("fence", "code_block"):
            out.append(token.content.rstrip("\n"))
        elif token.type == "html_block":
            text = _TAG.sub(" ", token.content).strip()
            if text:
                out.append(text)
    return "\n".join(part for part in out if part.strip())


_TAG = re.compile(r"<[^>]*>")


def _inline_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)  # alt text
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append(" ")
    return "".join(parts).strip()
