"""Where the importer fixtures live; golden files are rewritten with KB_REGENERATE=1."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importer"
DOCFX = FIXTURES / "docfx"
EXPECTED = FIXTURES / "expected"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "officedocs-support"


def matches_golden(actual: str, golden: Path) -> bool:
    """Compare with a golden file, or rewrite it when KB_REGENERATE=1 (see tests/README.md)."""
    if os.environ.get("KB_REGENERATE") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return True
    return golden.read_text(encoding="utf-8") == actual
