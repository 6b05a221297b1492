"""Files written whole or not at all (`kb.atomic`), on real files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kb import atomic
from kb.fix import fix_files


def test_a_file_is_replaced_with_the_new_text_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("old", encoding="utf-8")
    atomic.write_text(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    assert _names(tmp_path) == ["manifest.json"]


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    atomic.write_bytes(tmp_path / "a.bin", b"\x00\x01")
    atomic.write_text(tmp_path / "journal.json", "{}", durable=True)
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "journal.json").read_text(encoding="utf-8") == "{}"
    assert _names(tmp_path) == ["a.bin", "journal.json"]


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "check.json"
    path.write_text("complete", encoding="utf-8")
    with pytest.raises(RuntimeError, match="cut off"):
        _write_half(path)
    assert path.read_text(encoding="utf-8") == "complete"
    assert _names(tmp_path) == ["check.json"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_bytes(b"---\r\ntitle: T\r\n---\r\n")
    path.chmod(0o640)
    assert fix_files([path]) == [path]
    assert path.read_bytes() == b"---\ntitle: T\n---\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def _write_half(path: Path) -> None:
    with atomic.replacing(path) as file:
        file.write("half of")
        raise RuntimeError("cut off")


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_link_is_replaced_and_what_it_points_to_left_alone(tmp_path: Path) -> None:
    """kb's own files (caches, manifests, sites): a link planted there never leads a write away."""
    target = tmp_path / "elsewhere" / "profile"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "manifest.json"
    link.symlink_to(target)

    atomic.write_text(link, "new")

    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "new"
    assert target.read_text(encoding="utf-8") == "old"


def test_a_link_is_written_through_when_asked_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "article.md"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "article.md"
    link.symlink_to(Path("shared/article.md"))

    atomic.write_bytes(link, b"new", through_link=True)

    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new"
    assert _names(tmp_path) == ["article.md", "shared"]
    assert _names(target.parent) == ["article.md"]
