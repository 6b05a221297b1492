"""Properties of the DocFX conversion: it never fails, and leaves plain Markdown alone."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kb.importer.docfx import IncludeResolver, convert
from tests.importer.importer_fixtures import DOCFX

FIXTURES = Path(__file__).resolve().parent / "fixtures"

RESOLVER = IncludeResolver(DOCFX / "articles", DOCFX / "snippets")
DOCFX_BITS = st.sampled_from(
    [
        ':::image type="content" source="a.png" alt-text="x":::',
        ':::image source="b c.png":::',
        ':::no-loc text="GUID":::',
        '> [!div class="nextstepaction"]',
        "> [!note]",
        "> [!VIDEO https://example.com/v]",
        "[!INCLUDE [x](../../includes/registry-warning.md)]",
        "[!INCLUDE [x](nowhere.md)]",
        ':::zone pivot="a"',
        ":::zone-end",
        "## [Windows](#tab/windows)",
        "```",
        "> ",
        "- item",
    ]
)


@given(st.lists(st.one_of(st.text(max_size=30), DOCFX_BITS), max_size=12))
def test_conversion_never_fails_and_reports_lines_inside_the_body(lines: list[str]) -> None:
    body = "\n".join(lines)
    result = convert(body, "Contoso/Sync/a.md", RESOLVER, first_line=5)
    for problem in result.problems:
        assert 5 <= problem.line < 5 + max(len(body.split("\n")), 1)


@given(st.text(alphabet=st.characters(blacklist_characters=":[!"), max_size=200))
def test_markdown_without_docfx_syntax_is_unchanged(body: str) -> None:
    assert convert(body, "a.md", RESOLVER, first_line=1).body == body


def test_an_include_cycle_stops(tmp_path: Path) -> None:
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "loop.md").write_text("[!INCLUDE [me](loop.md)]\n", encoding="utf-8")
    result = convert("[!INCLUDE [loop](includes/loop.md)]", "a.md", IncludeResolver(tmp_path, tmp_path), first_line=1)
    assert [p.kind for p in result.problems] == ["broken-include"]
    assert "too deeply nested" in result.problems[0].message


def test_tab_headings_become_headings_and_leave_no_link_to_a_tab() -> None:
    body = "## [Windows](#tab/windows)\n\nOn Windows.\n\n    #### [For 64-bit Office](#tab/64)\n\n---\n"

    converted = convert(body, "a.md", RESOLVER, first_line=1)

    assert converted.body == "## Windows\n\nOn Windows.\n\n    ## For 64-bit Office\n\n\n"
    assert converted.problems == []


def test_a_tab_group_becomes_headings_below_the_one_before_it_and_its_closing_rule_goes() -> None:
    """The `---` that ends a DocFX tab group, kept, made the line above it a heading (or drew a
    rule); the tabs' headings (`# [Windows](#tab/windows)`) were as high as the article's title."""
    tabs = FIXTURES / "tabs"
    source = (tabs / "source.md").read_text(encoding="utf-8")

    converted = convert(source, "a.md", RESOLVER, first_line=1)

    assert converted.body == (tabs / "expected.md").read_text(encoding="utf-8")
    assert converted.problems == []


LINK_BITS = st.sampled_from(
    ["[a](/x/y)", "![b](/m/p.png)", "[c](//host/z)", '<a href="/q">', "<img src='/i.png'>", "[r]: /ref", "`[d](/code)`",
     "[e](https://host/f)", "(/not-a-link)", "`", "\n", " ", "]("]
)  # fmt: skip


@given(st.lists(LINK_BITS, max_size=12))
def test_with_a_link_base_no_link_is_left_at_the_root_and_code_is_untouched(bits: list[str]) -> None:
    body = "".join(bits)
    base = "https://learn.example.com"
    converted = convert(body, "a.md", RESOLVER, first_line=1, link_base=base + "/")
    assert [p for p in converted.problems if p.kind == "root-absolute-link"] == []
    # Nothing left to rewrite, and the reported links without a base are the ones rewritten with it.
    again = convert(converted.body, "a.md", RESOLVER, first_line=1)
    assert [p for p in again.problems if p.kind == "root-absolute-link"] == []
    reported = [p for p in convert(body, "a.md", RESOLVER, first_line=1).problems if p.kind == "root-absolute-link"]
    assert converted.body.count(base + "/") == body.count(base + "/") + len(reported)
    assert convert(body, "a.md", RESOLVER, first_line=1).body == body  # without a base nothing changes


def test_links_from_the_old_sites_root_lead_into_the_link_base() -> None:
    body = (
        'See [limits](/w/limits#reset), <a href="/w/faq">the FAQ</a> and [a host](//cdn.example.com/x).\n'
        "In code: `[status](/w/status)`.\n\n[ref]: /w/ref\n"
    )
    converted = convert(body, "a.md", RESOLVER, first_line=3, link_base="https://learn.example.com/")
    assert converted.body == (
        "See [limits](https://learn.example.com/w/limits#reset), "
        '<a href="https://learn.example.com/w/faq">the FAQ</a> and [a host](//cdn.example.com/x).\n'
        "In code: `[status](/w/status)`.\n\n[ref]: https://learn.example.com/w/ref\n"
    )
    reported = convert(body, "a.md", RESOLVER, first_line=3).problems
    assert [(p.line, p.kind, p.message) for p in reported] == [
        (3, "root-absolute-link", "/w/limits#reset kept as written"),
        (3, "root-absolute-link", "/w/faq kept as written"),
        (6, "root-absolute-link", "/w/ref kept as written"),
    ]


def test_a_fence_left_open_in_a_list_item_ends_with_the_item() -> None:
    """As CommonMark reads it: the first line at the margin ends the item, and the fence in it.
    Before, the rest of the article counted as code and was not converted."""
    body = "1. Run:\n\n    ```powershell\n    Get-Mailbox\n\n## Next\n\nSee [limits](/x/limits).\n"
    converted = convert(body, "a.md", RESOLVER, first_line=1, link_base="https://learn.example.com")
    assert converted.body.endswith("See [limits](https://learn.example.com/x/limits).\n")
    inside = "1. Run:\n\n    ```\n    [kept](/x)\n  [kept too](/y)\n    ```\n"
    assert convert(inside, "a.md", RESOLVER, first_line=1, link_base="https://learn.example.com").body == inside
