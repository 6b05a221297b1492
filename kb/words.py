"""How kb writes counts for people, in every message, report and page: `1 article`, `1,234 articles`."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 article`, `2 articles`, `1,234 articles`; `many` for a plural not made with -s (entries)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
