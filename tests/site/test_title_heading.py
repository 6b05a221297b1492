"""An article body that opens by repeating its title as `# Title` renders without it (one h1 per page)."""

from __future__ import annotations

from pathlib import Path

from kb import markdown
from kb.load import load_article
from kb.project import KnowledgeBase
from kb.site import render
from kb.site.build import build
from tests.site.conftest import TODAY
from tests.site.test_golden import TABLE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "title-heading"


def rendered(name: str) -> render.RenderedBody:
    path = FIXTURES / name
    article = load_article(path, f"articles/area/{name}").article
    assert article is not None
    return render.render(markdown.parse(article.body), article.relpath, TABLE, staff=True, title=article.title)


def test_a_first_heading_that_repeats_the_title_is_left_out() -> None:
    body = rendered("repeats-title.md")
    assert "token expired" not in body.html
    assert '<h2 id="issue">Issue</h2>' in body.html  # the next heading is the body's top level
    assert body.outline == (("issue", "Issue"),)


def test_a_first_heading_that_says_something_else_is_kept() -> None:
    body = rendered("other-heading.md")
    assert '<h2 id="before-you-start">Before you start</h2>' in body.html
    assert '<h3 id="issue">Issue</h3>' in body.html


def test_lint_still_reads_the_heading_in_the_source() -> None:
    article = load_article(FIXTURES / "repeats-title.md", "articles/area/repeats-title.md").article
    assert article is not None
    assert [(s.level, s.title) for s in article.sections] == [
        (1, 'Sign-in FAILS with AUTH-401  "token expired"'),
        (2, "Issue"),
    ]


def test_an_imported_article_page_has_one_h1(kb_root: Path) -> None:
    source = kb_root / "articles" / "identity" / "access-denied.md"
    front, body = source.read_text(encoding="utf-8").split("\n---\n", 1)
    source.write_text(f"{front}\n---\n# AUTH-403 Access denied  when opening the admin console\n\n{body}", "utf-8")
    build(KnowledgeBase(kb_root), today=TODAY, search=False)
    for site in ("internal", "public"):
        page = (kb_root / "site" / site / "articles" / "kb-0002.html").read_text(encoding="utf-8")
        assert page.count("<h1") == 1, site
        assert '<h2 id="issue">Issue</h2>' in page
