"""The Pagefind index of a site with more pages than one Pagefind run takes: parts, each page in one."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

from kb.project import KnowledgeBase
from kb.site.build import build
from kb.site.searchindex import PARTS_FILE, indexed_pages
from tests.site.conftest import TODAY, set_pages_per_run


def bundle_urls(bundle: Path) -> list[str]:
    """The page URLs one Pagefind bundle (not the parts inside it) holds, from its fragments."""
    urls = []
    for fragment in sorted((bundle / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.append(json.loads(data)["url"])
    return urls


def bundles(site: Path) -> list[Path]:
    """The site's bundle and the parts kb-parts.json names, in order."""
    primary = site / "pagefind"
    parts = json.loads((primary / PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    return [primary, *(primary / part for part in parts)]


def test_a_site_with_more_pages_than_a_run_takes_is_indexed_in_parts_holding_each_page_once(kb_root: Path) -> None:
    set_pages_per_run(kb_root, 2)
    build(KnowledgeBase(kb_root), today=TODAY)

    for name in ("internal", "public"):
        site = kb_root / "site" / name
        pages = indexed_pages(site)
        found = [bundle_urls(bundle) for bundle in bundles(site)]
        assert len(found) == math.ceil(len(pages) / 2) > 2, name
        assert all(1 <= len(urls) <= 2 for urls in found), found
        everywhere = [url for urls in found for url in urls]
        assert sorted(everywhere) == sorted(f"/{page}".removesuffix("index.html") for page in pages), name
    assert not any((kb_root / "site" / ".kb-build").glob("*.search-parts")), "the parts' links are gone"


def test_a_site_within_one_run_has_one_bundle_and_says_so(kb_root: Path) -> None:
    build(KnowledgeBase(kb_root), today=TODAY)

    site = kb_root / "site" / "public"
    assert bundles(site) == [site / "pagefind"]
    assert sorted(bundle_urls(site / "pagefind")) == sorted(
        f"/{page}".removesuffix("index.html") for page in indexed_pages(site)
    )
