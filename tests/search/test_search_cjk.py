"""Chinese and Japanese, written without spaces: a word inside a sentence is found, and a code
written right beside their characters is still a code."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index
from kb.search.analysis import exact_terms, prose_terms
from kb.search.codes import find_codes
from kb.search.query import plan_query
from tests.search.search_fixtures import add_article as add

JAPANESE = "パスワードを変更した後、Outlookの同期が失敗し、エラー0x8004DEF4が表示されます。"
CHINESE = "更改密码后，邮件同步失败，并显示错误代码AUTH-401。"


def search(kb: KnowledgeBase, query: str) -> list[str]:
    with SearchIndex.open(kb, "public") as index:
        return [hit.id for hit in index.search(query).hits]


def test_a_word_inside_a_japanese_or_chinese_sentence_finds_its_article(search_kb: KnowledgeBase) -> None:
    add(search_kb, "ja", "KB-0951", "パスワード変更後に同期が失敗する", JAPANESE)
    add(search_kb, "zh", "KB-0952", "更改密码后邮件同步失败", CHINESE)
    update_index(search_kb)

    for word in ("同期", "パスワード", "失敗", "表示", "Outlookの同期"):
        assert search(search_kb, word)[:1] == ["KB-0951"], word
    for word in ("密码", "邮件同步", "失败"):
        assert search(search_kb, word)[:1] == ["KB-0952"], word
    assert search(search_kb, "同步") == ["KB-0952"]  # 同期 is Japanese for it: no pair shared
    assert search(search_kb, '"同期が失敗"') == ["KB-0951"]  # in quotes: its characters together
    assert search(search_kb, '"失敗が同期"') == []


def test_a_code_written_beside_japanese_or_chinese_is_found_as_a_code(search_kb: KnowledgeBase) -> None:
    add(search_kb, "ja", "KB-0951", "同期が失敗する", JAPANESE)
    add(search_kb, "zh", "KB-0952", "邮件同步失败", CHINESE)
    update_index(search_kb)

    assert [m.text for m in find_codes(JAPANESE)] == ["0x8004DEF4"]
    assert [m.text for m in find_codes(CHINESE)] == ["AUTH-401"]
    assert "KB-0951" in search(search_kb, "0x8004DEF4")
    assert "KB-0952" in search(search_kb, "AUTH-401")


def test_the_snippet_marks_a_japanese_word_inside_its_sentence(search_kb: KnowledgeBase) -> None:
    add(search_kb, "ja", "KB-0951", "パスワード変更後に同期が失敗する", JAPANESE)
    update_index(search_kb)

    with SearchIndex.open(search_kb, "public") as index:
        hit = index.search("失敗").hits[0]

    assert "<mark>失敗</mark>" in hit.snippet


def test_each_pair_of_characters_of_a_japanese_query_is_asked_for() -> None:
    plan = plan_query("同期失敗")

    assert plan.groups == [["同期"], ["期失"], ["失敗"]]  # all of them, not any one


_KANA = st.characters(min_codepoint=0x3041, max_codepoint=0x3093)
_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)
_LATIN = st.sampled_from(["Outlook", "sync", "0x80070005", "、", "。", " ", "E-1001"])
_TEXT = st.lists(st.one_of(_KANA, _HAN, _LATIN), min_size=2, max_size=40).map("".join)


@given(_TEXT, st.data())
def test_any_run_of_two_or_more_such_characters_in_a_text_is_found_by_its_terms(text: str, data: st.DataObject) -> None:
    runs = [
        text[start:end]
        for start in range(len(text))
        for end in range(start + 2, len(text) + 1)
        if all(0x3041 <= ord(c) <= 0x3093 or 0x4E00 <= ord(c) <= 0x4E80 for c in text[start:end])
    ]
    if not runs:
        return
    query = data.draw(st.sampled_from(runs))

    assert set(prose_terms(query)) <= set(prose_terms(text))
    assert set(exact_terms(query)) - {query} <= set(exact_terms(text))
