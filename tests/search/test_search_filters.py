"""The --area and --type filters: any case, and an area or type nobody has is a usage error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.errors import UsageError
from kb.project import KnowledgeBase
from kb.search import SearchIndex


def ids(index: SearchIndex, query: str, **filters: str) -> list[str]:
    return [hit.id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


def test_an_area_matches_in_any_case_and_with_slashes(public_index: SearchIndex) -> None:
    expected = ids(public_index, "fails", area="mail/transport")
    assert expected
    assert ids(public_index, "fails", area="Mail/Transport") == expected
    assert ids(public_index, "fails", area="/MAIL/") == ids(public_index, "fails", area="mail")


def test_a_type_matches_in_any_case(public_index: SearchIndex) -> None:
    assert ids(public_index, "crash", type="Known-Issue") == ["KB-0007"]


def test_a_known_area_or_type_without_articles_gives_no_hits_not_an_error(internal_index: SearchIndex) -> None:
    assert ids(internal_index, "fails", type="how-to") == []


def test_a_customer_site_knows_only_the_areas_and_types_it_publishes(public_index: SearchIndex) -> None:
    with pytest.raises(UsageError) as caught:  # declared in the taxonomy, but no public article has it
        public_index.search("fails", type="how-to")
    assert caught.value.message == "unknown type 'how-to'"
    assert "how-to" not in caught.value.hint


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"area": "mial"}, "unknown product area 'mial' (did you mean \"mail\"?)"),
        ({"area": "mail/transprt"}, "unknown product area 'mail/transprt' (did you mean \"mail/transport\"?)"),
        ({"type": "howto"}, "unknown type 'howto' (did you mean \"how-to\"?)"),
        ({"type": "KnownIssue"}, "unknown type 'KnownIssue' (did you mean \"known-issue\"?)"),
    ],
)
def test_an_unknown_area_or_type_is_a_usage_error_with_did_you_mean(
    internal_index: SearchIndex, filters: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        internal_index.search("fails", **filters)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert caught.value.hint


def test_kb_search_exits_2_for_an_unknown_area_and_finds_hits_for_the_folder_spelling(
    search_kb: KnowledgeBase,
) -> None:
    runner = CliRunner()
    root = ["--root", str(search_kb.root), "search", "--site", "public"]

    wrong = runner.invoke(cli, [*root, "fails", "--area", "mial"])
    assert wrong.exit_code == 2
    assert "unknown product area 'mial' (did you mean \"mail\"?)" in wrong.stderr
    assert "Traceback" not in wrong.output

    wrong_type = runner.invoke(cli, [*root[:-2], "--site", "internal", "crash", "--type", "howto"])
    assert wrong_type.exit_code == 2
    assert 'did you mean "how-to"?' in wrong_type.stderr

    right = runner.invoke(cli, [*root, "fails", "--area", "Mail"])
    assert right.exit_code == 0, right.output
    assert right.stdout.startswith(" 1. KB-0009  Mailbox move fails")
