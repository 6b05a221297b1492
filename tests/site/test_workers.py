"""The build's process pool and child process: results in order, work read as it goes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.project import KnowledgeBase
from kb.site import build, workers
from tests.site.conftest import TODAY, read_tree


def _tag(shared: str, items: list[int]) -> list[tuple[str, int, int]]:
    return [(shared, item, os.getpid()) for item in items]


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool for any number of items, in chunks of three."""
    monkeypatch.setattr(workers, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(workers, "CHUNK", 3)
    monkeypatch.setenv("KB_WORKERS", "2")


@pytest.mark.usefixtures("pool")
def test_a_pool_gives_every_result_in_order_with_what_every_item_shares() -> None:
    results = list(workers.run(_tag, "site", iter(range(40))))
    assert [(shared, item) for shared, item, _ in results] == [("site", item) for item in range(40)]
    assert os.getpid() not in {pid for _, _, pid in results}


@pytest.mark.usefixtures("pool")
def test_a_pool_reads_its_items_as_the_work_goes() -> None:
    read = 0

    def items() -> Iterator[int]:
        nonlocal read
        for item in range(300):
            read += 1
            yield item

    results = workers.run(_tag, "site", items())
    next(results)
    # One item to decide on a pool, then at most two chunks in flight per worker, and the next.
    assert read <= 1 + 3 * 2 * 2 + 3
    assert len(list(results)) == 299


def _chunk_sizes(shared: str, items: list[int]) -> list[int]:
    return [len(items)] * len(items)


@pytest.mark.usefixtures("pool")
def test_heavy_items_go_out_in_smaller_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk of pages that each list thousands of articles weighs as much as thousands of pages."""
    monkeypatch.setattr(workers, "CHUNK_WEIGHT", 10)
    items = [1, 1, 1, 1, 6, 6, 12, 1, 4, 4, 4]  # each item its own weight
    sizes = list(workers.run(_chunk_sizes, "site", items, weight=lambda item: item))
    # [1 1 1] [1 6] [6] [12] [1 4 4] [4]: three at most (CHUNK), 6 + 6 is over 10, and an item
    # heavier than that goes alone.
    assert sizes == [3, 3, 3, 2, 2, 1, 1, 3, 3, 3, 1]


def test_small_work_stays_in_this_process() -> None:
    results = list(workers.run(_tag, "site", range(5)))
    assert {pid for _, _, pid in results} == {os.getpid()}


def test_a_child_process_sends_its_result_back() -> None:
    assert workers.in_child(os.getpid) not in (None, os.getpid())


def test_a_child_that_fails_gives_none_for_the_caller_to_run_it_itself() -> None:
    def fails() -> int:
        raise ValueError("no")

    assert workers.in_child(fails) is None


def test_a_build_in_chunks_through_a_pool_gives_the_same_site(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(kb, out=tmp_path / "alone", today=TODAY, search=False)
    monkeypatch.setattr(workers, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(workers, "CHUNK", 1)
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
