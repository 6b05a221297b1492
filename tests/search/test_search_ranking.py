"""Searching a real index: exact code hits first, prose by BM25F, filters, snippets, did-you-mean."""

from __future__ import annotations

import pytest

from kb.project import KnowledgeBase
from kb.search import IndexMissing, SearchIndex, update_index
from tests.search.search_fixtures import add_articles


def ids(index: SearchIndex, query: str, **filters: str) -> list[str]:
    return [hit.id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("0x8004DEF4", "KB-0001"),
        ("0x8004def4", "KB-0001"),
        ("0x80070005", "KB-0002"),
        ("550 5.7.1", "KB-0004"),
        ("aadsts65005", "KB-0006"),
        ("Event ID 1000", "KB-0007"),
        ("event id 1000", "KB-0007"),
        ("HTTP 403", "KB-0008"),
        ("403", "KB-0008"),
        ("MigrationPermanentException", "KB-0009"),
        ("migrationpermanentexception", "KB-0009"),
        ("dns_probe_finished_nxdomain", "KB-0010"),
        ("30010-45", "KB-0011"),
        ("HCW8078", "KB-0016"),
        ("auth-401", "KB-0014"),
        ("\uff10x8004\uff24\uff25\uff26\uff14", "KB-0001"),  # full width, as an input method types it
        ("\uff21\uff35\uff34\uff28-401", "KB-0014"),
    ],
)
def test_an_exact_code_hit_ranks_first(public_index: SearchIndex, query: str, first: str) -> None:
    assert ids(public_index, query)[0] == first


def test_a_declared_code_outranks_an_article_that_only_mentions_it(public_index: SearchIndex) -> None:
    found = ids(public_index, "0x8004DEF4")
    assert found[:2] == ["KB-0001", "KB-0003"]  # the overview mentions it four times, but does not resolve it


def test_a_code_in_the_title_outranks_mentions_and_both_ndr_forms_match(public_index: SearchIndex) -> None:
    found = ids(public_index, "5.7.1")
    assert set(found[:2]) == {"KB-0004", "KB-0005"}


def test_prose_is_stemmed_and_prefers_the_title(public_index: SearchIndex) -> None:
    assert ids(public_index, "crashing calendars")[0] == "KB-0017"
    assert ids(public_index, "relay connector")[0] == "KB-0004"


def test_filters_by_area_type_and_code(public_index: SearchIndex) -> None:
    assert set(ids(public_index, "fails", area="mail")) <= {"KB-0004", "KB-0005", "KB-0009", "KB-0016"}
    assert ids(public_index, "fails", area="mail/transport")
    assert ids(public_index, "crash", type="known-issue") == ["KB-0007"]
    assert ids(public_index, "sync", code="0x80070005") == ["KB-0002"]


def test_lookup_code_returns_only_articles_that_resolve_it(public_index: SearchIndex) -> None:
    assert [hit.id for hit in public_index.lookup_code("0x8004def4")] == ["KB-0001"]
    assert {hit.id for hit in public_index.lookup_code("5.7.1")} == {"KB-0004", "KB-0005"}
    assert public_index.lookup_code("0xDEADBEEF") == []


def test_a_hit_carries_what_a_result_list_shows(public_index: SearchIndex) -> None:
    hit = public_index.search("AADSTS65005").hits[0]
    assert hit.title == "Sign-in fails with AADSTS65005"
    assert hit.path == "articles/identity/sso/aadsts65005-consent.md"
    assert hit.error_codes == ["AADSTS65005"]
    assert hit.product_area == "identity/sso"
    assert hit.type == "troubleshooting"
    assert "<mark>AADSTS65005</mark>" in hit.snippet
    assert set(hit.as_dict()) >= {"id", "title", "path", "score", "snippet"}


def test_snippets_are_html_safe(public_index: SearchIndex) -> None:
    hit = public_index.search("relay").hits[0]
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


def test_a_typo_gets_a_did_you_mean(public_index: SearchIndex) -> None:
    result = public_index.search("calender crashs")
    assert result.suggestion == "calendar crashs" or result.suggestion == "calendar crashes"
    assert public_index.search("shared calendar").suggestion is None


def test_the_public_site_leaves_out_what_it_does_not_publish(
    public_index: SearchIndex, internal_index: SearchIndex
) -> None:
    assert "KB-0015" not in ids(public_index, "HCW8078")  # wip
    assert "KB-0015" in ids(internal_index, "HCW8078")
    assert ids(public_index, "ZEBRA-RUNBOOK-MARKER") == []  # internal audience
    assert ids(internal_index, "ZEBRA-RUNBOOK-MARKER") == ["KB-0013"]
    assert ids(public_index, "platypus-escalation-codeword") == []  # internal block of a public article
    assert ids(internal_index, "platypus-escalation-codeword") == ["KB-0014"]


def test_opening_a_missing_index_says_how_to_build_it(tmp_path: object, search_kb: KnowledgeBase) -> None:
    import shutil

    shutil.rmtree(search_kb.cache_dir)
    with pytest.raises(IndexMissing, match="no search index") as caught:
        SearchIndex.open(search_kb, "public")
    assert "kb index" in caught.value.hint


def test_searches_from_several_threads_agree(public_index: SearchIndex) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = ["0x8004DEF4", "550 5.7.1", "crashing calendars", "HTTP 403", "relay"] * 8
    expected = [ids(public_index, q) for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda q: ids(public_index, q), queries)) == expected


@pytest.mark.parametrize("query", ["E-1001", "AUTH-999", "30010-46"])
def test_a_dashed_code_no_article_has_finds_nothing_not_the_articles_with_its_parts(
    search_kb: KnowledgeBase, query: str
) -> None:
    # The E-2002 articles have the word "e" (E-2002, e-mail); AUTH-401 has "auth", 30010-45 "30010".
    add_articles(search_kb, "identity/sso/session-limit-e-2002.md", "identity/sso/sign-in-overview.md")
    update_index(search_kb)
    with SearchIndex.open(search_kb, "public") as index:
        assert ids(index, query) == []


def test_a_dashed_code_finds_the_article_declaring_it_then_those_mentioning_it(search_kb: KnowledgeBase) -> None:
    add_articles(search_kb, "identity/sso/session-limit-e-2002.md", "identity/sso/sign-in-overview.md")
    update_index(search_kb)
    with SearchIndex.open(search_kb, "public") as index:
        assert ids(index, "E-2002") == ["KB-0952", "KB-0953"]
        assert ids(index, "e-2002 sessions") == ["KB-0952", "KB-0953"]
