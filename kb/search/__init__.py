"""Search: one whoosh index per site, error codes first, prose by BM25F (`kb index`, `kb search`).

The public API, used by `kb search` and by the site server:
`update_index(kb, site=None, *, full=False) -> IndexReport`, `SearchIndex.open(kb, site)`,
`SearchIndex.search(query, area=, type=, code=, limit=) -> SearchResult` and
`SearchIndex.lookup_code(code) -> list[Hit]`.
"""

from __future__ import annotations

from kb.search.build import IndexReport, IndexStatus, SiteReport, index_status, update_index
from kb.search.query import Hit, IndexMissing, SearchIndex, SearchResult, plan_query

__all__ = [
    "Hit",
    "IndexMissing",
    "IndexReport",
    "IndexStatus",
    "SearchIndex",
    "SearchResult",
    "SiteReport",
    "index_status",
    "plan_query",
    "update_index",
]
