"""What quality rules read in an article body: prose paragraphs, code and tables, links, anchors.

Built once per article from the block parse (`Article.blocks`), so that every rule agrees on
what is prose, what is code and what is internal. Inline markup is parsed only for the few
blocks that can hold a link or an image.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from kb import cjk, markdown

if TYPE_CHECKING:
    from markdown_it.token import Token

    from kb.article import Article


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose (also inside list items and quotes), as body lines [start, end)."""

    start: int
    end: int
    text: str  # without markup
    in_list: bool
    word_list: tuple[str, ...] = ()  # found once: several rules count and read them

    @property
    def words(self) -> int:
        return len(self.word_list)


@dataclass(frozen=True)
class Link:
    """A link or an image in the body: `line` is 0-based in the body, `col` 1-based."""

    href: str
    text: str
    line: int
    col: int
    image: bool = False


WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|\d+(?:[.,]\d+)*")  # letters (inner ' and -), or a number
# Chinese and Japanese have no spaces between words: two of their characters count as one word,
# about the length of theirs (slower than WORD: used only for a text that has them).
_CJK_WORD = re.compile(
    rf"[{cjk.CHARS}]{{1,2}}|[^\W\d_{cjk.CHARS}](?:[^\W{cjk.CHARS}]|['’-])*(?<!['’-])|\d+(?:[.,]\d+)*"
)


def words(text: str) -> list[str]:
    """The words of `text` (see WORD), as a reader counts them."""
    return (_CJK_WORD if cjk.has_cjk(text) else WORD).findall(text)


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_CODE = re.compile(r"`+([^`]*)`+")
_TAG = re.compile(r"<[^>\n]*>")
_MARKS = re.compile(r"[*_~]{1,3}(?=\S)|(?<=\S)[*_~]{1,3}")
_ENTITY = re.compile(r"&(?:nbsp|#160|#xa0);", re.IGNORECASE)
# Not `data-id` or `data-name`: the page has no anchor for those.
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*?(?<![\w-])(?:name|id)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_HTML_ID = re.compile(r"""(?<![\w-])id\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)  # quoted or not: <h2 id=errors>
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_A_TAG = re.compile(r"<a\s[^>]*?(?<![\w-])href\s*=[^>]*>", re.IGNORECASE)
# The attribute itself, not one ending in its name (`data-src`); quoted either way, or not.
_ATTRIBUTE = r"""(?<![\w-]){}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"""
_HREF = re.compile(_ATTRIBUTE.format("href"), re.IGNORECASE)
_ALT = re.compile(_ATTRIBUTE.format("alt"), re.IGNORECASE)
_SRC = re.compile(_ATTRIBUTE.format("src"), re.IGNORECASE)


def strip_markup(inline: str) -> str:
    """Inline Markdown as the words a reader sees: link and image text kept, code shortened."""
    # Each pattern runs only where its first character occurs: most paragraphs are plain words.
    text = inline
    if "[" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(r"\1", text))
    if "`" in text:
        text = _CODE.sub(lambda m: "code" if m.group(1).strip() else "", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    if "*" in text or "_" in text or "~" in text:
        text = _MARKS.sub("", text)
    return " ".join(text.split())


class ArticleText:
    """The parts of one article's body that rules look at (0-based body lines throughout)."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.tokens: list[Token]
        self.tokens, self.env = article.blocks
        self.memo: dict[str, object] = {}  # what one rule works out for others (what customers see)

    @cached_property
    def internal(self) -> list[tuple[int, int]]:
        return markdown.internal_blocks(self.tokens)

    @cached_property
    def visible_body(self) -> str:
        """The body with internal blocks blanked (lines kept), for rules that scan it whole."""
        return markdown.without_lines(self.article.body, self.internal)

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        for line in self.article.body_lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        return starts

    def place(self, offset: int) -> tuple[int, int]:
        """The 0-based body line and 1-based column of `offset` in the body."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line, offset - self._line_starts[line] + 1

    @cached_property
    def internal_lines(self) -> frozenset[int]:
        return frozenset(i for start, end in self.internal for i in range(start, end))

    @cached_property
    def code_lines(self) -> frozenset[int]:
        """Lines of fenced and indented code blocks (fences included)."""
        return frozenset(i for t in self.tokens if t.type in ("fence", "code_block") and t.map for i in range(*t.map))

    @cached_property
    def table_lines(self) -> frozenset[int]:
        return frozenset(i for t in self.tokens if t.type == "table_open" and t.map for i in range(*t.map))

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        found: list[Paragraph] = []
        depth = 0
        for i, token in enumerate(self.tokens):
            if token.type in ("bullet_list_open", "ordered_list_open"):
                depth += 1
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
            elif token.type == "paragraph_open" and token.map:
                inline = self.tokens[i + 1]
                text = strip_markup(inline.content)
                found.append(Paragraph(token.map[0], token.map[1], text, depth > 0, tuple(words(text))))
        return found

    @cached_property
    def prose(self) -> list[Paragraph]:
        """Paragraphs a reader reads as text (not inside internal notes)."""
        return [p for p in self.paragraphs if p.start not in self.internal_lines]

    @cached_property
    def prose_words(self) -> int:
        headings = sum(len(words(s.title)) for s in self.article.sections)
        return sum(p.words for p in self.prose) + headings

    @cached_property
    def links(self) -> list[Link]:
        """Every link and image, with the place of its text in the body."""
        found: list[Link] = []
        lines = self.article.body_lines
        where: list[int] | None = None  # table cells have no map of their own: their row's
        for token in self.tokens:
            where = token.map or where
            if token.type == "inline" and where and _may_link(token.content, self.env):
                found.extend(self._inline_links(token, where, lines))
            elif token.type == "html_block" and token.map:
                found.extend(self._html_links(token.content, token.map[0], lines))
        return found

    def _inline_links(self, inline: Token, where: list[int], lines: list[str]) -> list[Link]:
        start, end = where
        cursor = (start, 0)
        found: list[Link] = []
        children = markdown.inline_children(inline, self.env)
        for n, child in enumerate(children):
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                text = _text_until(children, n + 1, _closes_link)
                line, col, cursor = locate(lines, start, end, cursor, "[", text)
                found.append(Link(href, text, line, col))
            elif child.type == "image":
                href = str(child.attrs.get("src", ""))
                line, col, cursor = locate(lines, start, end, cursor, "![", child.content)
                found.append(Link(href, child.content, line, col, image=True))
            elif child.type == "html_inline" and child.content.lower().startswith("<img"):
                line, col, cursor = locate(lines, start, end, cursor, "", child.content)
                found.append(_img_tag(child.content, line, col))
            elif child.type == "html_inline" and _A_TAG.match(child.content):
                line, col, cursor = locate(lines, start, end, cursor, "", child.content)
                text = _text_until(children, n + 1, _closes_html_link)
                found.append(Link(_attribute(_HREF, child.content), text, line, col))
        return found

    def _html_links(self, html: str, first: int, lines: list[str]) -> list[Link]:
        """The `<img>` and `<a href>` tags of an HTML block (the site resolves both as it does
        Markdown links and images)."""
        found = []
        for match in sorted([*_IMG_TAG.finditer(html), *_A_TAG.finditer(html)], key=lambda m: m.start()):
            line = first + html.count("\n", 0, match.start())
            tag = match.group(0)
            col = max(lines[line].find(tag.split("\n")[0]) + 1, 1) if line < len(lines) else 1
            if tag[1:4].lower() == "img":
                found.append(_img_tag(tag, line, col))
            else:
                found.append(Link(_attribute(_HREF, tag), "", line, col))
        return found

    @cached_property
    def anchors(self) -> frozenset[str]:
        """The `#fragment`s that lead into this article: GitHub-style heading slugs (with -1, -2
        for repeats) and HTML `name`/`id` anchors."""
        seen: dict[str, int] = {}
        found: set[str] = set()
        for i, token in enumerate(self.tokens):
            if token.type == "heading_open":
                slug = markdown.slugify(markdown.heading_text(self.tokens[i + 1]))
                count = seen.get(slug, 0)
                seen[slug] = count + 1
                found.add(slug if count == 0 else f"{slug}-{count}")
            elif token.type in ("html_block", "inline") and "<" in token.content:
                found.update(m.group(1) for m in _HTML_ANCHOR.finditer(token.content))
                found.update(m.group(1) for m in _HTML_ID.finditer(token.content))
        return frozenset(found)

    def visible_lines(self, *, staff: bool) -> list[tuple[int, str]]:
        """(body line, text) of every line a reader sees; staff also see internal blocks."""
        lines = self.article.body_lines
        if staff:
            return list(enumerate(lines))
        hidden = self.internal_lines
        return [(i, line) for i, line in enumerate(lines) if i not in hidden]


def _may_link(content: str, env: dict[str, object]) -> bool:
    """Whether inline markup `content` can hold a link, an image or an `<img>` tag: parsing it
    is the costly part of a lint, and most paragraphs have none of these."""
    if "[" in content and ("](" in content or "][" in content or env.get("references")):
        return True  # inline, full and collapsed references; shortcut ones need a definition
    if "<" in content:
        lowered = content.lower()
        return ":" in content or "@" in content or "<img" in lowered or "<a" in lowered  # autolinks, raw HTML
    return False


def _text_until(children: list[Token], start: int, closes: Callable[[Token], bool]) -> str:
    """The text of the inline tokens from `start` up to the one that `closes` (a link's text)."""
    parts = []
    for child in children[start:]:
        if closes(child):
            break
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
    return "".join(parts)


def _closes_link(token: Token) -> bool:
    return token.type == "link_close"


def _closes_html_link(token: Token) -> bool:
    return token.type == "html_inline" and token.content.lower().startswith("</a")


def _attribute(pattern: re.Pattern[str], tag: str) -> str:
    """The value of the attribute `pattern` finds in an HTML tag (`_HREF`, `_ALT`), or ""."""
    found = pattern.search(tag)
    return next((g for g in found.groups() if g is not None), "") if found else ""


def locate(
    lines: list[str], start: int, end: int, cursor: tuple[int, int], opener: str, text: str
) -> tuple[int, int, tuple[int, int]]:
    """Where `opener + text` is written at or after `cursor` in lines [start, end): the body
    line, the 1-based column of the text, and the cursor after it. Falls back to the block start."""
    probe = (opener + text.split("\n")[0])[:40] if text else opener
    line, col = cursor
    for number in range(line, min(end, len(lines))):
        found = lines[number].find(probe, col if number == line else 0) if probe else -1
        if found >= 0:
            text_col = found + len(opener)
            return number, text_col + 1, (number, found + max(len(probe), 1))
    return start, 1, cursor


def _img_tag(tag: str, line: int, col: int) -> Link:
    return Link(_attribute(_SRC, tag), _attribute(_ALT, tag), line, col, image=True)
