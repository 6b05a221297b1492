"""Staleness as the sites show it, and the quality report's place on the knowledge-health page."""

from __future__ import annotations

import datetime as dt

from kb.load import load_articles
from kb.project import KnowledgeBase
from kb.site.health import assess, embeddable, staleness


def test_staleness_from_the_review_interval_and_end_of_life(kb: KnowledgeBase) -> None:
    by_id = {a.id: a for a in load_articles(kb)}
    taxonomy = kb.taxonomy
    token = by_id["KB-0001"]  # troubleshooting (180 days), reviewed 2026-01-14, Acme Cloud 4.3
    assert staleness(token, taxonomy, dt.date(2026, 3, 1)).state == "current"
    assert staleness(token, taxonomy, dt.date(2026, 6, 20)).state == "due-soon"
    late = staleness(token, taxonomy, dt.date(2026, 7, 14))
    assert (late.state, late.due) == ("overdue", dt.date(2026, 7, 13))
    payment = staleness(by_id["KB-0005"], taxonomy, dt.date(2026, 3, 1))  # names 4.2, end of life 2025-06-30
    assert payment.state == "overdue"
    assert "Acme Cloud 4.2 reached end of life on 2025-06-30" in payment.reasons


def test_assess_without_the_quality_audit_gives_staleness_and_no_score(kb: KnowledgeBase) -> None:
    articles = load_articles(kb)
    health = assess(kb, articles, dt.date(2026, 3, 1))
    found = health.of_id("KB-0001")
    assert found is not None
    assert found.score is None and found.staleness.state == "current"
    assert health.report_html is None


def test_a_whole_report_document_is_embedded_by_its_body_and_styles() -> None:
    page = "<!doctype html><html><head><style>.bar{}</style></head><body><h2>Scores</h2></body></html>"
    assert embeddable(page) == "<style>.bar{}</style><h2>Scores</h2>"
    assert embeddable("<section>part</section>") == "<section>part</section>"
