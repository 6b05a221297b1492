"""Where the search fixtures live, and how their tables are read."""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.project import KnowledgeBase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "search"
# Articles a test adds to the fixture KB (paths below `articles/`), so the common KB stays small.
EXTRA_ARTICLES = Path(__file__).resolve().parent / "articles"


def indexed(kb: KnowledgeBase, site: str, field: str) -> list[str]:
    """`field` of every document in `site`'s whoosh index on disk, sorted (what a build left)."""
    from whoosh import index as whoosh_index

    from kb.search.build import index_dir

    ix = whoosh_index.open_dir(str(index_dir(kb, site)))
    try:
        with ix.searcher() as searcher:
            return sorted(fields[field] for fields in searcher.all_stored_fields())
    finally:
        ix.close()  # type: ignore[no-untyped-call]


def read_table(name: str) -> list[tuple[str, str]]:
    """Rows of a two-column TSV fixture, comments skipped; a missing second column is ''."""
    rows = []
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, _, expected = line.partition("\t")
        rows.append((text, expected))
    return rows


def add_articles(kb: KnowledgeBase, *relpaths: str) -> None:
    """Copy articles of tests/search/articles into `kb` at the same paths (index them yourself)."""
    for relpath in relpaths:
        target = kb.articles_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXTRA_ARTICLES / relpath, target)


ARTICLE = """---
id: {id}
title: "{title}"
type: troubleshooting
confidence: validated
audience: public
product_area: mail
owner: team-support
created: 2025-01-10
reviewed: 2026-01-10
description: "What the sender sees."
---
## Issue

{issue}

## Resolution

Ask the recipient to empty the deleted items folder.
"""


def add_article(kb: KnowledgeBase, name: str, article_id: str, title: str, issue: str) -> None:
    """A troubleshooting article in articles/mail/ of `kb`, with its issue in the words given."""
    path = kb.articles_dir / "mail" / f"{name}.md"
    path.write_text(ARTICLE.format(id=article_id, title=title, issue=issue), encoding="utf-8")
