"""The audience boundary on the built public site: nothing withheld, ever, in any file it writes."""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.site.build import build
from kb.site.leaks import Forbidden, scan_file
from kb.taxonomy import AUDIENCES, CONFIDENCES
from tests.site.conftest import FIXTURES, SITE_KB, TODAY, read_tree
from tests.site.test_build import all_text

ARTICLE_TEMPLATE = (FIXTURES / "generated-article.md.txt").read_text(encoding="utf-8")


@st.composite
def knowledge_bases(draw: st.DrawFn) -> list[dict[str, str]]:
    """Articles of every audience and confidence, some with internal blocks and links to others."""
    count = draw(st.integers(min_value=2, max_value=7))
    articles = []
    for n in range(count):
        articles.append(
            {
                "id": f"KB-{5000 + n}",
                "audience": draw(st.sampled_from(AUDIENCES)),
                "confidence": draw(st.sampled_from(CONFIDENCES)),
                "title": f"Zqx title marker {n} "
                + draw(st.sampled_from(["AUTH-401 fails", "billing stops", "sign-in"])),
                "note": f"Zqx internal note marker {n} {draw(st.text(alphabet='abcdefgh ', min_size=0, max_size=12))}",
                "link": (link := f"KB-{5000 + draw(st.integers(min_value=0, max_value=count - 1))}"),
                "link_lower": link.lower(),
                "internal_block": "yes" if draw(st.booleans()) else "",
                "code": draw(st.sampled_from(["AUTH-401", "AUTH-403", "PAY-402"])),
            }
        )
    return articles


def write_kb(root: Path, articles: list[dict[str, str]]) -> None:
    shutil.copytree(SITE_KB, root, ignore=shutil.ignore_patterns("articles"))
    folder = root / "articles" / "generated"
    folder.mkdir(parents=True)
    for article in articles:
        note = f"::: internal\n{article['note']}\n:::\n" if article["internal_block"] else ""
        text = ARTICLE_TEMPLATE.format(**article, internal=note)
        (folder / f"{article['id'].lower()}.md").write_text(text, encoding="utf-8")


def is_public(article: dict[str, str]) -> bool:
    return article["audience"] in ("customer", "public") and article["confidence"] == "validated"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_bases())
def test_the_public_site_never_contains_what_it_withholds(articles: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "kb"
        write_kb(root, articles)
        build(KnowledgeBase(root), today=TODAY)  # raises LeakError if its own scan finds anything
        public = all_text(root / "site" / "public")
        internal = "\n".join(all_text(root / "site" / "internal").values())
        everything = "\n".join(public.values())
        for article in articles:
            if article["internal_block"]:
                assert article["note"].strip() in internal
                assert article["note"].strip() not in everything
            if is_public(article):
                assert article["title"] in everything
            else:
                assert article["title"] not in everything
                # Its id may only name the redirect of a formerly public, now archived article.
                lowered = article["id"].lower()
                mentions = [name for name, text in public.items() if lowered in text.lower()]
                allowed = article["confidence"] == "archived" and article["audience"] in ("customer", "public")
                assert not mentions or allowed, (article, mentions)


def test_a_template_that_prints_an_internal_title_fails_the_build(kb_root: Path) -> None:
    shutil.copytree(FIXTURES / "leaky-templates", kb_root / "templates")
    result = CliRunner().invoke(cli, ["--root", str(kb_root), "build", "--today", "2026-03-01", "--no-search"])
    assert result.exit_code == 1
    assert "the public site would leak internal content; nothing was published" in result.output
    assert "tags/index.html: contains the title of withheld article articles/runbooks/sso-failover.md" in result.output
    assert not (kb_root / "site" / "public").exists()
    assert (kb_root / "site" / "internal" / "tags" / "index.html").is_file()  # the staff site may show it


def test_ids_match_as_whole_words_only() -> None:
    forbidden = Forbidden.of([("id of withheld article a.md", "KB-12")])
    assert scan_file("x.html", b"<p>see KB-123 and XKB-12</p>", forbidden) == []
    assert [leak.text for leak in scan_file("x.html", b"<a href='kb-12.html'>x</a>", forbidden)] == ["KB-12"]
    assert scan_file("articles/kb-12.html", b"", forbidden)  # a file named after it


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.html", b"<h1>Reset the &#34;legacy&#34; token cache</h1>"),  # escaped in HTML
        ("a.html", b'<p>Reset the <em>"legacy"</em>\n token cache</p>'),  # split by markup
        ("a.json", b'{"t": "Reset the \\"legacy\\" token cache"}'),  # escaped in JSON
        (
            "pagefind/fragment/en_1.pf_fragment",
            gzip.compress(b'pagefind_dcd{"c": "Reset the \\"legacy\\" token cache"}'),
        ),
        ("sitemap.xml", b"<loc>Reset the &quot;legacy&quot; token cache</loc>"),
    ],
)
def test_text_is_found_however_a_file_encodes_it(name: str, data: bytes) -> None:
    forbidden = Forbidden.of([("internal note of a.md", 'Reset the "legacy" token cache')])
    assert [leak.file for leak in scan_file(name, data, forbidden)] == [name]


def test_images_are_not_read_as_text() -> None:
    forbidden = Forbidden.of([("internal note of a.md", "secret words here for staff")])
    assert scan_file("a.png", b"\x89PNG secret words here for staff", forbidden) == []


def test_staff_site_output_has_nothing_forbidden(kb: KnowledgeBase) -> None:
    report = build(kb, today=TODAY, search=False)
    assert [s.name for s in report.sites] == ["internal", "public"]
    assert read_tree(kb.root / "site" / "internal")


def test_a_broken_kb_template_is_a_user_error_at_its_line(kb_root: Path) -> None:
    shutil.copytree(FIXTURES / "broken-templates", kb_root / "templates")
    result = CliRunner().invoke(cli, ["--root", str(kb_root), "build", "--no-search"])
    assert result.exit_code == 2
    assert "templates/tags.html:4:1: template 'tags.html' failed writing tags/index.html" in result.output
    assert "no_such_field" in result.output
    assert "Traceback" not in result.output


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "::: internal",
                ":::Internal",
                "::::\u00a0internal x",
                ":::",
                "::: note",
                "text",
                "",
                "> ::: internal",
                "- ::: internal",
                "    ::: internal",
                "```",
                "~~~",
                "internal",
                ": : : internal",
                "::: inter nal",
            ]
        ),
        max_size=12,
    )
)
def test_the_quick_check_never_misses_an_internal_block(lines: list[str]) -> None:
    """`may_hold_internal_blocks` spares parsing bodies: it must be True whenever the parser finds a block."""
    from kb import markdown
    from kb.publish import may_hold_internal_blocks

    body = "\n".join(lines)
    if markdown.internal_blocks(markdown.parse(body)):
        assert may_hold_internal_blocks(body)


# Words that run into each other: titles inside longer words, ids inside longer ids, case apart.
_PIECES = st.sampled_from(
    [
        *("KB-1", "KB-12", "kb-12", "İK-12", "ik-12", "reset", "Reset", "token", "tokens", "cache"),
        "x",
        "é",
        "İ",
        "\u212a",
        "-",
        " ",
        "\n",
    ]
)
_texts = st.lists(_PIECES, min_size=1, max_size=8).map("".join)


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            # Ids as kb makes them (a prefix and a number), some in scripts whose case is tricky.
            st.tuples(st.just("id of withheld article a.md"), st.sampled_from(["KB-1", "KB-12", "İK-12", "\u212aB-7"])),
            st.tuples(st.just("title of withheld article b.md"), _texts),
        )
    ),
    st.lists(_texts, min_size=1, max_size=3),
)
def test_the_indexed_scan_finds_what_a_scan_of_every_text_finds(items: list[tuple[str, str]], forms: list[str]) -> None:
    forbidden = Forbidden.of(items)
    expected: set[tuple[str, str]] = set()
    for what, text in forbidden.items:  # the plain scan: every id as a whole word, every text anywhere
        if what.startswith("id of"):
            pattern = re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w])", re.IGNORECASE)
            expected.update((what, m.group(0).upper()) for form in forms for m in pattern.finditer(form))
        elif any(text in form or re.sub(r"\s+", " ", text) in form for form in forms):
            expected.add((what, text))

    assert forbidden.find(forms) == sorted(expected)
