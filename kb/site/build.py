"""`kb build`: every configured site from the same articles, each written whole or not at all.

The stages, per site: publish (what the site shows, `kb.publish.site_view`) → render bodies
(`kb.site.render`) → collect pages (`kb.site.collect`) → write the files that changed
(`kb.site.output`) → search index (`kb.site.searchindex`) → leak scan of everything written
(`kb.site.leaks`, customer sites) → commit. A leak or any error leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb import __version__, pool
from kb.article import Article
from kb.check import CacheHolder, today_for_build
from kb.config import CONFIG_FILE, OverduePolicy, within
from kb.errors import ConfigWarning, KbError, UsageError
from kb.findings import Finding
from kb.memory import gc_paused, give_back_freed_memory
from kb.project import KnowledgeBase
from kb.publish import PublishedArticle, SiteView, ViewMemo, shows_internal_notes, site_view
from kb.site import leaks, output, render, searchindex, urls, workers
from kb.site.cache import BuildCache, body_key, other_files
from kb.site.collect import Inputs, Memo, Page, Plan, collect
from kb.site.health import Health, assess
from kb.site.store import DiskCache
from kb.site.templates import Templates
from kb.site.views import ArticleSummary, ArticleView, HealthRow, SiteInfo
from kb.taxonomy import Site, did_you_mean

DISK_CACHE = "site.sqlite"  # in .kb-cache/
FULL_REBUILD_SHARE = 0.5  # above this share of changed files, write a fresh folder and swap it in
REMEMBER_EVERY = 500  # rendered bodies handed to the cache at once


class LeakError(KbError):
    """A customer site would contain what it must not: the build is refused."""

    def __init__(self, site: str, found: list[leaks.Leak]) -> None:
        shown = "\n".join(f"  {leak}" for leak in found[:20])
        more = f"\n  ... and {len(found) - 20} more" if len(found) > 20 else ""
        super().__init__(
            f"the {site} site would leak internal content; nothing was published:\n{shown}{more}",
            hint="an article or template prints a withheld article's id or title, or text of an internal block",
        )
        self.site = site
        self.leaks = found


@dataclass
class SiteReport:
    name: str
    folder: Path
    articles: int
    pages: int
    rendered: int  # pages rendered this time (the others were unchanged)
    written: int
    removed: int
    full: bool  # written as a fresh folder (else only the changed files)
    indexed: bool


@dataclass
class BuildReport:
    sites: list[SiteReport] = field(default_factory=list)
    articles: int = 0
    unreadable: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    read: int = 0  # article files read this time (the others came from the cache)
    rendered: int = 0  # article bodies rendered this time
    warnings: list[ConfigWarning] = field(default_factory=list)  # settings that look wrong (kb.yaml)


class Builder:
    """Builds the sites of one KB; keeps a cache between builds (what `kb serve` reuses)."""

    def __init__(
        self,
        root: Path,
        *,
        out: Path | None = None,
        today: dt.date | None = None,
        search: bool | None = None,
        cache: bool | None = None,
        progress: Callable[[str], None] | None = None,
        once: bool = False,
    ) -> None:
        self.root = root
        # One build and done (kb build): the check's results are let go after the health is
        # read from them, instead of being kept for the next rebuild (kb serve).
        self.once = once
        self.out = out
        self.today = today
        self.search = search
        self.use_disk = cache  # None: as `site.cache` in kb.yaml says
        # kb serve keeps rendered HTML in memory for its rebuilds; one build writes it to disk as
        # it comes and reads it back for the page that shows it.
        self.cache = BuildCache(hold_html=not once)
        self.memos: dict[str, Memo] = {}  # per site
        self.views: dict[str, ViewMemo] = {}  # per site
        self.page_keys: dict[str, PageKeys] = {}  # per site
        self.pending: dict[str, SiteIndex] = {}  # search indexes to update, by site
        self.unindexed: list[Unindexed] = []  # sites a one-off build wrote whole, to index and swap in
        self.health_key: tuple[dt.date, str] | None = None
        self.health: Health | None = None
        self.results = CacheHolder()  # kb check's result cache, read once for every rebuild
        self.tables: dict[str, render.LinkTable] = {}  # per site: the links the last build resolved
        self.validated: dict[str, set[str]] = {}  # per site: cached bodies known right for its links
        self.known: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # every id and file
        # The files beside the articles (images): listed again unless only articles were edited.
        self.files: frozenset[str] | None = None
        self.kb: tuple[str, KnowledgeBase] | None = None  # the last build's KB, by its settings digest
        self.progress = progress or (lambda message: None)

    def _index_written(self) -> None:
        """A one-off build's search indexes, once it has let go of what it built the sites from
        (Pagefind's runs would add to it): the sites written whole are indexed and swapped in,
        then the others' indexes brought up to date."""
        self.cache.forget()
        self.health = None
        gc.collect()
        try:
            while self.unindexed:
                self.unindexed.pop(0).finish()
        finally:
            self._abandon_unindexed()  # after a failure: the live sites stay as they were
        self.index_pending()

    def _abandon_unindexed(self) -> None:
        for left in self.unindexed:
            left.index.site.abandon()
        self.unindexed.clear()

    def index_pending(self) -> None:
        """Bring the search index of each site built with `defer_search` up to date."""
        while self.pending:
            self.pending.popitem()[1].in_place()

    def close(self) -> None:
        self.cache.close()

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def build(
        self,
        sites: list[str] | None = None,
        *,
        full: bool = False,
        changed: set[Path] | None = None,
        defer_search: bool = False,
    ) -> BuildReport:
        """Build `sites` (default: all). `changed`: the article files edited since the last build,
        when the caller knows (kb serve's watcher: no file came or went, nothing else changed);
        otherwise every file is checked.
        `defer_search`: after an incremental build, leave the search index to `index_pending()`
        (kb serve reloads pages at once and brings search up to date just after)."""
        if changed is None:
            # One build's objects (articles, pages, the manifest) live until its process ends, and
            # none of them is in a cycle: the collector's full passes over them took a tenth of a
            # `kb build` after one change at 10,000 articles (1.5 s), and freed nothing.
            paused = gc_paused() if self.once else contextlib.nullcontext()
            try:
                with paused:
                    report = self._build(sites, full=full, changed=None, defer_search=defer_search or self.once)
            except BaseException:
                self._abandon_unindexed()  # a site written before the one that failed stays as it was
                raise
            if self.once:
                self._index_written()
            # What a whole build leaves (articles, bodies, health: a million objects at 10,000
            # articles) lives as long as kb serve does: frozen, the garbage collector's full
            # passes skip it, which otherwise took up to a second of each rebuild after a save.
            gc.freeze()
            return report
        with gc_paused():  # a rebuild's many small objects would start those passes too
            return self._build(sites, full=full, changed=changed, defer_search=defer_search)

    def _build(
        self, sites: list[str] | None, *, full: bool, changed: set[Path] | None, defer_search: bool
    ) -> BuildReport:
        started = time.perf_counter()
        kb, settings = self._knowledge_base()
        taxonomy = kb.taxonomy
        chosen = _choose_sites(kb.configured_sites(), sites)
        out = self.out or kb.root / kb.config.site.output
        _refuse_articles_folder(out, kb.articles_dir, chosen)
        today = self.today or today_for_build()
        health_key = (today, settings)
        if health_key != self.health_key:
            self.health_key, self.health = health_key, None
        health = self.health = self._assess(kb, today, changed)
        use_disk = kb.config.site.cache if self.use_disk is None else self.use_disk
        if use_disk and self.cache.disk is None and not self.cache.primed:
            self.cache.disk = DiskCache(kb.cache_dir / DISK_CACHE)
        elif not self.cache.hold_html and self.cache.disk is None:
            self.cache.use_scratch()
        loaded = self.cache.load(kb, changed)
        report = BuildReport(articles=len(loaded.articles), unreadable=loaded.findings, read=loaded.changed)
        report.warnings = health.warnings
        templates = Templates(kb.root / kb.config.site.templates)
        fingerprint = templates.fingerprint()
        if changed is None or self.files is None:
            self.files = other_files(kb.articles_dir, kb.root)
        files = self.files
        search = kb.config.site.search if self.search is None else self.search
        pages_per_run = kb.config.site.search_pages_per_run
        in_use: set[str] = set()
        self.known = (frozenset(a.id for a in loaded.articles if a.id), frozenset(a.relpath for a in loaded.articles))
        # Every site's bodies are rendered first: after that, one build lets the articles' text
        # go (pages need only their front matter), which is most of what it holds.
        rendered_sites: list[tuple[SiteInfo, SiteView, dict[str, tuple[str, render.RenderedBody]]]] = []
        for site in chosen:
            split = ViewMemo() if self.once else self.views.setdefault(site.name, ViewMemo())
            view = site_view(site, loaded.articles, split)
            view = _kept_off_customer_site(view, health, kb.config.site.overdue, report.warnings)
            for duplicate, published in view.duplicates:
                report.warnings.append(_duplicate_warning(duplicate, published))
            info = SiteInfo(
                name=site.name,
                title=site.title,
                kb_name=kb.config.name,
                staff=shows_internal_notes(site),
                public=site.public,
                language=kb.config.site.language,
                base_url=kb.config.base_url if site.public else "",
                search=search,
                has_health=shows_internal_notes(site),
                id_prefix=kb.config.id_prefix,
            )
            bodies, rendered = self._render_bodies(view, loaded.articles, files, in_use)
            report.rendered += rendered
            view.forbidden  # noqa: B018 - read from the text of internal blocks: now, while it is here
            rendered_sites.append((info, view, bodies))
        if self.once:
            self.cache.let_text_go()
            for _, view, _ in rendered_sites:
                for shown in view.articles:
                    shown.let_text_go()
            give_back_freed_memory()
        while rendered_sites:
            info, view, bodies = rendered_sites.pop(0)  # one build forgets each site once written
            inputs = Inputs(kb.root, kb.config, taxonomy, health, today, loaded.articles, bodies)
            site_fingerprint = _digest(fingerprint, __version__, repr(info), settings)
            memo = Memo() if self.once else self.memos.setdefault(info.name, Memo())
            memo.start(site_fingerprint)
            plan = collect(info, view, inputs, memo)
            forbidden = leaks.Forbidden.of(
                item for item in view.forbidden if not (item[0].startswith("id of") and item[1] in plan.redirected_ids)
            )
            keys = PageKeys() if self.once else self.page_keys.setdefault(info.name, PageKeys())
            report.sites.append(
                _write_site(
                    out / info.name,
                    plan,
                    templates,
                    site_fingerprint,
                    forbidden,
                    bodies,
                    keys,
                    fingerprint,
                    self.cache.html,
                    search=search,
                    pages_per_run=pages_per_run,
                    full=full,
                    index_pending=self.pending if defer_search else None,
                    index_later=self.unindexed if self.once else None,
                )
            )
            self.progress(f"built {info.name}")
            del plan, memo, keys, inputs
        report.warnings = list({w.key: w for w in report.warnings}.values())  # once, not once per site
        if changed is None and len(chosen) == len(taxonomy.sites):
            self.cache.remember([], keep=in_use)  # every site was built: forget bodies none of them uses
        report.seconds = time.perf_counter() - started
        return report

    def _assess(self, kb: KnowledgeBase, today: dt.date, changed: set[Path] | None) -> Health:
        """The articles' health: kb serve keeps the check's results for its rebuilds. One build
        checks in a child process, before it loads anything itself, so that what checking 50,000
        articles takes is given back before the build's own work starts."""
        if self.once and changed is None:
            health = pool.in_child(lambda: assess(kb, today))
            if health is not None:
                return health
        reuse = None if self.once else self.results
        return assess(kb, today, changed=changed, previous=self.health, reuse=reuse)

    def _knowledge_base(self) -> tuple[KnowledgeBase, str]:
        """The KB with its config and taxonomy, and a digest of the files they come from (kb.yaml
        and the schemas folder): read afresh when that changed since the last build (a rebuild
        after an article is saved reuses them). Pages show those settings (titles, owners,
        codes), so the digest is also part of every page's key."""
        if self.kb is not None:
            known, kb = self.kb
            if _settings_digest(self.root, kb.schemas_dir) == known:
                return kb, known
        kb = KnowledgeBase(self.root)
        kb.taxonomy  # noqa: B018 - read now: a broken taxonomy is a ConfigError on this build
        self.kb = (_settings_digest(self.root, kb.schemas_dir), kb)
        return kb, self.kb[0]

    def _render_bodies(
        self, view: SiteView, articles: list[Article], files: frozenset[str], in_use: set[str]
    ) -> tuple[dict[str, tuple[str, render.RenderedBody]], int]:
        name = view.site.name
        last = self.tables.get(name)
        known = last.by_id if last is not None else {}  # a rebuild makes the paths of new ids only
        by_id = {p.id: known.get(p.id) or urls.article_path(p.id) for p in view.articles}
        table = render.LinkTable(
            by_relpath={p.article.relpath: by_id[p.id] for p in view.articles},
            by_id=by_id,
            known_ids=self.known[0],
            known_relpaths=self.known[1],
            files=files,
        )
        # While the site publishes the same articles at the same places, a body already checked
        # against this site's links stays right. A body made for the other site (the cache is
        # shared) is always checked: its links may point at what this site does not publish.
        if last != table:
            self.tables[name] = table
            self.validated[name] = set()
        checked = self.validated.setdefault(name, set())
        keys: dict[str, str] = {}
        jobs: dict[str, workers.RenderJob] = {}
        for published in view.articles:
            key = keys[published.id] = self.cache.body_key_of(published)
            hit = self.cache.bodies.get(key)
            stale = hit is None or (key not in checked and not render.still_valid(hit[1], table))
            if not stale:
                checked.add(key)
            if stale and key not in jobs:
                article = published.article
                jobs[key] = (key, published.body, article.relpath, published.internal_notes, article.title)
        rendered: list[tuple[str, str, render.RenderedBody]] = []
        count = 0
        for key, body in pool.run(workers.render_chunk, table, jobs.values()):
            rendered.append((key, body_key(body), body))
            for other in self.validated.values():  # a new rendering is right for this site's links only
                other.discard(key)
            checked.add(key)
            if len(rendered) >= REMEMBER_EVERY:
                count += len(rendered)
                self.cache.remember(rendered, keep=None)
                rendered = []
        count += len(rendered)
        self.cache.remember(rendered, keep=None)
        in_use.update(keys.values())
        return {article_id: self.cache.bodies[key] for article_id, key in keys.items()}, count


def build(
    kb: KnowledgeBase,
    *,
    sites: list[str] | None = None,
    out: Path | None = None,
    today: dt.date | None = None,
    search: bool | None = None,
    full: bool = False,
    cache: bool | None = None,
) -> BuildReport:
    """Build the KB's sites (default: all configured) into `out` (default: `site.output`)."""
    with Builder(kb.root, out=out, today=today, search=search, cache=cache, once=True) as builder:
        return builder.build(sites, full=full)


def _refuse_articles_folder(out: Path, articles: Path, sites: list[Site]) -> None:
    """Refuse to write sites where kb reads articles (`kb build --out articles/x`; `site.output` is
    refused when kb.yaml is read), or into a site folder that holds them: a full build replaces
    each site's folder whole."""
    if within(out, articles):
        raise UsageError(
            f"cannot write the sites to {out}: it is in the articles folder {articles}, where kb reads articles",
            hint="write them to a folder beside the articles (kb build --out site)",
        )
    for site in sites:
        if within(articles, out / site.name):
            raise UsageError(
                f"cannot write the {site.name} site to {out / site.name}: it holds the articles folder {articles}, "
                "and a build replaces a site's folder whole",
                hint="write the sites to another folder (kb build --out, or site.output in kb.yaml)",
            )


def _choose_sites(configured: dict[str, Site], wanted: list[str] | None) -> list[Site]:
    if not wanted:
        return [configured[name] for name in sorted(configured)]
    unknown = [name for name in wanted if name not in configured]
    if unknown:
        close = did_you_mean(unknown[0], configured)  # ' (did you mean "public"?)'
        hint = "configured sites: " + ", ".join(sorted(configured))
        raise UsageError(f"no site named {unknown[0]!r}{close}", hint=hint)
    return [configured[name] for name in sorted(set(wanted))]


def _kept_off_customer_site(
    view: SiteView, health: Health, policy: OverduePolicy, warnings: list[ConfigWarning]
) -> SiteView:
    """On a customer site, articles with a secret or a card number, or a staff note whose markup
    went wrong (`kb.quality.unpublishable`), are kept off, each with a warning; with the `hide`
    policy, overdue ones too."""
    if not view.site.public:
        return view

    def off(published: PublishedArticle) -> bool:
        known = health.of(published.article)
        if known and known.unsafe:
            # No line for the warning: its excerpt would print the secret into the build's log.
            message = f"not published on the {view.site.name} site: {known.unsafe[0]}"
            hint = (
                "fix it (the warning names its line; kb explain CODE says how); a made-up secret or card "
                "number may be suppressed inline with a reason"
            )
            warnings.append(ConfigWarning(message, path=published.article.path, hint=hint))
            return True
        return policy is OverduePolicy.HIDE and known is not None and known.staleness.state == "overdue"

    return view.keep_off(off)


def _duplicate_warning(duplicate: Article, published: Article) -> ConfigWarning:
    return ConfigWarning(
        f"not published: its id {duplicate.id} is also {published.relpath}'s, which is published",
        path=duplicate.path,
        hint="give it a free id (kb new shows the next one)",
    )


def _settings_digest(root: Path, schemas: Path) -> str:
    """A digest of kb.yaml and every file under the schemas folder, as they read now."""
    digest = hashlib.sha256()
    config = root / CONFIG_FILE
    digest.update(config.read_bytes() if config.is_file() else b"-")
    if schemas.is_dir():
        for path in sorted(schemas.rglob("*")):
            if path.is_file():
                digest.update(b"\0" + path.relative_to(schemas).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


class PageKeys:
    """A digest of everything a page's output depends on, remembered per page and per summary
    object so that a rebuild hashes only what it made anew."""

    def __init__(self) -> None:
        self.fingerprint = ""
        self.pages: dict[int, tuple[Page, str]] = {}
        self.summaries: dict[int, tuple[object, str]] = {}  # summaries and health rows

    def start(self, fingerprint: str) -> None:
        if fingerprint != self.fingerprint:
            self.fingerprint = fingerprint
            self.pages.clear()
            self.summaries.clear()

    def of(self, page: Page) -> str:
        known = self.pages.get(id(page))
        if known is not None and known[0] is page:
            return known[1]
        parts = [self.fingerprint, page.path, page.template, page.title, page.description]
        parts.append(repr((page.searchable, page.listed)))
        # An article page's view is small: its repr is quicker than walking it. Lists of many
        # articles are walked, each summary hashed once and remembered.
        parts.append(repr(page.view) if isinstance(page.view, ArticleView) else self._digest(page.view))
        key = _digest(*parts)
        self.pages[id(page)] = (page, key)
        return key

    def forget_all_but(self, pages: list[Page]) -> None:
        if len(self.pages) <= 2 * len(pages):
            return  # a rebuild replaces a few pages: forgetting those waits until they add up
        live = {id(page) for page in pages}
        self.pages = {k: v for k, v in self.pages.items() if k in live}

    def _summary_digest(self, value: object) -> str:
        """The digest of one item of a long list (a summary, a health row), remembered per object."""
        known = self.summaries.get(id(value))
        if known is None or known[0] is not value:
            known = (value, hashlib.sha256(self._digest(value).encode("utf-8")).hexdigest()[:24])
            self.summaries[id(value)] = known
        return known[1]

    def _digest(self, value: object) -> str:
        """Like repr(), with each article summary replaced by its (remembered) digest."""
        if isinstance(value, ArticleSummary):
            return repr(value)
        if isinstance(value, tuple):
            if value and isinstance(value[0], ArticleSummary | HealthRow):  # the long lists: one lookup each
                return "(" + ",".join(self._summary_digest(item) for item in value) + ")"
            return "(" + ",".join(self._digest(item) for item in value) + ")"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = ",".join(self._digest(getattr(value, f.name)) for f in dataclasses.fields(value))
            return f"{type(value).__name__}({fields})"
        return repr(value)


def _write_site(
    folder: Path,
    plan: Plan,
    templates: Templates,
    fingerprint: str,
    forbidden: leaks.Forbidden,
    bodies: dict[str, tuple[str, render.RenderedBody]],
    page_keys: PageKeys,
    templates_fingerprint: str,
    html_of: Callable[[str, str], str],
    *,
    search: bool,
    pages_per_run: int,
    full: bool,
    index_pending: dict[str, SiteIndex] | None = None,
    index_later: list[Unindexed] | None = None,
) -> SiteReport:
    site = SiteFolder(folder)
    site.recover()
    previous = site.manifest()

    producers: dict[str, Callable[[], bytes]] = {}  # files that are not pages
    keys: dict[str, str] = {}
    pages = {page.path: page for page in plan.pages}
    page_keys.start(fingerprint)
    for page in plan.pages:
        keys[page.path] = page_keys.of(page)
    page_keys.forget_all_but(plan.pages)
    for name, data in plan.files.items():
        keys[name] = hashlib.sha256(data).hexdigest()
        producers[name] = _constant(data)
    for item in templates.static_files():
        name = f"{urls.STATIC}/{item.name}"
        keys[name] = hashlib.sha256(item.data).hexdigest()
        producers[name] = _constant(item.data)
    for name, source in plan.assets.items():
        try:
            info = source.stat()
        except OSError:
            continue
        keys[name] = f"asset:{info.st_size}:{info.st_mtime_ns}"
        producers[name] = _file(source)

    known = previous.files if previous else {}
    changed = sorted(name for name, key in keys.items() if known.get(name) != key)
    removed = sorted(name for name in known if name not in keys)
    manifest = output.Manifest(dict(sorted(keys.items())), list(forbidden.items))
    incremental = previous is not None and not full and len(changed) <= FULL_REBUILD_SHARE * max(len(keys), 1)
    newly_forbidden = leaks.Forbidden.of(set(forbidden.items) - set(previous.forbidden if previous else []))

    changed_set = set(changed)
    try:
        if incremental:
            target = site.start_incremental()
            to_write = changed
        else:
            target = site.start_full()
            to_write = [name for name in sorted(keys) if name in changed_set or not site.reuse(target, name)]
        # What is written now is scanned as it is written; what is kept from the last build was
        # scanned then, so it is read back only for what has become forbidden since.
        batch = workers.PageBatch(templates.override, templates_fingerprint, plan.site, target, forbidden)
        written = set(to_write)
        items = ((pages[n], _body_of(pages[n], bodies, html_of)) for n in to_write if n in pages)
        found = list(pool.run(workers.write_pages, batch, items, weight=workers.page_weight))
        for name in to_write:
            if name not in pages:
                data = producers[name]()
                found.extend(leaks.scan_file(name, data, forbidden))
                output.write_file(target, name, data)
        kept = [name for name in keys if name not in written]
        found.extend(leaks.scan_folder(site.folder if incremental else target, newly_forbidden, kept))
        index = (
            SiteIndex(site, plan.site, forbidden, pages_per_run, manifest.files, keep_parts=not full)
            if search
            else None
        )
        if index is not None and not incremental and index_later is None:
            found.extend(index.into_new_folder())
        if found:
            raise LeakError(plan.site.name, sorted(found, key=lambda leak: (leak.file, leak.what)))
        if incremental:
            site.commit_incremental(changed, removed, manifest)
            stale_index = (
                changed or removed or newly_forbidden  # kept parts are scanned again for what is newly forbidden
                or not (site.folder / urls.SEARCH_BUNDLE).is_dir()
                or not site.search_record.is_file()  # the last index failed, or was interrupted
            )  # fmt: skip
            if index is not None and stale_index:
                if index_pending is not None:
                    index_pending[plan.site.name] = index  # kb serve: `Builder.index_pending()`, after the reload
                else:
                    index.in_place()
        elif index is not None and index_later is not None:
            index_later.append(Unindexed(index, manifest))  # swapped in once indexed (`Unindexed.finish`)
        else:
            site.commit_full(manifest)
            if index is not None:
                index.keep_record()
    except BaseException:
        site.abandon()  # or, past the commit point, finished: its staged files are the live site's
        raise
    return SiteReport(
        plan.site.name, folder, sum(1 for p in plan.pages if isinstance(p.view, ArticleView)), len(plan.pages),
        sum(1 for name in changed if name in pages), len(changed), len(removed), not incremental, search,
    )  # fmt: skip


@dataclass
class SiteIndex:
    """The Pagefind index of one site's folder: built into a new bundle, scanned for what the site
    must not show, and kept only when clean. The parts of the live bundle whose pages did not
    change are kept rather than indexed again (`searchindex.LiveBundle`)."""

    site: SiteFolder
    info: SiteInfo
    forbidden: leaks.Forbidden
    pages_per_run: int
    keys: Mapping[str, str]  # the pages' keys: the manifest of the site as it will be indexed
    keep_parts: bool = True  # False: every part indexed again (`kb build --full`)
    made: searchindex.Indexed | None = field(default=None, init=False)  # the new bundle's record

    def into_new_folder(self) -> list[leaks.Leak]:
        """Index a full build's new folder (not yet swapped in); what the index shows that the
        site must not. Once the folder is swapped in, `keep_record()`."""
        give_back_freed_memory()  # Pagefind's runs come on top of what the build holds
        return self._index(self.site.fresh, self.site.fresh / urls.SEARCH_BUNDLE)

    def in_place(self) -> None:
        """Index the live site (after an incremental commit, or after a one-off build swapped in
        the sites it did not write whole) into a new bundle, and swap it in."""
        fresh, retired = self.site.search_fresh, self.site.search_retired
        for leftover in (fresh, retired):
            if leftover.exists():
                shutil.rmtree(leftover)
        live = self.site.folder / urls.SEARCH_BUNDLE
        try:
            found = self._index(self.site.folder, fresh)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        self.site.forget_search_record()
        if found:
            shutil.rmtree(fresh, ignore_errors=True)
            if live.exists() and leaks.scan_folder(live, self.forbidden):
                shutil.rmtree(live)  # better no search than a search that leaks
            raise LeakError(self.info.name, found)
        if live.exists():
            live.rename(retired)
        fresh.rename(live)
        self.keep_record()
        shutil.rmtree(retired, ignore_errors=True)

    def keep_record(self) -> None:
        """Record what the live bundle was made of, for the next index."""
        if self.made is not None:
            self.site.keep_search_record(self.made.to_json())

    def _index(self, pages: Path, bundle: Path) -> list[leaks.Leak]:
        record = searchindex.Indexed.read(self.site.search_record) if self.keep_parts else None
        live = None if record is None else searchindex.LiveBundle(self.site.folder / urls.SEARCH_BUNDLE, record)
        made = searchindex.build_index(
            pages, bundle, self.info.language, self.pages_per_run, self.site.search_scratch, self.keys, live
        )
        # A part Pagefind made now is scanned whole; a part kept from the live bundle was scanned
        # then, so it is read again only for what has become forbidden since.
        new: list[str] = []
        kept: list[str] = []
        for name in output.files_under(bundle):
            (kept if searchindex.part_of_file(name) in made.kept else new).append(name)
        since = self.forbidden.beyond(live.record.scanned) if live is not None and kept else self.forbidden
        found = leaks.scan_folder(bundle, self.forbidden, new) + leaks.scan_folder(bundle, since, kept)
        self.made = dataclasses.replace(made, scanned=self.forbidden.keys())
        return [leaks.Leak(f"{urls.SEARCH_BUNDLE}/{leak.file}", leak.what, leak.text) for leak in found]


@dataclass(frozen=True)
class Unindexed:
    """A site written whole, not yet swapped in, whose search index is still to be built: a one-off
    build indexes after it has let go of what it built the sites from, since Pagefind's runs add
    to what the build holds meanwhile (at 50,000 articles, 800 MiB)."""

    index: SiteIndex
    manifest: output.Manifest

    def finish(self) -> None:
        """Index the new folder and swap it in; a leak or a failure leaves the live site as it was."""
        site = self.index.site
        try:
            found = self.index.into_new_folder()
            if found:
                raise LeakError(self.index.info.name, sorted(found, key=lambda leak: (leak.file, leak.what)))
            site.commit_full(self.manifest)
            self.index.keep_record()
        except BaseException:
            site.abandon()
            raise


def _body_of(page: Page, bodies: dict[str, tuple[str, render.RenderedBody]], html_of: Callable[[str, str], str]) -> str:
    if not isinstance(page.view, ArticleView):
        return ""
    key, body = bodies.get(page.view.summary.id, ("", None))
    return html_of(page.view.body_key, body.html if body is not None and key == page.view.body_key else "")


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _file(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


SiteFolder = output.SiteFolder
