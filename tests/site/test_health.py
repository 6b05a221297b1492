"""Health as the sites show it: the quality audit's scores and staleness, and its report's place on the health page."""

from __future__ import annotations

import datetime as dt

from kb.project import KnowledgeBase
from kb.site.health import assess


def test_staleness_and_scores_come_from_the_quality_audit(kb: KnowledgeBase) -> None:
    health = assess(kb, dt.date(2026, 3, 1))
    token = health.of_id("KB-0001")  # troubleshooting (180 days), reviewed 2026-01-14
    payment = health.of_id("KB-0005")  # names Acme Cloud 4.2, end of life 2025-06-30
    assert token is not None
    assert payment is not None
    assert token.staleness.state == "current"
    assert token.score is not None
    assert payment.staleness.state == "overdue"
    assert any("4.2" in reason and "end of life" in reason for reason in payment.staleness.reasons)
    assert health.report_html
    assert 'class="health-report"' in health.report_html
    assert "<main" not in health.report_html
    assert "<h1" not in health.report_html


def test_review_dates_pass_with_time(kb: KnowledgeBase) -> None:
    assert (found := assess(kb, dt.date(2026, 6, 20)).of_id("KB-0001"))
    assert found.staleness.state == "due-soon"
    late = assess(kb, dt.date(2026, 7, 14)).of_id("KB-0001")
    assert late is not None
    assert (late.staleness.state, late.staleness.due) == ("overdue", dt.date(2026, 7, 13))


def test_a_saved_article_is_audited_again_and_the_rest_kept(kb: KnowledgeBase) -> None:
    before = assess(kb, dt.date(2026, 3, 1))
    path = kb.articles_dir / next(p for p in sorted(kb.articles_dir.rglob("*.md")) if "id: KB-0001\n" in p.read_text())
    path.write_text(path.read_text().replace("reviewed: 2026-01-14", "reviewed: 2025-01-14"))

    after = assess(kb, dt.date(2026, 3, 1), changed={path}, previous=before)

    assert (found := after.of_id("KB-0001")) is not None
    assert found.staleness.state == "overdue"
    assert after.of_id("KB-0005") == before.of_id("KB-0005")
    assert after.report_html == before.report_html
