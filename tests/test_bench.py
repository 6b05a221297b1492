"""The benchmark harness's own checks: replicate writes exactly N articles with unique, remapped ids."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.content import STARTER
from bench.replicate import main, replicate
from bench.timing import measure, run_process
from kb.load import load_article
from kb.project import KnowledgeBase

SAMPLE = Path(__file__).resolve().parent.parent / "bench" / "fixtures" / "sample-kb"
SAMPLE_ARTICLES = 5  # the sample's articles/ holds five articles and a README, which is not one


def article_id(path: Path) -> str | None:
    article = load_article(path, path.name).article
    return None if article is None else article.id


def copies(dest: Path) -> dict[str, Path]:
    """The replica's articles by path relative to dest/articles."""
    root = dest / "articles"
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.md"))}


def test_replicate_writes_exactly_count_articles_with_unique_ids(tmp_path: Path) -> None:
    replica = replicate(SAMPLE, tmp_path / "out", 12)

    written = copies(tmp_path / "out")
    assert len(written) == 12
    assert replica.batches == 3
    ids = [article_id(path) for path in written.values()]
    assert None not in ids
    assert len(set(ids)) == 12
    assert "copy-0002/account/sign-in.md" in written
    assert "copy-0002/billing/invoice.md" not in written  # the third pass stops at 12


def test_replaced_by_points_at_the_same_batchs_counterpart(tmp_path: Path) -> None:
    replicate(SAMPLE, tmp_path / "out", 2 * SAMPLE_ARTICLES)

    written = copies(tmp_path / "out")
    for batch in ("copy-0000", "copy-0001"):
        old = load_article(written[f"{batch}/account/old-sign-in.md"], "old").article
        new = load_article(written[f"{batch}/account/sign-in.md"], "new").article
        assert old is not None
        assert new is not None
        assert old.replaced_by == new.id
        assert old.id != new.id
    first = written["copy-0000/account/old-sign-in.md"].read_text(encoding="utf-8")
    assert "replaced_by: KB-0002  # the current article\n" in first  # the comment survives
    assert "](sign-in.md)" in first  # relative links are untouched: the batch keeps the folder layout


def test_only_the_id_changes(tmp_path: Path) -> None:
    replicate(SAMPLE, tmp_path / "out", SAMPLE_ARTICLES)

    written = copies(tmp_path / "out")
    original = (SAMPLE / "articles" / "billing" / "no-id.md").read_text(encoding="utf-8").splitlines(keepends=True)
    copy = written["copy-0000/billing/no-id.md"].read_text(encoding="utf-8").splitlines(keepends=True)
    assert copy == [original[0], "id: KB-0004\n", *original[1:]]
    quoted = written["copy-0000/billing/invoice.md"].read_text(encoding="utf-8")
    assert quoted.startswith("---\nid: KB-0003\ntitle: Download an invoice\n")
    plain = written["copy-0000/notes/plain.md"].read_text(encoding="utf-8")
    assert plain.startswith("---\nid: KB-0005\n---\n# A file without front matter\n")


def test_replica_with_kb_root_is_a_kb_and_is_deterministic(tmp_path: Path) -> None:
    dest = tmp_path / "kb"
    replicate(SAMPLE, dest, 7, kb_root=STARTER)
    first = {rel: path.read_bytes() for rel, path in copies(dest).items()}
    replicate(SAMPLE, dest, 7, kb_root=STARTER)  # an earlier replica in DEST is replaced

    assert {rel: path.read_bytes() for rel, path in copies(dest).items()} == first
    assert len(KnowledgeBase(dest).article_paths()) == 7
    assert (dest / "schemas" / "taxonomy.yaml").is_file()


def test_cli_refuses_a_folder_that_is_not_a_replica(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("someone's work\n", encoding="utf-8")

    assert main([str(SAMPLE), str(tmp_path), "--count", "3"]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert main([str(SAMPLE), str(tmp_path / "new"), "--count", "3"]) == 0
    assert "wrote 3 articles" in capsys.readouterr().out


def test_timing_repeats_calls_and_processes(tmp_path: Path) -> None:
    calls: list[int] = []

    def call() -> int:
        calls.append(1)
        return len(calls)

    timing, last = measure(call, 3)
    assert (timing.runs, last) == (3, 3)
    assert timing.min <= timing.median <= timing.max

    process = run_process([sys.executable, "-c", "pass"], 2, cwd=tmp_path)
    assert process.runs == 2
    assert all(rss > 0 for rss in process.peak_rss)


def test_process_cpu_time_counts_descendants_nobody_waited_for(tmp_path: Path) -> None:
    """A worker that outlives its parent (kb's fork server does, for a moment) still counts."""
    orphan = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    end = time.process_time() + 0.5\n"
        "    while time.process_time() < end: pass\n"
        "    os._exit(0)\n"
    )
    process = run_process([sys.executable, "-c", orphan], 1, cwd=tmp_path)
    assert process.cpu[0] >= 0.5
    assert process.median < 0.5  # the command itself did not wait
