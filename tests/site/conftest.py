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
