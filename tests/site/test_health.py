"""Health as the sites show it: the quality audit's scores and staleness, and its report's place on the health page."""

from __future__ import annotations

import datetime as dt

from kb.project import KnowledgeBase
from kb.site.health import assess

TOKEN = "articles/identity/sso/token-expired.md"  # KB-0001
PAYMENT = "articles/billing/payment-required.md"  # KB-0005


def test_staleness_and_scores_come_from_the_quality_audit(kb: KnowledgeBase) -> None:
    health = assess(kb, dt.date(2026, 3, 1))
    token = health.by_path.get(TOKEN)  # troubleshooting (180 days), reviewed 2026-01-14
    payment = health.by_path.get(PAYMENT)  # names Acme Cloud 4.2, end of life 2025-06-30
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
    assert (found := assess(kb, dt.date(2026, 6, 20)).by_path.get(TOKEN))
    assert found.staleness.state == "due-soon"
    late = assess(kb, dt.date(2026, 7, 14)).by_path.get(TOKEN)
    assert late is not None
    assert (late.staleness.state, late.staleness.due) == ("overdue", dt.date(2026, 7, 13))


def test_a_saved_article_is_audited_again_and_the_rest_kept(kb: KnowledgeBase) -> None:
    before = assess(kb, dt.date(2026, 3, 1))
    path = kb.articles_dir / next(p for p in sorted(kb.articles_dir.rglob("*.md")) if "id: KB-0001\n" in p.read_text())
    path.write_text(path.read_text().replace("reviewed: 2026-01-14", "reviewed: 2025-01-14"))

    after = assess(kb, dt.date(2026, 3, 1), changed={path}, previous=before)

    assert (found := after.by_path.get(TOKEN)) is not None
    assert found.staleness.state == "overdue"
    assert after.by_path.get(PAYMENT) == before.by_path.get(PAYMENT)
    assert after.report_html == before.report_html
