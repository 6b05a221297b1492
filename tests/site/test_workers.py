"""The build through a process pool: the same site as in one process, and its scratch store cleaned up."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import pool
from kb.project import KnowledgeBase
from kb.site.build import build
from tests.site.conftest import TODAY, read_tree


def test_a_build_in_chunks_through_a_pool_gives_the_same_site(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(kb, out=tmp_path / "alone", today=TODAY, search=False)
    monkeypatch.setattr(pool, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(pool, "CHUNK", 1)
    monkeypatch.setenv("KB_WORKERS", "2")
    build(kb, out=tmp_path / "pool", today=TODAY, search=False)
    assert read_tree(tmp_path / "alone") == read_tree(tmp_path / "pool")


def test_a_build_without_its_cache_keeps_rendered_html_in_a_scratch_store_it_removes(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    build(kb, out=tmp_path / "with-cache", today=TODAY, search=False)
    build(kb, out=tmp_path / "no-cache", today=TODAY, search=False, cache=False)
    assert read_tree(tmp_path / "with-cache") == read_tree(tmp_path / "no-cache")
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("cache", [True, False])
def test_one_build_gives_each_site_its_own_rendering_of_a_shared_body(
    kb: KnowledgeBase, tmp_path: Path, cache: bool
) -> None:
    """Both sites are rendered before either is written; the public one renders the partner
    article again (a link it must not show), and the staff site's HTML must survive that."""
    token = kb.root / "articles/identity/sso/token-expired.md"  # KB-0001, linked from KB-0002
    token.write_text(token.read_text(encoding="utf-8").replace("audience: public", "audience: internal"), "utf-8")
    build(kb, out=tmp_path / "out", today=TODAY, search=False, cache=cache)
    public = (tmp_path / "out/public/articles/kb-0002.html").read_text(encoding="utf-8")
    internal = (tmp_path / "out/internal/articles/kb-0002.html").read_text(encoding="utf-8")
    assert "Back to token expired." in public
    assert 'Back to <a href="kb-0001.html">token expired</a>.' in internal
