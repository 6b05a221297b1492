"""Golden files: Markdown rendered for each site, and whole pages of the built site KB.

Regenerate after an intended change with `make golden` (KB_UPDATE_GOLDEN=1 pytest tests/site/test_golden.py),
then review the diff like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.load import load_bytes
from kb.project import KnowledgeBase
from kb.publish import visible_body
from kb.site import render
from kb.site.build import build
from kb.taxonomy import Site
from tests.site.conftest import FIXTURES, TODAY

RENDER = FIXTURES / "render"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("KB_UPDATE_GOLDEN") == "1"
SITES = {
    "internal": Site("internal", "Internal", ("internal", "public"), ("validated",), public=False),
    "public": Site("public", "Public", ("public",), ("validated",), public=True),
}
TABLE = render.LinkTable(
    by_relpath={"articles/area/other.md": "articles/kb-0002.html"},
    by_id={"KB-0002": "articles/kb-0002.html"},
    known_ids=frozenset({"KB-0001", "KB-0002", "KB-0099"}),
    known_relpaths=frozenset({"articles/area/other.md", "articles/area/hidden.md"}),
    files=frozenset({"articles/area/media/shot.png", "articles/area/files/guide.pdf"}),
)
PAGES = [
    "public/articles/kb-0001.html",
    "internal/articles/kb-0001.html",
    "internal/articles/kb-0005.html",
    "public/errors/AUTH-401/index.html",
    "public/errors/index.html",
    "public/index.html",
    "public/errors.json",
    "public/sitemap.xml",
    "public/_redirects",
    "internal/health/index.html",
    "public/search.html",
    "public/404.html",
]


def compare(golden: Path, actual: str) -> None:
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}: run `make golden`"
    assert actual == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(p.stem for p in RENDER.glob("*.md")))
@pytest.mark.parametrize("site", sorted(SITES))
def test_markdown_renders_as_the_golden_file(case: str, site: str) -> None:
    source = b"---\nid: KB-0001\n---\n" + (RENDER / f"{case}.md").read_bytes()
    article = load_bytes(source, RENDER / f"{case}.md", f"articles/area/{case}.md").article
    assert article is not None
    body = visible_body(article, SITES[site])
    from kb import markdown

    rendered = render.render(markdown.parse(body), article.relpath, TABLE, staff=site == "internal")
    compare(RENDER / f"{case}.{site}.html", rendered.html)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("golden") / "kb"
    shutil.copytree(FIXTURES / "site-kb", root)
    build(KnowledgeBase(root), today=TODAY, search=False)
    return root / "site"


@pytest.mark.parametrize("page", PAGES)
def test_built_pages_match_the_golden_files(built_site: Path, page: str) -> None:
    compare(GOLDEN / page, (built_site / page).read_text(encoding="utf-8"))


def _build_named(tmp_path: Path, name: str) -> Path:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "site-kb", root)
    config = root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: Acme Help\n", f"name: {name}\n"), "utf-8")
    build(KnowledgeBase(root), today=TODAY, search=False)
    return root / "site"


def footer(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index('<footer class="site-footer">') :].split("</footer>")[0]


def test_the_footer_names_the_kb_once_when_the_site_has_its_name(tmp_path: Path) -> None:
    site = _build_named(tmp_path, "Acme Help Center")  # the public site's own title
    assert footer(site / "public" / "index.html").count("Acme Help Center") == 1
    assert "Acme Help Center · Acme KB (internal)" in footer(site / "internal" / "index.html")
