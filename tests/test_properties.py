"""Property-based tests of the parsers: they never raise, values round-trip, positions stay in the text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from kb import markdown
from kb.config import Config
from kb.load import Loaded, load_bytes
from kb.rules.context import CheckContext
from kb.rules.metadata import InvalidAlias
from kb.rules.safe import DroppedHtml
from kb.site import render, routes, urls
from kb.taxonomy import load_taxonomy
from kb.yaml12 import Position, YamlDocument, YamlProblem, parse
from tests.conftest import FIXTURES

# Strings that YAML 1.1 reads as something else; quoted, they must come back as these strings.
TRAP_STRINGS = [
    *("NO", "no", "yes", "Yes", "on", "off", "y", "n", "4.10", "1.0", "2025-03-02", "0755", "0x1F"),
    *("~", "null", "true", "False", "1_000", "12:30", ".inf", "=", "<<", "", " padded ", "a: b", "# no"),
]

# Characters that YAML gives a meaning to, so that generated text reaches deep into the parser.
YAML_ALPHABET = st.sampled_from(list(":-?[]{},#&*!|>'\"%@` \t\n\r.~0123456789aeNOyst\\\u2028\x85\ufeff\x07é"))
yaml_like_text = st.text(YAML_ALPHABET, max_size=200)

keys = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
scalars = st.one_of(
    st.sampled_from(TRAP_STRINGS),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.booleans(),
    st.none(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=5))
mappings = st.dictionaries(keys, st.one_of(values, st.dictionaries(keys, values, max_size=4)), max_size=8)

GOOD_ARTICLE = (FIXTURES / "good" / "billing-invoice-email-missing.md").read_bytes()


def quote(text: str) -> str:
    """A YAML double-quoted scalar: printable ASCII as is, everything else as a \\u or \\U escape."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def emit_scalar(value: Any) -> str:
    """Our own emitter: strings always double-quoted, the rest plain as YAML 1.2 writes them."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def emit(mapping: dict[str, Any], indent: str = "") -> str:
    lines = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:" + ("" if value else " {}"))
            if value:
                lines.append(emit(value, indent + "  "))
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: [" + ", ".join(emit_scalar(v) for v in value) + "]")
        else:
            lines.append(f"{indent}{key}: {emit_scalar(value)}")
    return "\n".join(lines)


def assert_inside(text: str, position: Position) -> None:
    lines = text.split("\n")
    assert 1 <= position.line <= len(lines), (position, len(lines))
    assert 1 <= position.col <= len(lines[position.line - 1]) + 1, (position, lines[position.line - 1])


def assert_positions_inside(text: str, document: YamlDocument) -> None:
    for position in (*document.positions.values(), *document.key_positions.values()):
        assert_inside(text, position)


def file_lines(data: bytes) -> int:
    """How many lines kb sees in a file (CRLF, CR and LF each end a line)."""
    return len(re.split(rb"\r\n|\r|\n", data))


def assert_loaded_well(data: bytes, result: Loaded) -> None:
    assert result.article is not None or result.findings, "neither an article nor a finding"
    last = file_lines(data) + 1
    for finding in result.findings:
        loc = finding.location
        assert loc.path == "articles/x.md"
        assert 1 <= loc.line <= last, (str(finding), last)
        assert loc.col >= 1, str(finding)
        assert finding.message
    if result.article is not None:  # the file's text, and the body from the line it starts on
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        assert result.article.text == text
        assert result.article.body == "\n".join(text.split("\n")[result.article.body_line - 1 :])


def parse_or_problem(text: str) -> YamlDocument | YamlProblem:
    try:
        return parse(text)
    except YamlProblem as problem:
        return problem


def load(data: bytes) -> Loaded:
    return load_bytes(data, Path("/kb/articles/x.md"), "articles/x.md")


# -- kb.yaml12.parse ----------------------------------------------------------------------------


any_text = st.text(st.characters(exclude_categories=()), max_size=300)  # lone surrogates too


@given(st.one_of(any_text, yaml_like_text))
def test_parse_never_raises_anything_but_a_yaml_problem_inside_the_text(text: str) -> None:
    result = parse_or_problem(text)

    if isinstance(result, YamlProblem):
        assert result.kind in {"syntax", "duplicate-key", "unsupported", "invalid-date", "tab"}
        assert result.message
        assert_inside(text, Position(result.line, result.col))
    else:
        assert_positions_inside(text, result)


@given(mappings)
def test_values_written_by_our_emitter_round_trip_with_positions_inside(mapping: dict[str, Any]) -> None:
    text = emit(mapping)

    document = parse(text)

    assert (document.value or {}) == mapping
    assert_positions_inside(text, document)
    lines = text.split("\n")
    for path, position in document.key_positions.items():
        assert lines[position.line - 1][position.col - 1 :].startswith(f"{path[-1]}:")
    for path, raw in document.raw.items():  # plain scalars start exactly where they are said to
        position = document.positions[path]
        assert lines[position.line - 1][position.col - 1 :].startswith(raw)


pyyaml_scalars = st.one_of(
    st.sampled_from(TRAP_STRINGS),
    # PyYAML writes "08" or "1e3" plain (not numbers in YAML 1.1) though YAML 1.2 reads them as
    # numbers: generated text starts with a letter so that only YAML, not PyYAML, is under test.
    st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,19}", fullmatch=True),
    st.integers(),
    st.dates(min_value=dt.date(1900, 1, 1)),
)
pyyaml_mappings = st.dictionaries(
    keys, st.one_of(pyyaml_scalars, st.lists(pyyaml_scalars, max_size=4)), min_size=1, max_size=8
)


@given(pyyaml_mappings, st.booleans())
def test_values_written_by_pyyaml_round_trip_with_positions_inside(mapping: dict[str, Any], flow: bool) -> None:
    # PyYAML quotes every string that YAML 1.1 would read as something else ("NO", "4.10",
    # "2025-03-02"); YAML 1.2 must read them back as the same strings.
    text = yaml.safe_dump(mapping, default_flow_style=flow, sort_keys=False, width=10**6, allow_unicode=True)

    document = parse(text)

    assert document.value == mapping
    assert_positions_inside(text, document)


@given(st.sampled_from(["title", "description", "id", "owner"]), st.sampled_from(TRAP_STRINGS[:19]))
def test_a_plain_scalar_in_a_text_field_reads_back_as_written(field: str, written: str) -> None:
    assume(written.strip() == written and written not in ("", "~", "null"))
    data = f"---\n{field}: {written}\n---\n## Issue\n".encode()

    article = load(data).article

    assert article is not None
    assert article.meta[field] == written


# -- kb.load.load_bytes -----------------------------------------------------------------------


@given(st.binary(max_size=400))
def test_load_bytes_never_raises_on_any_bytes(data: bytes) -> None:
    assert_loaded_well(data, load(data))


@given(st.binary(max_size=300))
def test_load_bytes_never_raises_on_any_front_matter(front: bytes) -> None:
    data = b"---\n" + front + b"\n---\n## Issue\n\ntext\n"

    assert_loaded_well(data, load(data))


@given(yaml_like_text, st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_load_bytes_never_raises_on_yaml_like_front_matter(front: str, encoding: str) -> None:
    data = ("---\n" + front + "\n---\n## Issue\n").encode(encoding, errors="replace")

    assert_loaded_well(data, load(data))


@given(
    st.lists(
        st.tuples(st.integers(0, len(GOOD_ARTICLE)), st.integers(0, 8), st.binary(max_size=8)), min_size=1, max_size=4
    )
)
def test_load_bytes_never_raises_on_a_damaged_article(damage: list[tuple[int, int, bytes]]) -> None:
    data = GOOD_ARTICLE
    for start, length, replacement in damage:
        data = data[:start] + replacement + data[start + length :]

    assert_loaded_well(data, load(data))


@given(st.text(st.sampled_from(list("./\\-_ aZé0:~\x00")), max_size=40) | st.text(max_size=40))
def test_a_page_named_after_any_text_stays_inside_the_site(text: str) -> None:
    """Ids, product areas, tags and codes are written by hand; the pages named after them never
    leave the site's folder (`../../x` once wrote a file beside it)."""
    for path in (urls.article_path(text), urls.area_path(text), urls.tag_path(text), urls.code_path(text)):
        assert urls.inside_site(path), path
        assert urls.inside_site(urls.list_page(path, 2)), path
    assert not any(urls.inside_site(bad) for bad in ("../x.html", "/x.html", "a//b.html", "a/./b", "a\\b", ""))


# -- aliases: kb check's KB309 and the site's redirects decide alike ---------------------------------

ALIAS_ALPHABET = st.sampled_from(list("./\\-_ aZé0:#?~%\x00\t\n"))
aliases = st.one_of(
    st.text(ALIAS_ALPHABET, max_size=30),
    st.text(max_size=30),
    st.from_regex(r"[A-Za-z]{1,3}-[0-9]{1,5}", fullmatch=True),  # old ids
    st.builds(
        lambda lead, name, tail: lead + name + tail,
        st.sampled_from(["", "/", "./", "../", "//", "https://old.example/"]),
        st.sampled_from(["index.html", "Search.html", "tags", "areas/x.html", "static", "articles/kb-0001.html", "hc"]),
        st.sampled_from(["", "/", "/a", "/a.htm", "?x=1", "#top"]),
    ),
)
OWN_PAGE = "articles/kb-0001.html"
SITE = routes.SitePaths([urls.HOME, urls.SEARCH, OWN_PAGE, "articles/kb-0002.html", urls.tag_path("sso"), "hc/a.html"])
TAXONOMY = load_taxonomy(FIXTURES / "quality" / "kb" / "schemas")


@given(aliases)
def test_an_alias_makes_a_redirect_page_inside_the_site_or_none_and_the_build_skips_what_the_check_refuses(
    alias: str,
) -> None:
    alone = routes.alias_page(alias, OWN_PAGE)
    on_a_site = routes.alias_page(alias, OWN_PAGE, SITE)

    if alone.path is None:
        assert alone.problem
        assert on_a_site.path is None  # what `kb check` reports, the build skips
    else:
        path = alone.path
        assert urls.inside_site(path), path
        assert path.endswith((".html", ".htm")), path
        assert path.casefold() != OWN_PAGE
        assert path.split("/")[0].casefold() not in routes.KB_FILES | routes.KB_FOLDERS, path
        assert on_a_site.path in (path, None)
        if on_a_site.path is None:
            assert SITE.clash(path) is not None


@given(aliases)
def test_kb_check_reports_an_alias_exactly_when_the_site_makes_no_redirect_for_it(alias: str) -> None:
    data = f"---\nid: KB-0001\ntitle: An article\naliases: [{quote(alias)}]\n---\n## Issue\n\ntext\n".encode()
    article = load(data).article
    assert article is not None

    context = CheckContext(Path("/kb"), Config(), TAXONOMY)
    findings = list(InvalidAlias().check(article, context))

    unusable = alias != "" and routes.alias_page(alias, OWN_PAGE).path is None
    assert [(f.location.line, f.location.col) for f in findings] == ([(4, 11)] if unusable else [])


# -- raw HTML: kb check's KB506 reports what the site's renderer leaves out ---------------------------

HTML_PIECES = yaml.safe_load((FIXTURES / "quality" / "safe" / "html-pieces.yaml").read_text(encoding="utf-8"))
NO_LINKS = render.LinkTable({}, {}, frozenset(), frozenset(), frozenset())


@given(
    st.lists(
        st.tuples(st.sampled_from(HTML_PIECES["pieces"] + HTML_PIECES["cosmetic"]), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_kb_check_reports_exactly_the_raw_html_the_page_leaves_out(pieces: list[tuple[str, bool]]) -> None:
    # Each piece on a line of its own (a block of its own, or inside a paragraph), with a word of its own.
    written = [piece.replace("MARK", f"w{n}") for n, (piece, _) in enumerate(pieces)]
    lines = [f"Text before {text}" if inline else text for text, (_, inline) in zip(written, pieces, strict=True)]
    body = "\n\n".join(lines) + "\n"
    data = f"---\nid: KB-0001\ntitle: An article\n---\n{body}".encode()
    article = load(data).article
    assert article is not None

    page = render.render(markdown.parse(article.body), "articles/x.md", NO_LINKS, staff=True).html
    findings = list(DroppedHtml().check(article, CheckContext(Path("/kb"), Config(), TAXONOMY)))

    left_out = {
        n for n, (text, (piece, _)) in enumerate(zip(written, pieces, strict=True))
        if text not in page and piece not in HTML_PIECES["cosmetic"]
    }  # fmt: skip
    assert {(f.location.line - 5) // 2 for f in findings} == left_out, (page, [str(f) for f in findings])
