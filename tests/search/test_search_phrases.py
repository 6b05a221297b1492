"""Quoted phrases: words asked for together, in order, across case, spaces and punctuation."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index
from kb.search.query import plan_query
from tests.search.search_fixtures import add_article as add


def search(kb: KnowledgeBase, query: str, **filters: str) -> list[str]:
    with SearchIndex.open(kb, "public") as index:
        return [hit.id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


def test_a_quoted_phrase_finds_only_articles_with_its_words_together(search_kb: KnowledgeBase) -> None:
    add(search_kb, "full", "KB-0901", "Sending fails", "The sender is told: Mailbox is FULL. Try again later.")
    add(search_kb, "split", "KB-0902", "A full mailbox", "The mailbox of the recipient is nearly full.")
    add(search_kb, "hyphen", "KB-0903", "Quota warning", "The mailbox-is-full warning shows at 98%.")
    update_index(search_kb)

    assert set(search(search_kb, "mailbox is full")) >= {"KB-0901", "KB-0902", "KB-0903"}
    assert sorted(search(search_kb, '"mailbox is full"')) == ["KB-0901", "KB-0903"]
    assert search(search_kb, "“Mailbox is full”") == search(search_kb, '"mailbox is full"')  # as pasted
    assert search(search_kb, '"full mailbox"') == ["KB-0902"]  # the title counts too
    # The phrase is a must; other words rank as ever (an article with every word first).
    assert search(search_kb, '"mailbox is full" quota') == ["KB-0903"]
    assert search(search_kb, '"mailbox is full"', area="install") == []  # filters still apply


def test_a_phrase_no_article_has_finds_nothing_and_one_word_or_stop_words_in_quotes_are_words(
    search_kb: KnowledgeBase,
) -> None:
    assert search(search_kb, '"relay unable"') == []
    assert search(search_kb, '"relay"') == search(search_kb, "relay") != []
    assert search(search_kb, '"to be" relay') == search(search_kb, "relay")  # stop words alone ask nothing


def test_the_phrase_words_still_rank_and_count_as_words() -> None:
    plan = plan_query('"Mailbox is full" 0x80070005')

    assert [p.text for p in plan.phrases] == ["Mailbox is full"]
    assert "0x80070005" in plan.codes
    assert ["mailbox"] in plan.groups


def test_kb_search_takes_a_phrase_in_quotes(search_kb: KnowledgeBase) -> None:
    add(search_kb, "full", "KB-0901", "Sending fails", "The sender is told: Mailbox is full.")
    add(search_kb, "split", "KB-0902", "A full mailbox", "The mailbox of the recipient is nearly full.")

    result = CliRunner().invoke(cli, ["--root", str(search_kb.root), "search", '"mailbox is full"', "--json"])

    assert result.exit_code == 0, result.output
    assert [hit["id"] for hit in json.loads(result.stdout)] == ["KB-0901"]  # messages go to stderr


def test_a_code_in_quotes_is_looked_up_as_a_code(search_kb: KnowledgeBase) -> None:
    # A declared code the text words otherwise ("event 7031"): pasted in quotes, it is still found.
    add(search_kb, "crash", "KB-0904", "The client closes at start", "The log shows event 7031 at each start.")
    path = search_kb.articles_dir / "mail" / "crash.md"
    path.write_text(path.read_text(encoding="utf-8").replace("owner:", "error_codes: [Event ID 7031]\nowner:", 1))
    update_index(search_kb)

    assert search(search_kb, "Event ID 7031")[0] == "KB-0904"
    assert search(search_kb, '"Event ID 7031"')[0] == "KB-0904"
    assert plan_query('"550 5.7.1" "mailbox is full"').phrases == plan_query('"mailbox is full"').phrases
