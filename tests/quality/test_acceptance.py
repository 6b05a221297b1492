"""Acceptance: mistakes planted into a copy of the sample KB are each reported by the right rule at
the right line and column, and every untouched article stays clean (tests/fixtures/quality/plants.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from kb.check import check
from kb.project import KnowledgeBase
from tests.quality.conftest import QUALITY

PLANTS: list[dict[str, Any]] = yaml.safe_load((QUALITY / "plants.yaml").read_text(encoding="utf-8"))


def plant(kb: KnowledgeBase, item: dict[str, Any]) -> None:
    source = kb.root / item["file"]
    text = source.read_text(encoding="utf-8")
    for old, new in item["replace"]:
        assert text.count(old) == 1, f"{item['name']}: {old!r} must occur once in {item['file']}"
        text = text.replace(old, new)
    target = kb.root / item.get("copy_to", item["file"])
    target.write_text(text, encoding="utf-8")


def reported(kb: KnowledgeBase, today: dt.date) -> list[str]:
    return [f"{f.location}: {f.code}" for f in check(kb, today=today).findings]


def test_the_sample_kb_is_clean(sample_kb: KnowledgeBase, today: dt.date) -> None:
    assert reported(sample_kb, today) == []


@pytest.mark.parametrize("item", PLANTS, ids=[p["name"] for p in PLANTS])
def test_each_planted_mistake_alone_is_reported_at_its_place(
    item: dict[str, Any], sample_kb: KnowledgeBase, today: dt.date
) -> None:
    plant(sample_kb, item)

    assert reported(sample_kb, today) == sorted(item["expect"])


def test_all_mistakes_together_and_the_untouched_articles_stay_clean(sample_kb: KnowledgeBase, today: dt.date) -> None:
    for item in PLANTS:
        plant(sample_kb, item)

    expected = sorted(line for item in PLANTS for line in item["expect"])
    assert reported(sample_kb, today) == expected


def test_checking_one_of_two_duplicates_reports_it_alone(sample_kb: KnowledgeBase, today: dt.date) -> None:
    """As kb serve re-audits a saved article: the rules across articles still see every article."""
    duplicate = next(item for item in PLANTS if item["name"] == "a duplicated article")
    plant(sample_kb, duplicate)
    copy = sample_kb.root / duplicate["copy_to"]

    found = [f"{f.location}: {f.code}" for f in check(sample_kb, [copy], today=today).findings]

    assert found == ["articles/identity/sso/saml-signature-copy.md:3:8: KB602"]
