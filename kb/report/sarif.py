"""SARIF 2.1.0 for GitHub code scanning: every rule described, stable fingerprints per finding.

Findings the baseline accepts are included as suppressed results (`suppressions: external`), so
code scanning closes them instead of reopening them on every run.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kb.quality.baseline import fingerprint
from kb.report.rules import SARIF_LEVELS, rule_index, what_it_does
from kb.rules import ALL_RULES

if TYPE_CHECKING:
    from kb.findings import Finding
    from kb.quality.health import AuditReport

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _tool_version() -> str:
    try:
        return version("kb")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        return "0"


def _rules(report: AuditReport) -> list[dict[str, Any]]:
    rows = []
    for rule in ALL_RULES:
        rows.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": what_it_does(rule)},
                "help": {"text": rule.doc(), "markdown": rule.doc()},
                "helpUri": report.rule_url(rule.code, rule.name),
                "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]},
                "properties": {"tags": ["kb", rule.group.value]},
            }
        )
    return rows


def _result(report: AuditReport, f: Finding, seen: Counter[str], index: dict[str, int]) -> dict[str, Any]:
    key = fingerprint(f)
    seen[key] += 1
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": SARIF_LEVELS[f.level],
        "message": {"text": f.message + (f". Fix: {f.hint}" if f.hint else "")},
        "locations": [
            {
                "physicalLocation": {
                    # A URI reference: `a b%.md` is `a%20b%25.md` (a space or a lone % is no URI).
                    "artifactLocation": {"uri": quote(report.repo_path(f.location.path)), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": f.location.line, "startColumn": f.location.col},
                }
            }
        ],
        # Rule, file and the text the finding is about (never the line): survives edits elsewhere.
        "partialFingerprints": {"kbFinding/v1": f"{key}:{seen[key]}"},
    }
    return result


def render(report: AuditReport) -> str:
    index = {code: i for i, code in enumerate(rule_index())}
    seen: Counter[str] = Counter()
    results = [_result(report, f, seen, index) for f in report.findings]
    for f in report.accepted:
        accepted = _result(report, f, seen, index)
        accepted["suppressions"] = [{"kind": "external", "justification": "accepted in the kb baseline"}]
        results.append(accepted)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kb",
                        "version": _tool_version(),
                        "rules": _rules(report),
                    }
                },
                "automationDetails": {"id": "kb/audit/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
