"""YAML for front matter and config: YAML 1.2 core scalars, duplicate keys refused, positions kept.

PyYAML implements YAML 1.1, where `NO`, `yes` and `on` are booleans, `0755` is octal and a
repeated key silently wins. This module composes the node tree with PyYAML (libyaml when
present) and builds the values itself, so every value keeps the line and column it came from.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

Path = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")
_DATETIME = re.compile(
    r"^\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?$"
)


class _Resolver12(BaseResolver):
    """Implicit typing of plain scalars by the YAML 1.2 core schema (plus dates)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's own class table


for _tag, _pattern, _first in [
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (_TIMESTAMP, _DATE.pattern, "0123456789"),
    (_TIMESTAMP, _DATETIME.pattern, "0123456789"),
]:
    _Resolver12.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


if yaml.__with_libyaml__:  # libyaml parses and composes several times faster; the resolver stays ours
    from yaml._yaml import CParser

    class _Composer(CParser, _Resolver12):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _Resolver12.__init__(self)

else:  # pragma: no cover
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Composer(Reader, Scanner, Parser, Composer, _Resolver12):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _Resolver12.__init__(self)


@dataclass(frozen=True)
class Position:
    """1-based line and column."""

    line: int
    col: int


@dataclass
class YamlProblem(Exception):
    """Why a YAML text could not be turned into values, and where (1-based, in the text)."""

    kind: str  # "syntax" | "duplicate-key" | "unsupported" | "invalid-date" | "tab"
    message: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.line}:{self.col}: {self.message}"


@dataclass
class YamlDocument:
    """The values of one YAML document, with the position of every key and value.

    `positions[path]` is where the value at `path` starts; `key_positions[path]` is where its
    key is written (for mapping entries). `raw[path]` is the source text of a plain scalar, so
    that `version: 4.10` can be read back as the string "4.10" when a string is expected.
    """

    value: Any
    positions: dict[Path, Position] = field(default_factory=dict)
    key_positions: dict[Path, Position] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Where `path` is written, falling back to its nearest parent that has a position."""
        table = self.key_positions if key else self.positions
        probe = path
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), Position(1, 1))


# Aliases may repeat a value; repeating it this many times is an attack ("billion laughs"),
# not metadata, and building it would take minutes and gigabytes.
MAX_REPEATED_VALUES = 10_000


class _Lines:
    """Turns a character index into a line and column counted by `\n` alone.

    PyYAML's own marks also break lines at \r, U+0085, U+2028 and U+2029 (YAML 1.1), so its
    line numbers can point past the lines that the file and every editor have.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def at(self, index: int) -> Position:
        line = bisect.bisect_right(self.starts, index)
        return Position(line, index - self.starts[line - 1] + 1)


class _Builder:
    def __init__(self, lines: _Lines, line_offset: int) -> None:
        self.doc = YamlDocument(value=None)
        self._lines = lines
        self._line_offset = line_offset
        self._active: set[int] = set()
        self._built: set[int] = set()
        self._repeated = 0

    def _pos(self, node: Node) -> Position:
        return self._lines.at(node.start_mark.index)

    def _astuple(self, node: Node) -> tuple[int, int]:
        p = self._pos(node)
        return p.line, p.col

    def build(self, node: Node, path: Path) -> Any:
        self.doc.positions[path] = self._pos(node)
        if id(node) in self._active:
            raise YamlProblem("unsupported", "an alias refers to itself", *self._astuple(node))
        if id(node) in self._built:
            self._repeated += 1
            if self._repeated > MAX_REPEATED_VALUES:
                message = f"aliases repeat values more than {MAX_REPEATED_VALUES} times"
                raise YamlProblem("unsupported", message, *self._astuple(node))
        self._built.add(id(node))
        self._active.add(id(node))
        try:
            if isinstance(node, ScalarNode):
                return self._scalar(node, path)
            if isinstance(node, SequenceNode):
                self._expect_tag(node, _SEQ)
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                self._expect_tag(node, _MAP)
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        raise YamlProblem("unsupported", "unknown YAML node", *self._astuple(node))  # pragma: no cover

    def _expect_tag(self, node: Node, tag: str) -> None:
        if node.tag != tag:
            raise YamlProblem("unsupported", f"the tag {node.tag!r} is not allowed", *self._astuple(node))

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _NULL:
                raise YamlProblem(
                    "unsupported", "a key must be a plain name, not a list or mapping",
                    *self._astuple(key_node),
                )  # fmt: skip
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                raise YamlProblem("unsupported", "merge keys ('<<') are not YAML 1.2", *self._astuple(key_node))
            key = str(key_node.value)
            if key in first_seen:
                first = first_seen[key]
                raise YamlProblem(
                    "duplicate-key",
                    f"the key {key!r} is already set on line {first.line + self._line_offset}",
                    *self._astuple(key_node),
                )
            first_seen[key] = self._pos(key_node)
            child = (*path, key)
            self.doc.key_positions[child] = self._pos(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        text: str = node.value
        if not node.style:  # plain scalar (None in PyYAML, '' in libyaml): keep its text for string fields
            self.doc.raw[path] = text
        tag = node.tag
        if tag == _STR:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            try:
                return _int(text)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                raise YamlProblem("unsupported", "the number has too many digits", *self._astuple(node)) from None
        if tag == _FLOAT:
            return _float(text)
        if tag == _TIMESTAMP:
            return _timestamp(text, node)
        raise YamlProblem("unsupported", f"the tag {tag!r} is not allowed", *self._astuple(node))


def _int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


def _timestamp(text: str, node: ScalarNode) -> dt.date | dt.datetime | str:
    match = _DATE.match(text)
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        value = yaml.SafeLoader("").construct_yaml_timestamp(node)
        assert isinstance(value, dt.datetime | dt.date)
        return value
    except ValueError:
        # Not a real date (2025-02-30): keep the text. In a text field (a title) that is what the
        # writer meant; in a date field the schema stage reports it as an invalid date.
        return text


def tab_in_indentation(text: str) -> Position | None:
    """The first tab used for indentation (YAML forbids it), or None."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent and stripped and not stripped.startswith("#"):
            return Position(number, indent.index("\t") + 1)
    return None


def parse(text: str, *, line_offset: int = 0) -> YamlDocument:
    """Parse one YAML document. Raises `YamlProblem` with a 1-based position on any problem.

    Positions are in `text`; `line_offset` (the lines of the file before `text`, such as the
    opening `---` of front matter) only shifts line numbers that messages quote.
    """
    lines = _Lines(text)
    composer: _Composer | None = None
    try:
        composer = _Composer(text)  # the reader refuses control characters here already
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = lines.at(mark.index) if mark else Position(1, 1)
        tab = tab_in_indentation(text)
        if tab is not None and tab.line <= where.line:
            # libyaml's own words ("found character that cannot start any token") hide the cause.
            raise YamlProblem(
                "tab", "a tab is used for indentation (YAML allows only spaces)", tab.line, tab.col
            ) from None
        problem = exc.problem or exc.context or "invalid YAML"
        opened = {"while parsing a flow sequence": "[", "while parsing a flow mapping": "{"}.get(exc.context or "")
        if opened and exc.context_mark is not None and exc.problem_mark is not None:
            # `tags: [billing` then the next key: point at the bracket left open, not at the key.
            start = lines.at(exc.context_mark.index)
            found = f"line {where.line + line_offset}"
            message = f"this {opened} is never closed ({problem}, found on {found})"
            raise YamlProblem("syntax", message, start.line, start.col) from None
        raise YamlProblem("syntax", _describe(problem, exc.context), where.line, where.col) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        # libyaml counts the position in UTF-8 bytes; the refused character itself says where it is.
        character = getattr(exc, "character", None)
        index = text.find(chr(character)) if isinstance(character, int) else -1
        where = lines.at(index) if index >= 0 else Position(1, 1)
        raise YamlProblem("syntax", str(exc).splitlines()[0], where.line, where.col) from None
    except UnicodeEncodeError as exc:  # libyaml reads UTF-8: a lone surrogate cannot be encoded
        where = lines.at(exc.start)
        message = f"U+{ord(text[exc.start]):04X} is half of a surrogate pair, not a character"
        raise YamlProblem("syntax", message, where.line, where.col) from None
    except RecursionError:
        raise YamlProblem("unsupported", "the YAML is nested too deeply", 1, 1) from None
    finally:
        if composer is not None:
            composer.dispose()
    builder = _Builder(lines, line_offset)
    if node is None:
        builder.doc.value = None
        return builder.doc
    try:
        builder.doc.value = builder.build(node, ())
    except RecursionError:
        raise YamlProblem("unsupported", "the YAML is nested too deeply", 1, 1) from None
    return builder.doc


def _describe(problem: str, context: str | None) -> str:
    text = problem.strip()
    if context and context.strip() not in text:
        text = f"{text} ({context.strip()})"
    return text
