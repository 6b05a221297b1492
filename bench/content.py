"""The content benchmarks run on: a source of real articles at a size, as is or replicated with new ids."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import kb
from bench.errors import BenchError
from bench.replicate import Source, find_source, read_manifest, replicate
from kb.config import CONFIG_FILE

REPO = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / "work"  # git-ignored
# The real articles of DESIGN.md's targets; KB_BENCH_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("KB_BENCH_CORPUS") or REPO.parent / "shared" / "corpus" / "officedocs-support")
STARTER = Path(kb.__file__).resolve().parent / "data" / "starter"
SOURCES = {"corpus": CORPUS, "articles": REPO}  # names `--source` accepts besides a path


@dataclass(frozen=True)
class ArticleFile:
    """One article's bytes, read before timing starts so that disk time is not measured."""

    path: Path
    relpath: str  # relative to the workload root, as kb names files in findings
    data: bytes


@dataclass(frozen=True)
class Workload:
    """`size` articles from `source`, laid out as `root/articles/...` (a KB when root has kb.yaml)."""

    source: str  # "corpus", "articles", or the path given
    size: int
    root: Path
    articles_dir: Path
    files: tuple[Path, ...]
    replicated: bool  # False: the source's own files; True: copies with new ids in the bench work folder

    @property
    def name(self) -> str:
        return f"{Path(self.source).name}-{self.size}"

    @property
    def kb_root(self) -> Path | None:
        """The folder kb commands can run on, when the workload is a KB."""
        return self.root if (self.root / CONFIG_FILE).is_file() else None

    def relpath(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self) -> list[ArticleFile]:
        return [ArticleFile(path, self.relpath(path), path.read_bytes()) for path in self.files]

    @cached_property
    def total_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.files)


def source_root(source: str) -> Path:
    """The folder a `--source` name stands for."""
    root = SOURCES.get(source, Path(source))
    if not root.is_dir():
        hint = " (set KB_BENCH_CORPUS to the officedocs-support folder)" if source == "corpus" else ""
        raise BenchError(f"source {source!r}: no such folder {root}{hint}")
    return root


def default_kb_root(source: Source) -> Path:
    """The KB whose config replicated content gets: the source's own, else this repo's, else the starter."""
    for candidate in (source.root, REPO):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    return STARTER


def real_size(source: str) -> int:
    """How many articles the source has (the size that uses its own files)."""
    return len(find_source(source_root(source)).articles)


def prepare(source: str, size: int, work: Path = WORK, kb_root: Path | None = None) -> Workload:
    """The workload of `size` articles from `source`: its own files at its real size, else a replica.

    Replicas are kept in `work/content/<source>-<size>/` and reused while the source is unchanged.
    """
    root = source_root(source)
    found = find_source(root)
    if size == len(found.articles):
        return Workload(source, size, root, found.articles_dir, found.articles, replicated=False)
    kb_root = kb_root or default_kb_root(found)
    dest = work / "content" / f"{Path(source).name}-{size}"
    manifest = read_manifest(dest)
    fresh = manifest is not None and (
        manifest.get("count") == size
        and manifest.get("kb_root") == str(kb_root.resolve())
        and manifest.get("source") == str(root.resolve())
        and manifest.get("source_digest") == found.digest()
    )
    if not fresh:
        replicate(root, dest, size, kb_root=kb_root)
    copy = find_source(dest)
    return Workload(source, size, dest, copy.articles_dir, copy.articles, replicated=True)
