"""Inline suppressions: a reason is required; they cover a line, the next block, or the whole file."""

from __future__ import annotations

import datetime as dt
import shutil

from hypothesis import given
from hypothesis import strategies as st

from kb.check import check
from kb.project import KnowledgeBase
from kb.quality.suppression import read_suppressions
from tests.quality.conftest import QUALITY

SUPPRESSION = QUALITY / "suppression"


def findings(kb: KnowledgeBase, name: str, today: dt.date) -> list[str]:
    target = kb.articles_dir / "rules" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SUPPRESSION / name, target)
    return [f"{f.location.line}: {f.code}" for f in check(kb, today=today).findings]


def test_a_comment_after_text_covers_its_line(quality_kb: KnowledgeBase, today: dt.date) -> None:
    assert findings(quality_kb, "same-line.md", today) == []


def test_a_yaml_comment_covers_its_front_matter_line(quality_kb: KnowledgeBase, today: dt.date) -> None:
    assert findings(quality_kb, "front-matter.md", today) == []


def test_a_comment_on_its_own_line_covers_the_next_block_only(quality_kb: KnowledgeBase, today: dt.date) -> None:
    # The token in the fenced block is suppressed; the key in the internal block below is not.
    assert findings(quality_kb, "fenced-block.md", today) == ["42: KB501"]


def test_reading_the_comments_of_an_article() -> None:
    text = (SUPPRESSION / "fenced-block.md").read_text(encoding="utf-8")

    suppressions, problems = read_suppressions("a.md", text, body_line=16)

    assert problems == []
    [only] = suppressions
    assert (sorted(only.codes), only.first, only.last, only.whole_file) == (["KB501"], 32, 35, False)
    assert only.reason == "a revoked token kept for the incident review"


@given(st.text())
def test_reading_suppressions_never_raises(text: str) -> None:
    suppressions, problems = read_suppressions("a.md", "<!-- kb: " + text, body_line=1)

    assert all(s.reason for s in suppressions)
    assert all(p.code in ("KB014", "KB015") for p in problems)


def test_a_suppression_of_a_rule_across_articles_is_used_and_stays_used_from_the_cache(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    """A broken link is found by a rule across articles, after the article rules: its suppression
    counts as used, and an unused one is reported, on a fresh run and on one from the cache."""
    text = (SUPPRESSION / "same-line.md").read_text(encoding="utf-8")
    text += (
        '\n<!-- kb: disable=broken-link reason="the page moves with the next release" -->\n'
        "See [the old guide](gone.md).\n\n"
        '<!-- kb: disable=broken-link reason="left from an old link" -->\n'
        "See the admin guide.\n"
    )
    target = quality_kb.articles_dir / "rules" / "links.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    lines = len(text.split("\n"))

    for _ in ("fresh", "cached"):
        found = [f"{f.location.line}: {f.code} {f.message}" for f in check(quality_kb, today=today).findings]
        assert found == [f"{lines - 2}: KB017 KB402 finds nothing in lines {lines - 2}-{lines - 1} to suppress"]


def test_a_comment_in_a_code_block_or_span_is_an_example_that_suppresses_nothing(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    # A fenced example above a long paragraph, an indented one without a reason, a misspelt one
    # in a code span: the paragraph is still a wall of text, and none is a finding itself.
    assert findings(quality_kb, "in-code.md", today) == ["36: KB202"]


def test_a_comment_inside_a_yaml_string_is_text(quality_kb: KnowledgeBase, today: dt.date) -> None:
    text = (SUPPRESSION / "in-yaml-string.md").read_text(encoding="utf-8")

    assert read_suppressions("a.md", text, body_line=16) == ([], [])
    assert findings(quality_kb, "in-yaml-string.md", today) == []
