"""Work over a process pool and in a child process: results in order, work read as it goes."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from kb import pool
from kb.memory import gc_paused


def _tag(shared: str, items: list[int]) -> list[tuple[str, int, int]]:
    return [(shared, item, os.getpid()) for item in items]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool for any number of items, in chunks of three."""
    monkeypatch.setattr(pool, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(pool, "CHUNK", 3)
    monkeypatch.setenv("KB_WORKERS", "2")


@pytest.mark.usefixtures("small_chunks")
def test_a_pool_gives_every_result_in_order_with_what_every_item_shares() -> None:
    results = list(pool.run(_tag, "site", iter(range(40))))
    assert [(shared, item) for shared, item, _ in results] == [("site", item) for item in range(40)]
    assert os.getpid() not in {pid for _, _, pid in results}


@pytest.mark.usefixtures("small_chunks")
def test_a_pool_reads_its_items_as_the_work_goes() -> None:
    read = 0

    def items() -> Iterator[int]:
        nonlocal read
        for item in range(300):
            read += 1
            yield item

    results = pool.run(_tag, "site", items())
    next(results)
    # One item to decide on a pool, then at most two chunks in flight per worker, and the next.
    assert read <= 1 + 3 * 2 * 2 + 3
    assert len(list(results)) == 299


def _chunk_sizes(shared: str, items: list[int]) -> list[int]:
    return [len(items)] * len(items)


@pytest.mark.usefixtures("small_chunks")
def test_heavy_items_go_out_in_smaller_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk of pages that each list thousands of articles weighs as much as thousands of pages."""
    monkeypatch.setattr(pool, "CHUNK_WEIGHT", 10)
    items = [1, 1, 1, 1, 6, 6, 12, 1, 4, 4, 4]  # each item its own weight
    sizes = list(pool.run(_chunk_sizes, "site", items, weight=lambda item: item))
    # [1 1 1] [1 6] [6] [12] [1 4 4] [4]: three at most (CHUNK), 6 + 6 is over 10, and an item
    # heavier than that goes alone.
    assert sizes == [3, 3, 3, 2, 2, 1, 1, 3, 3, 3, 1]


def test_small_work_stays_in_this_process() -> None:
    results = list(pool.run(_tag, "site", range(5)))
    assert {pid for _, _, pid in results} == {os.getpid()}


def test_a_child_process_sends_its_result_back() -> None:
    assert pool.in_child(os.getpid) not in (None, os.getpid())


def test_a_child_that_fails_gives_none_for_the_caller_to_run_it_itself() -> None:
    def fails() -> int:
        raise ValueError("no")

    assert pool.in_child(fails) is None


@pytest.mark.usefixtures("small_chunks")
def test_forked_workers_inherit_what_the_caller_loaded() -> None:
    """kb check and kb index fork their workers: the rules and settings they loaded come along."""
    results = list(pool.run(_tag, "rules", range(40), start="fork"))
    assert [(shared, item) for shared, item, _ in results] == [("rules", item) for item in range(40)]
    assert os.getpid() not in {pid for _, _, pid in results}


def _collector(shared: None, items: list[int]) -> list[tuple[bool, int, int]]:
    return [(gc.isenabled(), gc.get_freeze_count(), os.getpid()) for _ in items]


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_workers_collect_garbage_even_when_forked_from_a_caller_that_paused_the_collector(start: pool.Start) -> None:
    with gc_paused():
        results = list(pool.run(_collector, None, range(12), start=start))
        assert not gc.isenabled()
    assert gc.isenabled()
    assert os.getpid() not in {pid for _, _, pid in results}
    assert all(on for on, _, _ in results)
    # What a worker starts with is frozen: the collector's full passes in it skip those objects.
    assert all(frozen > 1000 for _, frozen, _ in results)
