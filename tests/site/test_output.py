"""Deterministic, incremental and atomic output: what `kb.site.output` and the builder promise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb.errors import KbError
from kb.project import KnowledgeBase
from kb.site.build import Builder, LeakError, build
from kb.site.output import Manifest, SiteFolder
from kb.site.store import DiskCache
from tests.site.conftest import FIXTURES, TODAY, read_tree

ARTICLE = Path("articles/billing/payment-required.md")
LEAKY_TEMPLATES = FIXTURES / "leaky-templates"


def test_the_same_sources_give_byte_identical_sites(kb: KnowledgeBase, tmp_path: Path) -> None:
    # Pagefind's output is deterministic too (checked here), so the whole folder is compared.
    build(kb, out=tmp_path / "one", today=TODAY)
    build(kb, out=tmp_path / "two", today=TODAY)
    one, two = read_tree(tmp_path / "one"), read_tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert any(name.startswith("public/pagefind/") for name in one)


def test_a_rebuild_after_one_change_writes_only_what_the_change_needs(
    kb: KnowledgeBase, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    builder = Builder(kb.root, out=tmp_path / "out", today=TODAY, search=False)
    request.addfinalizer(builder.close)
    first = builder.build()
    assert all(site.full for site in first.sites)
    again = builder.build()
    assert [(s.written, s.removed, s.full) for s in again.sites] == [(0, 0, False), (0, 0, False)]

    path = kb.root / ARTICLE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Update the card under", "Replace the card under"), encoding="utf-8"
    )
    changed = builder.build()
    for site in changed.sites:
        assert not site.full
        assert site.written == 1, site  # the article's page; no list shows the changed sentence
    page = tmp_path / "out" / "public" / "articles" / "kb-0005.html"
    assert "Replace the card" in page.read_text(encoding="utf-8")


def test_an_incremental_rebuild_equals_a_fresh_build(
    kb: KnowledgeBase, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    builder = Builder(kb.root, out=tmp_path / "incremental", today=TODAY)
    request.addfinalizer(builder.close)
    builder.build()
    path = kb.root / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: PAY-402 payment required", "title: PAY-402 payment needed"), encoding="utf-8")
    (kb.root / "articles/billing/refund-draft.md").unlink()
    report = builder.build()
    assert not any(site.full for site in report.sites)
    assert any(site.removed for site in report.sites)  # the deleted article's page and tag entries
    build(kb, out=tmp_path / "fresh", today=TODAY, cache=False)
    assert read_tree(tmp_path / "incremental") == read_tree(tmp_path / "fresh")


def test_a_new_build_process_reads_and_renders_only_what_changed(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = build(kb, out=tmp_path / "out", today=TODAY, search=False)
    assert (first.read, first.rendered) == (8, 10)  # two public articles have internal notes: 8 + 2 bodies
    path = kb.root / ARTICLE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Update the card under", "Replace the card under"), "utf-8"
    )
    again = build(kb, out=tmp_path / "out", today=TODAY, search=False)  # a new Builder: only the disk cache
    assert (again.read, again.rendered) == (1, 2)  # the article, rendered once per site (it has internal notes)
    assert [site.written for site in again.sites] == [1, 1]
    build(kb, out=tmp_path / "fresh", today=TODAY, search=False, cache=False)
    assert read_tree(tmp_path / "out") == read_tree(tmp_path / "fresh")


def test_a_title_change_keeps_the_url(kb: KnowledgeBase, tmp_path: Path) -> None:
    build(kb, out=tmp_path / "out", today=TODAY, search=False)
    path = kb.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("after a card expires", "when a card expired"), "utf-8")
    build(kb, out=tmp_path / "out", today=TODAY, search=False)
    page = tmp_path / "out" / "public" / "articles" / "kb-0005.html"
    assert "PAY-402 payment required when a card expired" in page.read_text(encoding="utf-8")


def test_a_failed_build_leaves_the_previous_site(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(kb, out=out, today=TODAY)
    before = read_tree(out)
    # A template that prints what the public site must never show: the build fails on the leak.
    shutil.copytree(LEAKY_TEMPLATES, kb.root / "templates")
    with pytest.raises(LeakError) as failure:
        build(kb, out=out, today=TODAY)
    message = failure.value.render()
    assert "tags/index.html: contains the title of withheld article articles/runbooks/sso-failover.md" in message
    assert "MARKER-INTERNAL-TITLE-BRAVO failover of the SSO cluster" in message
    public = {k: v for k, v in read_tree(out).items() if k.startswith(("public/", ".kb-build/public"))}
    assert public == {k: v for k, v in before.items() if k.startswith(("public/", ".kb-build/public"))}
    assert not (out / ".kb-build" / "public.stage").exists()
    assert not (out / ".kb-build" / "public.new").exists()
    # The internal site, written whole before the public one failed, waited for its search index
    # to be swapped in: it stays as it was too, and what was written for it is gone.
    internal = {k: v for k, v in read_tree(out).items() if k.startswith("internal/")}
    assert internal == {k: v for k, v in before.items() if k.startswith("internal/")}
    assert not (out / ".kb-build" / "internal.new").exists()


def test_a_build_interrupted_before_its_commit_changes_nothing(tmp_path: Path) -> None:
    folder = SiteFolder(tmp_path / "public")
    live = folder.start_full()
    (live / "index.html").write_text("old", encoding="utf-8")
    folder.commit_full(Manifest({"index.html": "k1"}))
    stage = folder.start_incremental()
    (stage / "index.html").write_text("new", encoding="utf-8")
    # ... the process dies here, before the journal is written.
    folder.recover()
    assert (tmp_path / "public" / "index.html").read_text(encoding="utf-8") == "old"
    assert not folder.stage.exists()


def test_a_build_interrupted_while_pagefind_indexed_a_part_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = SiteFolder(tmp_path / "public")
    live = folder.start_full()
    (live / "index.html").write_text("old", encoding="utf-8")
    folder.commit_full(Manifest({"index.html": "k1"}))
    folder.start_full()
    part = folder.search_scratch / "3" / "articles"
    part.mkdir(parents=True)
    (part / "kb-0001.html").write_text("a page of the part being indexed", encoding="utf-8")
    # ... the process dies here, in the middle of indexing the new folder.
    folder.recover()
    assert (tmp_path / "public" / "index.html").read_text(encoding="utf-8") == "old"
    assert not folder.search_scratch.exists()
    assert not folder.fresh.exists()


def test_a_build_interrupted_after_its_commit_is_completed(tmp_path: Path) -> None:
    folder = SiteFolder(tmp_path / "public")
    live = folder.start_full()
    (live / "index.html").write_text("old", encoding="utf-8")
    (live / "gone.html").write_text("old", encoding="utf-8")
    folder.commit_full(Manifest({"index.html": "k1", "gone.html": "k2"}))
    stage = folder.start_incremental()
    (stage / "index.html").write_text("new", encoding="utf-8")
    folder.next_manifest.write_text(Manifest({"index.html": "k3"}).to_json(), encoding="utf-8")
    folder.journal.write_text(json.dumps({"changed": ["index.html"], "removed": ["gone.html"]}), encoding="utf-8")
    # ... the process dies here, after the commit point: the next build finishes the job.
    folder.recover()
    assert (tmp_path / "public" / "index.html").read_text(encoding="utf-8") == "new"
    assert not (tmp_path / "public" / "gone.html").exists()
    assert folder.manifest() == Manifest({"index.html": "k3"})
    assert not folder.journal.exists()


def test_a_swap_interrupted_between_its_renames_is_completed(tmp_path: Path) -> None:
    folder = SiteFolder(tmp_path / "public")
    folder.start_full()
    folder.commit_full(Manifest({}))
    fresh = folder.start_full()
    (fresh / "index.html").write_text("new", encoding="utf-8")
    folder.folder.rename(folder.retired)  # the first rename of the swap happened, not the second
    folder.recover()
    assert (tmp_path / "public" / "index.html").read_text(encoding="utf-8") == "new"


def test_a_body_shared_by_both_sites_follows_each_sites_links(
    kb: KnowledgeBase, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The partner article links to a public one; when that article becomes internal-only, the
    staff site keeps the link and the public site (which shares the cached body) must not."""
    builder = Builder(kb.root, out=tmp_path / "out", today=TODAY, search=False)
    request.addfinalizer(builder.close)
    access = kb.root / "articles/identity/access-denied.md"  # links to token-expired.md (KB-0001)
    builder.build()
    token = kb.root / "articles/identity/sso/token-expired.md"
    token.write_text(token.read_text(encoding="utf-8").replace("audience: public", "audience: internal"), "utf-8")
    builder.build()  # the public site refuses to build if its scan finds KB-0001 anywhere
    public = (tmp_path / "out/public/articles/kb-0002.html").read_text(encoding="utf-8")
    internal = (tmp_path / "out/internal/articles/kb-0002.html").read_text(encoding="utf-8")
    assert "Back to token expired." in public
    assert 'Back to <a href="kb-0001.html">token expired</a>.' in internal
    assert access.is_file()


def test_a_body_rendered_again_for_one_site_is_checked_again_for_the_other(
    kb: KnowledgeBase, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    taxonomy = kb.root / "schemas/taxonomy.yaml"
    text = taxonomy.read_text(encoding="utf-8")
    taxonomy.write_text(text.replace("confidences: [wip, not-validated", "confidences: [not-validated"), "utf-8")
    access = kb.root / "articles/identity/access-denied.md"
    access.write_text(access.read_text(encoding="utf-8") + "\nRefunds: [annual plans](../billing/refund-draft.md).\n")
    builder = Builder(kb.root, out=tmp_path / "out", today=TODAY, search=False)
    request.addfinalizer(builder.close)
    builder.build()
    draft = kb.root / "articles/billing/refund-draft.md"  # wip: neither site publishes it yet
    draft.write_text(draft.read_text(encoding="utf-8").replace("confidence: wip", "confidence: not-validated"))
    builder.build()  # now the staff site does (its links change), the public site does not (its links do not)
    internal = (tmp_path / "out/internal/articles/kb-0002.html").read_text(encoding="utf-8")
    public = (tmp_path / "out/public/articles/kb-0002.html").read_text(encoding="utf-8")
    assert '<a href="kb-0006.html">annual plans</a>' in internal
    assert "Refunds: annual plans." in public


def test_a_body_another_build_let_go_from_the_shared_cache_is_rendered_again(
    kb: KnowledgeBase, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """kb serve reads the HTML of bodies it found in the build cache from disk; another build on
    the same cache may let those rows go. That build fails, and the next one renders them again."""
    import sqlite3

    build(kb, out=tmp_path / "first", today=TODAY, search=False)  # the cache holds every body
    builder = Builder(kb.root, out=tmp_path / "out", today=TODAY, search=False)  # kb serve starting
    request.addfinalizer(builder.close)
    db = sqlite3.connect(kb.cache_dir / "site.sqlite")
    with db:  # what another build's pruning does
        db.execute("DELETE FROM html")
    db.close()
    with pytest.raises(KbError, match="the build cache changed during the build"):
        builder.build()
    builder.build()
    assert read_tree(tmp_path / "out") == read_tree(tmp_path / "first")


def test_the_disk_cache_forgets_what_no_site_uses_without_losing_what_it_needs(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = kb.root / ARTICLE
    original = path.read_text(encoding="utf-8")
    edited = original.replace("Update the card under", "Replace the card under")
    path.write_text(edited, encoding="utf-8")
    build(kb, out=tmp_path / "out", today=TODAY, search=False)  # the cache holds the edited body
    path.write_text(original, encoding="utf-8")
    with Builder(kb.root, out=tmp_path / "out", today=TODAY, search=False) as builder:  # a new process
        builder.build()  # every site built: the edited body is forgotten, on disk and in memory
        path.write_text(edited, encoding="utf-8")
        report = builder.build()  # ... so it is rendered again, not looked for on disk
        assert report.rendered == 2
    assert "Replace the card under" in (tmp_path / "out/public/articles/kb-0005.html").read_text(encoding="utf-8")


def test_articles_read_from_the_disk_cache_share_the_front_matter_they_repeat(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """At 50,000 articles each article's own copy of its keys and values ("type",
    "troubleshooting", an owner) was a tenth of what a build held."""
    build(kb, out=tmp_path / "first", today=TODAY, search=False)
    rows = DiskCache(kb.cache_dir / "site.sqlite").articles()  # as a new kb build process reads them

    first = rows["articles/billing/payment-required.md"].meta
    other = rows["articles/identity/access-denied.md"].meta
    assert first["type"] == other["type"] == "troubleshooting"
    assert first["type"] is other["type"]
    assert next(k for k in first if k == "owner") is next(k for k in other if k == "owner")
    assert first["owner"] != other["owner"]
    with Builder(kb.root, out=tmp_path / "second", today=TODAY, search=False) as builder:
        builder.build()
    assert read_tree(tmp_path / "second") == read_tree(tmp_path / "first")


def test_kb_serve_rebuilds_told_what_changed_equal_fresh_builds(
    kb: KnowledgeBase, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """kb serve's builder is told which files were saved and reuses what the others made (their
    pages, the lists of articles, the taxonomy, the check results). After each kind of change
    its site must be the site a fresh build makes. Only the knowledge-health report differs:
    a rebuild keeps the whole-KB report of the last full build (the rows are compared)."""
    out = tmp_path / "serve"
    builder = Builder(kb.root, out=out, today=TODAY, search=False)
    request.addfinalizer(builder.close)
    builder.build()
    path = kb.root / ARTICLE
    taxonomy = kb.root / "schemas/taxonomy.yaml"
    new = kb.root / "articles/billing/new-card.md"

    def body_edit() -> set[Path]:
        path.write_text(path.read_text(encoding="utf-8") + "\nCheck the card's expiry date first.\n", "utf-8")
        return {path}

    def listed_edit() -> set[Path]:  # title and tag: home, area, tag and code pages list it
        text = path.read_text(encoding="utf-8").replace("after a card expires", "when a card has expired")
        path.write_text(text.replace("tags: [billing]", "tags: [billing, cards]"), "utf-8")
        return {path}

    def settings_edit() -> set[Path]:  # not an article: the watcher names it, the taxonomy is read again
        taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("title: Billing", "title: Payments"), "utf-8")
        return {taxonomy}

    def added() -> set[Path]:
        new.write_text(path.read_text(encoding="utf-8").replace("KB-0005", "KB-0099"), "utf-8")
        return {new}

    def removed() -> set[Path]:
        new.unlink()
        return {new}

    for step, change in enumerate([body_edit, listed_edit, settings_edit, added, removed]):
        builder.build(changed=change())
        fresh = tmp_path / f"fresh-{step}"
        build(kb, out=fresh, today=TODAY, search=False, cache=False)
        served, made = read_tree(out), read_tree(fresh)
        assert served.keys() == made.keys(), change.__name__
        differ = {name for name in served if served[name] != made[name]}
        assert differ <= {HEALTH, ".kb-build/internal.manifest.json"}, (change.__name__, differ)  # its key
        assert _health_rows(served[HEALTH]) == _health_rows(made[HEALTH])
    for memo in builder.memos.values():  # what saved or removed articles were is let go (kb serve runs for days)
        assert memo.rows.keys() <= memo.pages.keys()
        assert len(memo.pages) == len(memo.summaries)


HEALTH = "internal/health/index.html"


def _health_rows(page: bytes) -> str:
    text = page.decode("utf-8")  # the table of every article, after the audit report
    return text[text.index('id="by-article"') :]


def test_pages_encoded_in_pieces_are_the_same_pages(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.site import templates

    build(kb, out=tmp_path / "whole", today=TODAY, search=False)
    monkeypatch.setattr(templates, "ENCODE_EVERY", 7)  # every few pieces
    build(kb, out=tmp_path / "pieces", today=TODAY, search=False)
    assert read_tree(tmp_path / "whole") == read_tree(tmp_path / "pieces")
