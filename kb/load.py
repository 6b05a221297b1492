"""Loading: bytes on disk to an `Article`, or to findings that say exactly why it cannot be read.

Every trap of real files is a finding with file and line, never an exception: empty and binary
files, bytes that are not UTF-8, a byte order mark, CRLF endings, missing or unclosed front
matter, and the YAML traps handled by `kb.yaml12`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kb import schema, yaml12
from kb.article import Article, split_at_line
from kb.findings import Finding, Location
from kb.project import MAX_ARTICLE_BYTES, KnowledgeBase, unshown
from kb.rules import source as rules
from kb.rules.base import Rule

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
# A Markdown heading inside what should be YAML. `# text` is also a YAML comment, so a level-1
# heading only counts when a blank line follows it, as Markdown writers leave one.
_HEADING = re.compile(r"^#{2,6}[ \t]\S")
_H1 = re.compile(r"^#[ \t]\S")

_NOT_REGULAR = (
    (stat.S_ISDIR, "Is a directory"),
    (stat.S_ISFIFO, "it is a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "it is a character device, not a regular file"),
    (stat.S_ISBLK, "it is a block device, not a regular file"),
    (stat.S_ISSOCK, "it is a socket, not a regular file"),
)

_YAML_RULES: dict[str, type[Rule]] = {
    "syntax": rules.YamlSyntax,
    "duplicate-key": rules.DuplicateKey,
    "unsupported": rules.UnsupportedYaml,
    "invalid-date": rules.InvalidDate,
    "tab": rules.TabIndentation,
}


@dataclass
class Loaded:
    """The result of reading one file: the article (None when it cannot be read) and findings."""

    relpath: str
    article: Article | None
    findings: list[Finding] = field(default_factory=list)


class Unreadable(Exception):
    """Why an article file cannot be read, as its KB000 finding says it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def finding(self, relpath: str) -> Finding:
        return rules.UnreadableFile.at(Location(relpath), self.message, hint=self.hint)


def read_article_file(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of the article file at `path` and its status, or `Unreadable`.

    Only a regular file is read, and only up to `MAX_ARTICLE_BYTES`: a named pipe would block the
    check forever, and a link to /dev/zero would fill memory until the system kills kb."""
    try:
        status = path.stat()
        _refuse_special(status)
        # O_NONBLOCK: a file swapped for a named pipe since the stat must not block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError as exc:
        real = unshown(path)
        if real is not None:  # kb.project.shown escaped its name: report it, not a missing file
            name = next(given for given, actual in zip(path.parts, real.parts, strict=False) if given != actual)
            raise Unreadable(
                f'the name "{name}" is not valid UTF-8, so kb cannot name it in findings, pages or links',
                hint="rename it with UTF-8 characters only",
            ) from None
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    with open(fd, "rb") as file:  # noqa: PTH123 - a descriptor, opened without blocking above
        try:
            status = os.fstat(fd)
            _refuse_special(status)
            data = file.read(MAX_ARTICLE_BYTES + 1)
        except OSError as exc:
            raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_ARTICLE_BYTES:  # grown since the stat, or a size the system does not know
        _refuse_size(len(data))
    return data, status


def _refuse_special(status: os.stat_result) -> None:
    for test, what in _NOT_REGULAR:
        if test(status.st_mode):
            raise Unreadable(f"cannot read the file: {what}", hint="remove it, or replace it with the article's text")
    if status.st_size > MAX_ARTICLE_BYTES:
        _refuse_size(status.st_size)


def _refuse_size(size: int) -> None:
    limit = MAX_ARTICLE_BYTES // (1024 * 1024)
    raise Unreadable(
        f"the file is larger than {limit} MB: kb does not read it as an article",
        hint="an article is a page or less: split it, or keep large files out of the articles folder",
    )


def load_article(path: Path, relpath: str) -> Loaded:
    """Read the article at `path`; `relpath` is how findings name it."""
    try:
        data, _ = read_article_file(path)
    except Unreadable as unreadable:
        return Loaded(relpath, None, [unreadable.finding(relpath)])
    return load_bytes(data, path, relpath)


def load_all(kb: KnowledgeBase, paths: list[Path] | None = None) -> dict[str, Loaded]:
    """Read `paths` (default: every article of the KB), keyed by path relative to the KB root."""
    loaded: dict[str, Loaded] = {}
    for path in kb.article_paths() if paths is None else paths:
        relpath = kb.relpath(path)
        loaded[relpath] = load_article(path, relpath)
    return loaded


def load_articles(kb: KnowledgeBase) -> list[Article]:
    """Every article of the KB that can be read (the others are `kb check`'s business)."""
    return [loaded.article for loaded in load_all(kb).values() if loaded.article is not None]


def load_bytes(data: bytes, path: Path, relpath: str) -> Loaded:
    """Read an article from its bytes (what `load_article` does after reading the file)."""
    result = Loaded(relpath, None)
    start = Location(relpath)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():  # a BOM alone is still an empty file
        result.findings.append(rules.EmptyFile.at(start, "the file is empty"))
        return result
    codec = utf16_codec(data)
    if codec is not None:  # before the NUL test: UTF-16 text is half NUL bytes
        byte_order = "little-endian" if codec.endswith("le") else "big-endian"
        result.findings.append(
            rules.NotUtf8.at(
                start,
                f"the file is UTF-16 ({byte_order}), not UTF-8",
                hint="save the file as UTF-8 (in Notepad: Save as, Encoding: UTF-8; or iconv -f utf-16 -t utf-8)",
            )
        )
        return result
    if b"\x00" in data[:8192]:
        result.findings.append(rules.BinaryFile.at(start, "the file contains NUL bytes: it is binary, not Markdown"))
        return result
    digest = hashlib.sha256(data).hexdigest()
    raw = data
    if raw.startswith(b"\xef\xbb\xbf"):
        result.findings.append(rules.ByteOrderMark.at(start, "the file starts with a UTF-8 byte order mark"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start : exc.start + 1].hex().upper()
        result.findings.append(rules.NotUtf8.at(Location(relpath, line, col), f"byte 0x{byte} is not valid UTF-8"))
        return result
    if "\r" in text:
        first = text.index("\r")
        line = text.count("\n", 0, first) + 1
        if text.startswith("\r\n", first):
            message = "the file has CRLF (Windows) line endings"
        elif "\n" not in text:
            message = "the file has CR (classic Mac OS) line endings"
        else:
            message = "this line ends with a lone CR (carriage return), not LF"
        result.findings.append(rules.CrlfLineEndings.at(Location(relpath, line, 1), message))
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        result.findings.append(
            rules.NoFrontMatter.at(start, "the article has no front matter (the first line must be '---')")
        )
        return result
    close = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if close is None:
        heading = _first_heading(lines, 1, len(lines))
        where = f" before the heading on line {heading + 1}" if heading is not None else ""
        result.findings.append(
            rules.UnclosedFrontMatter.at(start, f"the front matter opened on line 1 is never closed{where}")
        )
        return result

    yaml_text = "\n".join(lines[1:close])
    try:
        document = yaml12.parse(yaml_text, line_offset=1)  # line 1 is the opening '---'
    except yaml12.YamlProblem as problem:
        heading = _first_heading(lines, 1, problem.line + 1)
        if heading is not None and problem.kind == "syntax":
            result.findings.append(
                rules.UnclosedFrontMatter.at(
                    Location(relpath, heading + 1, 1),
                    f"the front matter is not closed before this heading (closing '---' is on line {close + 1})",
                )
            )
        else:
            rule = _YAML_RULES[problem.kind]
            location = Location(relpath, problem.line + 1, problem.col)
            result.findings.append(rule.at(location, problem.message, context=lines[problem.line].strip()))
        return result
    if document.value is None:
        document.value = {}
    if not isinstance(document.value, dict):
        kind = "a list" if isinstance(document.value, list) else "a single value"
        result.findings.append(
            rules.FrontMatterNotMapping.at(
                Location(relpath, 2, 1), f"the front matter is {kind}, not 'key: value' lines"
            )
        )
        return result

    meta = schema.normalise(document)
    head, body = split_at_line(text, close + 1)
    result.article = Article(
        path=path,
        relpath=relpath,
        head=head,
        front=document,
        body=body,
        body_line=close + 2,
        digest=digest,
        meta=meta,
    )
    return result


def utf16_codec(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when `data` is UTF-16 text (Windows tools still write it): a
    byte order mark, or, without one, NUL bytes in every other place as ASCII text in UTF-16 has."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = data[:8192]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if pairs >= 2 and odd >= pairs / 2 and even <= odd / 20:
        return "utf-16-le"
    if pairs >= 2 and even >= pairs / 2 and odd <= even / 20:
        return "utf-16-be"
    return None


def _first_heading(lines: list[str], start: int, end: int) -> int | None:
    """Index of the first Markdown heading line in lines[start:end] (a YAML comment otherwise)."""
    for i in range(start, min(end, len(lines))):
        if _HEADING.match(lines[i]):
            return i
        if _H1.match(lines[i]) and i + 1 < len(lines) and not lines[i + 1].strip():
            return i
    return None
