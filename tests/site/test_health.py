"""Health as the sites show it: the quality audit's scores and staleness, and its report's place on the health page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kb.project import KnowledgeBase
from kb.site import collect
from kb.site.build import build
from kb.site.health import assess
from tests.site.conftest import TODAY

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


def test_the_list_of_every_article_is_paged_and_the_report_is_on_the_first_page(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 50,000 articles one page of every row was 22 MB of HTML (and a worker's whole memory)."""
    one = tmp_path / "one"
    build(kb, out=one, today=TODAY, search=False)
    monkeypatch.setattr(collect, "HEALTH_ROWS_PER_PAGE", 2)
    paged = tmp_path / "paged"
    build(kb, out=paged, today=TODAY, search=False)

    everything = _rows((one / "internal/health/index.html").read_text(encoding="utf-8"))
    pages = [paged / "internal/health/index.html"]
    pages += [paged / f"internal/health/page/{n}/index.html" for n in range(2, (len(everything) + 1) // 2 + 1)]
    texts = [page.read_text(encoding="utf-8") for page in pages]
    assert not (paged / f"internal/health/page/{len(pages) + 1}").exists()
    assert [row for text in texts for row in _rows(text)] == everything  # the same rows, in the same order
    assert all(len(_rows(text)) == 2 for text in texts[:-1])
    assert 'class="health-report"' in texts[0]
    assert all('class="health-report"' not in text for text in texts[1:])
    assert '<a href="../2/" rel="prev">Previous</a>' in texts[2]
    assert '<a href="../4/" rel="next">Next</a>' in texts[2]
    assert f"Articles 5 to 6 of {len(everything)}." in texts[2]
    assert '<li><a href="../../">1</a></li>' in texts[2]
    assert '<li><a href="./" aria-current="page">3</a></li>' in texts[2]
    assert not (paged / "public/health").exists()


def _rows(page: str) -> list[str]:
    return re.findall(r'<span class="article-id">([^<]+)</span>', page.split('id="by-article"')[1])


def test_the_health_page_counts_agree_with_its_report(kb: KnowledgeBase, tmp_path: Path) -> None:
    """The lead said 62 current articles where the report's tile said 66: the archived ones, which
    the list leaves out, are counted in the lead too."""
    build(kb, out=tmp_path, today=TODAY, search=False)
    page = (tmp_path / "internal/health/index.html").read_text(encoding="utf-8")

    lead = re.search(r"of (\d+) current articles(?: and (\d+) archived ones?, which the list leaves out,)? on", page)
    assert lead is not None
    current, archived = int(lead.group(1)), int(lead.group(2) or 0)
    tile = re.search(r'<div class="tile"><b>(\d+)</b><span>articles</span>', page)
    assert tile is not None
    pills = [int(n) for n in re.findall(r'<span class="pill pill-[\w-]+">[\w -]+</span> (\d+)</li>', page)]
    assert archived > 0  # the site KB has archived articles
    assert current == len(_rows(page)) == sum(pills)
    assert current + archived == int(tile.group(1))
