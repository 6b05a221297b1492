"""Browser tests: the built sites served as a static host would, driven in Debian's headless Chromium.

Without Chromium these tests skip with the reason, unless KB_REQUIRE_BROWSER=1 (set by .ci/run),
where a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kb.project import KnowledgeBase
from kb.site import collect
from kb.site.build import build
from tests.site.conftest import SITE_KB, TODAY, set_pages_per_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
]  # fmt: skip
REPO = Path(__file__).resolve().parents[2]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("KB_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; KB_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass
class Sites:
    internal: str
    public: str
    folder: Path  # where both sites were built
    servers: list[ThreadingHTTPServer] = field(default_factory=list)


def _serve(folder: Path) -> ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def served(out: Path) -> Iterator[Sites]:
    """The sites built into `out` (`internal/` and `public/`), each served on 127.0.0.1 like a
    static host while the block runs."""
    servers = [_serve(out / "internal"), _serve(out / "public")]
    urls = [f"http://127.0.0.1:{s.server_address[1]}/" for s in servers]
    try:
        yield Sites(urls[0], urls[1], out, servers)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The small site KB, built with its search index and served on 127.0.0.1 like a static host."""
    root = tmp_path_factory.mktemp("browser") / "kb"
    shutil.copytree(SITE_KB, root)
    # In parts of two pages, as a large site is: every search below goes through the merged parts.
    set_pages_per_run(root, 2)
    build(KnowledgeBase(root), today=TODAY)
    with served(root / "site") as sites:
        yield sites


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The repository's own sample KB (articles/), built without search, for the accessibility scan."""
    if not (REPO / "kb.yaml").is_file() or not (REPO / "articles").is_dir():
        pytest.skip("the sample knowledge base (kb.yaml, articles/) is not in this checkout")
    out = tmp_path_factory.mktemp("sample-site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(collect, "HEALTH_ROWS_PER_PAGE", 20)  # a paged knowledge-health list to scan
        patch.setattr(collect, "LIST_ROWS_PER_PAGE", 3)  # and paged tag and product-area lists
        build(KnowledgeBase(REPO), out=out, today=TODAY, search=False)
    with served(out) as sites:
        yield sites


LATE = dt.date(2026, 12, 10)  # the sample KB has overdue, due-soon, current and archived articles then


@pytest.fixture(scope="session")
def late_sample_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The sample KB built on a later day, when some of its reviews are overdue and others due soon,
    with its search index (more than ten results for some words)."""
    if not (REPO / "kb.yaml").is_file() or not (REPO / "articles").is_dir():
        pytest.skip("the sample knowledge base (kb.yaml, articles/) is not in this checkout")
    out = tmp_path_factory.mktemp("late-sample-site")
    build(KnowledgeBase(REPO), out=out, today=LATE)
    with served(out) as sites:
        yield sites


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page with every console error and uncaught exception it produced."""

    page: Any
    errors: list[str]


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Tab(page, errors)
    context.close()
