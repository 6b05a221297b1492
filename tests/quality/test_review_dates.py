"""Review dates and intervals at the ends of the calendar: judged like any other, never an overflow."""

from __future__ import annotations

import datetime as dt

from kb.check import check
from kb.project import KnowledgeBase
from kb.quality.health import audit
from tests.quality.conftest import QUALITY

OVERDUE = QUALITY / "rules" / "KB701-review-overdue.bad.md"


def test_a_review_date_at_the_end_of_the_calendar_is_judged_and_the_others_still_are(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    text = OVERDUE.read_text(encoding="utf-8")
    (quality_kb.articles_dir / "base" / "overdue.md").write_text(text, encoding="utf-8")
    far = text.replace("id: KB-3071", "id: KB-3072").replace("reviewed: 2025-06-01", "reviewed: 9999-12-31")
    (quality_kb.articles_dir / "base" / "far.md").write_text(far, encoding="utf-8")

    result = check(quality_kb, today=today)
    report = audit(quality_kb, today=today)

    current = [(f.location.name, f.code) for f in result.findings if f.code.startswith("KB7")]
    # far.md is reviewed too far ahead to be a plan (KB704); both are near-duplicates too (KB602).
    assert current == [("far.md", "KB704"), ("overdue.md", "KB701")]
    staleness = {h.relpath.rsplit("/", 1)[1]: h.staleness for h in report.articles}
    assert (staleness["far.md"].state, staleness["far.md"].due) == ("current", dt.date.max)
    assert staleness["overdue.md"].state == "overdue"


def test_a_due_soon_window_past_the_end_of_the_calendar_takes_in_every_review_to_come(
    quality_kb: KnowledgeBase,
) -> None:
    config = quality_kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  thresholds: {due_soon_days: 3650}\n", encoding="utf-8")
    text = OVERDUE.read_text(encoding="utf-8")
    (quality_kb.articles_dir / "base" / "overdue.md").write_text(text, encoding="utf-8")
    soon = text.replace("id: KB-3071", "id: KB-3073").replace("reviewed: 2025-06-01", "reviewed: 9995-05-01")
    (quality_kb.articles_dir / "base" / "soon.md").write_text(soon, encoding="utf-8")

    # Ten years from this day run past 9999-12-31: the window ends there.
    result = check(KnowledgeBase(quality_kb.root), today=dt.date(9995, 6, 1))

    found = {(f.location.name, f.code) for f in result.findings if f.code in ("KB701", "KB702")}
    assert ("soon.md", "KB702") in found
    assert ("overdue.md", "KB701") in found
