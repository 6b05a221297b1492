"""`kb index`: one whoosh index per site, built from exactly what that site publishes.

Layout under `.kb-cache/index/`: `<site>` is a symlink to a build folder in `.builds/`, and
`.lock` serialises writers. A full build writes a new folder and swaps the symlink in one
rename, so a failed or interrupted build leaves the previous index as it was. An incremental
update rewrites only the articles whose bytes changed (each article's digest is kept in the
index folder's manifest); whoosh commits it as a new generation, so an interrupted update
also leaves the previous generation readable. Under `site.overdue: hide`, a customer site's
manifest also keeps the articles it left out as overdue and the day that was judged on: an
update takes in or leaves out those whose state changed, though their files did not.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import NO_MERGE

from kb import atomic, pool
from kb.article import Article
from kb.errors import LockTimeout, UsageError
from kb.load import load_all, load_article
from kb.project import KnowledgeBase
from kb.publish import PublishedArticle, site_view
from kb.quality.unpublishable import unpublishable
from kb.rules.context import CheckContext
from kb.search.documents import SCHEMA_VERSION, document, index_schema
from kb.search.lock import IndexLock
from kb.search.overdue import hides_overdue, overdue_articles, review_day
from kb.taxonomy import Site, did_you_mean

MANIFEST = "kb-manifest.json"
# A segment in one file is read by whoosh into memory whole, each of its parts copied into a
# BytesIO, when the index is opened; in files of its own, its parts are read from disk as searches
# need them.
COMPOUND = False
MAX_SEGMENTS = 8  # an incremental update merges the index's small segments once it has this many
BUILDS = ".builds"

Progress = Callable[[str, int, int], None]


class FileState(NamedTuple):
    """What the index knows of one article file: how it looked on disk, the id it takes on the
    site, and whether it is in."""

    mtime_ns: int
    size: int
    digest: str
    indexed: bool
    # The id when the site publishes the article (even when a secret keeps it off), else "". Of
    # the files taking one id, only the first by path is in, as on the site's pages.
    claim: str


@dataclass
class Manifest:
    """The state of one site's index: which settings built it and each article's digest."""

    settings: str
    files: dict[str, FileState] = field(default_factory=dict)
    # A customer site under `site.overdue: hide`: the articles overdue on `day` (ISO), left out.
    hidden: frozenset[str] = frozenset()
    day: str = ""

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            files = {k: FileState(*v) for k, v in data["files"].items()}
            hidden = frozenset(str(rel) for rel in data.get("hidden", []))
            return cls(str(data["settings"]), files, hidden, str(data.get("day", "")))
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None  # no manifest, or a broken one: the index is rebuilt

    def write(self, folder: Path) -> None:
        data: dict[str, Any] = {"settings": self.settings, "files": self.files}  # FileState: a JSON list
        if self.day:
            data.update(hidden=sorted(self.hidden), day=self.day)
        atomic.write_text(folder / MANIFEST, json.dumps(data, separators=(",", ":")))


@dataclass
class SiteReport:
    """What one site's index update did."""

    site: str
    full: bool
    published: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass
class IndexReport:
    """What `update_index` did, per site, and the articles it could not read."""

    sites: list[SiteReport] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # relpaths; `kb check` says why
    seconds: float = 0.0


@dataclass
class IndexStatus:
    """How one site's index compares with the articles on disk."""

    site: str
    missing: bool
    changed: list[str] = field(default_factory=list)  # added, modified or removed articles
    settings_changed: bool = False
    # Under `site.overdue: hide`: the index was made on another day, when other articles may have
    # been overdue (the build's day: `KB_TODAY`, `SOURCE_DATE_EPOCH` or today).
    day_changed: bool = False

    @property
    def stale(self) -> bool:
        return self.missing or self.settings_changed or self.day_changed or bool(self.changed)


def index_root(kb: KnowledgeBase) -> Path:
    return kb.cache_dir / "index"


def index_dir(kb: KnowledgeBase, site: str) -> Path:
    """The folder (a symlink to the current build) of `site`'s index."""
    return index_root(kb) / site


def sites_to_index(kb: KnowledgeBase, site: str | None) -> list[Site]:
    sites = kb.configured_sites()
    kb.require_articles()
    if site is None:
        return list(sites.values())
    if site not in sites:
        raise UsageError(
            f"no site {site!r} in the taxonomy{did_you_mean(site, sites)}", hint="sites: " + ", ".join(sites)
        )
    return [sites[site]]


def settings_digest(site: Site, kb: KnowledgeBase) -> str:
    """What shapes every document of a site's index: the schema and what the site publishes.
    Not kb.yaml's lint settings: they never decide what a customer site keeps off."""
    spec = [SCHEMA_VERSION, site.name, sorted(site.audiences), sorted(site.confidences), site.public]
    if hides_overdue(kb, site):  # added only then: an index made under the default policy stays valid
        spec.append("overdue: hide")
    return hashlib.sha256(json.dumps(spec).encode()).hexdigest()[:16]


def _disk_state(kb: KnowledgeBase) -> dict[str, tuple[int, int, Path]]:
    state: dict[str, tuple[int, int, Path]] = {}
    root = str(kb.root) + os.sep
    for path in kb.article_paths():
        name = str(path)
        try:
            st = path.stat()
        except OSError:
            continue
        # Paths of a whole-KB listing lie under the root: cut the root off rather than resolve each.
        relpath = name[len(root) :].replace(os.sep, "/") if name.startswith(root) else kb.relpath(path)
        state[relpath] = (st.st_mtime_ns, st.st_size, path)
    return state


def index_status(kb: KnowledgeBase, site: str) -> IndexStatus:
    """Whether `site`'s index is missing or behind the articles (by file size and time, cheaply)."""
    (spec,) = sites_to_index(kb, site)
    manifest = Manifest.read(index_dir(kb, site))
    if manifest is None:
        return IndexStatus(site, missing=True)
    if manifest.settings != settings_digest(spec, kb):
        return IndexStatus(site, missing=False, settings_changed=True)
    disk = _disk_state(kb)
    changed = [rel for rel, (mtime, size, _) in disk.items() if _differs(manifest.files.get(rel), mtime, size)]
    changed += [rel for rel in manifest.files if rel not in disk]
    day_changed = hides_overdue(kb, spec) and manifest.day != review_day().isoformat()
    return IndexStatus(site, missing=False, changed=sorted(changed), day_changed=day_changed)


def _differs(known: FileState | None, mtime_ns: int, size: int) -> bool:
    return known is None or known.mtime_ns != mtime_ns or known.size != size


def update_index(
    kb: KnowledgeBase, site: str | None = None, *, full: bool = False, progress: Progress | None = None
) -> IndexReport:
    """Bring the index of `site` (default: every site) up to date with the articles.

    Only articles whose bytes changed are re-indexed, unless `full` or the index is missing or
    was built with other settings; under `site.overdue: hide`, also those a customer site now
    leaves out as overdue or takes back (kb check on the build's day says which). Raises
    `LockTimeout` when another process holds the lock longer than `search.lock_timeout`.
    """
    started = time.perf_counter()
    sites = sites_to_index(kb, site)
    report = IndexReport()
    root = index_root(kb)
    overdue = _Overdue.of(kb, sites)
    with IndexLock(root / ".lock", kb.config.search.lock_timeout):
        disk = _disk_state(kb)
        manifests = {s.name: None if full else Manifest.read(index_dir(kb, s.name)) for s in sites}
        rebuild = [s for s in sites if (m := manifests[s.name]) is None or m.settings != settings_digest(s, kb)]
        if rebuild:
            started_build = time.perf_counter()
            built = _build(kb, rebuild, disk, report, progress, overdue)
            for result in built:
                result.seconds = time.perf_counter() - started_build
            report.sites.extend(built)
        for spec in sites:
            manifest = manifests[spec.name]
            if spec in rebuild or manifest is None:
                continue
            site_started = time.perf_counter()
            candidates = {
                rel for rel, (mtime, size, _) in disk.items() if _differs(manifest.files.get(rel), mtime, size)
            }
            # Files the same, but overdue then and not now, or the other way round.
            rejudge = {rel for rel in manifest.hidden ^ overdue.hidden_on(kb, spec) if rel in disk}
            candidates |= rejudge
            loaded = load_all(kb, [disk[rel][2] for rel in sorted(candidates)])
            articles = {rel: item.article for rel, item in loaded.items() if item.article is not None}
            report.unreadable = sorted({*report.unreadable, *(r for r, item in loaded.items() if item.article is None)})
            result = _update(kb, spec, manifest, articles, disk, candidates, rejudge, overdue)
            result.seconds = time.perf_counter() - site_started
            report.sites.append(result)
    report.sites.sort(key=lambda r: [s.name for s in sites].index(r.site))
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Overdue:
    """The articles overdue on the build's day, worked out (by kb check) only when a site to index
    keeps them off."""

    day: str = ""  # ISO; "" when no site hides overdue articles
    paths: frozenset[str] = frozenset()

    @classmethod
    def of(cls, kb: KnowledgeBase, sites: list[Site]) -> _Overdue:
        if not any(hides_overdue(kb, site) for site in sites):
            return cls()
        day = review_day()
        return cls(day.isoformat(), overdue_articles(kb, day))

    def hidden_on(self, kb: KnowledgeBase, site: Site) -> frozenset[str]:
        return self.paths if hides_overdue(kb, site) else frozenset()

    def record(self, kb: KnowledgeBase, site: Site, manifest: Manifest) -> None:
        hides = hides_overdue(kb, site)
        manifest.hidden, manifest.day = (self.paths, self.day) if hides else (frozenset(), "")


# One article prepared for indexing: its path, digest (None: unreadable) and, for each site that
# publishes it, the id it takes there and its document (None when kept off).
Prepared = tuple[str, str | None, dict[str, tuple[str, dict[str, Any] | None]]]
PARALLEL_FROM = 500  # articles; fewer are not worth starting processes for
CHUNK = 50


@dataclass(frozen=True)
class Publishing:
    """What preparing an article for the indexes needs: the sites, and what the rules need to tell
    which articles a customer site never publishes (the taxonomy, the articles kept off as
    overdue). Sent once to each worker."""

    sites: tuple[Site, ...]
    context: CheckContext
    hidden: dict[str, frozenset[str]]  # by site: the articles it keeps off as overdue

    @classmethod
    def of(cls, kb: KnowledgeBase, sites: list[Site], overdue: _Overdue) -> Publishing:
        context = CheckContext(kb.root, kb.config, kb.taxonomy)
        hidden = {site.name: overdue.hidden_on(kb, site) for site in sites}
        return cls(tuple(sites), context, hidden)

    def judge(self, site: Site, article: Article) -> tuple[str, PublishedArticle | None]:
        """The id `article` takes on `site` ("" when the site does not publish it), and what the
        site shows of it: None also when a customer site keeps it off (a secret, a card number,
        overdue under `site.overdue: hide`), as its pages do. Which of the articles sharing an id
        is shown is for the caller, who sees them all."""
        view = site_view(site, [article])
        if not view.articles:
            return "", None
        published = view.articles[0]
        if article.relpath in self.hidden.get(site.name, ()):
            return published.id, None
        if site.public and unpublishable(article, self.context):
            return published.id, None
        return published.id, published


def _prepare(publishing: Publishing, items: list[tuple[str, str]]) -> list[Prepared]:
    """Read, publish and analyse some articles for every site (runs in a worker process too)."""
    prepared: list[Prepared] = []
    for path, relpath in items:
        article = load_article(Path(path), relpath).article
        if article is None:
            prepared.append((relpath, None, {}))
            continue
        docs: dict[str, tuple[str, dict[str, Any] | None]] = {}
        made: dict[str, dict[str, Any]] = {}  # by visible body: sites that show the same text share a document
        for site in publishing.sites:
            claim, published = publishing.judge(site, article)
            if published is not None and published.body not in made:
                made[published.body] = document(published)
            if claim:
                docs[site.name] = (claim, None if published is None else made[published.body])
        prepared.append((relpath, article.digest, docs))
    return prepared


def _prepared(
    kb: KnowledgeBase, sites: list[Site], disk: dict[str, tuple[int, int, Path]], overdue: _Overdue
) -> Iterator[Prepared]:
    """Every article prepared, in path order; in worker processes when there are many."""
    items = [(str(disk[rel][2]), rel) for rel in sorted(disk)]
    configured = kb.config.search.workers
    processes = configured or pool.cores(8)  # each worker imports whoosh and its settings
    size = max(1, min(CHUNK, len(items) // (processes * 4)))  # enough chunks to keep every worker busy
    # Workers from a fork server: kb serve indexes from a process that holds a whole build, which
    # forked workers would copy page by page.
    yield from pool.run(
        _prepare, Publishing.of(kb, sites, overdue), items,
        processes=processes, chunk=size, threshold=2 if configured else PARALLEL_FROM,
    )  # fmt: skip


def _build(
    kb: KnowledgeBase,
    sites: list[Site],
    disk: dict[str, tuple[int, int, Path]],
    report: IndexReport,
    progress: Progress | None,
    overdue: _Overdue,
) -> list[SiteReport]:
    """Whole new indexes of `sites`, in fresh folders, swapped in only once all are complete.

    Each article is read and analysed once for all the sites (in worker processes when there
    are many); each site's document goes to that site's writer.
    """
    builds = index_root(kb) / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    folders = {site.name: builds / f"{site.name}-{uuid.uuid4().hex[:12]}" for site in sites}
    manifests = {site.name: Manifest(settings_digest(site, kb)) for site in sites}
    for site in sites:
        overdue.record(kb, site, manifests[site.name])
    results = {site.name: SiteReport(site.name, full=True) for site in sites}
    writers: dict[str, Any] = {}
    try:
        for site in sites:
            folders[site.name].mkdir()
            writers[site.name] = whoosh_index.create_in(str(folders[site.name]), index_schema()).writer(
                limitmb=128, timeout=kb.config.search.lock_timeout, compound=COMPOUND
            )
        total = len(disk)
        taken: dict[str, set[str]] = {site.name: set() for site in sites}  # ids with their first file in
        for n, (relpath, digest, docs) in enumerate(_prepared(kb, sites, disk, overdue), 1):  # in path order
            mtime, size, _ = disk[relpath]
            if digest is None:
                report.unreadable.append(relpath)
            for site in sites:
                claim, doc = docs.get(site.name, ("", None))
                first = claim not in taken[site.name]
                taken[site.name].add(claim)
                if doc is not None and first:
                    writers[site.name].add_document(**doc)
                    results[site.name].added += 1
                indexed = doc is not None and first
                manifests[site.name].files[relpath] = FileState(mtime, size, digest or "", indexed, claim)
            if progress is not None and (n % 200 == 0 or n == total):
                progress(", ".join(s.name for s in sites), n, total)
        while writers:
            name, writer = writers.popitem()
            writer.commit()
            manifests[name].write(folders[name])
    except BaseException:
        for writer in writers.values():
            writer.cancel()
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        raise
    for site in sites:
        _swap_in(kb, site.name, folders[site.name])
        results[site.name].published = results[site.name].added
    return [results[site.name] for site in sites]


def _swap_in(kb: KnowledgeBase, site: str, folder: Path) -> None:
    link = index_dir(kb, site)
    previous = link.resolve() if link.is_symlink() else None
    tmp = link.with_name(f".{site}.{uuid.uuid4().hex[:8]}.link")
    tmp.symlink_to(os.path.relpath(folder, link.parent))
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder left by hand: nothing can be swapped over it
    tmp.replace(link)
    # Keep the previous build a little longer: a searcher opened on it may still be reading.
    keep = {folder.resolve(), previous}
    for old in (index_root(kb) / BUILDS).glob(f"{site}-*"):
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _update(
    kb: KnowledgeBase,
    site: Site,
    manifest: Manifest,
    articles: dict[str, Article],
    disk: dict[str, tuple[int, int, Path]],
    candidates: set[str],
    rejudge: set[str],
    overdue: _Overdue,
) -> SiteReport:
    """Rewrite the changed articles of an existing index, and those to `rejudge` (their overdue
    state changed), and drop the removed ones. Of the files that take one id, the first by path
    is in: a change can also bring in or take out another file with the same id."""
    report = SiteReport(site.name, full=False)
    folder = index_dir(kb, site.name).resolve()
    publishing = Publishing.of(kb, [site], overdue)
    judged: dict[str, tuple[str, PublishedArticle | None]] = {}  # by path: read now
    gone: list[str] = []
    for rel in sorted(candidates):
        known = manifest.files.get(rel)
        article = articles.get(rel)
        if article is None:
            gone.append(rel)
        elif known is None or known.digest != article.digest or rel in rejudge:
            judged[rel] = publishing.judge(site, article)
        else:  # touched, not changed: remember the new time so it is not read again
            mtime, size, _ = disk[rel]
            manifest.files[rel] = known._replace(mtime_ns=mtime, size=size)
    gone += [rel for rel in manifest.files if rel not in disk]
    before = {rel: state.claim for rel, state in manifest.files.items() if state.claim}
    claims = {rel: claim for rel, claim in before.items() if rel not in judged and rel not in gone}
    claims.update({rel: claim for rel, (claim, _) in judged.items() if claim})
    affected = {before[rel] for rel in [*judged, *gone] if rel in before}
    affected.update(claims[rel] for rel in judged if rel in claims)
    first: dict[str, str] = {}  # affected id -> the file that is in
    for rel in sorted(claims):
        if claims[rel] in affected:
            first.setdefault(claims[rel], rel)
    for rel in first.values():  # an unchanged file that another one with its id kept out until now
        if rel not in judged and not manifest.files[rel].indexed:
            article = load_article(disk[rel][2], rel).article
            if article is not None:
                judged[rel] = publishing.judge(site, article)
    put = {rel: published for rel, (claim, published) in judged.items() if published and first.get(claim) == rel}
    drop = [rel for rel in [*judged, *gone] if rel not in put and _indexed(manifest, rel)]
    drop += [rel for rel, claim in claims.items() if claim in first and first[claim] != rel and rel not in judged
             and _indexed(manifest, rel)]  # fmt: skip
    if put or drop:
        ix = whoosh_index.open_dir(str(folder))
        try:
            writer = ix.writer(timeout=kb.config.search.lock_timeout, compound=COMPOUND)
        except LockError:
            raise LockTimeout(f"the whoosh index of site {site.name!r} stayed locked") from None
        try:
            for rel, published in sorted(put.items()):
                writer.update_document(**document(published))
                if _indexed(manifest, rel):
                    report.updated += 1
                else:
                    report.added += 1
            for rel in sorted(drop):
                writer.delete_by_term("path", rel)
                report.removed += 1
            # Merging segments costs a third of a second at 10,000 articles: let a few small ones
            # pile up (search reads them all the same) and merge them now and then.
            with ix.reader() as reader:  # type: ignore[no-untyped-call]
                merge = len(reader.leaf_readers()) >= MAX_SEGMENTS
            writer.commit(mergetype=None if merge else NO_MERGE)
        except BaseException:
            writer.cancel()
            raise
        finally:
            ix.close()  # type: ignore[no-untyped-call]
    for rel, (claim, _) in judged.items():
        mtime, size, _ = disk[rel]
        digest = articles[rel].digest if rel in articles else manifest.files[rel].digest
        manifest.files[rel] = FileState(mtime, size, digest, rel in put, claim)
    for rel in drop:
        if rel in manifest.files and rel not in judged:
            manifest.files[rel] = manifest.files[rel]._replace(indexed=False)
    for rel in gone:
        if rel in disk:  # there, but unreadable now
            mtime, size, _ = disk[rel]
            manifest.files[rel] = FileState(mtime, size, "", False, "")
        else:
            manifest.files.pop(rel, None)
    overdue.record(kb, site, manifest)
    manifest.write(folder)
    report.published = sum(1 for f in manifest.files.values() if f.indexed)
    return report


def _indexed(manifest: Manifest, rel: str) -> bool:
    known = manifest.files.get(rel)
    return known is not None and known.indexed
