"""`kb.site.build` on the small site KB: what each site contains, and what the public one never does."""

from __future__ import annotations

import gc
import gzip
import json
import re
from pathlib import Path

import pytest

from kb.check import check
from kb.errors import UsageError
from kb.project import KnowledgeBase
from kb.site import collect, routes, urls
from kb.site.build import build
from kb.site.leaks import readable_forms
from tests.site.conftest import TODAY, read_tree

# Unique text planted in the site KB: internal and withheld articles' titles, internal blocks.
WITHHELD = [
    "MARKER-INTERNAL-TITLE-BRAVO",  # audience internal
    "MARKER-INTERNAL-DESCRIPTION-DELTA",
    "MARKER-WIP-TITLE-FOXTROT",  # confidence wip
    "MARKER-PARTNER-TITLE-GOLF",  # audience partner
    "MARKER-NOTVALIDATED-TITLE-HOTEL",  # not validated
    "MARKER-INTERNAL-BLOCK-ALPHA",  # ::: internal block of a public article
    "MARKER-INTERNAL-BLOCK-ECHO",
    "ops-only-tag-charlie",  # a tag only an internal article has
]


def all_text(folder: Path) -> dict[str, str]:
    """Every file's readable forms (Pagefind's gzip files decompressed), joined."""
    texts = {}
    for name, data in read_tree(folder).items():
        forms = readable_forms(name, data)
        if forms is not None:
            texts[name] = "\n".join([*forms, name])
    return texts


@pytest.fixture
def built(kb: KnowledgeBase) -> Path:
    build(kb, today=TODAY)
    return kb.root / "site"


def test_markers_are_on_the_internal_site_and_nowhere_in_the_public_one(built: Path) -> None:
    internal = "\n".join(all_text(built / "internal").values())
    public = all_text(built / "public")
    for marker in WITHHELD:
        assert marker in internal, marker
        leaking = [name for name, text in public.items() if marker in text]
        assert not leaking, f"{marker} in {leaking}"
    assert any(name.startswith("pagefind/") for name in public), "the public search index was scanned too"


def test_the_public_search_index_holds_public_articles(built: Path) -> None:
    fragments = [
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        for p in (built / "public" / "pagefind" / "fragment").iterdir()
    ]
    assert any("token expired" in f for f in fragments)
    assert not any("MARKER" in f for f in fragments)


def test_withheld_ids_never_appear_on_the_public_site(built: Path) -> None:
    for name, text in all_text(built / "public").items():
        for withheld in ("KB-0004", "KB-0006", "KB-0007", "KB-0008"):
            assert not re.search(rf"(?<![\w-]){withheld}(?!\w)", text, re.IGNORECASE), (withheld, name)


def test_every_error_code_of_a_published_article_has_its_page(built: Path, kb: KnowledgeBase) -> None:
    from kb.load import load_articles
    from kb.publish import site_view

    articles = load_articles(kb)
    for name, site in kb.taxonomy.sites.items():
        for published in site_view(site, articles).articles:
            for code in published.article.error_codes:
                page = built / name / "errors" / code / "index.html"
                assert page.is_file(), (name, code)
                assert str(published.article.title) in page.read_text(encoding="utf-8").replace("&#34;", '"')
        assert (built / name / "errors" / "index.html").is_file()


def test_errors_json_lists_codes_with_their_articles_best_first(built: Path) -> None:
    data = json.loads((built / "public" / "errors.json").read_text(encoding="utf-8"))
    by_code = {c["code"]: c for c in data["codes"]}
    assert sorted(by_code) == ["AUTH-401", "AUTH-403", "PAY-402"]  # OPS-500 is only an internal article's
    assert [a["id"] for a in by_code["AUTH-401"]["articles"]] == ["KB-0001", "KB-0002"]  # the code in the title first
    assert by_code["AUTH-401"]["url"] == "errors/AUTH-401/"
    internal = json.loads((built / "internal" / "errors.json").read_text(encoding="utf-8"))
    assert {"OPS-500", "0x8004DEF4"} <= {c["code"] for c in internal["codes"]}


def test_public_article_page_shows_no_kcs_internals(built: Path) -> None:
    page = (built / "public" / "articles" / "kb-0001.html").read_text(encoding="utf-8")
    assert "team-identity" not in page
    assert "Identity team" not in page
    assert "Health score" not in page
    assert "staff-facts" not in page
    assert "Staff steps are in the runbook." in page  # the link to the internal runbook is plain text
    assert "MARKER-COMMENT-ZEBRA" not in page
    assert "<!--" not in page
    assert "<script" not in page
    assert "onclick" not in page
    assert '<a href="kb-0002.html#resolution">access denied</a>' in page
    assert '<meta name="robots"' not in page
    assert '<link rel="canonical" href="https://help.acme.test/articles/kb-0001.html">' in page
    assert 'href="https://git.acme.test/kb/edit/main/articles/identity/sso/token-expired.md">Suggest an edit' in page
    assert "title=Flag+KB-0001" in page


def test_internal_article_page_shows_kcs_metadata_and_notes(built: Path) -> None:
    page = (built / "internal" / "articles" / "kb-0001.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "<dt>Owner</dt><dd>Identity team (#identity)</dd>" in page
    assert "<dt>Audience</dt><dd>public</dd>" in page
    assert 'class="internal-note"' in page
    assert "MARKER-INTERNAL-BLOCK-ALPHA" in page
    assert '<a href="kb-0004.html">the runbook</a>' in page
    assert 'review due <time datetime="2026-07-13">' in page  # reviewed 2026-01-14 + 180 days


@pytest.mark.parametrize(
    ("article", "banner"),
    [
        ("kb-0003", "banner-archived"),  # archived, replaced by KB-0001
        ("kb-0006", "banner-wip"),
        ("kb-0008", "banner-not-validated"),
        ("kb-0005", "banner-overdue"),  # names Acme Cloud 4.2, past its end of life
    ],
)
def test_internal_banners(built: Path, article: str, banner: str) -> None:
    assert f"banner {banner}" in (built / "internal" / "articles" / f"{article}.html").read_text(encoding="utf-8")


def test_overdue_public_article_gets_a_review_banner(built: Path) -> None:
    page = (built / "public" / "articles" / "kb-0005.html").read_text(encoding="utf-8")
    assert "banner banner-review" in page
    assert "out of date" in page
    assert "Acme Cloud 4.2" in page  # the article itself is still published under the banner policy


def test_overdue_public_articles_can_be_kept_off(kb_root: Path) -> None:
    config = kb_root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("overdue: banner", "overdue: hide"), encoding="utf-8")
    build(KnowledgeBase(kb_root), today=TODAY, search=False)
    public = all_text(kb_root / "site" / "public")
    assert "articles/kb-0005.html" not in public
    assert not any("PAY-402 payment required" in text for text in public.values())
    assert (kb_root / "site" / "internal" / "articles" / "kb-0005.html").is_file()


def test_archived_and_moved_articles_redirect(built: Path) -> None:
    public = built / "public"
    stub = (public / "articles" / "kb-0003.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=kb-0001.html"' in stub
    assert "Old token article" not in stub  # the archived title is never shown
    moved = (public / "hc" / "en-us" / "articles" / "360001" / "index.html").read_text(encoding="utf-8")
    assert "url=../../../../articles/kb-0001.html" in moved
    assert (public / "articles" / "kb-0900.html").is_file()  # an old id in `aliases`
    redirects = (public / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/articles/kb-0003.html /articles/kb-0001.html 301" in redirects
    # On the staff site the archived article keeps its page, with a banner and its replacement.
    archived = (built / "internal" / "articles" / "kb-0003.html").read_text(encoding="utf-8")
    assert 'Replaced by <a href="kb-0001.html">KB-0001</a>' in archived


def test_sitemap_robots_and_404(built: Path) -> None:
    sitemap = (built / "public" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://help.acme.test/articles/kb-0001.html</loc>" in sitemap
    assert "kb-0003" not in sitemap
    assert "360001" not in sitemap
    assert "search.html" not in sitemap
    assert "Sitemap: https://help.acme.test/sitemap.xml" in (built / "public" / "robots.txt").read_text(
        encoding="utf-8"
    )
    assert (built / "internal" / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    assert not (built / "internal" / "sitemap.xml").exists()
    not_found = (built / "public" / "404.html").read_text(encoding="utf-8")
    assert 'href="/static/kb.css"' in not_found  # served at any depth: links from the site's root


def test_images_are_copied_and_linked(built: Path) -> None:
    for site in ("internal", "public"):
        assert (built / site / "assets" / "articles" / "identity" / "media" / "auth-401.png").is_file()
    page = (built / "public" / "articles" / "kb-0001.html").read_text(encoding="utf-8")
    assert 'src="../assets/articles/identity/media/auth-401.png" alt="The AUTH-401 sign-in screen"' in page


def test_home_lists_product_areas(built: Path) -> None:
    home = (built / "public" / "index.html").read_text(encoding="utf-8")
    assert '<a href="areas/identity.html">Identity</a>' in home
    assert '<a href="areas/billing.html">Billing</a>' in home
    assert "Operations" not in home  # only internal articles there
    assert "Operations" in (built / "internal" / "index.html").read_text(encoding="utf-8")


def test_long_tag_and_area_lists_are_paged(kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 50,000 articles one tag's page listed 12,000 of them (5 MB)."""
    one = tmp_path / "one"
    build(kb, out=one, today=TODAY, search=False)
    monkeypatch.setattr(collect, "LIST_ROWS_PER_PAGE", 1)
    paged = tmp_path / "paged"
    build(kb, out=paged, today=TODAY, search=False)

    for first in ("internal/tags/sso.html", "internal/areas/identity.html", "internal/areas/identity/sso.html"):
        everything = _listed((one / first).read_text(encoding="utf-8"))
        assert len(everything) >= 2
        pages = [paged / urls.list_page(first, n) for n in range(1, len(everything) + 1)]
        texts = [page.read_text(encoding="utf-8") for page in pages]
        assert [link for text in texts for link in _listed(text)] == everything  # the same, in order
        assert not (paged / urls.list_page(first, len(everything) + 1)).exists()
        assert f"<p>Article 2 of {len(everything)}.</p>" in texts[1]
        assert f'<a href="{Path(first).name}" rel="prev">Previous</a>' in texts[1]
    area = [(paged / urls.list_page("internal/areas/identity.html", n)).read_text(encoding="utf-8") for n in (1, 2)]
    assert 'class="subarea-list"' in area[0]  # sub-areas and the description: on the first page only
    assert 'class="subarea-list"' not in area[1]
    assert "<title>Identity, page 2 of 2" in area[1]
    assert "<title>Tag: sso, page 2 of 2" in (paged / "internal/tags/sso.page-2.html").read_text(encoding="utf-8")


def _listed(page: str) -> list[str]:
    return re.findall(r'class="article-link" href="([^"]+)"', page)


def test_ids_and_areas_written_by_hand_never_name_a_file_outside_the_site(kb_root: Path, tmp_path: Path) -> None:
    article = kb_root / "articles" / "runbooks" / "sso-failover.md"
    text = article.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", "id: ../../../escaped-id", text)
    text = re.sub(r"(?m)^product_area: .*$", "product_area: ../../../escaped-area", text)
    article.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "sites"

    build(KnowledgeBase(kb_root), out=out, today=TODAY, search=False)

    written = list(tmp_path.rglob("*escaped*"))
    assert written
    assert all(p.is_relative_to(out / "internal") for p in written)
    assert (out / "internal" / "articles" / "escaped-id.html").is_file()


def test_an_alias_never_takes_the_place_of_a_page(kb_root: Path, tmp_path: Path) -> None:
    article = kb_root / "articles" / "identity" / "sso" / "token-expired.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("KB-0900]", "KB-0900, index.html, tags/sso.html]", 1), encoding="utf-8")

    build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)

    home = (tmp_path / "out" / "public" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in home
    assert 'http-equiv="refresh"' not in (tmp_path / "out" / "public" / "tags" / "sso.html").read_text(encoding="utf-8")
    assert "/index.html " not in (tmp_path / "out" / "public" / "_redirects").read_text(encoding="utf-8")


# `aliases:` values the check reports (KB309) and the build skips; written as YAML flow scalars.
UNUSABLE_ALIASES = {
    "https://old-help.example.com/a": '"https://old-help.example.com/a"',
    "//old-help.example.com/b": '"//old-help.example.com/b"',
    "///": '"///"',
    "..": '".."',
    "hc\\articles\\7": "'hc\\articles\\7'",
    "Index.html": "Index.html",
    "sitemap.xml": "sitemap.xml",
    "robots.txt/old": "robots.txt/old",
    "tags/sso.html": "tags/sso.html",
    "static/old.html": "static/old.html",
    "KB-0001": "KB-0001",
}


def test_an_alias_the_check_reports_makes_no_redirect_and_every_other_one_does(kb_root: Path, tmp_path: Path) -> None:
    article = kb_root / "articles" / "identity" / "sso" / "token-expired.md"
    written = ", ".join(UNUSABLE_ALIASES.values())
    text = article.read_text(encoding="utf-8").replace("KB-0900]", f"KB-0900, {written}, old/page.htm]", 1)
    article.write_text(text, encoding="utf-8")
    kb = KnowledgeBase(kb_root)

    reported = [f.context for f in check(kb, today=TODAY).findings if f.code == "KB309"]
    build(kb, out=tmp_path / "out", today=TODAY, search=False)  # a backslash used to fail the whole build

    assert sorted(reported) == sorted(UNUSABLE_ALIASES)
    public = tmp_path / "out" / "public"
    sources = [line.split()[0] for line in (public / "_redirects").read_text(encoding="utf-8").splitlines()]
    assert sources == [
        "/articles/kb-0003.html",  # archived, replaced by KB-0001
        "/articles/kb-0900.html",
        "/hc/en-us/articles/360001/",
        "/old/page.htm",
    ]
    assert (public / "sitemap.xml").is_file()  # a file still, not a folder of a redirect
    assert 'http-equiv="refresh"' not in (public / "index.html").read_text(encoding="utf-8")
    # What kb writes at the top of a site, besides article pages and aliases, is what an alias may not take.
    for site in (public, tmp_path / "out" / "internal"):
        top = {p.name.casefold() for p in site.iterdir()} - {"articles", "hc", "old"}
        assert top <= routes.KB_FILES | routes.KB_FOLDERS, top - routes.KB_FILES - routes.KB_FOLDERS


def test_a_root_absolute_link_is_reported_kept_as_written_and_the_link_kb_suggests_leads_to_the_page(
    kb_root: Path,
) -> None:
    article = kb_root / "articles" / "identity" / "sso" / "token-expired.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nSee [access denied](/articles/identity/access-denied.md).\n", encoding="utf-8")
    kb = KnowledgeBase(kb_root)

    [finding] = [f for f in check(kb, today=TODAY).findings if f.code == "KB407"]
    build(kb, today=TODAY, search=False)
    page = (kb_root / "site" / "internal" / "articles" / "kb-0001.html").read_text(encoding="utf-8")
    suggested = re.search(r'link to "([^"]+)" instead', finding.message)
    assert suggested is not None
    article.write_text(text + f"\nSee [access denied]({suggested.group(1)}).\n", encoding="utf-8")
    build(kb, today=TODAY, search=False)
    fixed = (kb_root / "site" / "internal" / "articles" / "kb-0001.html").read_text(encoding="utf-8")

    assert '<a href="/articles/identity/access-denied.md">access denied</a>' in page  # outside any site folder
    assert suggested.group(1) == "../access-denied.md"
    assert '<a href="kb-0002.html">access denied</a>' in fixed


def test_one_site_and_another_folder(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    report = build(kb, sites=["public"], out=out, today=TODAY, search=False)
    assert [s.name for s in report.sites] == ["public"]
    assert (out / "public" / "index.html").is_file()
    assert not (out / "internal").exists()
    with pytest.raises(UsageError, match="no site named 'publik' \\(did you mean \"public\"\\?\\)"):
        build(kb, sites=["publik"], out=out, today=TODAY)


def test_a_site_folder_that_would_hold_the_articles_folder_is_refused(kb_root: Path) -> None:
    # Articles in internal/: a site written to the KB's root would replace them with the internal site.
    (kb_root / "articles").rename(kb_root / "internal")
    config = kb_root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "articles: internal\n", encoding="utf-8")
    before = read_tree(kb_root / "internal")

    with pytest.raises(UsageError, match=r"cannot write the internal site to .*: it holds the articles folder"):
        build(KnowledgeBase(kb_root), out=kb_root, today=TODAY, search=False)

    assert read_tree(kb_root / "internal") == before


def test_two_articles_with_one_id_publish_the_first_by_path_and_warn(kb: KnowledgeBase, tmp_path: Path) -> None:
    article = kb.root / "articles" / "billing" / "payment-required.md"
    copy = kb.root / "articles" / "billing" / "zz-copy.md"
    copy.write_text(article.read_text(encoding="utf-8").replace("PAY-402 payment required", "COPY-MARKER"), "utf-8")

    report = build(kb, out=tmp_path / "out", today=TODAY, search=False)

    page = (tmp_path / "out" / "public" / "articles" / "kb-0005.html").read_text(encoding="utf-8")
    assert "PAY-402 payment required" in page
    assert "COPY-MARKER" not in page
    assert [w.render().splitlines()[0] for w in report.warnings] == [
        f"{copy}: not published: its id KB-0005 is also articles/billing/payment-required.md's, which is published"
    ]  # once, though both sites withhold it


def test_an_article_with_a_secret_is_kept_off_the_public_site_with_a_warning(kb: KnowledgeBase, tmp_path: Path) -> None:
    article = kb.root / "articles" / "billing" / "payment-required.md"
    key = "AKIA" + "Q3EGXJ7LWRZ5TN2B"  # an AWS access key id's shape (split: no secret scanner trips on it here)
    article.write_text(article.read_text(encoding="utf-8") + f"\nUse the key {key} to call the API.\n", "utf-8")

    report = build(kb, out=tmp_path / "out", today=TODAY, search=False)

    public = all_text(tmp_path / "out" / "public")
    assert not [name for name, text in public.items() if key in text or "KB-0005" in text]
    assert (tmp_path / "out" / "internal" / "articles" / "kb-0005.html").is_file()  # staff still see it
    [warning] = report.warnings
    assert warning.render().startswith(
        f"{article}: not published on the public site: KB501 secret on line 32: AWS access key AKIA…"
    )
    assert key not in warning.render()


def test_kb_today_sets_the_day_a_build_judges_reviews_by(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.check import today_for_build

    monkeypatch.setenv("KB_TODAY", "2031-01-01")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")

    assert today_for_build().isoformat() == "2031-01-01"


def test_a_secret_is_kept_off_even_when_another_file_shares_the_id_and_titles_stay_sayable(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    article = kb.root / "articles" / "billing" / "payment-required.md"
    text = article.read_text(encoding="utf-8")
    key = "AKIA" + "Q3EGXJ7LWRZ5TN2B"
    article.write_text(text + f"\nUse the key {key} to call the API.\n", "utf-8")
    # A clean copy under the same id, titled with the start of the published title: health is
    # by file, and an article kept off for its id is no secret, so no false leak either.
    copy = kb.root / "articles" / "billing" / "zz-copy.md"
    copy.write_text(text.replace("PAY-402 payment required after a card expires", "PAY-402 payment required"), "utf-8")

    report = build(kb, out=tmp_path / "out", today=TODAY, search=False)

    public = all_text(tmp_path / "out" / "public")
    assert not [name for name, text in public.items() if key in text]
    warned = sorted(w.message.split(":")[0] for w in report.warnings)
    assert warned == ["not published", "not published on the public site"]


def test_a_secret_is_kept_off_at_whatever_level_the_rule_is_set(kb: KnowledgeBase, tmp_path: Path) -> None:
    config = kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nlint:\n  levels: {KB501: info}\n", "utf-8")
    article = kb.root / "articles" / "billing" / "payment-required.md"
    key = "AKIA" + "Q3EGXJ7LWRZ5TN2B"
    article.write_text(article.read_text(encoding="utf-8") + f"\nUse the key {key}.\n", "utf-8")

    build(KnowledgeBase(kb.root), out=tmp_path / "out", today=TODAY, search=False)

    assert not [name for name, text in all_text(tmp_path / "out" / "public").items() if key in text]


def test_a_redirect_from_a_path_with_spaces_is_one_line_of_three_fields(kb_root: Path, tmp_path: Path) -> None:
    article = kb_root / "articles" / "identity" / "sso" / "token-expired.md"
    text = article.read_text(encoding="utf-8").replace("KB-0900]", 'KB-0900, "old help/été.htm"]', 1)
    article.write_text(text, encoding="utf-8")
    build(KnowledgeBase(kb_root), out=tmp_path / "out", today=TODAY, search=False)
    public = tmp_path / "out" / "public"
    lines = (public / "_redirects").read_text(encoding="utf-8").splitlines()
    assert all(len(line.split()) == 3 for line in lines), lines
    assert "/old%20help/%C3%A9t%C3%A9.htm /articles/kb-0001.html 301" in lines
    assert (public / "old help" / "été.htm").is_file()


def test_a_build_leaves_the_collector_on_and_no_garbage_in_cycles(kb: KnowledgeBase, tmp_path: Path) -> None:
    # A one-off build pauses the cyclic collector: that is only safe while it makes no cycles.
    gc.collect()
    build(kb, out=tmp_path / "site", today=TODAY, search=False)
    assert gc.isenabled()
    assert gc.collect() == 0
