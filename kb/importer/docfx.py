"""DocFX / Microsoft Learn Markdown to kb's Markdown, line by line, reporting what it cannot convert.

Converted: `[!INCLUDE [x](path)]` (the file's text, resolved against the include root),
`:::image ... :::` (a Markdown image with its alt text), `:::no-loc text="x":::` (x),
`> [!div class="nextstepaction"]` (the link it decorates, as a plain paragraph),
`> [!VIDEO url]` (a link), tab groups (each tab `# [Windows](#tab/windows)` a heading one level
below the heading before the group, `## Windows`, the tabs' text one after the other, and the
`---` that ends the group dropped: kept, it made the line above a heading or drew a rule), and
links from the site's root (`](/azure/x)`, with a `link_base`: `](https://learn.microsoft.com/azure/x)`;
without one they are reported and kept).
Kept: `> [!NOTE]` and the other alerts (upper-cased, as GitHub writes them). Nothing inside fenced code is touched.
Every image an article shows is listed with its line, for the import to copy: `:::image`, `![alt](path)`,
`![alt][ref]` (with `[ref]: path` anywhere in the body) and HTML `<img src="path">`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote

_FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})")
_INCLUDE = re.compile(r"\[!INCLUDE\s*\[(?P<label>[^\]]*)\]\((?P<path>[^)]+)\)\s*\]", re.IGNORECASE)
_IMAGE = re.compile(r":::image(?P<attrs>(?:\s+[\w-]+=\"[^\"]*\")*)\s*:::", re.IGNORECASE)
_IMAGE_OPEN = re.compile(r":::image(?P<attrs>(?:\s+[\w-]+=\"[^\"]*\")*)\s*$", re.IGNORECASE)
_LAYOUT = re.compile(r"^\s*:::(?P<name>zone|row|column|moniker)(?:-end)?\b.*$", re.IGNORECASE)
_IMAGE_END = re.compile(r"^\s*:::image-end:::\s*$", re.IGNORECASE)
_ATTR = re.compile(r"([\w-]+)=\"([^\"]*)\"")
_NO_LOC = re.compile(r":::no-loc\s+text=\"(?P<text>[^\"]*)\"\s*:::", re.IGNORECASE)
_DIV = re.compile(r"^(?P<indent>\s*)>\s*\[!div(?P<attrs>[^\]]*)\]\s*$", re.IGNORECASE)
_VIDEO = re.compile(r"^(?P<indent>\s*)>\s*\[!VIDEO\s+(?P<url>[^\]\s]+)\s*\]\s*$", re.IGNORECASE)
_ALERT = re.compile(
    r"^(?P<lead>\s*(?:>\s*)+)\[!(?P<kind>note|tip|important|warning|caution)\](?P<rest>.*)$", re.IGNORECASE
)
_TAB = re.compile(r"^(?P<indent>\s*)(?P<hashes>#{1,6})\s+\[(?P<label>[^\]]+)\]\(#tab/[^)]*\)\s*$")
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]|$)")
_TAB_GROUP_END = re.compile(r"^\s*---\s*$")
_QUOTED = re.compile(r"^(?P<indent>\s*)>\s?(?P<rest>.*)$")
# DocFX syntax kb has no counterpart for: reported where it is (`<xref:...>` would render as a dead link).
_LEFTOVER = re.compile(
    r":::[a-z][\w-]*|\[!(?!NOTE|TIP|IMPORTANT|WARNING|CAUTION)[A-Za-z-]+|<xref:[^>\s]*>?", re.IGNORECASE
)
_CODE_SPAN = re.compile(r"(`+[^`]*`+)")  # captured: split() keeps the spans between the rest
# A link target from the site's root, not `//host`: in a Markdown link or image, a reference
# definition, or an HTML href or src.
_ROOT_TARGET = re.compile(
    r"""(?P<lead>\]\(\s*<?|^\s*(?:>\s*)*\[[^\]]+\]:\s*<?|\b(?:href|src)\s*=\s*["']?)(?P<path>/(?![/\\])[^\s()\[\]"'>]*)"""
)
# Images as Markdown and HTML write them (outside code spans): inline, by reference, and <img>.
_INLINE_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<bare>[^\s)]+))")
_REFERENCE_IMAGE = re.compile(r"!\[(?P<text>(?:[^\]\\]|\\.)*)\](?:\[(?P<label>(?:[^\]\\]|\\.)*)\])?(?![(\[:])")
_HTML_IMAGE = re.compile(
    r"""<img\b[^>]*?\bsrc\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s>]+))""", re.IGNORECASE
)
_DEFINITION = re.compile(r"^ {0,3}(?:>\s*)*\[(?P<label>(?:[^\]\\]|\\.)+)\]:\s*(?:<(?P<angled>[^>\n]*)>|(?P<bare>\S+))")
_FRONT = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)

MAX_INCLUDE_DEPTH = 5


@dataclass
class SyntaxProblem:
    """Something in the body that did not convert, at a line of the source file (1-based)."""

    line: int
    kind: str  # "broken-include" | "unconvertible" | "image-without-alt"
    message: str


@dataclass
class Converted:
    body: str
    problems: list[SyntaxProblem] = field(default_factory=list)
    images: list[tuple[int, str]] = field(default_factory=list)  # (line, source relative to the article)


class IncludeOutside(Exception):
    """An include that leads outside the source and the include root: refused, not read."""

    def __init__(self, target: str, real: Path) -> None:
        super().__init__(f"include {target!r} leads outside the source and the include root (to {real}); refused")


@dataclass
class IncludeResolver:
    """Finds include files: a path relative to the article, resolved inside the source repository.

    `source_root` is the folder being imported; `include_root` is where the repository root
    is when the includes live elsewhere (the corpus keeps them in a `snippets/` folder).
    """

    source_root: Path
    include_root: Path

    def resolve(self, article_relpath: str, target: str) -> Path | None:
        """The include file `target` names, or None when there is none; `IncludeOutside` when the
        only file it names lies outside the source and the include root (`../../etc/hostname`,
        or a symbolic link leading out), which an import must never copy into an article."""
        target = target.strip().split("#", 1)[0]
        outside: Path | None = None
        if not target.startswith("/"):
            # Where the path leads on disk, even above the source (a source that is a repository's subfolder).
            beside = (self.source_root / posixpath.dirname(article_relpath) / target).resolve()
            if beside.is_file():
                if self._allowed(beside):
                    return beside
                outside = beside
        if target.startswith("/"):
            candidates = [target.lstrip("/")]
        else:
            parts = posixpath.normpath(posixpath.join(posixpath.dirname(article_relpath), target)).split("/")
            while parts and parts[0] == "..":  # above the source root: count from the repository root
                parts.pop(0)
            candidates = ["/".join(parts)]
        for candidate in candidates:
            # Includes usually sit in an `includes/` folder at the root, wherever they are referenced from.
            for path in (
                *(root / candidate for root in (self.include_root, self.source_root)),
                *(root / "includes" / posixpath.basename(candidate) for root in (self.include_root, self.source_root)),
            ):
                if path.is_file():
                    if self._allowed(path.resolve()):
                        return path
                    outside = outside or path.resolve()
        if outside is not None:
            raise IncludeOutside(target, outside)
        return None

    def _allowed(self, real: Path) -> bool:
        """Whether the real path `real` lies inside the source or the include root."""
        for root in (self.source_root, self.include_root):
            top = root.resolve()
            if real == top or top in real.parents:
                return True
        return False

    def relpath(self, path: Path) -> str:
        """An include file's path from the root it was found under."""
        for root in (self.include_root, self.source_root):
            try:
                return path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
        return path.name


def convert(
    body: str, article_relpath: str, resolver: IncludeResolver, first_line: int, depth: int = 0, *, link_base: str = ""
) -> Converted:
    """Convert the DocFX body of the article at `article_relpath`; `first_line` is the body's file line.
    `link_base`: the address of the site the articles came from, which links from its root (`/x`) lead into."""
    out: list[str] = []
    result = Converted("")
    lines = body.split("\n")
    fence: str | None = None
    held = False  # the open fence is in a list item or a quote
    definitions: dict[str, str] = {}  # reference label -> target
    heading_level = 1  # of the last heading outside a tab group (the title is the first)
    tabs: tuple[int, int] | None = None  # in a tab group: (its tabs' level in the source, as written)
    by_reference: list[tuple[int, str]] = []  # (line, label) of each image shown by reference
    unquote = False  # inside the block quote that a [!div] decorated: take the quote marks off
    for index, line in enumerate(lines):
        number = first_line + index
        fence_match = _FENCE.match(line)
        if fence is not None and held and line[:1] not in ("", " ", "\t", ">"):
            fence = None  # a line at the margin ends the list item or quote, and the fence in it
        if fence is not None:
            out.append(line)
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            held = fence_match.start(1) > 0
            out.append(line)
            continue
        _collect_images(line, number, result, definitions, by_reference)
        if unquote:
            quoted = _QUOTED.match(line)
            if quoted and quoted.group("rest").strip():
                out.append(quoted.group("indent") + quoted.group("rest"))
                continue
            unquote = False
        div = _DIV.match(line)
        if div:
            if "nextstepaction" not in div.group("attrs").lower():
                result.problems.append(
                    SyntaxProblem(
                        number, "unconvertible", f"[!div{div.group('attrs')}] dropped (only its content kept)"
                    )
                )
            unquote = True
            continue
        video = _VIDEO.match(line)
        if video:
            out.append(f"{video.group('indent')}[Watch the video]({video.group('url')})")
            continue
        if _IMAGE_END.match(line):
            continue
        layout = _LAYOUT.match(line)
        if layout:  # zone pivots, rows and columns: every variant is kept, one after the other
            result.problems.append(
                SyntaxProblem(number, "unconvertible", f"{line.strip()!r} dropped; the text inside is kept")
            )
            continue
        tab = _TAB.match(line)
        if tab:
            if tabs is None:
                tabs = (len(tab.group("hashes")), min(heading_level + 1, 6))
            out.append(f"{tab.group('indent')}{'#' * tabs[1]} {tab.group('label').strip()}")
            continue
        heading = _HEADING.match(line)
        if tabs is not None:
            if _TAB_GROUP_END.match(line):
                tabs = None
                out.append("")  # the paragraph above stays a paragraph
                continue
            if heading and len(heading.group("hashes")) <= tabs[0]:
                tabs = None  # a heading as high as the tabs ends the group too
        if tabs is None and heading:
            heading_level = len(heading.group("hashes"))
        line = _ALERT.sub(lambda m: f"{m.group('lead')}[!{m.group('kind').upper()}]{m.group('rest')}", line)
        line = _NO_LOC.sub(lambda m: m.group("text"), line)
        line = _IMAGE.sub(partial(_image_match, number=number, result=result), line)
        opened = _IMAGE_OPEN.search(line)
        if opened:  # a complex image whose long description follows until :::image-end:::
            line = line[: opened.start()] + _image(opened.group("attrs"), number, result)
        include = _INCLUDE.search(line)
        if include:
            out.extend(_include(line, include, article_relpath, resolver, number, depth, result, link_base))
            continue
        if "/" in line:
            line = _from_root(line, link_base, number, result)
        leftover = _LEFTOVER.search(_CODE_SPAN.sub("", line))
        if leftover:
            result.problems.append(
                SyntaxProblem(number, "unconvertible", f"DocFX syntax {leftover.group(0)!r} left as it is")
            )
        out.append(line)
    result.body = "\n".join(out)
    for number, label in by_reference:
        target = _path(definitions.get(_label(label), ""))
        if target:  # with no definition it is no image but text, as CommonMark reads it
            result.images.append((number, target))
    return result


def _collect_images(
    line: str, number: int, result: Converted, definitions: dict[str, str], by_reference: list[tuple[int, str]]
) -> None:
    """The Markdown and HTML images of `line` into `result.images` (reference images into
    `by_reference`, for when every definition is known), its reference definition into
    `definitions`. Paths are as on disk: `%20` is a space, `#part` and `?query` go."""
    text = _CODE_SPAN.sub("", line)
    definition = _DEFINITION.match(text)
    if definition and _label(definition.group("label")) not in definitions:  # the first one counts
        definitions[_label(definition.group("label"))] = definition.group("angled") or definition.group("bare")
    found = [match.group("angled") or match.group("bare") for match in _INLINE_IMAGE.finditer(text)]
    found += [match.group("dq") or match.group("sq") or match.group("uq") for match in _HTML_IMAGE.finditer(text)]
    result.images.extend((number, _path(target)) for target in found if target and _path(target))
    for match in _REFERENCE_IMAGE.finditer(text):
        by_reference.append((number, match.group("label") or match.group("text")))


def _label(label: str) -> str:
    """A reference label as CommonMark matches it: case and runs of white space aside."""
    return " ".join(label.split()).casefold()


def _path(target: str) -> str:
    return unquote(target.split("#", 1)[0].split("?", 1)[0].strip())


def _from_root(line: str, link_base: str, number: int, result: Converted) -> str:
    """`line` with its links from the site's root leading into `link_base`; without one, each is
    reported (a kb site is served from anywhere: it would leave it). Code spans are left alone."""
    parts = _CODE_SPAN.split(line)
    base = link_base.rstrip("/")
    for i in range(0, len(parts), 2):  # the even parts are outside code spans
        if base:
            parts[i] = _ROOT_TARGET.sub(lambda m: m.group("lead") + base + m.group("path"), parts[i])
        else:
            for match in _ROOT_TARGET.finditer(parts[i]):
                result.problems.append(
                    SyntaxProblem(number, "root-absolute-link", f"{match.group('path')} kept as written")
                )
    return "".join(parts)


def _image_match(match: re.Match[str], *, number: int, result: Converted) -> str:
    return _image(match.group("attrs"), number, result)


def _image(attrs: str, number: int, result: Converted) -> str:
    values = {k.lower(): v for k, v in _ATTR.findall(attrs)}
    source = values.get("source", "")
    alt = " ".join(values.get("alt-text", "").split())
    if not alt:
        alt = posixpath.splitext(posixpath.basename(source))[0].replace("-", " ").replace("_", " ") or "image"
        result.problems.append(SyntaxProblem(number, "image-without-alt", f"image {source!r} has no alt-text"))
    if source:
        result.images.append((number, source))
    alt = alt.replace("[", "(").replace("]", ")")
    return f"![{alt}]({source.replace(' ', '%20')})"


def _include(
    line: str,
    match: re.Match[str],
    article_relpath: str,
    resolver: IncludeResolver,
    number: int,
    depth: int,
    result: Converted,
    link_base: str,
) -> list[str]:
    target = match.group("path")
    prefix, suffix = line[: match.start()], line[match.end() :]
    try:
        path = resolver.resolve(article_relpath, target) if depth < MAX_INCLUDE_DEPTH else None
    except IncludeOutside as refused:
        result.problems.append(SyntaxProblem(number, "include-outside", str(refused)))
        rest = (prefix + suffix).strip()
        return [prefix + suffix] if rest and rest != ">" else []
    if path is None:
        why = "too deeply nested" if depth >= MAX_INCLUDE_DEPTH else "not found"
        result.problems.append(SyntaxProblem(number, "broken-include", f"include {target!r} {why}; left out"))
        rest = (prefix + suffix).strip()
        return [prefix + suffix] if rest and rest != ">" else []
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")
    except OSError as exc:
        result.problems.append(SyntaxProblem(number, "broken-include", f"include {target!r} unreadable: {exc}"))
        return []
    text = _FRONT.sub("", text).strip("\n")
    # Nested paths are from the include.
    inner = convert(text, resolver.relpath(path), resolver, number, depth + 1, link_base=link_base)
    for problem in inner.problems:
        problem.line = number  # the include line is the place in this article
    result.problems.extend(inner.problems)
    result.images.extend(inner.images)
    # An include inside a block quote or a list keeps that prefix on every line it brings in.
    lead = prefix if not prefix.strip() or set(prefix.strip()) <= {">", " "} else ""
    included = [lead + inner_line if inner_line.strip() else lead.rstrip() for inner_line in inner.body.split("\n")]
    if prefix.strip() and not lead:
        included[0] = prefix + included[0].lstrip()
    if suffix.strip():
        included[-1] += suffix
    return included
