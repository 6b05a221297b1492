"""Inline suppressions: `<!-- kb: disable=RULES reason="..." -->` in an article, always with a reason.

- On its own line, the comment covers itself and the next block: the next non-blank line up to
  the following blank line, or a whole fenced code block.
- After other text on a line, it covers that line.
- `disable-file=` covers the whole file, front matter included.
- In the front matter, a YAML comment `# kb: disable=KB303 reason="..."` covers its line.

A comment in a code block (fenced or indented), in a code span, or inside a YAML string is an
example of one, as in kb's own docs: it neither suppresses anything nor is reported.

A comment without a reason, or naming no known rule, suppresses nothing and is a finding itself;
so is a rule of a suppression that covers no finding (unused-suppression).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from kb.findings import Finding, Location
from kb.rules import find_rule
from kb.rules.suppression import InvalidSuppression, SuppressionWithoutReason, UnusedSuppression

if TYPE_CHECKING:
    from markdown_it.token import Token

_COMMENT = re.compile(r"<!--\s*kb:(.*?)-->|#\s*kb:(.*)$")
_DIRECTIVE = re.compile(r"^\s*(disable|disable-file)\s*=\s*([\w,\s-]+?)(?=\s+reason\s*=|\s*$)(.*)$", re.DOTALL)
_REASON = re.compile(r"""^\s*reason\s*=\s*(?:"([^"]*)"|'([^']*)')\s*$""")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")


@dataclass(frozen=True)
class Suppression:
    """Rules not reported between two file lines (inclusive), or in the whole file."""

    codes: frozenset[str]
    first: int
    last: int
    whole_file: bool
    reason: str
    line: int = 0  # where the comment is
    col: int = 0

    def covers(self, finding: Finding) -> bool:
        if finding.code not in self.codes:
            return False
        return self.whole_file or self.first <= finding.location.line <= self.last

    def to_json(self) -> list[Any]:
        return [sorted(self.codes), self.first, self.last, self.whole_file, self.reason, self.line, self.col]

    @classmethod
    def from_json(cls, data: list[Any]) -> Suppression:
        return cls(frozenset(data[0]), *data[1:7])


def read_suppressions(
    relpath: str, text: str, body_line: int, blocks: list[Token] | None = None
) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions written in an article (its whole text, as loaded) and the findings about
    comments that cannot be used. `body_line` is the file line where the body starts; `blocks`,
    the body's block tokens when the caller has them (`Article.blocks`), else parsed here."""
    if "kb:" not in text:
        return [], []
    lines = text.split("\n")
    found: list[Suppression] = []
    problems: list[Finding] = []
    code: _CodeBlocks | None = None  # parsed when a comment is met in the body
    strings: list[tuple[tuple[int, int], tuple[int, int]]] | None = None  # the front matter's
    for index, line in enumerate(lines):
        if "kb:" not in line:
            continue
        number = index + 1
        in_front = number < body_line
        for match in _COMMENT.finditer(line):
            inner = match.group(1) if match.group(1) is not None else match.group(2)
            if match.group(2) is not None and not in_front:
                continue  # `# kb:` is a YAML comment only in the front matter; in the body it is a heading
            if in_front:
                if match.group(2) is None:
                    continue  # `<!-- -->` is text in YAML
                if strings is None:
                    strings = _yaml_scalars("\n".join(lines[: body_line - 1]))
                if not _is_yaml_comment(line, index, match.start(), strings):
                    continue
            else:
                if code is None:
                    code = _CodeBlocks(lines, body_line, blocks)
                if index in code.lines or _in_code_span(line, match.start()):
                    continue
            location = Location(relpath, number, match.start() + 1)
            parsed = _parse(inner, location, problems)
            if parsed is None:
                continue
            kind, codes, reason = parsed
            place = (location.line, location.col)
            if kind == "disable-file":
                found.append(Suppression(codes, 1, len(lines), True, reason, *place))
            elif in_front or line[: match.start()].strip():
                found.append(Suppression(codes, number, number, False, reason, *place))
            else:
                assert code is not None
                found.append(Suppression(codes, number, _block_end(lines, index, code) + 1, False, reason, *place))
    return found, problems


def _parse(inner: str, location: Location, problems: list[Finding]) -> tuple[str, frozenset[str], str] | None:
    directive = _DIRECTIVE.match(inner)
    if directive is None:
        problems.append(InvalidSuppression.at(location, f"cannot read 'kb:{inner.rstrip()}'", context=inner.strip()))
        return None
    kind, names, rest = directive.groups()
    codes: set[str] = set()
    for name in (n.strip() for n in names.split(",")):
        if not name:
            continue
        rule = find_rule(name)
        if rule is None:
            problems.append(InvalidSuppression.at(location, f"no rule {name!r} to disable", context=name))
            continue
        codes.add(rule.code)
    reason = _REASON.match(rest)
    text = next((g for g in reason.groups() if g is not None), "") if reason else ""
    if not text.strip():
        problems.append(
            SuppressionWithoutReason.at(
                location, f"the suppression of {names.strip()} gives no reason", context=names.strip()
            )
        )
        return None
    if not codes:
        return None
    return kind, frozenset(codes), text.strip()


class _CodeBlocks:
    """Where the body's code blocks are, as kb's Markdown parser sees them (file line indexes)."""

    def __init__(self, lines: list[str], body_line: int, tokens: list[Token] | None) -> None:
        offset = body_line - 1
        self.lines: set[int] = set()
        self.fences: dict[int, int] = {}  # first line -> last line (its closing fence, or the last)
        if tokens is None:
            from kb.markdown import parse_blocks

            tokens, _ = parse_blocks("\n".join(lines[offset:]))
        for token in tokens:
            if token.type in ("fence", "code_block") and token.map:
                first, end = token.map[0] + offset, token.map[1] + offset
                self.lines.update(range(first, end))
                if token.type == "fence":
                    self.fences[first] = end - 1


def _in_code_span(line: str, col: int) -> bool:
    return any(span.start() < col < span.end() for span in _CODE_SPAN.finditer(line))


def _yaml_scalars(front: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the front matter's values are, (line index, col) from and to, as far as it scans."""
    spans = []
    try:
        for token in yaml.scan(front, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        pass  # broken YAML (reported as such): what follows the error is read as comments
    return spans


def _is_yaml_comment(line: str, index: int, col: int, strings: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    """Whether the `#` at `col` starts a YAML comment: after a space or at the start of the line,
    and not inside a value (a quoted string, a block scalar)."""
    if col > 0 and line[col - 1] not in " \t":
        return False
    return not any(start <= (index, col) < end for start, end in strings)


def _block_end(lines: list[str], comment: int, code: _CodeBlocks) -> int:
    """Index of the last line of the block after the comment line (the comment itself when none)."""
    start = comment + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines):
        return comment
    if start in code.fences:
        return code.fences[start]
    end = start
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    return end


def used(findings: list[Finding], suppressions: list[Suppression]) -> set[tuple[int, str]]:
    """(suppression's index, rule code) for each rule of a suppression that covers one of `findings`."""
    return {(n, f.code) for n, s in enumerate(suppressions) for f in findings if s.covers(f)}


def unused(relpath: str, suppressions: list[Suppression], used: AbstractSet[tuple[int, str]]) -> list[Finding]:
    """An unused-suppression finding for each suppression with rules that covered nothing."""
    found = []
    for n, s in enumerate(suppressions):
        idle = sorted(code for code in s.codes if (n, code) not in used)
        if idle:
            names = ", ".join(idle)
            where = (
                "this file"
                if s.whole_file
                else (f"line {s.first}" if s.first == s.last else f"lines {s.first}-{s.last}")
            )
            found.append(
                UnusedSuppression.at(
                    Location(relpath, s.line, s.col), f"{names} finds nothing in {where} to suppress", context=names
                )
            )
    return found


def apply(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """`findings` (of one file) without those a suppression covers."""
    if not suppressions:
        return findings
    return [f for f in findings if not any(s.covers(f) for s in suppressions)]
