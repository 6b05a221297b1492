"""`unpublishable`: what keeps an article off every customer site (its pages and its search index),
whatever kb.yaml's lint settings say; an inline suppression with its reason lets it through."""

from __future__ import annotations

import pytest

from kb.config import load_config
from kb.load import load_article
from kb.project import KnowledgeBase
from kb.quality.unpublishable import unpublishable
from kb.rules.context import CheckContext

KEY = "AKIA" + "Q3EGXJ7LWRZ5TN2B"  # an AWS access key id's shape (split: no secret scanner trips on it here)
ARTICLE = """---
id: KB-0950
title: Calls to the API fail with 401
type: troubleshooting
confidence: validated
audience: public
product_area: identity
owner: team-identity
created: 2026-01-10
reviewed: 2026-01-10
description: What to do when calls to the API fail with 401.
---
## Issue

Calls to the API fail with 401.

{line}
"""


def _judge(kb: KnowledgeBase, line: str, lint: str) -> list[str]:
    (kb.root / "kb.yaml").write_text((kb.root / "kb.yaml").read_text(encoding="utf-8") + lint, encoding="utf-8")
    path = kb.articles_dir / "api.md"
    path.write_text(ARTICLE.format(line=line), encoding="utf-8")
    article = load_article(path, kb.relpath(path)).article
    assert article is not None
    config = load_config(kb.root / "kb.yaml")
    context = CheckContext(kb.root, config, kb.taxonomy)
    return [f"{f.code} {f.location.line}" for f in unpublishable(article, context)]


@pytest.mark.parametrize(
    "lint",
    [
        "",
        "  ignore: [KB501]\n",
        "  select: [complete]\n",
        '  per_path:\n    - paths: ["articles/*.md"]\n      ignore: [safe]\n',
    ],
    ids=["as set", "ignored", "not selected", "ignored for its path"],
)
def test_a_secret_is_unpublishable_whatever_the_lint_settings(quality_kb: KnowledgeBase, lint: str) -> None:
    assert _judge(quality_kb, f"Use the key {KEY}.", lint) == ["KB501 17"]


def test_a_suppressed_made_up_secret_is_publishable(quality_kb: KnowledgeBase) -> None:
    suppressed = f'<!-- kb: disable=secret reason="a made-up key" -->\nUse the key {KEY}.'
    assert _judge(quality_kb, suppressed, "  ignore: [KB501]\n") == []
