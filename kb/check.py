"""`kb check`: load every article, validate it, run the rules, and collect every finding.

The stages, in order:
1. examine each article (load with its file and YAML traps → schema → article rules → facts and
   inline suppressions), taken from the result cache when the file is unchanged, in a process
   pool when many are not;
2. run the rules across articles on the facts of the whole KB (ids, links, near-duplicates,
   staleness), so that they see every article even when only some are checked;
3. apply the KB's policy (select, ignore, levels, per-path overrides) and the inline
   suppressions (both before results are cached: the settings are part of the cache's key),
   then the baseline.
One unreadable article never stops the others from being checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from stat import S_ISREG
from typing import Any
from urllib.parse import unquote

from kb import pool
from kb.article import Article
from kb.config import CONFIG_FILE
from kb.errors import ConfigWarning, UsageError
from kb.findings import Finding, Level
from kb.memory import gc_paused
from kb.project import MAX_ARTICLE_BYTES, KnowledgeBase
from kb.quality import baseline as baselines
from kb.quality import suppression
from kb.quality.cache import DamagedCache, Examined, ResultCache, fingerprint
from kb.quality.history import changed_since as changed_since_ref
from kb.quality.history import head_commit
from kb.quality.policy import Policy, load_policy
from kb.rules import ArticleRule, article_rules, corpus_rules
from kb.rules.context import CheckContext
from kb.rules.facts import ArticleFacts, CorpusContext, facts_of
from kb.rules.links import file_state, linked_files
from kb.rules.suppression import UnusedSuppression
from kb.taxonomy import ERROR_CODES_FILE, TAXONOMY_FILE
from kb.words import plural

# Below this many articles to examine, starting worker processes costs more than it saves.
POOL_THRESHOLD = 400
CHUNK = 64


@dataclass
class CheckResult:
    """Findings for the checked articles, sorted by place, and the facts of every article."""

    findings: list[Finding]
    checked: list[str]
    results: dict[str, Examined] = field(default_factory=dict)  # every file of the KB
    examined: int = 0  # articles read and checked afresh (the others came from the cache)
    accepted: list[Finding] = field(default_factory=list)  # findings the baseline accepts
    warnings: list[ConfigWarning] = field(default_factory=list)  # settings that look wrong

    @cached_property
    def facts(self) -> dict[str, ArticleFacts]:
        """The facts of every readable article of the KB, by path."""
        return {relpath: f for relpath, r in self.results.items() if (f := r.facts) is not None}

    @property
    def articles(self) -> list[ArticleFacts]:
        """The checked articles that could be read (as the rules across articles see them)."""
        return [self.facts[relpath] for relpath in self.checked if relpath in self.facts]

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def failed(self, fail_level: Level) -> bool:
        return any(f.level >= fail_level for f in self.findings)


@dataclass
class CacheHolder:
    """A result cache kept between checks of the same KB in one process (see `check`'s `reuse`)."""

    cache: ResultCache | None = None


def check(
    kb: KnowledgeBase,
    paths: list[Path] | None = None,
    *,
    today: dt.date | None = None,
    only: set[str] | None = None,
    use_cache: bool | None = None,
    use_baseline: bool = True,
    progress: Progress | None = None,
    save_cache: bool = True,
    reuse: CacheHolder | None = None,
    saved: set[str] | None = None,
    facts: bool = False,
) -> CheckResult:
    """Check the articles under `paths` (default: the whole KB), or those in `only` (paths from the
    KB root), against everything kb knows. A file of `only` that is no longer there (deleted or
    moved away since a git ref, as `--changed-since` lists them) brings the articles that link
    to it, by path or by the id git says it had, and its baseline entries are stale. `progress`
    hears how many articles were read afresh so far (a terminal shows it; CI does not ask).
    `save_cache=False` reads the result cache but does not write it back (kb serve, after each
    save: writing it costs more than re-checking the one article later). `reuse` keeps the
    result cache in memory from one call to the next (kb serve's builder: reading it from disk
    took most of a rebuild). `saved`: with `reuse`, the files (paths from the KB root) saved,
    added or removed since its last check, as a watcher knows: when all are articles it knew,
    the others are taken from it without listing the folder or looking at each file; and the
    articles whose findings across articles change with them (near-duplicates before and after,
    articles linking to them, replaced by them, sharing their id or having their page as an
    alias) are checked with `paths`. `facts`: the caller reads every article's facts (an audit);
    they are read before the result is returned, so that a damaged facts file is repaired here
    like any other damage to the cache."""
    run = partial(
        _check, kb, paths, today=today, only=only, use_cache=use_cache, use_baseline=use_baseline,
        progress=progress, save_cache=save_cache, reuse=reuse, facts=facts,
    )  # fmt: skip
    try:
        return run(saved=saved)
    except DamagedCache as damaged:
        # The cache is only ever a shortcut: start it afresh, check every article again, say so.
        damaged.cache.discard()
        if reuse is not None:
            reuse.cache = None
        result = run(saved=None)
        hint = "kb writes its cache whole and swaps it in: was it edited by hand, or copied in part?"
        result.warnings.append(ConfigWarning(f"{damaged.message}; every article was checked again", hint=hint))
        return result


def _check(
    kb: KnowledgeBase,
    paths: list[Path] | None,
    *,
    today: dt.date | None,
    only: set[str] | None,
    use_cache: bool | None,
    use_baseline: bool,
    progress: Progress | None,
    save_cache: bool,
    reuse: CacheHolder | None,
    saved: set[str] | None,
    facts: bool,
) -> CheckResult:
    policy = load_policy(kb.config)  # a config mistake is a ConfigError before any article is read
    kb.taxonomy  # noqa: B018 - read now: a broken taxonomy is a ConfigError before any article is read
    kb.require_articles()
    cache_on = kb.config.check.cache if use_cache is None else use_cache
    cache = None
    listed = None  # the articles as the in-memory cache knows them, when that is enough
    if cache_on:
        key = fingerprint(kb.root, _settings_files(kb))
        cache = reuse.cache if reuse is not None and reuse.cache is not None and reuse.cache.key == key else None
        listed = _known_articles(kb, cache, saved) if cache is not None else None
        cache = cache or ResultCache(kb.cache_dir, key)
        if reuse is not None:
            reuse.cache = cache
    everything = kb.article_relpaths() if listed is None else listed
    scope = [kb.relpath(p) for p in kb.article_paths(paths)] if paths else everything
    targets = scope if only is None else [t for t in scope if t in only]
    known = set(everything)
    extra = [t for t in targets if t not in known]  # files named explicitly outside the articles folder
    warnings = policy.unmatched([*everything, *extra])
    if not everything and not paths:
        warnings.append(_nothing_to_check(kb))
    unchanged = None if listed is None or saved is None else known - saved
    before = _facts_before(cache, saved) if saved is not None and cache is not None else {}
    results, examined = _examine_all(kb, [*everything, *extra], cache, policy, progress, unchanged)
    if saved is not None and (paths or only is not None):
        # What the saved articles were and are now decides which others' findings change too.
        targets = sorted({*targets, *_affected(kb, saved, before, results, set(targets))})
    gone = _gone(kb, only, known) if saved is None else set()
    if gone:
        # Files deleted or moved away (a pull request's): the articles that linked to them are
        # broken now, though their text did not change.
        linking = _linking_to_gone(kb, gone, results, set(targets)) & set(scope)
        targets = sorted({*targets, *linking})

    with gc_paused():  # tens of thousands of findings and facts, none of them in cycles
        day = today or run_date()
        wanted = set(targets)
        by_path: dict[str, list[Finding]] = defaultdict(list)
        for relpath in targets:
            by_path[relpath].extend(results[relpath].findings)
        focus = None if wanted >= known else frozenset(wanted)
        for relpath, found in _corpus_findings(kb, results, day, cache, policy, focus).items():
            if relpath in wanted:
                by_path[relpath].extend(found)
        if cache is not None:
            cache.forget_except(set(results))  # kept in memory (reuse) too: it lists the articles
            if save_cache:
                cache.save()

        findings = [f for found in by_path.values() for f in found]
        accepted: list[Finding] = []
        if use_baseline:
            # The entries of the files deleted are stale: the pull request shrinks the baseline too.
            findings, accepted = _apply_baseline(kb, findings, wanted | gone, known, whole=focus is None)
        findings.sort(key=Finding.sort_key)
    result = CheckResult(findings, targets, results, examined, accepted, warnings)
    if facts:
        result.facts  # noqa: B018 - read now: a damaged facts file raises where `check` repairs it
    return result


def _corpus_findings(
    kb: KnowledgeBase,
    results: dict[str, Examined],
    day: dt.date,
    cache: ResultCache | None,
    policy: Policy,
    focus: frozenset[str] | None = None,
) -> dict[str, list[Finding]]:
    """The findings of the rules across articles, by file: from the cache when the last run saw the
    same articles on the same day (and the same settings: the cache's own key), else computed;
    with a `focus` (some articles checked, not all), computed for those and not cached."""
    key = hashlib.sha256(day.isoformat().encode())
    for relpath in sorted(results):
        key.update(f"\0{relpath}\0{results[relpath].digest}".encode())
    if cache is not None:
        cached = cache.corpus_findings(key.hexdigest(), lambda outside: _outside_unchanged(kb.root, outside))
        if cached is not None:
            return cached
    with gc_paused():
        facts = [f for r in results.values() if (f := r.facts) is not None]
    context = CorpusContext(kb.root, kb.config, kb.taxonomy, facts, day, focus=focus)
    found: dict[str, list[Finding]] = defaultdict(list)
    for rule in corpus_rules():
        if policy.enabled(rule.code):
            for finding in rule.check_corpus(context):
                found[finding.location.path].append(finding)
    reported = {
        relpath: suppression.apply(policy.apply(findings), results[relpath].suppressions)
        for relpath, findings in found.items()
    }
    if policy.enabled(UnusedSuppression.code):
        for relpath, examined in results.items():
            if examined.suppressions and (focus is None or relpath in focus):
                used = examined.used | suppression.used(policy.apply(found.get(relpath, [])), examined.suppressions)
                idle = policy.apply(suppression.unused(relpath, examined.suppressions, used))
                if idle:
                    reported[relpath] = [*reported.get(relpath, []), *idle]
    if cache is not None and focus is None:
        # "" for a repository without a commit yet: the first commit must count as a change.
        head = (head_commit(kb.root) or "") if context.memo.get("git") else None
        outside = {"files": linked_files(context), "head": head}
        cache.store_corpus(key.hexdigest(), reported, outside)
    return reported


def _outside_unchanged(root: Path, outside: dict[str, Any]) -> bool:
    """Whether what the findings across articles read besides the articles reads the same: the
    files that links lead to (an image deleted since, or a symbolic link put in a file's place),
    and the git commit whose dates stood in for missing review dates."""
    files: dict[str, str] = outside.get("files") or {}
    folders: dict[str, bool] = {}
    if any(file_state(str(root), relpath, folders) != state for relpath, state in files.items()):
        return False
    head = outside.get("head")
    return head is None or (head_commit(root) or "") == head


def run_date() -> dt.date:
    """The date review dates are compared with: `$KB_TODAY` (YYYY-MM-DD) when set, for
    reproducible CI runs and tests, else today."""
    value = os.environ.get("KB_TODAY", "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"KB_TODAY={value!r} is not a date", hint="write it as YYYY-MM-DD") from None


def today_for_build() -> dt.date:
    """The build's date: `$KB_TODAY` as for `kb check`, else `SOURCE_DATE_EPOCH` (reproducible
    builds) when set, else today."""
    if os.environ.get("KB_TODAY", "").strip():
        return run_date()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def baseline_path(kb: KnowledgeBase) -> Path:
    return kb.root / kb.config.lint.baseline


@dataclass
class BaselineWritten:
    """What `accept_findings` wrote: the baseline (a path from the KB root), its entries, and
    the findings they accept."""

    relpath: str
    entries: int
    findings: int


def accept_findings(
    kb: KnowledgeBase,
    paths: list[Path] | None = None,
    *,
    changed_since: str | None = None,
    today: dt.date | None = None,
    use_cache: bool | None = None,
) -> BaselineWritten:
    """Write the baseline accepting every current finding of the articles under `paths`
    (default: the whole KB), or of those an audit `changed_since` a git ref looks at. When some
    are checked, the entries of the others are kept, and those of files no longer in the KB
    dropped."""
    path = baseline_path(kb)
    _writable(kb, path)  # before the check, which can take a while
    only = changed_since_ref(kb.root, changed_since) if changed_since is not None else None
    result = check(kb, paths, today=today, only=only, use_cache=use_cache, use_baseline=False)
    unchecked = set(result.results) - set(result.checked) if paths or only is not None else set()
    try:
        count = baselines.write_baseline(path, result.findings, keep=unchecked)
    except OSError as exc:
        raise UsageError(f"cannot write the baseline {kb.relpath(path)}: {exc.strerror or exc}") from None
    return BaselineWritten(kb.relpath(path), count, len(result.findings))


def _writable(kb: KnowledgeBase, path: Path) -> None:
    """A usage error, as for `kb audit -o`, when the baseline's folder is missing or read-only."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"cannot write the baseline {kb.relpath(path)}: there is no folder {kb.relpath(folder)}",
            hint="create it first, or set lint.baseline in kb.yaml to a file in a folder that exists",
        )
    if not os.access(folder, os.W_OK):
        raise UsageError(
            f"cannot write the baseline {kb.relpath(path)}: the folder {kb.relpath(folder)} is not writable"
        )


def _apply_baseline(
    kb: KnowledgeBase, findings: list[Finding], wanted: set[str], known: set[str], *, whole: bool
) -> tuple[list[Finding], list[Finding]]:
    """The findings the baseline does not accept (with KB016 for its stale entries: of the
    `wanted` files, and of files no longer in the KB when it was checked whole), and those it does."""
    path = baseline_path(kb)
    baseline = baselines.Baseline.read(path, kb.relpath(path))
    if baseline is None:
        return findings, []
    kept, accepted, stale = baseline.filter(findings, wanted, known, whole=whole)
    return kept + stale, accepted


def _known_articles(kb: KnowledgeBase, cache: ResultCache, saved: set[str] | None) -> list[str] | None:
    """Every article as the in-memory cache of the last check knows them, when the files `saved`
    since are all among them and still there; None when the folder must be listed again."""
    if saved is None or not cache.entries:
        return None
    for relpath in saved:
        if relpath not in cache.entries or not (kb.root / relpath).is_file():
            return None
    return sorted(cache.entries)


def _facts_before(cache: ResultCache, saved: set[str]) -> dict[str, ArticleFacts]:
    """The facts of the saved articles as the cache knew them, before they are checked again."""
    before = {}
    for relpath in saved:
        entry = cache.entry(relpath)
        facts = entry.facts if entry is not None else None
        if facts is not None:
            before[relpath] = facts
    return before


def _affected(
    kb: KnowledgeBase, saved: set[str], before: dict[str, ArticleFacts], results: dict[str, Examined], targets: set[str]
) -> set[str]:
    """Articles whose findings across articles may change with the `saved` ones: the saved
    articles' near-duplicates (before and after), and the articles that link to them by path or
    id, name them as replacement, share their id, or have their page as an alias."""
    from kb.rules import minhash
    from kb.site import urls

    now = {relpath: f for relpath in saved if (r := results.get(relpath)) is not None and (f := r.facts) is not None}
    ids = {f.id for f in [*before.values(), *now.values()] if f.id}
    names = {_file_name(relpath) for relpath in saved}
    pages = {urls.article_path(i).casefold() for i in ids}
    threshold = kb.config.lint.thresholds.duplicate_similarity
    sketches = []
    affected: set[str] = set()
    for relpath, examined in results.items():
        facts = examined.facts
        if facts is None or relpath in targets:
            continue
        if facts.id in ids or facts.replaced_by in ids:
            affected.add(relpath)
        if facts.aliases and any(page.casefold() in pages for _, page, _, _ in facts.aliases):
            affected.add(relpath)
        # Links read as `_link_paths` reads them, written out: kb serve runs this on every save,
        # over every link of the KB, and the generator cost a fifth more (8 ms at 10,000 articles).
        for link in facts.links:
            path = link.href.split("#", 1)[0]
            if "%" in path or "?" in path:
                path = unquote(path.split("?", 1)[0])
            if path in ids or path[path.rfind("/") + 1 :] in names:
                affected.add(relpath)
        if facts.sketch is not None and not facts.archived:
            sketches.append((relpath, facts.sketch))
    versions = [(f"\0{n}", f.sketch) for n, f in enumerate([*before.values(), *now.values()]) if f.sketch is not None]
    keys = [key for key, _ in versions]  # keys no article has: the saved articles as they were and are
    affected.update(other for _, other, _ in minhash.similar_to(keys, [*sketches, *versions], threshold))
    return affected - set(keys)


def _gone(kb: KnowledgeBase, only: set[str] | None, known: set[str]) -> set[str]:
    """The files of `only` (what changed, as git lists it) that are no longer there."""
    if not only:
        return set()
    return {relpath for relpath in only if relpath not in known and not (kb.root / relpath).exists()}


def _linking_to_gone(kb: KnowledgeBase, gone: set[str], results: dict[str, Examined], targets: set[str]) -> set[str]:
    """Articles (besides `targets`) that link to a file of `gone` (paths from the KB root) by
    path, or to a deleted article by the id it had in git (unless another article has it now,
    as after a move), or name that id as `replaced_by`."""
    from kb.load import load_bytes
    from kb.quality.history import last_versions

    present = {f.id for r in results.values() if (f := r.facts) is not None and f.id}
    ids: set[str] = set()
    for relpath, data in last_versions(kb.root, [p for p in gone if p.lower().endswith(".md")]).items():
        article = load_bytes(data, kb.root / relpath, relpath).article
        if article is not None and article.id and article.id not in present:
            ids.add(article.id)
    names = {_file_name(relpath) for relpath in gone}
    affected: set[str] = set()
    for relpath, examined in results.items():
        facts = examined.facts
        if facts is None or relpath in targets:
            continue
        if facts.replaced_by in ids:
            affected.add(relpath)
        folder = posixpath.dirname(relpath)
        # The file name first (cheap, for 100,000 links), then the path it leads to.
        if any(
            path in ids
            or (path[path.rfind("/") + 1 :] in names and posixpath.normpath(posixpath.join(folder, path)) in gone)
            for path in _link_paths(facts)
        ):
            affected.add(relpath)
    return affected


def _link_paths(facts: ArticleFacts) -> Iterator[str]:
    """What each link of `facts` leads to, its anchor left off, read as the links rule reads it
    (`kb.rules.links.resolve`): an id, or a path from the article's folder."""
    for link in facts.links:
        path = link.href.strip().split("#", 1)[0]
        if "%" in path or "?" in path:  # few hrefs hold either: 100,000 links are read here
            path = unquote(path.split("?", 1)[0])
        yield path


def _file_name(path: str) -> str:
    return path[path.rfind("/") + 1 :]


def _nothing_to_check(kb: KnowledgeBase) -> ConfigWarning:
    """Why a whole-KB check found no article: said, never passed off as "all 0 articles pass"."""
    folder = kb.relpath(kb.articles_dir)
    files = sum(1 for _ in kb.articles_dir.rglob("*.md")) if kb.config.exclude else 0
    if files:
        return ConfigWarning(
            f"exclude leaves out every article: {plural(files, '.md file')} under {folder}/, none checked",
            path=kb.config.path, hint="exclude: in kb.yaml takes glob patterns of files that are not articles",
        )  # fmt: skip
    return ConfigWarning(f"there is no article to check under {folder}/", hint="kb new starts one")


def _settings_files(kb: KnowledgeBase) -> list[Path]:
    return [kb.root / CONFIG_FILE, kb.schemas_dir / TAXONOMY_FILE, kb.schemas_dir / ERROR_CODES_FILE]


# -- examining articles -------------------------------------------------------------------------


class _Examiner:
    """Runs the article rules on one file; lives once per process."""

    def __init__(self, kb: KnowledgeBase, policy: Policy) -> None:
        # Loading and validation (YAML, jsonschema) are imported only when an article must be
        # read: a run with nothing changed never needs them.
        from kb.load import Unreadable, load_bytes, read_article_file
        from kb.validate import validate_front_matter

        self.read, self.unreadable, self.load_bytes = read_article_file, Unreadable, load_bytes
        self.validate = validate_front_matter
        self.policy = policy
        self.root = kb.root
        self.id_prefix = kb.config.id_prefix
        self.rules: list[ArticleRule] = [r for r in article_rules() if policy.enabled(r.code)]
        self.context = CheckContext(kb.root, kb.config, kb.taxonomy)

    def examine(self, relpath: str) -> Examined:
        try:
            data, stat = self.read(self.root / relpath)
        except self.unreadable as unreadable:
            # Size -1: never cached, so it is looked at again on the next run.
            finding = self.policy.apply([unreadable.finding(relpath)])
            return Examined.fresh(relpath, hashlib.sha256(b"").hexdigest(), -1, -1, finding, None, [])
        return self.examine_bytes(relpath, data, stat.st_size, stat.st_mtime_ns)

    def examine_bytes(self, relpath: str, data: bytes, size: int, mtime: int) -> Examined:
        loaded = self.load_bytes(data, self.root / relpath, relpath)
        findings = list(loaded.findings)
        article = loaded.article
        digest = hashlib.sha256(data).hexdigest()
        if article is None:
            return Examined.fresh(relpath, digest, size, mtime, self.policy.apply(findings), None, [])
        findings.extend(self.findings(article))
        facts = facts_of(article, self.context.text(article))
        suppressions, problems = suppression.read_suppressions(
            relpath, article.text, article.body_line, article.blocks[0]
        )
        # Stored as reported: the policy and the settings are part of the cache's key.
        kept = self.policy.apply(findings)
        used = frozenset(suppression.used(kept, suppressions))
        reported = suppression.apply(kept, suppressions) + self.policy.apply(problems)
        return Examined.fresh(relpath, digest, size, mtime, reported, facts, suppressions, used)

    def findings(self, article: Article) -> Iterable[Finding]:
        yield from self.validate(article, self.id_prefix)
        for rule in self.rules:
            yield from rule.check(article, self.context)


def _examine_chunk(examiner: _Examiner, relpaths: list[str]) -> list[Examined]:
    return [examiner.examine(relpath) for relpath in relpaths]


Progress = Callable[[int, int], None]  # (articles examined so far, articles to examine)


def _examine_all(
    kb: KnowledgeBase,
    relpaths: list[str],
    cache: ResultCache | None,
    policy: Policy,
    progress: Progress | None = None,
    unchanged: set[str] | None = None,
) -> tuple[dict[str, Examined], int]:
    """Every file's article-rule results (cached or fresh), and how many were examined afresh.
    Files in `unchanged` are taken from the cache as they are, without looking at them."""
    results: dict[str, Examined] = {}
    todo: list[str] = []
    root = str(kb.root)
    with gc_paused():
        for relpath in relpaths:
            if unchanged is not None and cache is not None and relpath in unchanged:
                cached = cache.entry(relpath)
            else:
                cached = _from_cache(f"{root}/{relpath}", relpath, cache)
            if cached is not None:
                results[relpath] = cached
            else:
                todo.append(relpath)
    if not todo:
        return results, 0
    fresh = 0
    # fork: the workers inherit the loaded config, taxonomy and rules instead of re-reading them.
    # The results pile up here while the workers run: paused, the collector does not walk them
    # again and again (a second of this process's time at 10,000, taken from the workers' cores).
    with gc_paused():
        for examined in pool.run(
            _examine_chunk, _Examiner(kb, policy), todo,
            processes=pool.cores(8), chunk=CHUNK, threshold=POOL_THRESHOLD, start="fork",
        ):  # fmt: skip
            fresh += 1
            results[examined.relpath] = examined
            if cache is not None and examined.size >= 0:
                cache.store(examined)
            if progress is not None and (fresh % CHUNK == 0 or fresh == len(todo)):
                progress(fresh, len(todo))
    return results, fresh


def _from_cache(path: str, relpath: str, cache: ResultCache | None) -> Examined | None:
    if cache is None or cache.entry(relpath) is None:
        return None  # not cached: no need to read it here, a worker will
    try:
        stat = os.stat(path)  # noqa: PTH116 - a string, not a Path: 10,000 of these on every run
    except OSError:
        return None
    found = cache.lookup(relpath, stat.st_size, stat.st_mtime_ns)
    if found is not None:
        return found
    if not S_ISREG(stat.st_mode) or stat.st_size > MAX_ARTICLE_BYTES:
        return None  # swapped for a named pipe or a device, or too large: examining says so
    try:
        with open(path, "rb") as file:  # noqa: PTH123 - a string path, as above
            digest = hashlib.sha256(file.read()).hexdigest()
    except OSError:
        return None
    return cache.lookup_digest(relpath, digest, stat.st_size, stat.st_mtime_ns)
