"""Japanese on the sites' search: a word inside a sentence of a Japanese article, in an otherwise
English KB, is found by the search page (Pagefind's extended binary, the article indexed in
Japanese in a part of its own)."""

from __future__ import annotations

import shutil
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from kb.project import KnowledgeBase
from kb.site.build import build
from tests.browser.conftest import Sites, Tab, served
from tests.site.conftest import FIXTURES, SITE_KB, TODAY

JAPANESE_ARTICLE = FIXTURES / "japanese" / "outlook-sync.md"
TITLE = "Outlookの同期が失敗する場合の対処方法"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mixed_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The small site KB (English, `site.language` left at en) with one Japanese article, built
    with search and served."""
    root = tmp_path_factory.mktemp("japanese") / "kb"
    shutil.copytree(SITE_KB, root)
    shutil.copy(JAPANESE_ARTICLE, root / "articles" / "identity" / JAPANESE_ARTICLE.name)
    build(KnowledgeBase(root), today=TODAY)
    with served(root / "site") as sites:
        yield sites


def results(page: Any, base: str, query: str) -> list[str]:
    """The titles the search page lists for `query`, once it has answered."""
    page.goto(base + "search.html?q=" + urllib.parse.quote(query))
    page.wait_for_function("document.getElementById('kb-search-status').textContent.length > 0")
    return [str(title) for title in page.locator("#kb-results > li > a").all_inner_texts()]


@pytest.mark.parametrize("query", ["同期", "失敗", "パスワード", "資格情報"])
def test_a_japanese_word_inside_a_sentence_finds_its_article(tab: Tab, mixed_sites: Sites, query: str) -> None:
    for base in (mixed_sites.public, mixed_sites.internal):
        assert TITLE in results(tab.page, base, query), (base, query)
    assert tab.errors == []


def test_english_search_still_stems_beside_a_japanese_article(tab: Tab, mixed_sites: Sites) -> None:
    found = results(tab.page, mixed_sites.public, "expiring cards")  # the article says "card expires"
    assert any("PAY-402" in title for title in found), found
    assert TITLE not in found
    assert tab.errors == []
