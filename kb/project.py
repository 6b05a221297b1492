"""A knowledge base on disk: found by its `kb.yaml` (as git finds `.git`), with config and taxonomy."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kb.config import CONFIG_FILE, Config, load_config
from kb.errors import NotAKnowledgeBase, UsageError
from kb.taxonomy import Site, Taxonomy, load_taxonomy

CACHE_DIR = ".kb-cache"
# An article is "a page or less"; the largest real ones are a few hundred kilobytes. Checking
# takes about 80 times a file's size in memory (5 MB: 13 s, 420 MB), so a file past this (a log or
# a disk image saved as .md) is refused rather than pushing kb past its 1 GiB of memory.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding `kb.yaml`."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise NotAKnowledgeBase(
        f"not inside a knowledge base: no {CONFIG_FILE} in {here} or any folder above it",
        hint="run `kb init` to make one, or pass --root DIR",
    )


@dataclass
class KnowledgeBase:
    """The KB at `root`: its config (read at once, so mistakes show early) and its taxonomy."""

    root: Path
    config: Config = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.config = load_config(self.root / CONFIG_FILE)

    @classmethod
    def discover(cls, start: Path | None = None) -> KnowledgeBase:
        """The KB containing `start` (default: `$KB_ROOT`, else the current folder)."""
        if start is None:
            start = Path(os.environ.get("KB_ROOT") or Path.cwd())
        return cls(find_root(start))

    @cached_property
    def taxonomy(self) -> Taxonomy:
        return load_taxonomy(self.schemas_dir)

    @property
    def articles_dir(self) -> Path:
        return self.root / self.config.articles

    def require_articles(self) -> None:
        """Refuse a KB whose articles folder is missing: a command would find nothing and say so
        as if all were well."""
        if not self.articles_dir.is_dir():
            hint = f"articles: in {self.config.path} names the articles folder"
            raise UsageError(f"no such file or folder: {self.articles_dir}", hint=hint)

    def configured_sites(self) -> dict[str, Site]:
        """The taxonomy's sites; a usage error when it configures none (nothing to build or index)."""
        if not self.taxonomy.sites:
            raise UsageError("the taxonomy configures no sites", hint="add a `sites:` section to schemas/taxonomy.yaml")
        return self.taxonomy.sites

    @property
    def schemas_dir(self) -> Path:
        return self.root / self.config.schemas

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def relpath(self, path: Path, folders: dict[Path, Path] | None = None) -> str:
        """`path` relative to the root, POSIX style (how findings and pages name files)."""
        # Links keep their own name (a broken link must be reported where it is), so resolve the
        # folder, not the file.
        located = _resolved(path.absolute().parent, {} if folders is None else folders) / path.name
        try:
            return located.relative_to(self.root).as_posix()
        except ValueError:
            return located.as_posix()

    def is_article(self, path: Path, folders: dict[Path, Path] | None = None) -> bool:
        """Whether `path` is an article. `folders` memoises resolved folders over many calls."""
        if path.suffix.lower() != ".md" or path.name.lower() == "readme.md":
            return False
        folders = {} if folders is None else folders
        try:  # the link itself, not its target, decides where an article lives
            located = _resolved(path.absolute().parent, folders) / path.name
            rel = located.relative_to(_resolved(self.articles_dir, folders)).as_posix()
        except ValueError:
            return False
        if any(part.startswith((".", "_")) for part in rel.split("/")):
            return False
        return not any(fnmatch.fnmatch(rel, pattern) for pattern in self.config.exclude)

    def article_relpaths(self) -> list[str]:
        """Every article of the KB as a path from the root, sorted: one walk of the articles
        folder, without resolving each file (it must stay fast at 50,000 articles)."""
        top = self.articles_dir
        if not top.is_dir():
            return []
        prefix = self.relpath(top)
        found = []
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
            rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
            for name in files:
                if not name.lower().endswith(".md") or name.lower() == "readme.md" or name.startswith((".", "_")):
                    continue
                rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                if not rel.isascii():
                    rel = shown(rel)
                if any(fnmatch.fnmatch(rel, pattern) for pattern in self.config.exclude):
                    continue
                found.append(f"{prefix}/{rel}" if prefix != "." else rel)
        return sorted(found)

    def article_paths(self, paths: list[Path] | None = None) -> list[Path]:
        """Article files: all of them, or those in `paths` (files or folders), sorted.

        Given paths that are all outside the articles folder are a usage error: checking them
        would silently check nothing."""
        if not paths:
            return [self.root / rel for rel in self.article_relpaths()]
        outside = self.outside_articles(paths)
        if len(outside) == len(paths):
            raise UsageError(
                f"{outside[0]} is not in the articles folder ({self.config.articles}/): kb reads articles only there",
                hint=f"move the files under {self.relpath(self.articles_dir)}/, or set 'articles:' in kb.yaml",
            )
        found: set[Path] = set()
        folders: dict[Path, Path] = {}  # resolving each folder once, not once per file, matters at 10,000 articles
        for given in paths:
            path = given if given.is_absolute() else Path.cwd() / given
            if path.is_dir():
                # A broken link named like an article is kept: loading reports it (KB000).
                found.update(
                    _shown_path(p)
                    for p in path.rglob("*.md")
                    if (p.is_file() or p.is_symlink()) and self.is_article(p, folders)
                )
            elif path.exists() or path.is_symlink():
                # A file named explicitly (by a pre-commit hook, say) counts only if it is an
                # article: README.md or docs elsewhere in the repository are not.
                if self.is_article(path):
                    found.add(_shown_path(path))
            else:
                raise UsageError(f"no such file or folder: {given}")
        if not found:
            _refuse_nothing(paths, outside)
        return sorted(found, key=lambda p: self.relpath(p, folders))

    def outside_articles(self, paths: list[Path]) -> list[Path]:
        """Those of `paths` (as given) that are neither in the articles folder nor contain it."""
        top = _resolved(self.articles_dir, {})
        outside = []
        for given in paths:
            path = given if given.is_absolute() else Path.cwd() / given
            if not path.exists() and not path.is_symlink():
                continue  # article_paths says it does not exist
            located = path.resolve() if path.is_dir() else _resolved(path.absolute().parent, {}) / path.name
            if not (located == top or located.is_relative_to(top) or top.is_relative_to(located)):
                outside.append(given)
        return outside


def shown(name: str) -> str:
    """`name` as findings and pages show it: bytes of a file name that are not UTF-8 (which Python
    keeps as lone surrogates) written as \\xNN. Such a name cannot be printed, written to a page
    or hashed as text; the name shown names no file, so loading the article reports it (KB000)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def unshown(path: Path) -> Path | None:
    """The file whose undecodable name `shown` turned into `path`, or None when there is none."""
    if "\\x" not in str(path):
        return None
    real = Path(path.anchor)
    for part in path.parts[1:] if path.anchor else path.parts:
        if (real / part).exists() or (real / part).is_symlink():
            real = real / part
            continue
        try:
            real = next(entry for entry in real.iterdir() if entry.name != part and shown(entry.name) == part)
        except (OSError, StopIteration):
            return None
    return real if real != path else None


def _shown_path(path: Path) -> Path:
    text = str(path)
    return path if text.isascii() or shown(text) == text else Path(shown(text))


def _refuse_nothing(paths: list[Path], outside: list[Path]) -> None:
    """Raise when paths that found no article include a folder or a file that is not Markdown:
    checking them would silently check nothing. Markdown files that are not articles alone
    (README.md, passed by a pre-commit hook) are let through; the caller says none was read."""
    for given in paths:
        if given in outside:
            continue
        if given.is_dir():
            raise UsageError(
                f"{given} holds no articles (.md files)",
                hint="README.md, names starting with '.' or '_', and kb.yaml's 'exclude:' are not articles",
            )
        if given.suffix.lower() != ".md":
            raise UsageError(f"{given} is not an article: articles are .md files")


def _resolved(folder: Path, known: dict[Path, Path]) -> Path:
    real = known.get(folder)
    if real is None:
        real = known[folder] = folder.resolve()
    return real
