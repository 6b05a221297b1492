"""`kb serve` on the small site KB: both sites on 127.0.0.1, the API, rebuild and live reload."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.project import KnowledgeBase
from kb.site import serve
from kb.site.serve import DevServer, SiteServer


@pytest.fixture
def served(kb_root: Path) -> Iterator[tuple[DevServer, dict[str, SiteServer]]]:
    server = DevServer(kb_root, port=0, search=False, log=lambda message: None)
    sites = server.start()
    try:
        yield server, {site.name: site for site in sites}
    finally:
        server.stop()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_each_site_is_served_on_its_own_port(served: tuple[DevServer, dict[str, SiteServer]]) -> None:
    _, sites = served
    assert sites["internal"].url.startswith("http://127.0.0.1:")
    assert sites["internal"].url != sites["public"].url
    status, page = get(sites["public"].url + "articles/kb-0001.html")
    assert status == 200
    assert "Sign-in fails with AUTH-401" in page
    assert '<script src="/__kb/livereload.js"></script></body>' in page  # injected while serving only
    assert "livereload" not in (sites["public"].folder / "articles" / "kb-0001.html").read_text(encoding="utf-8")
    status, page = get(sites["public"].url + "articles/kb-0004.html")
    assert status == 404
    assert "Page not found" in page


def test_the_error_api_of_each_site_sees_only_that_site(served: tuple[DevServer, dict[str, SiteServer]]) -> None:
    _, sites = served
    status, body = get(sites["public"].url + "api/errors/auth-401")
    assert status == 200
    assert [a["id"] for a in json.loads(body)["articles"]] == ["KB-0001", "KB-0002"]
    status, body = get(sites["public"].url + "api/errors/OPS-500")
    assert status == 404
    assert "MARKER" not in body
    status, body = get(sites["internal"].url + "api/errors/OPS-500")
    assert status == 200
    assert "MARKER-INTERNAL-TITLE-BRAVO" in body


def test_the_search_api_of_each_site_searches_only_that_sites_index(
    served: tuple[DevServer, dict[str, SiteServer]],
) -> None:
    _, sites = served
    status, body = get(sites["public"].url + "api/search?q=AUTH-401")
    hits = json.loads(body)["hits"]
    assert status == 200
    assert hits[0]["id"] in ("KB-0001", "KB-0002")
    assert "<mark>" in hits[0]["snippet"]
    status, body = get(sites["public"].url + "api/search?q=MARKER-INTERNAL-TITLE-BRAVO")
    answer = json.loads(body)
    assert status == 200
    assert answer["hits"] == []
    assert answer["suggestion"] is None
    status, body = get(sites["internal"].url + "api/search?q=MARKER-INTERNAL-TITLE-BRAVO")
    assert status == 200
    assert json.loads(body)["hits"][0]["id"] == "KB-0004"
    status, body = get(sites["public"].url + "api/search?q=")
    assert status == 400
    assert "give a query" in body
    # An unknown area is the request's mistake (400). A customer site's API names only the areas it
    # publishes: "operations" has internal articles only, so it is unknown there, and never suggested.
    status, body = get(sites["public"].url + "api/search?q=fails&area=operatons")
    assert status == 400
    assert "unknown product area 'operatons'" in body
    assert "operations" not in body
    status, body = get(sites["internal"].url + "api/search?q=fails&area=operatons")
    assert (status, 'did you mean \\"operations\\"' in body) == (400, True)
    for wrong in ("abc", "0", "-1"):  # a limit the request cannot mean is its mistake, said in JSON
        status, body = get(sites["public"].url + f"api/search?q=fails&limit={wrong}")
        assert (status, json.loads(body)["error"]) == (400, f"limit must be a number from 1 to 100, not {wrong!r}")
    for route in ("api", "api/errors", "api/nope"):  # no route: still JSON, never the site's 404 page
        status, body = get(sites["public"].url + route)
        assert (status, json.loads(body)["error"]) == (404, f"no API at /{route}")


def test_a_limit_above_100_is_refused_as_the_error_says(served: tuple[DevServer, dict[str, SiteServer]]) -> None:
    _, sites = served
    for wrong in ("101", "1000", "99999999999", "²", "9" * 5000):
        status, body = get(sites["public"].url + "api/search?q=fails&limit=" + urllib.parse.quote(wrong))
        assert (status, json.loads(body)["error"]) == (400, f"limit must be a number from 1 to 100, not {wrong!r}")
    status, body = get(sites["public"].url + "api/search?q=fails&limit=100")
    assert status == 200


def test_a_query_longer_than_512_characters_is_refused_at_once(
    served: tuple[DevServer, dict[str, SiteServer]],
) -> None:
    _, sites = served
    started = time.monotonic()
    status, body = get(sites["public"].url + "api/search?q=" + "a" * 20_000)
    answer = json.loads(body)
    assert (status, answer["error"]) == (400, "a query is at most 512 characters; this one has 20,000")
    assert "hint" in answer
    assert time.monotonic() - started < 5  # was 10 s to 43 s of whoosh, holding the site's index meanwhile
    longest = "sign in fails " * 36 + "x" * 8
    assert len(longest) == 512
    status, body = get(sites["public"].url + "api/search?q=" + urllib.parse.quote(longest))
    assert status == 200


def test_the_search_api_follows_edits(served: tuple[DevServer, dict[str, SiteServer]], kb_root: Path) -> None:
    server, sites = served
    article = kb_root / "articles" / "billing" / "payment-required.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Update the card under", "Quokkafy the card under"))
    server.rebuild({article})
    status, body = get(sites["public"].url + "api/search?q=quokkafy")
    assert status == 200
    assert [h["id"] for h in json.loads(body)["hits"]] == ["KB-0005"]


def test_an_edit_rebuilds_and_reloads(served: tuple[DevServer, dict[str, SiteServer]], kb_root: Path) -> None:
    server, sites = served
    before = server.generation.number
    article = kb_root / "articles" / "billing" / "payment-required.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Update the card under", "Edited live:"), "utf-8")
    deadline = time.monotonic() + 20
    while server.generation.number == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.generation.number > before
    status, page = get(sites["public"].url + "articles/kb-0005.html")
    assert status == 200
    assert "Edited live:" in page


def test_live_reload_events_announce_builds(served: tuple[DevServer, dict[str, SiteServer]]) -> None:
    server, sites = served
    with urllib.request.urlopen(sites["internal"].url + "__kb/events", timeout=10) as stream:
        first = stream.readline().decode("utf-8")
        assert first == f"data: {server.generation.number}\n"
        server.generation.bump()
        stream.readline()
        assert stream.readline().decode("utf-8") == f"data: {server.generation.number}\n"


def test_search_catches_up_after_a_rebuild(kb_root: Path) -> None:
    import gzip

    server = DevServer(kb_root, port=0, log=lambda message: None)
    sites = {site.name: site for site in server.start()}
    try:
        article = kb_root / "articles" / "billing" / "payment-required.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("Update the card under", "Zebracorn the card under"), encoding="utf-8")
        fragments = sites["public"].folder / "pagefind" / "fragment"
        deadline = time.monotonic() + 30
        found = False
        while not found and time.monotonic() < deadline:
            time.sleep(0.2)
            try:  # the index folder may be being swapped right now
                found = any(b"Zebracorn" in gzip.decompress(p.read_bytes()) for p in fragments.glob("*.pf_fragment"))
            except OSError:
                continue
        assert found
    finally:
        server.stop()


def test_a_saved_article_that_cannot_be_read_is_reported_with_its_line(kb_root: Path) -> None:
    logged: list[str] = []
    server = DevServer(kb_root, port=0, search=False, log=logged.append)
    server.start()
    try:
        article = kb_root / "articles" / "billing" / "payment-required.md"
        article.write_text(article.read_text(encoding="utf-8").replace("tags: [billing]", "tags: [billing"), "utf-8")
        server.rebuild({article})
    finally:
        server.stop()
    where = "articles/billing/payment-required.md:9:7: KB008 yaml-syntax: this [ is never closed"
    assert any(line.startswith(where) for line in logged), logged


def test_after_a_save_only_the_saved_files_problems_are_logged_again(kb_root: Path) -> None:
    other = kb_root / "articles" / "billing" / "refund-draft.md"
    other.write_bytes(other.read_bytes().replace(b"\n", b"\r\n"))  # readable, with a finding
    logged: list[str] = []
    server = DevServer(kb_root, port=0, search=False, log=logged.append)
    server.start()
    try:
        first = [line for line in logged if "KB00" in line]
        logged.clear()
        article = kb_root / "articles" / "billing" / "payment-required.md"
        article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        server.rebuild({article})
    finally:
        server.stop()
    assert [line.split(":")[0] for line in first] == ["articles/billing/refund-draft.md"]
    assert not [line for line in logged if "KB00" in line], logged


def test_a_serve_that_builds_apart_serves_rebuilds_and_reports_as_one_in_memory(kb_root: Path) -> None:
    """`kb serve --apart`: each build runs in a process of its own, as kb build's does."""
    logged: list[str] = []
    server = DevServer(kb_root, port=0, search=False, log=logged.append, in_memory=False)
    sites = {site.name: site for site in server.start()}
    try:
        assert server.builder.cache.files == {}  # this process holds no build
        article = kb_root / "articles" / "billing" / "payment-required.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("Update the card under", "Quokkafy the card under"), encoding="utf-8")
        before = server.generation.number
        server.rebuild({article})  # (the watcher may rebuild too)
        assert server.generation.number > before
        assert "Quokkafy" in get(sites["public"].url + "articles/kb-0005.html")[1]
        status, body = get(sites["public"].url + "api/search?q=quokkafy")
        assert (status, [h["id"] for h in json.loads(body)["hits"]]) == (200, ["KB-0005"])
        assert server.search_of("public").is_open

        # The open index is let go while the next build runs beside the server, and opened again.
        article.write_text(text.replace("Update the card under", "Wombatify the card under"), encoding="utf-8")
        server.rebuild({article})
        assert not server.search_of("public").is_open
        status, body = get(sites["public"].url + "api/search?q=wombatify")
        assert (status, [h["id"] for h in json.loads(body)["hits"]]) == (200, ["KB-0005"])

        article.write_text(text.replace("tags: [billing]", "tags: [billing"), encoding="utf-8")
        server.rebuild({article})
        where = "articles/billing/payment-required.md:9:7: KB008 yaml-syntax: this [ is never closed"
        assert any(line.startswith(where) for line in logged), logged

        (kb_root / "kb.yaml").write_text("name: [broken\n", encoding="utf-8")
        assert server.rebuild() is None
        assert any(line.startswith("Build failed; still serving the previous site.") for line in logged), logged
        assert get(sites["public"].url + "articles/kb-0001.html")[0] == 200
    finally:
        server.stop()


def test_a_large_kb_is_served_apart_unless_told_to_keep_it_in_memory(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept in memory, a build takes about 45 KB an article: above IN_MEMORY_MOST articles kb serve
    builds apart by itself, so that a large KB stays under DESIGN.md's 1 GiB."""
    articles = len(KnowledgeBase(kb_root).article_relpaths())
    assert DevServer(kb_root).in_memory  # the sample KB is small
    monkeypatch.setattr(serve, "IN_MEMORY_MOST", articles - 1)
    assert not DevServer(kb_root).in_memory
    assert DevServer(kb_root, in_memory=True).in_memory
    monkeypatch.setattr(serve, "IN_MEMORY_MOST", articles)
    assert DevServer(kb_root).in_memory


def test_the_watcher_names_the_files_that_differ(kb_root: Path) -> None:
    server = DevServer(kb_root, search=False, log=lambda message: None)
    before, differ = server.watched()
    assert differ == []
    article = kb_root / "articles" / "billing" / "payment-required.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    now, differ = server.watched(since=before)
    assert (now.keys() == before.keys(), now == before, differ) == (True, False, [str(article)])
    (kb_root / "articles" / "billing" / "new.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
    later, differ = server.watched(since=now)
    assert later.keys() != now.keys()
    assert differ == [str(kb_root / "articles" / "billing" / "new.md")]
