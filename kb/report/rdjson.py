"""reviewdog's Diagnostic Format (rdjson): every finding as a diagnostic with its rule's code and link."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.findings import Level

if TYPE_CHECKING:
    from kb.quality.health import AuditReport

SEVERITIES = {Level.ERROR: "ERROR", Level.WARNING: "WARNING", Level.INFO: "INFO"}


def render(report: AuditReport) -> str:
    diagnostics: list[dict[str, Any]] = []
    lines: dict[str, list[str] | None] = {}
    for f in report.findings:
        where = f.location
        if where.path not in lines:
            lines[where.path] = _lines(report.root, where.path)
        column = _byte_column(lines[where.path], where.line, where.col)
        diagnostics.append(
            {
                "message": f.message + (f" ({f.hint})" if f.hint else ""),
                "location": {
                    "path": report.repo_path(where.path),
                    "range": {"start": {"line": where.line, "column": column}},
                },
                "severity": SEVERITIES[f.level],
                # A link only to a page that exists: reviewdog shows it to the reader.
                "code": {"value": f.code, **({"url": report.rule_url(f.code, f.name)} if report.rules_url else {})},
            }
        )
    data = {"source": {"name": "kb"}, "severity": "WARNING", "diagnostics": diagnostics}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _lines(root: Path | None, relpath: str) -> list[str] | None:
    """The lines of the file, as kb counts them (a lone CR ends a line too); None if unreadable."""
    try:
        text = (root / relpath).read_text(encoding="utf-8", errors="replace") if root is not None else None
    except OSError:
        return None
    return None if text is None else text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _byte_column(lines: list[str] | None, line: int, col: int) -> int:
    """reviewdog counts columns in UTF-8 bytes (kb in characters): `a𐐀b`'s b is at 6, not 3."""
    if lines is None or not 1 <= line <= len(lines):
        return col
    return len(lines[line - 1][: col - 1].encode("utf-8", errors="replace")) + 1
