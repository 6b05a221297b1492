"""The built sites in real headless Chromium: navigation, search, internal notes, keyboard, accessibility."""

from __future__ import annotations

import contextlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Sites, Tab
from tests.site.test_searchindex import bundle_urls, bundles

pytestmark = pytest.mark.browser

AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGES = [
    "index.html",
    "articles/kb-0001.html",
    "articles/kb-0002.html",
    "errors/AUTH-401/",
    "errors/",
    "tags/",
    "tags/sso.html",
    "areas/identity.html",
    "search.html?q=token",
    "404.html",
]


def axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_open_home_and_navigate_to_an_article(tab: Tab, built_sites: Sites) -> None:
    page = tab.page
    page.goto(built_sites.public)
    assert page.locator("h1").inner_text() == "Acme Help Center"
    page.get_by_role("link", name="Identity", exact=True).first.click()
    page.wait_for_url("**/areas/identity.html")
    page.get_by_role("link", name="AUTH-403 access denied when opening the admin console").click()
    page.wait_for_url("**/articles/kb-0002.html")
    assert "AUTH-403 access denied" in page.locator("h1").inner_text()
    page.get_by_role("link", name="token expired").click()  # a link written between articles in Markdown
    page.wait_for_url("**/articles/kb-0001.html")
    assert tab.errors == []


def test_search_an_error_code_and_land_on_its_page(tab: Tab, built_sites: Sites) -> None:
    page = tab.page
    page.goto(built_sites.public)
    page.get_by_label("Search articles or enter an error code").fill("auth-401")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=auth-401")
    first = page.locator("#kb-results li a").first
    first.wait_for()
    assert first.inner_text() == "AUTH-401: Token expired"  # the exact code is offered first
    results = page.locator("#kb-results li a").all_inner_texts()
    assert any("Sign-in fails with AUTH-401" in text for text in results[1:])  # then Pagefind's hits
    first.click()
    page.wait_for_url("**/errors/AUTH-401/")
    assert page.locator("h1").inner_text().endswith("AUTH-401")
    assert (
        page.get_by_role("link", name='Sign-in fails with AUTH-401 "token expired" after an SSO timeout').count() == 1
    )
    assert tab.errors == []


def test_prose_search_finds_articles(tab: Tab, built_sites: Sites) -> None:
    page = tab.page
    page.goto(built_sites.public + "search.html")
    page.locator("#kb-q").fill("card expired")
    page.locator("#kb-results li a").first.wait_for()
    assert "PAY-402 payment required" in page.locator("#kb-results").inner_text()
    assert "MARKER" not in page.locator("#kb-results").inner_text()
    assert tab.errors == []
    # The page found is in a part of the index other than the site's own bundle: the parts merged.
    primary, *parts = bundles(built_sites.folder / "public")
    found = page.locator("#kb-results li a", has_text="PAY-402 payment required").first.get_attribute("href") or ""
    path = "/" + found.split("/", 3)[3]
    assert path not in bundle_urls(primary)
    assert any(path in bundle_urls(part) for part in parts)


def test_internal_notes_show_on_the_internal_site_only(tab: Tab, built_sites: Sites) -> None:
    page = tab.page
    page.goto(built_sites.internal + "articles/kb-0001.html")
    note = page.locator(".internal-note")
    assert note.is_visible()
    assert "MARKER-INTERNAL-BLOCK-ALPHA" in note.inner_text()
    assert page.locator(".staff-facts").is_visible()
    page.goto(built_sites.public + "articles/kb-0001.html")
    assert page.locator(".internal-note").count() == 0
    assert "MARKER-INTERNAL-BLOCK-ALPHA" not in page.content()
    assert page.locator(".staff-facts").count() == 0
    assert tab.errors == []


def test_keyboard_skip_link_and_visible_focus(tab: Tab, built_sites: Sites) -> None:
    page = tab.page
    page.goto(built_sites.public + "articles/kb-0001.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.locator(".skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    tag = page.evaluate("document.activeElement.tagName")
    assert tag == "A"
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert tab.errors == []


def test_pages_work_without_javascript(browser: Any, built_sites: Sites) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(built_sites.public)
    page.get_by_role("link", name="Error codes", exact=True).click()
    page.wait_for_url("**/errors/")
    page.get_by_role("link", name="PAY-402", exact=True).click()
    assert page.locator("h1").inner_text().endswith("PAY-402")
    page.goto(built_sites.public + "search.html")
    assert "Search needs JavaScript" in page.locator("main").inner_text()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("site", ["public", "internal"])
def test_accessibility_scan_is_clean(tab: Tab, built_sites: Sites, site: str, scheme: str) -> None:
    page = tab.page
    page.emulate_media(color_scheme=scheme)
    base = getattr(built_sites, site)
    found = {}
    for path in [
        *PAGES,
        *(["health/", "articles/kb-0003.html", "articles/kb-0006.html"] if site == "internal" else []),
    ]:
        page.goto(base + path)
        if path.startswith("search.html"):
            page.locator("#kb-results li").first.wait_for()
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, json.dumps(found, indent=1)
    assert tab.errors == []


@pytest.mark.parametrize("site", ["public", "internal"])
def test_accessibility_scan_of_the_sample_kb(tab: Tab, sample_sites: Sites, site: str) -> None:
    page = tab.page
    base = getattr(sample_sites, site)
    page.goto(base)
    links = page.eval_on_selector_all("main a[href*='articles/']", "els => els.map(e => e.getAttribute('href'))")
    found = {}
    paged = ["tags/sync.page-2.html", "areas/identity/sso.page-2.html"]
    paged += ["health/", "health/page/2/"] if site == "internal" else []
    for path in ["", "errors/", "tags/", *paged, *sorted(set(links))[:12]]:
        page.goto(base + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_the_knowledge_health_list_pages_on(tab: Tab, sample_sites: Sites) -> None:
    page = tab.page
    page.goto(sample_sites.internal + "health/")
    page.get_by_role("navigation", name="Pages of the article list (top)").get_by_role("link", name="Next").click()
    assert page.url == sample_sites.internal + "health/page/2/"
    assert page.locator("h1").inner_text().startswith("Knowledge health, page 2 of ")
    assert page.locator("table.health tbody tr").count() == 20
    page.get_by_role("navigation", name="Pages of the article list (bottom)").get_by_role("link", name="1").click()
    assert page.url == sample_sites.internal + "health/"
    assert tab.errors == []


def test_a_tag_list_pages_on(tab: Tab, sample_sites: Sites) -> None:
    page = tab.page
    page.goto(sample_sites.public + "tags/sync.html")
    first = page.locator("main .article-link").all_inner_texts()
    assert len(first) == 3
    page.get_by_role("navigation", name="Pages of the article list (bottom)").get_by_role("link", name="Next").click()
    assert page.url == sample_sites.public + "tags/sync.page-2.html"
    assert page.locator("h1").inner_text() == "Tag: sync, page 2 of 3"
    assert not set(page.locator("main .article-link").all_inner_texts()) & set(first)
    page.get_by_role("navigation", name="Pages of the article list (top)").get_by_role("link", name="Previous").click()
    assert page.url == sample_sites.public + "tags/sync.html"
    assert tab.errors == []


def test_printable(tab: Tab, built_sites: Sites) -> None:
    page = tab.page
    page.goto(built_sites.public + "articles/kb-0001.html")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("h1").is_visible()
    assert len(page.pdf()) > 1000


def test_the_scan_reports_what_it_should(tab: Tab) -> None:
    """The accessibility scan can fail: a page without a title, language, alt text or landmarks."""
    tab.page.set_content("<html><body><img src='x.png'><h3>Heading</h3></body></html>")
    found = " ".join(axe_violations(tab.page))
    for rule in ("document-title", "html-has-lang", "image-alt", "landmark-one-main"):
        assert rule in found


@pytest.mark.parametrize("query", ["", "?q=token"])
def test_the_search_page_leaves_focus_where_a_page_starts(tab: Tab, built_sites: Sites, query: str) -> None:
    page = tab.page
    page.goto(built_sites.public + "search.html" + query)
    if query:
        page.locator("#kb-results li").first.wait_for()
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert tab.errors == []


# At 320 px (400% zoom) a page reflows: no sideways scrolling (WCAG 1.4.10). These pages hold a
# long code in a title, a heading, a link or a list (WorkspaceQuotaExceededException).
NARROW_PAGES = [
    "index.html",
    "articles/kb-1042.html",
    "articles/kb-1055.html",
    "errors/WorkspaceQuotaExceededException/",
    "errors/",
    "tags/quota.html",
    "areas/workspace/storage.html",
    "search.html",
    "404.html",
]


def sideways(page: Any) -> int:
    """How far the page scrolls sideways, in CSS pixels."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("site", ["public", "internal"])
def test_no_page_scrolls_sideways_at_320_px(browser: Any, sample_sites: Sites, site: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    base = getattr(sample_sites, site)
    wide = {}
    for path in [*NARROW_PAGES, *(["health/"] if site == "internal" else [])]:
        page.goto(base + path)
        if sideways(page) > 0:
            wide[path] = sideways(page)
    context.close()
    assert wide == {}


def test_the_search_page_fits_320_px_with_results(browser: Any, built_sites: Sites) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(built_sites.public + "search.html?q=token")
    page.locator("#kb-results li").first.wait_for()
    assert sideways(page) == 0
    box = page.locator("#kb-search button").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 320
    context.close()


LOW_CONTRAST = (Path(__file__).parent / "low_contrast.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_uses_the_light_palette_whatever_the_screen_scheme(tab: Tab, built_sites: Sites, scheme: str) -> None:
    page = tab.page
    page.emulate_media(media="print", color_scheme=scheme)
    found = {}
    pages = [built_sites.public + "articles/kb-0001.html", built_sites.public + "errors/AUTH-401/"]
    staff = ["articles/kb-0001.html", "articles/kb-0003.html", "articles/kb-0006.html", "articles/kb-0008.html"]
    pages += [built_sites.internal + path for path in [*staff, "health/"]]
    for url in pages:
        page.goto(url)
        low = page.evaluate(LOW_CONTRAST)
        if low:
            found[url] = low
    assert found == {}, json.dumps(found, indent=1)
    assert len(page.pdf()) > 1000


def assert_report_reflows_at_320_px(browser: Any, url: str) -> None:
    """The quality report at `url`, 320 px wide: its overdue table has rows, axe finds nothing and
    no region scrolls sideways that a keyboard user cannot reach."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(url)
    assert page.locator("section[aria-labelledby='h-overdue'] tbody tr").count() > 0
    assert axe_violations(page) == []
    assert sideways(page) == 0
    context.close()


def test_the_knowledge_health_page_at_320_px_is_clean(browser: Any, late_sample_sites: Sites) -> None:
    """Its report's tables reflow: no region scrolls sideways that a keyboard user cannot reach."""
    assert_report_reflows_at_320_px(browser, late_sample_sites.internal + "health/")


def test_search_says_how_many_it_found_and_shows_them_all(tab: Tab, late_sample_sites: Sites) -> None:
    page = tab.page
    page.goto(late_sample_sites.public + "search.html?q=sync")
    results = page.locator("#kb-results li")
    results.first.wait_for()
    found = page.evaluate("async () => (await (await import('./pagefind/pagefind.js')).search('sync')).results.length")
    assert found > 10
    status = page.locator("#kb-search-status")
    assert status.inner_text() == f"{found} results for “sync”, 10 shown"
    assert results.count() == 10
    more = page.get_by_role("button", name="Show more results")
    more.focus()
    page.keyboard.press("Enter")  # from the keyboard: focus goes to the first result added
    page.wait_for_function("document.querySelectorAll('#kb-results li').length > 10")
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#kb-results li')[10]")
    while more.is_visible():
        more.click()
    assert results.count() == found
    assert status.inner_text() == f"{found} results for “sync”"
    assert len(set(results.locator("a").evaluate_all("links => links.map(a => a.href)"))) == found
    assert tab.errors == []


@pytest.mark.parametrize("site", ["public", "internal"])
@pytest.mark.parametrize("query", ["KB-0001", "kb-0001"])
def test_an_article_is_found_by_its_id(tab: Tab, built_sites: Sites, site: str, query: str) -> None:
    page = tab.page
    page.goto(getattr(built_sites, site) + "search.html?q=" + query)
    first = page.locator("#kb-results li a").first
    first.wait_for()
    assert (first.get_attribute("href") or "").endswith("articles/kb-0001.html")
    assert tab.errors == []


def test_kb_audits_own_html_page_at_320_px_is_clean(browser: Any, tmp_path: Path) -> None:
    """The standalone page of `kb audit --html`: its tables reflow as on the site's health page."""
    from kb.cli import main
    from tests.browser.conftest import LATE, REPO

    report = tmp_path / "audit.html"
    with contextlib.suppress(SystemExit):  # exit 1: the sample KB has overdue reviews on that day
        main(["--root", str(REPO), "audit", "--today", LATE.isoformat(), "--html", str(report), "-q"])
    assert_report_reflows_at_320_px(browser, report.as_uri())


def test_an_id_the_public_site_does_not_publish_finds_no_article_there(tab: Tab, built_sites: Sites) -> None:
    """KB-0004 is internal: the public site has no page of it, so its id leads nowhere there."""
    page = tab.page
    page.goto(built_sites.public + "search.html?q=KB-0004")
    page.locator("#kb-search-status").filter(has_text="KB-0004").wait_for()
    assert page.locator("#kb-results li a[href$='articles/kb-0004.html']").count() == 0
    assert tab.errors == []
    page.goto(built_sites.internal + "search.html?q=KB-0004")
    first = page.locator("#kb-results li a").first
    first.wait_for()
    assert (first.get_attribute("href") or "").endswith("articles/kb-0004.html")
