"""The build cache on disk (`.kb-cache/site.sqlite`): what a new `kb build` process reuses.

Without it, a `kb build` after a one-article change would read and render every article again
to find out that only one page changed. With it, articles whose file has the same size and
modification time are taken from the cache (front matter and text), and bodies whose text and
links did not change are not rendered again; their HTML is read only for pages that are
written. Everything is keyed by content, so a stale entry is never used, only left unused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb import __version__
from kb.article import Article, split_at_line
from kb.schema import to_json
from kb.site.render import RENDERER_VERSION, RenderedBody
from kb.yaml12 import YamlDocument

SCHEMA = f"kb {__version__} renderer {RENDERER_VERSION} store 2"


@dataclass(frozen=True)
class ArticleRow:
    relpath: str
    state: tuple[int, int]  # size, modification time
    digest: str
    meta: dict[str, Any]
    text: str
    body_line: int

    def article(self, root: Path) -> Article:
        head, body = split_at_line(self.text, self.body_line - 1)
        return Article(
            path=root / self.relpath,
            relpath=self.relpath,
            head=head,
            front=YamlDocument(value=self.meta),  # positions are for findings; a build needs none
            body=body,
            body_line=self.body_line,
            digest=self.digest,
            meta=self.meta,
        )


class DiskCache:
    """One SQLite file; safe to share between a `kb serve` and a `kb build` (SQLite locks)."""

    def __init__(self, path: Path, *, scratch: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # kb serve builds in its watcher thread; builds never overlap, so one connection serves both.
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        if scratch:  # one build's HTML, thrown away after it: nothing to keep safe from a crash
            self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        self.db.execute("CREATE TABLE IF NOT EXISTS info (schema TEXT)")
        found = self.db.execute("SELECT schema FROM info").fetchone()
        if found is None or found[0] != SCHEMA:
            self.db.executescript(
                "DROP TABLE IF EXISTS articles; DROP TABLE IF EXISTS bodies; DROP TABLE IF EXISTS html;"
                "DELETE FROM info;"
                "CREATE TABLE articles (relpath TEXT PRIMARY KEY, size INT, mtime INT, digest TEXT,"
                " meta TEXT, text TEXT, body_line INT);"
                "CREATE TABLE bodies (key TEXT PRIMARY KEY, body_key TEXT, outline TEXT, assets TEXT, deps TEXT);"
                # By what it shows: a body rendered again for the other site's links replaces its
                # row in `bodies`, while the first site, not yet written, still needs its HTML.
                "CREATE TABLE html (body_key TEXT PRIMARY KEY, html TEXT);"
            )
            self.db.execute("INSERT INTO info VALUES (?)", (SCHEMA,))
            self.db.commit()

    def close(self) -> None:
        self.db.close()

    # -- articles --------------------------------------------------------------------------------

    def articles(self) -> dict[str, ArticleRow]:
        rows = self.db.execute("SELECT relpath, size, mtime, digest, meta, text, body_line FROM articles")
        decode = _SharedStrings().decode
        return {
            relpath: ArticleRow(relpath, (size, mtime), digest, _from_json(decode(meta)), text, body_line)
            for relpath, size, mtime, digest, meta, text, body_line in rows
        }

    def save_articles(self, saved: list[tuple[tuple[int, int], Article]], gone: list[str]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (a.relpath, state[0], state[1], a.digest, json.dumps(to_json(a.meta)), a.text, a.body_line)
                    for state, a in saved
                ],
            )
            self.db.executemany("DELETE FROM articles WHERE relpath = ?", [(relpath,) for relpath in gone])

    # -- rendered bodies -------------------------------------------------------------------------

    def bodies(self) -> dict[str, tuple[str, RenderedBody]]:
        """Every cached body without its HTML (read with `html()` when a page needs it)."""
        rows = self.db.execute("SELECT key, body_key, outline, assets, deps FROM bodies")
        decode = _SharedStrings().decode  # headings ("Cause", "Resolution") and links repeat
        found = {}
        for key, body_key, outline, assets, deps in rows:
            body = RenderedBody(
                "",
                tuple((a, t) for a, t in decode(outline)),
                tuple(decode(assets)),
                tuple((target, result) for target, result in decode(deps)),
            )
            found[key] = (body_key, body)
        return found

    def html(self, body_key: str) -> str | None:
        row = self.db.execute("SELECT html FROM html WHERE body_key = ?", (body_key,)).fetchone()
        return None if row is None else str(row[0])

    def html_keys(self) -> set[str]:
        """The bodies whose HTML is stored."""
        return {str(body_key) for (body_key,) in self.db.execute("SELECT body_key FROM html")}

    def save_bodies(self, saved: list[tuple[str, str, RenderedBody]], keep: set[str] | None) -> None:
        """Store new bodies; with `keep`, forget every body not in it (not used by any site now)."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?, ?)",
                [
                    (key, body_key, json.dumps(b.outline), json.dumps(b.assets), json.dumps(b.deps))
                    for key, body_key, b in saved
                ],
            )
            self.db.executemany("INSERT OR IGNORE INTO html VALUES (?, ?)", [(k, b.html) for _, k, b in saved])
            if keep is not None:
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM keep")
                self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(k,) for k in keep])
                self.db.execute("DELETE FROM bodies WHERE key NOT IN (SELECT key FROM keep)")
                self.db.execute("DELETE FROM html WHERE body_key NOT IN (SELECT body_key FROM bodies)")


_DATE_FIELDS = ("created", "reviewed")


class _SharedStrings:
    """Decodes the front matter (and bodies' headings and links) of many articles with one copy
    of each key and short value they repeat ("product_area", "troubleshooting", an owner, a tag):
    JSON gives each article its own, 3 KB of front matter an article, a tenth of what a build at
    50,000 articles holds."""

    SHORT = 80  # longer texts (descriptions) are rarely the same in two articles

    def __init__(self) -> None:
        self.once = dict[str, str]().setdefault

    def decode(self, text: str) -> Any:
        return self._value(json.loads(text, object_pairs_hook=self._mapping))

    def _mapping(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        return {self.once(key, key): self._value(value) for key, value in pairs}

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.once(value, value) if len(value) <= self.SHORT else value
        if isinstance(value, list):
            return [self._value(item) for item in value]
        return value


def _from_json(meta: dict[str, Any]) -> dict[str, Any]:
    """Front matter as loading gives it: ISO dates in date fields become dates again."""
    for name in _DATE_FIELDS:
        value = meta.get(name)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                meta[name] = dt.date.fromisoformat(value)
    return meta
