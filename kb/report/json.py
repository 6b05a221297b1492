"""The audit as JSON: the summary, every article's score, checks and staleness, and the findings."""

from __future__ import annotations

import json as _json
from typing import TYPE_CHECKING, Any

from kb.findings import Finding

if TYPE_CHECKING:
    from kb.quality.health import ArticleHealth, AuditReport


def finding(f: Finding) -> dict[str, Any]:
    data = f.as_dict()
    if f.extra:
        data["extra"] = f.extra
    return data


def article(h: ArticleHealth) -> dict[str, Any]:
    return {
        "path": h.relpath,
        "id": h.article.id,
        "title": h.article.title,
        "type": h.article.type,
        "audience": h.article.audience,
        "confidence": h.article.confidence,
        "product_area": h.article.product_area,
        "owner": h.article.owner,
        "score": h.score,
        "checks": {
            c.group.value: {"passed": c.passed, "weight": c.weight, "findings": [finding(f) for f in c.findings]}
            for c in h.checks
        },
        "staleness": {
            "state": h.staleness.state,
            "due": h.staleness.due.isoformat() if h.staleness.due else None,
            "reasons": h.staleness.reasons,
        },
        "findings": [finding(f) for f in h.findings],
    }


def as_data(report: AuditReport) -> dict[str, Any]:
    s = report.summary
    return {
        "kb": report.kb_name,
        "today": report.today.isoformat(),
        "failed": report.failed,
        "fail_under": report.fail_under,
        "under_fail_under": [h.relpath for h in report.failing_articles],
        "summary": {
            "articles": s.articles,
            "mean_score": s.mean_score,
            "median_score": s.median_score,
            "distribution": {f"{10 * i}-{10 * i + 9 if i < 9 else 100}": n for i, n in enumerate(s.distribution)},
            "levels": s.levels,
            "by_area": [vars(a) for a in s.by_area],
            "by_owner": [vars(a) for a in s.by_owner],
            "top_rules": [vars(r) for r in s.top_rules],
            "overdue": [h.relpath for h in s.overdue],
            "due_soon": [h.relpath for h in s.due_soon],
            "uncovered_error_codes": s.uncovered_codes,
        },
        "articles": [article(h) for h in report.articles],
        "unreadable": [{"path": u.relpath, "findings": [finding(f) for f in u.findings]} for u in report.unreadable],
        "findings": [finding(f) for f in report.findings],
    }


def render(report: AuditReport) -> str:
    return _json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"
