"""Shared fixtures: a fresh knowledge base made by `kb init`, and a way to put articles in it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from kb.project import KnowledgeBase
from kb.scaffold import init_kb

FIXTURES = Path(__file__).parent / "fixtures"

# Deterministic by default: the same examples on every run and machine. For a longer, random
# search (worth it after changing a parser): KB_HYPOTHESIS_PROFILE=explore pytest tests/test_properties.py
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None, max_examples=150)
settings.register_profile("explore", deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("KB_HYPOTHESIS_PROFILE", "repeatable"))

WriteArticle = Callable[[str, str | bytes], Path]


@pytest.fixture(autouse=True)
def _no_ambient_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests find their KB from their own folders, never from the caller's environment."""
    monkeypatch.delenv("KB_ROOT", raising=False)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review dates are compared with 2026-03-01 (the `today` fixture) in every test, CLI runs
    included, so that no test turns red when the calendar moves past a review date."""
    monkeypatch.setenv("KB_TODAY", "2026-03-01")


@pytest.fixture
def fixtures() -> Path:
    """The folder of test data files (articles good and broken, expected findings)."""
    return FIXTURES


@pytest.fixture
def today() -> dt.date:
    """The date every test runs on, so that nothing depends on the calendar."""
    return dt.date(2026, 3, 1)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    """A fresh knowledge base made by `kb init` (its starter taxonomy and example article)."""
    return init_kb(tmp_path / "kb")


@pytest.fixture
def write_article(kb: KnowledgeBase) -> WriteArticle:
    """Write a file under the KB's articles folder (text as UTF-8 with LF, bytes as they are)."""

    def write(relpath: str, content: str | bytes) -> Path:
        path = kb.articles_dir / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def good_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """The fresh KB plus every good fixture article, under articles/good/."""
    target = kb.articles_dir / "good"
    target.mkdir()
    for source in sorted((FIXTURES / "good").glob("*.md")):
        shutil.copyfile(source, target / source.name)
    return kb
