"""Staleness of one article, as the audit and the internal site show it: current, due soon or overdue.

Derived from the findings of the current group (KB701-703) and links to archived articles
(KB405), so the report and `kb check` always agree, plus the review due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from kb.findings import Finding

State = Literal["current", "due-soon", "overdue"]

OVERDUE_RULES = ("KB701", "KB703", "KB405")
DUE_SOON_RULES = ("KB702",)


@dataclass(slots=True)
class Staleness:
    state: State = "current"
    due: dt.date | None = None
    reasons: list[str] = field(default_factory=list)


def staleness(findings: list[Finding], due: dt.date | None) -> Staleness:
    """The staleness of an article from its findings and its review due date."""
    overdue = [f for f in findings if f.code in OVERDUE_RULES]
    soon = [f for f in findings if f.code in DUE_SOON_RULES]
    if overdue:
        return Staleness("overdue", due, [_reason(f) for f in overdue])
    if soon:
        return Staleness("due-soon", due, [_reason(f) for f in soon])
    return Staleness("current", due, [])


def _reason(finding: Finding) -> str:
    if finding.code == "KB405":
        return f"links to an archived article: {finding.message}"
    return finding.message
