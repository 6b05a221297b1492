"""Shared set-up for search tests: a copy of the fixture KB in a temporary folder, indexed for real."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index
from tests.search.search_fixtures import FIXTURES


@pytest.fixture
def search_kb(tmp_path: Path) -> KnowledgeBase:
    """A fresh copy of tests/fixtures/search/kb with both sites indexed."""
    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb", root)
    kb = KnowledgeBase(root)
    update_index(kb)
    return kb


@pytest.fixture
def public_index(search_kb: KnowledgeBase) -> Iterator[SearchIndex]:
    with SearchIndex.open(search_kb, "public") as index:
        yield index


@pytest.fixture
def internal_index(search_kb: KnowledgeBase) -> Iterator[SearchIndex]:
    with SearchIndex.open(search_kb, "internal") as index:
        yield index
