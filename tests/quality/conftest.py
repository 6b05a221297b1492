"""Fixtures of the quality tests: a small KB with target articles, and the repository's sample KB."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.project import KnowledgeBase

FIXTURES = Path(__file__).parent.parent / "fixtures"
QUALITY = FIXTURES / "quality"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def quality_kb(tmp_path: Path) -> KnowledgeBase:
    """tests/fixtures/quality/kb copied: the sample taxonomy and five target articles in articles/base/."""
    shutil.copytree(QUALITY / "kb", tmp_path / "kb")
    return KnowledgeBase(tmp_path / "kb")


@pytest.fixture
def sample_kb(tmp_path: Path) -> KnowledgeBase:
    """A copy of the repository's sample KB (kb.yaml, schemas/, articles/)."""
    target = tmp_path / "sample"
    target.mkdir()
    shutil.copyfile(REPO / "kb.yaml", target / "kb.yaml")
    shutil.copytree(REPO / "schemas", target / "schemas")
    shutil.copytree(REPO / "articles", target / "articles")
    return KnowledgeBase(target)
