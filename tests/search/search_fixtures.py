"""Where the search fixtures live, and how their tables are read."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "search"


def read_table(name: str) -> list[tuple[str, str]]:
    """Rows of a two-column TSV fixture, comments skipped; a missing second column is ''."""
    rows = []
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, _, expected = line.partition("\t")
        rows.append((text, expected))
    return rows
