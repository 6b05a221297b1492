"""The audience boundary on the built public site: nothing withheld, ever, in any file it writes."""

from __future__ import annotations

import gzip
import json
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
# Where an internal note stands, as writers put it: in a list, a quote or an alert, and written
# wrong (a lazy line that ends it early, a closing line forgotten): it never reaches the public site.
NOTE_PLACES = {
    "top": "::: internal\n{note}\n:::\n",
    "list item": "- Open the billing page.\n\n  ::: internal\n  {note}\n  :::\n",
    "quote": "> ::: internal\n> {note}\n> :::\n",
    "alert": "> [!NOTE]\n> ::: internal\n> {note}\n> :::\n",
    "alert with more": "> [!TIP]\n> Customers can retry.\n>\n> ::: internal\n> {note}\n> :::\n>\n> Then sign in.\n",
    "lazy line": "> [!TIP]\n> ::: internal\n> Staff first line\nlazy line\n>\n> {note}\n> :::\n",
    "never closed": "::: internal\n{note}\n",
    "never closed in a quote": "> ::: internal\n> first line\n>\n> {note}\n",
}
WRITTEN_WRONG = {"lazy line", "never closed", "never closed in a quote"}  # kept off customer sites whole


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
                "internal_block": draw(st.sampled_from(sorted(NOTE_PLACES))) if draw(st.booleans()) else "",
                "code": draw(st.sampled_from(["AUTH-401", "AUTH-403", "PAY-402"])),
            }
        )
    return articles


def write_kb(root: Path, articles: list[dict[str, str]]) -> None:
    shutil.copytree(SITE_KB, root, ignore=shutil.ignore_patterns("articles"))
    folder = root / "articles" / "generated"
    folder.mkdir(parents=True)
    for article in articles:
        note = NOTE_PLACES[article["internal_block"]].format(note=article["note"]) if article["internal_block"] else ""
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
            if is_public(article) and article["internal_block"] not in WRITTEN_WRONG:
                assert article["title"] in everything
            elif is_public(article):
                assert not [name for name in public if article["id"].lower() in name]  # no page of its own
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


PAYMENT = "articles/billing/payment-required.md"


def _build(kb_root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--root", str(kb_root), "build", "--today", "2026-03-01", "--no-search"])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "note",
    [
        "Reset it with the admin_reset_late_fee tool on billing prod.",  # read as written: no emphasis
        "Finance can waive the first late fee; ask in #billing-ops.",  # `#` is no heading mid-line
        "- Ask the **on-call** engineer before any refund above 500.",  # read without its markup
    ],
)
def test_an_internal_note_copied_into_public_text_fails_the_build_however_it_is_marked_up(
    kb_root: Path, note: str
) -> None:
    article = kb_root / PAYMENT
    text = article.read_text(encoding="utf-8")
    text = text.replace("MARKER-INTERNAL-BLOCK-ECHO: finance can waive the first late fee; ask in #billing-ops.", note)
    plain = note.removeprefix("- ").replace("**", "")
    described = f"description: {json.dumps(plain)}"  # quoted: ` #` starts a YAML comment
    article.write_text(text.replace("description: Update the card on file to clear PAY-402.", described))

    code, output = _build(kb_root)

    assert code == 1, output
    assert f"contains the internal note of {PAYMENT}" in output
    assert not (kb_root / "site" / "public").exists()


def test_an_attachment_of_any_name_is_scanned_as_text(kb_root: Path) -> None:
    export = kb_root / "articles" / "billing" / "export.csv"
    export.write_text("id,title\nKB-0004,Failover of the SSO cluster\n", encoding="utf-8")
    article = kb_root / PAYMENT
    article.write_text(article.read_text(encoding="utf-8") + "\nDownload [the export](export.csv).\n")

    code, output = _build(kb_root)

    assert code == 1, output
    assert "assets/articles/billing/export.csv: contains the id of withheld article" in output


def test_a_symbolic_link_beside_the_articles_is_never_copied(kb_root: Path) -> None:
    # It could lead to an internal article's source, or to any file of the host.
    (kb_root / "articles" / "billing" / "guide.pdf").symlink_to("../runbooks/sso-failover.md")
    (kb_root / "articles" / "billing" / "hostname.pdf").symlink_to("/etc/hostname")
    article = kb_root / PAYMENT
    links = "\nGet [the guide](guide.pdf) and [the host](hostname.pdf).\n"
    article.write_text(article.read_text(encoding="utf-8") + links)

    code, output = _build(kb_root)

    assert code == 0, output
    for site in ("internal", "public"):
        assets = kb_root / "site" / site / "assets" / "articles" / "billing"
        assert not (assets / "guide.pdf").exists()
        assert not (assets / "hostname.pdf").exists()
        page = (kb_root / "site" / site / "articles" / "kb-0005.html").read_text(encoding="utf-8")
        assert "the guide" in page
        assert "assets/articles/billing/guide.pdf" not in page


def test_a_withheld_title_of_one_word_is_not_taken_for_a_leak(kb_root: Path) -> None:
    # "Search" is on every page (the search box); its id stays forbidden.
    runbook = kb_root / "articles" / "runbooks" / "sso-failover.md"
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(text.replace("title: MARKER-INTERNAL-TITLE-BRAVO failover of the SSO cluster", "title: Search"))

    code, output = _build(kb_root)

    assert code == 0, output
    assert "KB-0004" not in "".join(read_tree(kb_root / "site" / "public").keys())


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
