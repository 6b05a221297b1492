"""The Pagefind index of a site with more pages than one Pagefind run takes: parts, each page in
one, and only the parts whose pages changed indexed again."""

from __future__ import annotations

import gzip
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.project import KnowledgeBase
from kb.site import leaks
from kb.site.build import Builder, LeakError, SiteIndex, build
from kb.site.output import SiteFolder
from kb.site.searchindex import ENTRY_FILE, PARTS_FILE, UNMARKED, Indexed, assign_parts, indexed_pages
from kb.site.views import SiteInfo
from tests.site.conftest import FIXTURES, TODAY, read_tree, set_pages_per_run

ARTICLE = Path("articles/billing/payment-required.md")
JAPANESE_ARTICLE = FIXTURES / "japanese" / "outlook-sync.md"  # KB-0951, public, with one error code


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
        assert 2 < len(found) <= math.ceil(len(pages) / 2), name
        assert all(urls for urls in found), found
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


def made_by_run(site: Path) -> dict[str, int]:
    """Each bundle of the site (by its folder) and the inode of its entry file: a Pagefind run
    writes a new one, a kept part keeps it."""
    return {bundle.name: (bundle / ENTRY_FILE).stat().st_ino for bundle in bundles(site)}


def pages_by_bundle(site: Path) -> dict[str, list[str]]:
    return {bundle.name: bundle_urls(bundle) for bundle in bundles(site)}


def changed_pages(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """The URLs of the HTML pages whose bytes differ (or that came or went)."""
    names = {n for n in before.keys() | after.keys() if n.endswith(".html") and before.get(n) != after.get(n)}
    return {f"/{name}".removesuffix("index.html") for name in names}


def edit(kb_root: Path) -> None:
    path = kb_root / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Update the card under", "Replace the card under"), encoding="utf-8")


@pytest.fixture
def serving(kb_root: Path) -> Iterator[Builder]:
    """kb serve's builder after its first build, on the site KB in parts of two pages."""
    set_pages_per_run(kb_root, 2)
    with Builder(kb_root, today=TODAY) as builder:
        builder.build()
        yield builder


def assert_every_part_indexed_again(site: Path, runs: dict[str, int]) -> None:
    now = made_by_run(site)
    assert now.keys() == runs.keys()
    assert all(now[name] != runs[name] for name in now)


def assert_only_changed_parts_indexed(site: Path, before: dict[str, bytes], runs: dict[str, int]) -> None:
    changed = changed_pages(before, read_tree(site))
    again = {name for name, urls in pages_by_bundle(site).items() if changed & set(urls)}
    now = made_by_run(site)
    assert again, "the edited article's page is in a part"
    assert again != set(now), "some part has no changed page"
    assert {name for name in now if now[name] != runs.get(name)} == again


def test_a_new_build_indexes_again_only_the_parts_holding_changed_pages(kb_root: Path) -> None:
    set_pages_per_run(kb_root, 2)
    build(KnowledgeBase(kb_root), today=TODAY)
    site = kb_root / "site" / "public"
    before, runs = read_tree(site), made_by_run(site)

    edit(kb_root)
    build(KnowledgeBase(kb_root), today=TODAY)

    assert_only_changed_parts_indexed(site, before, runs)


def test_kb_serve_indexes_again_only_the_parts_holding_changed_pages(kb_root: Path, serving: Builder) -> None:
    site = kb_root / "site" / "public"
    before, runs = read_tree(site), made_by_run(site)

    edit(kb_root)
    report = serving.build(changed={kb_root / ARTICLE}, defer_search=True)
    serving.index_pending()

    assert not any(built.full for built in report.sites)
    assert_only_changed_parts_indexed(site, before, runs)


def test_a_site_written_whole_is_indexed_with_it_and_not_again(kb_root: Path, request: pytest.FixtureRequest) -> None:
    builder = Builder(kb_root, today=TODAY)
    request.addfinalizer(builder.close)

    report = builder.build(defer_search=True)  # kb serve's first build

    assert all(site.full for site in report.sites)
    assert builder.pending == {}
    assert all((kb_root / "site" / name / "pagefind" / ENTRY_FILE).is_file() for name in ("internal", "public"))


def test_kept_parts_make_the_same_index_as_a_build_from_nothing(kb_root: Path, tmp_path: Path) -> None:
    set_pages_per_run(kb_root, 2)
    kb = KnowledgeBase(kb_root)
    build(kb, today=TODAY)
    edit(kb_root)
    build(KnowledgeBase(kb_root), today=TODAY)
    build(KnowledgeBase(kb_root), out=tmp_path / "fresh", today=TODAY, cache=False)

    for name in ("internal", "public"):
        assert read_tree(kb_root / "site" / name) == read_tree(tmp_path / "fresh" / name), name


def test_a_kept_part_is_scanned_for_what_became_forbidden_since(kb_root: Path) -> None:
    set_pages_per_run(kb_root, 2)
    build(KnowledgeBase(kb_root), today=TODAY)
    folder = SiteFolder(kb_root / "site" / "public")
    # Nothing changed, so every part is kept: only the scan can find this.
    forbidden = leaks.Forbidden.of([("title of withheld article articles/x.md", "PAY-402 payment required")])
    info = SiteInfo(
        "public", "Help", "kb", staff=False, public=True, language="en", base_url="", search=True, has_health=False
    )

    manifest = folder.manifest()
    assert manifest is not None

    with pytest.raises(LeakError) as raised:
        SiteIndex(folder, info, forbidden, 2, manifest.files).in_place()

    assert {leak.file.split("/")[0] for leak in raised.value.leaks} == {"pagefind"}
    assert not (folder.folder / "pagefind").exists(), "better no search than a search that leaks"
    assert not folder.search_record.exists()


def test_a_full_build_indexes_every_part_again(kb_root: Path) -> None:
    set_pages_per_run(kb_root, 2)
    build(KnowledgeBase(kb_root), today=TODAY)
    site = kb_root / "site" / "public"
    runs = made_by_run(site)

    build(KnowledgeBase(kb_root), today=TODAY, full=True)  # kb build --full

    assert_every_part_indexed_again(site, runs)


def test_a_site_that_outgrows_one_run_is_indexed_as_a_build_from_nothing_would(kb_root: Path, tmp_path: Path) -> None:
    build(KnowledgeBase(kb_root), out=tmp_path / "count", today=TODAY)
    html = len(list((tmp_path / "count" / "public").rglob("*.html")))
    set_pages_per_run(kb_root, html)  # the public site fits one run, with its unmarked pages
    build(KnowledgeBase(kb_root), today=TODAY)
    new = kb_root / "articles" / "billing" / "invoice-missing.md"
    text = (kb_root / ARTICLE).read_text(encoding="utf-8")
    new.write_text(text.replace("KB-0005", "KB-0105").replace("PAY-402 payment required", "Invoice missing"), "utf-8")

    build(KnowledgeBase(kb_root), today=TODAY)  # now more pages than one run takes
    build(KnowledgeBase(kb_root), out=tmp_path / "fresh", today=TODAY, cache=False)

    assert len(list((kb_root / "site" / "public").rglob("*.html"))) > html
    assert read_tree(kb_root / "site" / "public") == read_tree(tmp_path / "fresh" / "public")


def test_a_rebuild_with_nothing_changed_indexes_a_site_whose_last_index_did_not_finish(
    kb_root: Path, serving: Builder
) -> None:
    folder = SiteFolder(kb_root / "site" / "public")
    folder.forget_search_record()  # as an index that failed before its swap leaves it

    serving.build()

    assert folder.search_record.is_file()


def test_an_index_swap_interrupted_between_its_renames_is_finished_by_the_next_build(kb_root: Path) -> None:
    build(KnowledgeBase(kb_root), today=TODAY)
    folder = SiteFolder(kb_root / "site" / "public")
    bundle = folder.folder / "pagefind"
    shutil.copytree(bundle, folder.search_fresh)
    (folder.search_fresh / "made-by-the-new-index.txt").write_text("new", encoding="utf-8")
    after = read_tree(folder.search_fresh)
    bundle.rename(folder.search_retired)  # the live index moved aside, the new one (scanned, whole) not yet in

    folder.recover()

    assert read_tree(bundle) == after
    assert not folder.search_retired.exists()
    assert not folder.search_fresh.exists()


def test_an_index_swap_interrupted_before_a_new_index_was_made_keeps_the_old_one(kb_root: Path) -> None:
    build(KnowledgeBase(kb_root), today=TODAY)
    folder = SiteFolder(kb_root / "site" / "public")
    bundle = folder.folder / "pagefind"
    before = read_tree(bundle)
    bundle.rename(folder.search_retired)

    folder.recover()

    assert read_tree(bundle) == before
    assert not folder.search_retired.exists()


def test_pages_read_for_the_marker_are_recorded_read_when_they_fit_one_run(kb_root: Path, tmp_path: Path) -> None:
    build(KnowledgeBase(kb_root), out=tmp_path / "count", today=TODAY)
    site = tmp_path / "count" / "public"
    marked, html = len(indexed_pages(site)), len(list(site.rglob("*.html")))
    assert marked < html
    set_pages_per_run(kb_root, marked)  # more pages than one run takes, but marked ones fit one run

    build(KnowledgeBase(kb_root), today=TODAY)

    record = Indexed.read(SiteFolder(kb_root / "site" / "public").search_record)
    assert record is not None
    assert (record.parts, record.marks_read) == (1, True)
    assert sorted(record.by_part[0]) == indexed_pages(kb_root / "site" / "public")
    assert sum(1 for _, part in record.pages.values() if part == UNMARKED) == html - marked


def test_without_its_record_every_part_is_indexed_again(kb_root: Path) -> None:
    set_pages_per_run(kb_root, 2)
    build(KnowledgeBase(kb_root), today=TODAY)
    site = kb_root / "site" / "public"
    runs = made_by_run(site)
    record = kb_root / "site" / ".kb-build" / "public.search.json"
    record.write_text("{not json", encoding="utf-8")

    edit(kb_root)
    build(KnowledgeBase(kb_root), today=TODAY)

    assert_every_part_indexed_again(site, runs)
    assert record.is_file(), "the new index's record replaces the damaged one"


@given(
    st.lists(st.text(alphabet="abcdefghij/-.", min_size=1, max_size=12), unique=True, max_size=60),
    st.integers(min_value=1, max_value=9),
    st.text(alphabet="klmnop", min_size=1, max_size=8),
)
def test_parts_hold_every_page_once_none_empty_and_a_new_page_moves_no_other(
    pages: list[str], per_run: int, new: str
) -> None:
    parts = assign_parts(pages, per_run)
    assert sorted(name for part in parts for name in part) == sorted(pages)
    assert len(parts) <= max(1, math.ceil(len(pages) / per_run))
    assert all(parts) or parts == [[]]

    grown = assign_parts([*pages, new], per_run)
    if len(grown) == len(parts):
        moved = [number for number, (old, now) in enumerate(zip(parts, grown, strict=True)) if old != now]
        assert len(moved) == 1
        assert grown[moved[0]] == sorted([*parts[moved[0]], new], key=[*pages, new].index)


def bundle_languages(bundle: Path) -> list[str]:
    return sorted(json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))["languages"])


def has_word(bundle: Path, word: str) -> bool:
    """Whether the bundle's index holds `word` as a word of its own (a CBOR text string), not only
    inside a longer one."""
    encoded = word.encode("utf-8")
    assert len(encoded) < 24, "a short string's CBOR head is one byte"
    index = b"".join(gzip.decompress(path.read_bytes()) for path in (bundle / "index").iterdir())
    return bytes([0x60 + len(encoded)]) + encoded in index


def test_a_japanese_article_in_an_english_site_is_indexed_in_japanese_in_a_part_of_its_own(kb_root: Path) -> None:
    shutil.copy(JAPANESE_ARTICLE, kb_root / "articles" / "identity" / JAPANESE_ARTICLE.name)
    build(KnowledgeBase(kb_root), today=TODAY)
    site = kb_root / "site" / "public"
    runs = made_by_run(site)

    primary, *parts = bundles(site)
    japanese = ["/articles/kb-0951.html", "/errors/0x8004DEF4/"]  # its error page shows its title
    assert bundle_languages(primary) == ["en"]
    assert [(bundle_languages(part), sorted(bundle_urls(part))) for part in parts] == [(["ja"], japanese)]
    assert has_word(parts[0], "同期")  # cut out of "Outlookの同期が失敗し": found by the search page
    assert has_word(primary, "expir")  # English still stemmed
    record = Indexed.read(SiteFolder(site).search_record)
    assert record is not None
    assert record.languages == ("", "ja")

    build(KnowledgeBase(kb_root), today=TODAY)  # nothing changed: no part indexed again
    assert made_by_run(site) == runs
