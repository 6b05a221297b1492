"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Level
from kb.words import plural

if TYPE_CHECKING:
    from kb.quality.health import AuditReport

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: AuditReport) -> str:
    lines = []
    for f in report.findings:
        loc = f.location
        props = (
            f"file={_property(report.repo_path(loc.path))},line={loc.line},col={loc.col},"
            f"title={_property(f'{f.code} {f.name}')}"
        )
        message = f.message + (f"\n{f.hint}" if f.hint else "")
        lines.append(f"::{COMMANDS[f.level]} {props}::{_data(message)}")
    for h in report.failing_articles:  # the score gate: say which articles stop the run, and why
        props = f"file={_property(report.repo_path(h.relpath))},line=1,col=1,title={_property('kb health score')}"
        lines.append(f"::error {props}::{_data(report.under_message(h))}")
    s = report.summary
    lines.append(
        f"::notice title=kb audit::{plural(s.articles, 'article')}, mean health score {s.mean_score:g}, "
        f"{len(s.overdue)} overdue reviews"
    )
    return "\n".join(lines) + "\n"
