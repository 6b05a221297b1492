"""Fixtures for the site tests: a copy of the small site KB in a temporary folder, built once per test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kb.project import KnowledgeBase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SITE_KB = FIXTURES / "site-kb"
TODAY = dt.date(2026, 3, 1)  # the site KB's staleness is judged on this day


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    return root


@pytest.fixture
def kb(kb_root: Path) -> KnowledgeBase:
    return KnowledgeBase(kb_root)


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its POSIX path inside it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def set_pages_per_run(kb_root: Path, pages: int) -> None:
    """Index each site of the KB at `kb_root` in parts of `pages` pages (site.search_pages_per_run)."""
    config = kb_root / "kb.yaml"
    text = config.read_text(encoding="utf-8").replace("site:\n", f"site:\n  search_pages_per_run: {pages}\n", 1)
    config.write_text(text, encoding="utf-8")
