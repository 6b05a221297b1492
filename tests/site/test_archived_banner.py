"""The archived banner: it links only to an article the site publishes, and never names one it withholds."""

from __future__ import annotations

from pathlib import Path

from kb.project import KnowledgeBase
from kb.site.build import build
from tests.site.conftest import TODAY

ARCHIVED = Path("articles") / "identity" / "legacy-token.md"  # KB-0003, replaced by KB-0001


def _publish_archived_and_replace_by(kb_root: Path, *replacements: tuple[str, str]) -> None:
    """The public site publishes archived articles too; each (path, id) gets `replaced_by: id`."""
    taxonomy = kb_root / "schemas" / "taxonomy.yaml"
    text = taxonomy.read_text(encoding="utf-8")
    public = text.index("  public:")
    text = text[:public] + text[public:].replace("confidences: [validated]", "confidences: [validated, archived]", 1)
    taxonomy.write_text(text, encoding="utf-8")
    for relpath, replacement in replacements:
        article = kb_root / relpath
        lines = article.read_text(encoding="utf-8").split("\n")
        lines = [line for line in lines if not line.startswith("replaced_by:")]
        lines.insert(lines.index("---", 1), f"replaced_by: {replacement}")
        article.write_text("\n".join(lines), encoding="utf-8")


def _banner(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index('<div class="banner banner-archived"')
    return html[start : html.index("</div>", start)]


def test_a_published_replacement_is_linked(kb_root: Path) -> None:
    _publish_archived_and_replace_by(kb_root)

    build(KnowledgeBase(kb_root), today=TODAY, search=False)

    for site in ("public", "internal"):
        banner = _banner(kb_root / "site" / site / "articles" / "kb-0003.html")
        assert 'Replaced by <a href="kb-0001.html">KB-0001</a>.' in banner


def test_a_replacement_no_article_has_is_named_without_a_link(kb_root: Path) -> None:
    _publish_archived_and_replace_by(kb_root, (str(ARCHIVED), "KB-0999"))

    build(KnowledgeBase(kb_root), today=TODAY, search=False)

    for site in ("public", "internal"):
        banner = _banner(kb_root / "site" / site / "articles" / "kb-0003.html")
        assert "<a " not in banner
        assert "Replaced by KB-0999." in banner


def test_a_replacement_the_public_site_withholds_is_not_named_there(kb_root: Path) -> None:
    _publish_archived_and_replace_by(kb_root, (str(ARCHIVED), "KB-0004"))  # KB-0004: an internal article

    build(KnowledgeBase(kb_root), today=TODAY, search=False)  # the leak scan finds no KB-0004

    public = _banner(kb_root / "site" / "public" / "articles" / "kb-0003.html")
    assert "This article is no longer maintained." in public
    assert "KB-0004" not in public
    assert "Replaced by" not in public
    internal = _banner(kb_root / "site" / "internal" / "articles" / "kb-0003.html")
    assert 'Replaced by <a href="kb-0004.html">KB-0004</a>.' in internal


def test_the_banner_follows_replacements_to_one_the_site_publishes(kb_root: Path) -> None:
    # KB-0003 -> KB-0006 (wip: withheld from the public site) -> KB-0001, as its redirect would.
    refund = Path("articles") / "billing" / "refund-draft.md"
    _publish_archived_and_replace_by(kb_root, (str(ARCHIVED), "KB-0006"), (str(refund), "KB-0001"))

    build(KnowledgeBase(kb_root), today=TODAY, search=False)

    public = _banner(kb_root / "site" / "public" / "articles" / "kb-0003.html")
    assert 'Replaced by <a href="kb-0001.html">KB-0001</a>.' in public
    assert "KB-0006" not in public
    internal = _banner(kb_root / "site" / "internal" / "articles" / "kb-0003.html")
    assert 'Replaced by <a href="kb-0006.html">KB-0006</a>.' in internal
