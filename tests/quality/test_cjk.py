"""Chinese and Japanese articles: their words are counted, and a code beside their characters is seen."""

from __future__ import annotations

import datetime as dt

from kb.check import check
from kb.project import KnowledgeBase
from kb.rules.text import words
from tests.conftest import WriteArticle

DAY = dt.date(2026, 11, 28)
DESCRIPTION = "サインインの後、しばらくするとセッションが切れてエラーが表示される場合の対処方法。"
ARTICLE = """---
id: KB-0200
title: "{title}"
type: troubleshooting
confidence: validated
audience: public
product_area: account/sign-in
owner: team-support
created: 2026-01-05
reviewed: 2026-11-01
description: "{description}"
error_codes: [E-1001]
---

## Issue

しばらく操作しないでいると、画面にエラーE-1001が表示されてサインアウトされます。

## Environment

My Product 1.0、すべてのブラウザー。

## Resolution

1. もう一度サインインします。
2. 「サインインしたままにする」を選択します。

## Cause

セッションは一定時間で切れます。{extra}
"""


def findings(kb: KnowledgeBase, write: WriteArticle, title: str, extra: str = "") -> list[str]:
    write("account/sign-in/session-ja.md", ARTICLE.format(title=title, extra=extra, description=DESCRIPTION))
    result = check(
        kb, [kb.articles_dir / "account/sign-in/session-ja.md"], use_cache=False, today=dt.date(2026, 11, 28)
    )
    return [f"{f.location.line}:{f.location.col} {f.code}" for f in result.findings]


def test_a_japanese_title_that_states_the_issue_is_not_vague(kb: KnowledgeBase, write_article: WriteArticle) -> None:
    assert findings(kb, write_article, "サインイン後にエラーE-1001でセッションが切れる") == []
    assert "3:8 KB204" in findings(kb, write_article, "エラー")  # one word is still one word


def test_a_code_written_beside_japanese_is_a_mention(kb: KnowledgeBase, write_article: WriteArticle) -> None:
    found = findings(kb, write_article, "サインイン後にセッションが切れる", extra="再現するとエラーE-2002になります。")

    assert found == ["30:25 KB320"]  # E-2002 is mentioned but not declared (E-1001 is both)


def test_a_description_of_wide_characters_counts_them_as_shown(kb: KnowledgeBase, write_article: WriteArticle) -> None:
    short = ARTICLE.format(title="サインイン後にセッションが切れる", extra="", description="セッションが切れる。")
    result = check(kb, [write_article("a.md", short)], use_cache=False, today=DAY)

    assert [f.message for f in result.findings if f.code == "KB322"] == [
        "the description has 20 characters (a wide character counts as two); write at least 50"
    ]


def test_two_chinese_or_japanese_characters_count_as_a_word() -> None:
    assert words("セッションが切れる") == ["セッ", "ショ", "ンが", "切れ", "る"]
    assert words("Outlookの同期 don't e-mail 1.5") == ["Outlook", "の同", "期", "don't", "e-mail", "1.5"]
