"""What one build keeps for the next: articles by file state, and rendered bodies by content.

`kb serve` keeps one `BuildCache` in memory between rebuilds, so a rebuild after one article
changes reads and renders that article alone. An article is re-read when its size or
modification time changes; a body is re-rendered when its text changes or when a link it made
would now resolve differently (`kb.site.render.still_valid`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kb.article import Article
from kb.errors import KbError
from kb.findings import Finding
from kb.load import load_article
from kb.project import KnowledgeBase
from kb.publish import PublishedArticle, may_hold_internal_blocks
from kb.site.render import RENDERER_VERSION, RenderedBody
from kb.site.store import DiskCache


@dataclass
class LoadedArticles:
    articles: list[Article]
    findings: list[Finding]  # why some files could not be read (they are left out of the sites)
    changed: int  # files read this time


@dataclass
class BuildCache:
    """Articles by (size, mtime) and rendered bodies by content, kept between builds."""

    files: dict[str, tuple[tuple[int, int], Article | None, list[Finding]]] = field(default_factory=dict)
    bodies: dict[str, tuple[str, RenderedBody]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # every article file at the last full listing
    keys: dict[tuple[int, bool], tuple[Article, str, str]] = field(default_factory=dict)
    disk: DiskCache | None = None  # what a previous process left (kb build), else memory only
    lazy: set[str] = field(default_factory=set)  # body keys whose HTML is on disk only
    primed: bool = False
    hold_html: bool = True  # False: new bodies' HTML goes to disk and is read back when a page needs it
    scratch: Path | None = None  # a folder for that HTML when there is no disk cache (this build only)

    def use_scratch(self) -> None:
        """Keep this build's rendered HTML in a temporary store, removed by `close()`."""
        self.scratch = Path(tempfile.mkdtemp(prefix="kb-build-"))
        self.disk = DiskCache(self.scratch / "bodies.sqlite", scratch=True)
        self.primed = True

    def prime(self, root: Path) -> None:
        """Start from what the disk cache holds (once per process)."""
        if self.primed or self.disk is None:
            return
        self.primed = True
        for relpath, row in self.disk.articles().items():
            self.files.setdefault(relpath, (row.state, row.article(root), []))
        for key, (found_key, body) in self.disk.bodies().items():
            if key not in self.bodies:
                self.bodies[key] = (found_key, body)
                self.lazy.add(found_key)

    def html(self, body_key: str, fallback: str) -> str:
        """The HTML of a body: in memory, or read from the disk cache when it came from there."""
        if body_key not in self.lazy or self.disk is None:
            return fallback
        found = self.disk.html(body_key)
        if found is None:
            # Another build on the same cache let it go (and maybe others). Those are forgotten
            # here too: the next build renders them again instead of failing the same way every
            # time (kb serve runs for days).
            gone = self.lazy - self.disk.html_keys()
            for key in [key for key, (known, _) in self.bodies.items() if known in gone]:
                del self.bodies[key]
            self.lazy -= gone
            raise KbError("the build cache changed during the build", hint="run the build again")
        return found

    def remember(self, rendered: list[tuple[str, str, RenderedBody]], keep: set[str] | None) -> None:
        """Keep new bodies (in memory, and on disk when there is one); with `keep` (every body in
        use), forget the rest."""
        on_disk_only = self.disk is not None and not self.hold_html  # the HTML is read back when needed
        for key, body_key, body in rendered:
            self.bodies[key] = (body_key, dataclasses.replace(body, html="") if on_disk_only else body)
            if on_disk_only:
                self.lazy.add(body_key)
            else:
                self.lazy.discard(body_key)
        if keep is not None and self.lazy:
            # Bodies whose HTML is only on disk go from memory too when their rows go.
            for key in [k for k, (body_key, _) in self.bodies.items() if k not in keep and body_key in self.lazy]:
                del self.bodies[key]
            self.lazy = {body_key for body_key, _ in self.bodies.values() if body_key in self.lazy}
        if self.disk is not None and (rendered or keep is not None):
            self.disk.save_bodies(rendered, keep)

    def let_text_go(self) -> None:
        """Drop the text of every article held (see `Article.let_text_go`): one build, once its
        bodies are rendered."""
        self.keys.clear()  # (article, body, key): it holds the text too
        for _, article, _ in self.files.values():
            if article is not None:
                article.let_text_go()

    def forget(self) -> None:
        """Let go of every article and body held in memory (one build, once its sites are written:
        what is on disk stays there)."""
        self.files.clear()
        self.bodies.clear()
        self.keys.clear()
        self.lazy.clear()
        self.order = []
        self.primed = False

    def close(self) -> None:
        if self.disk is not None:
            self.disk.close()
            self.disk = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def body_key_of(self, published: PublishedArticle) -> str:
        """`body_cache_key`, remembered per article object (hashing 10,000 bodies takes a while)."""
        slot = (id(published.article), published.internal_notes)
        known = self.keys.get(slot)
        if known is not None and known[0] is published.article and known[1] == published.body:
            return known[2]
        key = body_cache_key(published)
        self.keys[slot] = (published.article, published.body, key)
        return key

    def load(self, kb: KnowledgeBase, changed: set[Path] | None = None) -> LoadedArticles:
        """Every readable article, reading only the files that changed since the last call.

        `changed` (from a watcher that knows which files were edited) spares listing and
        checking every file; it is only trusted when it names articles already known.
        """
        self.prime(kb.root)
        if changed is not None and self.order:
            quick = self._reload(kb, changed)
            if quick is not None:
                return quick
        articles: list[Article] = []
        findings: list[Finding] = []
        seen: set[str] = set()
        folders: dict[Path, Path] = {}
        states: dict[str, tuple[int, int]] = {}
        stale: list[tuple[Path, str]] = []
        for path in kb.article_paths():
            relpath = kb.relpath(path, folders)
            seen.add(relpath)
            try:
                info = path.stat()
            except OSError:
                info = None  # a broken link: loading reports it
            states[relpath] = (info.st_size, info.st_mtime_ns) if info else (-1, -1)
            known = self.files.get(relpath)
            if known is None or known[0] != states[relpath]:
                stale.append((path, relpath))
        # Read in this process: sending parsed articles back from a pool costs more than parsing them.
        saved: list[tuple[tuple[int, int], Article]] = []
        for path, relpath in stale:
            article, problems = _load(path, relpath)
            self.files[relpath] = (states[relpath], article, problems)
            if article is not None and not problems:  # findings are shown on every build
                saved.append((states[relpath], article))
        for relpath in sorted(seen):
            _, article, problems = self.files[relpath]
            if article is not None:
                articles.append(article)
            findings.extend(problems)
        gone = sorted(set(self.files) - seen)
        for relpath in gone:
            del self.files[relpath]
        if self.disk is not None and self.scratch is None and (saved or gone):
            self.disk.save_articles(saved, gone)
        self.order = sorted(seen)
        return LoadedArticles(articles, findings, len(stale))

    def _reload(self, kb: KnowledgeBase, changed: set[Path]) -> LoadedArticles | None:
        """Re-read the `changed` articles alone; None when that is not enough (a file came or went)."""
        wanted: list[tuple[Path, str, tuple[int, int]]] = []
        for path in sorted(changed):
            relpath = kb.relpath(path)
            try:
                info = path.stat()
            except OSError:
                return None
            if relpath not in self.files or not kb.is_article(path):
                return None
            wanted.append((path, relpath, (info.st_size, info.st_mtime_ns)))
        saved: list[tuple[tuple[int, int], Article]] = []
        for path, relpath, state in wanted:
            article, problems = _load(path, relpath)
            self.files[relpath] = (state, article, problems)
            if article is not None and not problems:
                saved.append((state, article))
        if self.disk is not None and self.scratch is None and saved:
            self.disk.save_articles(saved, [])
        articles = [a for relpath in self.order if (a := self.files[relpath][1]) is not None]
        findings = [f for relpath in self.order for f in self.files[relpath][2]]
        return LoadedArticles(articles, findings, len(wanted))


def _load(path: Path, relpath: str) -> tuple[Article | None, list[Finding]]:
    """An article as a build keeps it (without front matter positions), and what loading found."""
    loaded = load_article(path, relpath)
    return (loaded.article.without_positions() if loaded.article else None), loaded.findings


def body_cache_key(published: PublishedArticle) -> str:
    """What a rendered body depends on besides its links: its file's place, its text and its
    title (a first heading repeating it is left out).

    The staff flag matters only to bodies with internal blocks, so a body without any is
    rendered once for both sites.
    """
    staff = "staff" if published.internal_notes and may_hold_internal_blocks(published.body) else "-"
    digest = hashlib.sha256()
    for part in (RENDERER_VERSION, staff, published.article.relpath, published.article.title or "", published.body):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def body_key(body: RenderedBody) -> str:
    """A digest of what a rendered body shows (part of its article page's key)."""
    digest = hashlib.sha256(body.html.encode("utf-8"))
    digest.update(repr((body.outline, body.assets)).encode("utf-8"))
    return digest.hexdigest()[:32]


def other_files(articles_dir: Path, root: Path) -> frozenset[str]:
    """Files under the articles folder that are not Markdown (images, attachments), and not
    symbolic links or inside linked folders (`kb check` reports links to those)."""
    found: set[str] = set()
    if not articles_dir.is_dir():
        return frozenset()
    for folder, dirs, names in os.walk(articles_dir):  # into no linked folder (followlinks=False)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            # Not a symbolic link: it could lead to an internal article's source or a host's file.
            path = Path(folder, name)
            if not name.lower().endswith(".md") and not name.startswith(".") and not path.is_symlink():
                found.add(path.relative_to(root).as_posix())
    return frozenset(found)
