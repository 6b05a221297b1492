"""Article ids: an article is found by its id, but an id is never an error code and its digits
are not a number in a query."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index
from tests.search.search_fixtures import add_articles


def with_numbered_articles(kb: KnowledgeBase) -> KnowledgeBase:
    # KB-1935 and KB-1000 are about something else; only their ids share digits with the codes.
    add_articles(kb, "install/error-1935.md", "sync/desktop/recent-files-list.md", "sync/desktop/open-recent-files.md")
    update_index(kb)
    return kb


def ids(kb: KnowledgeBase, query: str, **filters: str) -> list[str]:
    with SearchIndex.open(kb, "public") as index:
        return [hit.id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


def test_a_number_in_the_query_does_not_find_the_article_with_that_id_number(search_kb: KnowledgeBase) -> None:
    kb = with_numbered_articles(search_kb)

    found = ids(kb, "error 1935 install")
    assert found[0] == "KB-0951"
    assert "KB-1935" not in found  # it mentions "install", but not with every word of the query
    assert ids(kb, "1935") == ["KB-0951"]


def test_an_event_id_is_not_an_article_id(search_kb: KnowledgeBase) -> None:
    kb = with_numbered_articles(search_kb)

    assert "KB-1000" not in ids(kb, "event id 1000")
    assert ids(kb, "event id 1000")[0] == "KB-0007"
    assert ids(kb, "files", code="Event ID 1000") == ["KB-0007"]
    with SearchIndex.open(kb, "public") as index:
        assert [hit.id for hit in index.lookup_code("Event ID 1000")] == ["KB-0007"]
        assert index.lookup_code("KB-1000") == []  # an id is not a code


def test_an_article_is_found_by_its_id_in_any_case(search_kb: KnowledgeBase) -> None:
    kb = with_numbered_articles(search_kb)

    assert ids(kb, "KB-1935")[0] == "KB-1935"
    assert ids(kb, "kb-1000")[0] == "KB-1000"
    assert ids(kb, "KB-1000 recent")[0] == "KB-1000"


def test_kb_search_code_filter_leaves_out_the_article_with_that_id_number(search_kb: KnowledgeBase) -> None:
    kb = with_numbered_articles(search_kb)

    result = CliRunner().invoke(
        cli, ["--root", str(kb.root), "search", "files", "--site", "public", "--code", "Event ID 1000", "--json"]
    )

    assert result.exit_code == 0, result.output
    assert [hit["id"] for hit in json.loads(result.stdout)] == ["KB-0007"]
