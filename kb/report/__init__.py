"""Audit reports: one module per output format, each `render(report) -> str` (`chunks` streams them).

`FORMATS` maps the names `kb audit --format` accepts to their renderers; `html` is written with
`--html FILE` and is also what the internal site shows as its knowledge-health page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kb.report import github, html, json, junit, rdjson, sarif, text

if TYPE_CHECKING:
    from kb.quality.health import AuditReport

FORMATS: dict[str, Callable[[AuditReport], str]] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "rdjson": rdjson.render,
    "html": html.render,
}


def chunks(name: str, report: AuditReport) -> Iterable[str]:
    """The report in format `name`, in pieces to write as they come (the text report streams its
    findings; the others are one piece)."""
    if name == "text":
        return text.chunks(report)
    return [FORMATS[name](report)]


__all__ = ["FORMATS", "chunks"]
