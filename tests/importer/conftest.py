"""Shared set-up for importer tests: a fresh KB made by `kb init` in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.project import KnowledgeBase
from kb.scaffold import init_kb


@pytest.fixture
def fresh_kb(tmp_path: Path) -> KnowledgeBase:
    return init_kb(tmp_path / "kb")
