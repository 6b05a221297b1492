"""The index on disk: incremental updates, atomic full builds, one writer at a time, staleness."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.errors import LockTimeout
from kb.project import KnowledgeBase
from kb.search import SearchIndex, index_status, update_index
from kb.search.build import index_dir, index_root
from kb.search.lock import IndexLock
from tests.search.search_fixtures import indexed

ARTICLE = "articles/sync/desktop/access-denied-0x80070005.md"


def edit(kb: KnowledgeBase, relpath: str, old: str, new: str) -> None:
    path = kb.root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nothing_changed_means_nothing_rewritten(search_kb: KnowledgeBase) -> None:
    report = update_index(search_kb)
    assert [(s.site, s.full, s.changed) for s in report.sites] == [("internal", False, 0), ("public", False, 0)]


def test_one_changed_article_is_the_only_one_rewritten(search_kb: KnowledgeBase) -> None:
    edit(search_kb, ARTICLE, "full control", "full control (the Modify right is not enough)")
    report = update_index(search_kb)
    assert [(s.site, s.full, s.updated, s.added, s.removed) for s in report.sites] == [
        ("internal", False, 1, 0, 0),
        ("public", False, 1, 0, 0),
    ]
    with SearchIndex.open(search_kb, "public") as index:
        assert next(h.id for h in index.search("Modify right").hits) == "KB-0002"


def test_segments_are_written_in_files_of_their_own_not_one_compound_file(search_kb: KnowledgeBase) -> None:
    # whoosh reads a compound segment into memory whole when it opens it (at 50,000 articles, most
    # of what an open index took); parts in files of their own are read from disk as needed.
    edit(search_kb, ARTICLE, "full control", "full control (the Modify right is not enough)")
    update_index(search_kb)  # a full build's segment, then an update's
    for site in ("internal", "public"):
        files = [path.name for path in index_dir(search_kb, site).resolve().iterdir()]
        assert not [name for name in files if name.endswith(".seg")], files
        assert sum(1 for name in files if name.endswith(".pst")) == 2, files


def test_a_touched_but_unchanged_file_is_not_rewritten(search_kb: KnowledgeBase) -> None:
    path = search_kb.root / ARTICLE
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert index_status(search_kb, "public").changed == [ARTICLE]
    report = update_index(search_kb)
    assert all(s.changed == 0 for s in report.sites)
    assert not index_status(search_kb, "public").stale


def test_an_article_made_internal_leaves_the_public_index(search_kb: KnowledgeBase) -> None:
    edit(search_kb, ARTICLE, "audience: public", "audience: internal")
    report = update_index(search_kb)
    public = next(s for s in report.sites if s.site == "public")
    assert (public.removed, public.published) == (1, 14)
    with SearchIndex.open(search_kb, "public") as index:
        assert index.lookup_code("0x80070005") == []


def test_added_and_deleted_articles(search_kb: KnowledgeBase) -> None:
    source = search_kb.root / ARTICLE
    copy = source.with_name("copy.md")
    copy.write_text(source.read_text(encoding="utf-8").replace("KB-0002", "KB-0099"), encoding="utf-8")
    (search_kb.root / "articles/install/error-30010-45.md").unlink()
    report = update_index(search_kb, "public")
    (public,) = report.sites
    assert (public.added, public.removed) == (1, 1)
    with SearchIndex.open(search_kb, "public") as index:
        assert {h.id for h in index.lookup_code("0x80070005")} == {"KB-0002", "KB-0099"}
        assert index.lookup_code("30010-45") == []


def test_an_unreadable_article_is_left_out_and_reported(search_kb: KnowledgeBase) -> None:
    (search_kb.root / ARTICLE).write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    report = update_index(search_kb)
    assert report.unreadable == [ARTICLE]
    with SearchIndex.open(search_kb, "internal") as index:
        assert index.lookup_code("0x80070005") == []


def test_an_interrupted_full_build_leaves_the_previous_index(search_kb: KnowledgeBase) -> None:
    before = index_dir(search_kb, "public").resolve()

    def interrupt(site: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update_index(search_kb, "public", full=True, progress=interrupt)
    assert index_dir(search_kb, "public").resolve() == before
    assert sorted(p.name for p in (index_root(search_kb) / ".builds").iterdir()) == sorted(
        index_dir(search_kb, s).resolve().name for s in ("internal", "public")
    )
    with SearchIndex.open(search_kb, "public") as index:
        assert index.search("0x80070005").hits


def test_a_full_build_swaps_in_and_an_open_index_follows(search_kb: KnowledgeBase) -> None:
    with SearchIndex.open(search_kb, "public") as index:
        edit(search_kb, ARTICLE, "full control", "full control and ownership")
        update_index(search_kb, "public", full=True)
        assert index.refresh()
        assert index.search("ownership").hits[0].id == "KB-0002"


def test_a_second_writer_waits_then_fails_with_a_clear_message(search_kb: KnowledgeBase) -> None:
    with IndexLock(index_root(search_kb) / ".lock", timeout=1), pytest.raises(LockTimeout) as caught:
        update_index(search_kb)
    assert "another kb process" in caught.value.message
    assert "search.lock_timeout" in caught.value.hint


def test_kb_index_in_another_process_exits_2_while_the_lock_is_held(search_kb: KnowledgeBase) -> None:
    with IndexLock(index_root(search_kb) / ".lock", timeout=1):
        run = subprocess.run(
            [sys.executable, "-m", "kb", "index"], cwd=search_kb.root, capture_output=True, text=True, timeout=60
        )
    assert run.returncode == 2
    assert f"pid {os.getpid()}" in run.stderr
    assert "Traceback" not in run.stderr


def test_kb_index_reports_what_it_did(tmp_path: Path, search_kb: KnowledgeBase) -> None:
    edit(search_kb, ARTICLE, "full control", "full control, again")
    result = CliRunner().invoke(cli, ["--root", str(search_kb.root), "index"])
    assert result.exit_code == 0, result.output
    assert "Index of site public: 1 updated; 15 articles in all." in result.output


@pytest.mark.parametrize("broken", ["no articles folder", "no sites"])
def test_kb_index_and_kb_search_refuse_a_kb_they_cannot_index(search_kb: KnowledgeBase, broken: str) -> None:
    """Not "0 articles" and exit 0: the same usage error as kb check and kb build (exit 2)."""
    if broken == "no articles folder":
        shutil.rmtree(search_kb.articles_dir)
        expected = "no such file or folder"
    else:
        taxonomy = search_kb.schemas_dir / "taxonomy.yaml"
        text = taxonomy.read_text(encoding="utf-8")
        taxonomy.write_text(text[: text.index("\nsites:")] + "\n", encoding="utf-8")
        expected = "no sites"
    for command in (["index"], ["search", "sign in"]):
        result = CliRunner().invoke(cli, ["--root", str(search_kb.root), *command])
        assert result.exit_code == 2, result.output
        assert expected in result.output


def test_kb_search_updates_a_stale_index_first(search_kb: KnowledgeBase) -> None:
    edit(search_kb, ARTICLE, "full control", "full control with inheritance")
    result = CliRunner().invoke(cli, ["--root", str(search_kb.root), "search", "inheritance", "--json"])
    assert result.exit_code == 0, result.output
    assert "Updated the index of site internal first (1 article changed)" in result.stderr
    assert '"id": "KB-0002"' in result.stdout


def test_kb_search_no_update_only_warns(search_kb: KnowledgeBase) -> None:
    edit(search_kb, ARTICLE, "full control", "full control with inheritance")
    result = CliRunner().invoke(cli, ["--root", str(search_kb.root), "search", "inheritance", "--no-update"])
    assert result.exit_code == 0, result.output
    assert "is out of date (1 article changed); run `kb index`" in result.stderr
    assert "No hits" in result.stderr


def test_kb_search_json_is_a_list_of_hits(search_kb: KnowledgeBase) -> None:
    import json

    result = CliRunner().invoke(
        cli, ["--root", str(search_kb.root), "search", "550 5.7.1", "--site", "public", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert isinstance(hits, list)
    assert hits[0]["id"] == "KB-0004"
    assert set(hits[0]) >= {"id", "title", "path", "score", "snippet"}


def test_kb_search_text_and_an_unknown_site(search_kb: KnowledgeBase) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(search_kb.root), "search", "Event ID 1000", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(" 1. KB-0007  App crashes with Event ID 1000\n")
    assert "[Event ID 1000]" in result.stdout
    run = subprocess.run(
        [sys.executable, "-m", "kb", "search", "x", "--site", "publik"],
        cwd=search_kb.root, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert "no site 'publik' in the taxonomy (did you mean \"public\"?)" in run.stderr


def test_a_build_in_worker_processes_gives_the_same_index(search_kb: KnowledgeBase) -> None:
    def answers() -> list[list[tuple[str, float, str]]]:
        with SearchIndex.open(search_kb, "public") as index:
            queries = ["0x8004DEF4", "5.7.1", "crashing calendars", "sign in", "HCW8078"]
            return [[(h.id, round(h.score, 6), h.snippet) for h in index.search(q).hits] for q in queries]

    sequential = answers()
    config = search_kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("lock_timeout: 1", "lock_timeout: 1\n  workers: 2"))
    parallel_kb = KnowledgeBase(search_kb.root)
    report = update_index(parallel_kb, full=True)
    assert [s.published for s in report.sites] == [17, 15]
    assert answers() == sequential


def test_of_two_files_with_one_id_the_first_by_path_is_indexed_as_the_site_publishes_it(
    search_kb: KnowledgeBase,
) -> None:
    source = search_kb.root / ARTICLE
    later, earlier = source.with_name("zz-copy.md"), source.with_name("aa-copy.md")
    text = source.read_text(encoding="utf-8")
    full = {site: indexed(search_kb, site, "path") for site in ("internal", "public")}
    later_rel, earlier_rel = (search_kb.relpath(p) for p in (later, earlier))

    later.write_text(text, encoding="utf-8")  # a later path: it stays out
    (public,) = update_index(search_kb, "public").sites
    assert (public.added, public.removed) == (0, 0)
    assert indexed(search_kb, "public", "path") == full["public"]

    earlier.write_text(text.replace("full control", "full control EARLIERCOPY"), encoding="utf-8")
    (public,) = update_index(search_kb, "public").sites  # an earlier path takes the original's place
    assert (public.added, public.removed) == (1, 1)
    assert indexed(search_kb, "public", "path") == sorted({*full["public"], earlier_rel} - {ARTICLE})
    with SearchIndex.open(search_kb, "public") as index:
        assert [h.id for h in index.search("EARLIERCOPY").hits] == ["KB-0002"]

    earlier.unlink()
    (public,) = update_index(search_kb, "public").sites  # and the original comes back
    assert (public.added, public.removed) == (1, 1)
    assert indexed(search_kb, "public", "path") == full["public"]
    assert later_rel not in indexed(search_kb, "internal", "path")

    earlier.write_text(text, encoding="utf-8")
    update_index(search_kb)
    incremental = {site: indexed(search_kb, site, "path") for site in ("internal", "public")}
    update_index(search_kb, full=True)
    assert {site: indexed(search_kb, site, "path") for site in ("internal", "public")} == incremental
    assert all(earlier_rel in paths and ARTICLE not in paths for paths in incremental.values())
