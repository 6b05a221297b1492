"""reviewdog's Diagnostic Format (rdjson): every finding as a diagnostic with its rule's code and link."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kb.findings import Level

if TYPE_CHECKING:
    from kb.quality.health import AuditReport

SEVERITIES = {Level.ERROR: "ERROR", Level.WARNING: "WARNING", Level.INFO: "INFO"}


def render(report: AuditReport) -> str:
    diagnostics: list[dict[str, Any]] = []
    for f in report.findings:
        diagnostics.append(
            {
                "message": f.message + (f" ({f.hint})" if f.hint else ""),
                "location": {
                    "path": report.repo_path(f.location.path),
                    "range": {"start": {"line": f.location.line, "column": f.location.col}},
                },
                "severity": SEVERITIES[f.level],
                # A link only to a page that exists: reviewdog shows it to the reader.
                "code": {"value": f.code, **({"url": report.rule_url(f.code, f.name)} if report.rules_url else {})},
            }
        )
    data = {"source": {"name": "kb"}, "severity": "WARNING", "diagnostics": diagnostics}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
