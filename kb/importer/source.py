"""Reading a foreign article: its front matter (with the line of every key) and its body, leniently.

Foreign files are not kb's to fix, so nothing here refuses a file: a byte order mark, CRLF,
bytes that are not UTF-8, a duplicate key or YAML that does not parse are read as well as
they can be and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb import yaml12

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w.\-]*)[ \t]*:[ \t]*(?P<value>.*)$")


@dataclass
class ForeignArticle:
    """One source file as read: front matter values, the line of each key, and the body."""

    path: Path
    relpath: str  # relative to the import source, POSIX
    front: dict[str, Any]
    key_lines: dict[str, int]  # key -> file line (1-based)
    body: str
    body_line: int  # file line of the body's first line
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, message)


class NotAnArticle(Exception):
    """A file under the source folder that holds no article: binary, empty, too large, or not a
    regular file."""


def read_foreign(path: Path, relpath: str) -> ForeignArticle:
    from kb.load import Unreadable, read_article_file

    try:  # as kb reads articles: never a named pipe or a device, nothing over 10 MB
        data, _ = read_article_file(path)
    except Unreadable as exc:
        raise NotAnArticle(f"{exc.message}; not imported") from None
    if b"\x00" in data[:8192]:
        raise NotAnArticle("the file holds NUL bytes: it is binary, not Markdown; not imported")
    if not data.strip():
        raise NotAnArticle("the file is empty; not imported")
    problems: list[tuple[int, str, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append((line, "encoding", f"byte 0x{data[exc.start]:02X} is not UTF-8; read as Windows-1252"))
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = text.split("\n")
    skipped = 0
    while len(lines) > 1 and not lines[0].strip() and skipped < 5:  # blank lines before the front matter
        lines.pop(0)
        skipped += 1
    if skipped and not _FENCE.match(lines[0]):
        lines = text.split("\n")
        skipped = 0
    if not lines or not _FENCE.match(lines[0]):
        problems.append((1, "no-front-matter", "no front matter: title and dates come from the body and defaults"))
        return ForeignArticle(path, relpath, {}, {}, text, 1, problems)
    close = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if close is None:
        problems.append((1, "no-front-matter", "the front matter is never closed; read as body"))
        return ForeignArticle(path, relpath, {}, {}, "\n".join(lines[1:]), 2, problems)
    yaml_text = "\n".join(lines[1:close])
    front, key_lines = _parse_front(yaml_text, problems, first_line=2 + skipped)
    body = "\n".join(lines[close + 1 :])
    return ForeignArticle(path, relpath, front, key_lines, body, close + 2 + skipped, problems)


def _parse_front(
    text: str, problems: list[tuple[int, str, str]], *, first_line: int
) -> tuple[dict[str, Any], dict[str, int]]:
    """YAML 1.2 with positions; else PyYAML; else `key: value` lines, so every file yields something.
    `first_line` is the file line of the text's first line: every line here is a file line,
    in messages too ("the key 'x' is already set on line 4")."""
    before = first_line - 1
    try:
        document = yaml12.parse(text.replace("\t", "  "), line_offset=before)
        if isinstance(document.value, dict):
            lines = {str(k): document.position((k,), key=True).line + before for k in document.value}
            return {str(k): v for k, v in document.value.items()}, lines
        if document.value is not None:
            problems.append((first_line, "front-matter", "the front matter is not a mapping of keys to values"))
            return {}, {}
        return {}, {}
    except yaml12.YamlProblem as problem:
        problems.append((problem.line + before, "front-matter", f"front matter: {problem.message}"))
    try:
        value = yaml.safe_load(text)
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}, _key_lines(text, first_line)
    except yaml.YAMLError:
        pass
    front: dict[str, Any] = {}
    for key, line in _key_lines(text, first_line).items():
        m = _KEY_LINE.match(text.split("\n")[line - first_line])
        if m and m.group("value").strip():
            front[key] = m.group("value").strip().strip("'\"")
    return front, _key_lines(text, first_line)


def _key_lines(text: str, first_line: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, line in enumerate(text.split("\n")):
        m = _KEY_LINE.match(line)
        if m and m.group("key") not in found:
            found[m.group("key")] = first_line + i
    return found
