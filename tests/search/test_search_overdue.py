"""`site.overdue: hide`: a customer site's index leaves out the overdue articles its pages leave out.

A copy of the site tests' KB (tests/fixtures/site-kb) indexed for real on disk; the build of the
same KB on the same day says what the public site publishes. In that KB, KB-0005 is overdue on
every day (it names a version past its end of life), KB-0001 falls due on 2026-07-13 and KB-0002,
which links to KB-0001, on 2026-07-31.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.project import KnowledgeBase
from kb.search import SearchIndex, index_status, update_index
from kb.site.build import build
from tests.search.search_fixtures import indexed

SITE_KB = Path(__file__).resolve().parents[1] / "fixtures" / "site-kb"
TOKEN_EXPIRED = "articles/identity/sso/token-expired.md"  # KB-0001


@pytest.fixture
def hiding_kb(tmp_path: Path) -> KnowledgeBase:
    """The site KB with `site.overdue: hide`, not indexed yet."""
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    config = root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("overdue: banner", "overdue: hide"), encoding="utf-8")
    return KnowledgeBase(root)


def indexed_ids(kb: KnowledgeBase, site: str) -> list[str]:
    return indexed(kb, site, "id")


def published_count(kb: KnowledgeBase, site: str, out: Path) -> int:
    """How many articles `kb build` publishes on `site` on the day the environment says."""
    report = build(KnowledgeBase(kb.root), out=out, search=False)
    return next(s.articles for s in report.sites if s.name == site)


def test_public_index_leaves_out_overdue_articles_as_the_build_does(hiding_kb: KnowledgeBase, tmp_path: Path) -> None:
    update_index(hiding_kb)
    assert indexed_ids(hiding_kb, "public") == ["KB-0001", "KB-0002"]
    assert len(indexed_ids(hiding_kb, "public")) == published_count(hiding_kb, "public", tmp_path / "site")
    with SearchIndex.open(hiding_kb, "public") as index:
        assert index.lookup_code("PAY-402") == []  # what kb serve's /api/errors/PAY-402 answers
        assert index.search("PAY-402").hits == []
    # The staff site keeps it.
    assert "KB-0005" in indexed_ids(hiding_kb, "internal")
    with SearchIndex.open(hiding_kb, "internal") as index:
        assert [hit.id for hit in index.lookup_code("PAY-402")] == ["KB-0005"]


def test_public_index_keeps_overdue_articles_under_the_banner_policy(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    kb = KnowledgeBase(root)
    update_index(kb)
    assert indexed_ids(kb, "public") == ["KB-0001", "KB-0002", "KB-0005"]
    assert len(indexed_ids(kb, "public")) == published_count(kb, "public", tmp_path / "site")


def test_banner_policy_runs_no_check(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)

    update_index(KnowledgeBase(root))

    assert not (root / ".kb-cache" / "check.json").exists()  # what any check leaves behind
    assert not index_status(KnowledgeBase(root), "public").stale


def test_kb_search_says_the_index_is_brought_to_another_day(hiding_kb: KnowledgeBase) -> None:
    update_index(hiding_kb)

    result = CliRunner(env={"KB_TODAY": "2026-07-20"}).invoke(
        cli, ["--root", str(hiding_kb.root), "search", "--site", "public", "token expired"]
    )

    assert result.exit_code == 0, result.output
    assert "Updated the index of site public first (overdue articles are judged on another day)" in result.stderr


def test_article_leaves_and_rejoins_the_public_index_as_the_day_changes(
    hiding_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update_index(hiding_kb)
    assert indexed_ids(hiding_kb, "public") == ["KB-0001", "KB-0002"]
    files = {path: path.stat().st_mtime_ns for path in hiding_kb.articles_dir.rglob("*.md")}

    monkeypatch.setenv("KB_TODAY", "2026-07-20")  # KB-0001 is overdue, no file changed
    status = index_status(hiding_kb, "public")
    assert status.stale
    assert status.day_changed
    assert not status.changed
    report = update_index(hiding_kb)
    public = next(s for s in report.sites if s.site == "public")
    assert (public.full, public.added, public.updated, public.removed) == (False, 0, 0, 1)
    assert indexed_ids(hiding_kb, "public") == ["KB-0002"]
    assert published_count(hiding_kb, "public", tmp_path / "site") == 1
    assert "KB-0001" in indexed_ids(hiding_kb, "internal")
    assert not index_status(hiding_kb, "public").stale
    assert update_index(hiding_kb).sites[1].changed == 0

    monkeypatch.setenv("KB_TODAY", "2026-03-01")  # reviewed again, as it were: current once more
    report = update_index(hiding_kb)
    public = next(s for s in report.sites if s.site == "public")
    assert (public.full, public.added, public.removed) == (False, 1, 0)
    assert indexed_ids(hiding_kb, "public") == ["KB-0001", "KB-0002"]
    with SearchIndex.open(hiding_kb, "public") as index:
        assert "KB-0001" in [hit.id for hit in index.search("token expired").hits]
    assert files == {path: path.stat().st_mtime_ns for path in hiding_kb.articles_dir.rglob("*.md")}


def test_article_linking_to_a_newly_archived_one_leaves_the_public_index(
    hiding_kb: KnowledgeBase, tmp_path: Path
) -> None:
    update_index(hiding_kb)
    linking = hiding_kb.root / "articles/identity/access-denied.md"  # KB-0002 links to KB-0001
    before = linking.stat().st_mtime_ns
    path = hiding_kb.root / TOKEN_EXPIRED
    path.write_text(
        path.read_text(encoding="utf-8").replace("confidence: validated", "confidence: archived"), encoding="utf-8"
    )
    update_index(hiding_kb)
    assert linking.stat().st_mtime_ns == before
    assert indexed_ids(hiding_kb, "public") == []  # KB-0001 archived, KB-0002 overdue (KB405)
    assert published_count(hiding_kb, "public", tmp_path / "site") == 0
