"""Did-you-mean: only misspelt words are corrected, never stop words or short words two edits away,
and the suggestion keeps the query's own quotes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.search import SearchIndex


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("the calender", "the calendar"),  # "the" is not indexed, but it is not a misspelling
        ('"the calender"', '"the calendar"'),
        ("calender crashes", "calendar crashes"),
        ("outlok", None),  # no word near it in this KB
        ("AND OR NOT", None),
        ("to be or not", None),
        ("zap crash", None),  # "app" is two edits away: too far for a three-letter word
        ("dsn", None),
        ("foldr", "folder"),
    ],
)
def test_did_you_mean_corrects_only_misspelt_words(
    public_index: SearchIndex, query: str, suggestion: str | None
) -> None:
    assert public_index.search(query).suggestion == suggestion


def test_kb_search_prints_a_quoted_suggestion_with_the_query_s_quotes_once(search_kb: KnowledgeBase) -> None:
    runner = CliRunner()
    root = ["--root", str(search_kb.root), "search", "--site", "public"]

    quoted = runner.invoke(cli, [*root, '"the calender"'])
    assert quoted.exit_code == 0, quoted.output
    assert 'Did you mean "the calendar"?' in quoted.stdout

    plain = runner.invoke(cli, [*root, "calender crashes"])
    assert 'Did you mean "calendar crashes"?' in plain.stdout

    in_json = runner.invoke(cli, [*root, '"the calender" app', "--json"])
    assert 'Did you mean "the calendar" app?' in in_json.stderr
