"""The KB the search benchmarks run on: a workload's articles imported with `kb import`, reused.

The workload is the raw corpus (or a replica of it made by `bench/replicate.py`); importing it
is the untimed preparation. Articles are imported as public and validated, so that both sites
index every article (the most work an index can have).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bench.content import CORPUS, WORK, Workload
from kb.importer import ImportOptions, import_articles
from kb.project import KnowledgeBase
from kb.scaffold import init_kb
from kb.search import update_index

# As README.md imports the corpus (Microsoft Learn articles): links from learn.microsoft.com's root
# become full addresses into it. Part of the fingerprint: other options make another KB.
IMPORT_OPTIONS: dict[str, str] = {
    "audience": "public",
    "confidence": "validated",
    "link_base": "https://learn.microsoft.com",
}


def imported_kb(workload: Workload, *, indexed: bool = True) -> KnowledgeBase:
    """`workload` imported into `search/<name>` of the bench work folder, made again only when the workload changed."""
    root = WORK / "search" / workload.name
    stamp = root / ".workload.json"
    key = _fingerprint(workload)
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
        kb = KnowledgeBase(root)
    else:
        if root.exists():
            import shutil

            shutil.rmtree(root)
        kb = init_kb(root, name=f"Search benchmark {workload.name}")
        snippets = CORPUS / "snippets"
        options = ImportOptions(
            audience=IMPORT_OPTIONS["audience"],
            confidence=IMPORT_OPTIONS["confidence"],
            link_base=IMPORT_OPTIONS["link_base"],
            include_root=snippets if snippets.is_dir() else None,
        )
        import_articles(kb, workload.articles_dir, options)
        stamp.write_text(json.dumps({"key": key}), encoding="utf-8")
    if indexed:
        update_index(kb)
    return kb


def _fingerprint(workload: Workload) -> str:
    digest = hashlib.sha256(json.dumps(IMPORT_OPTIONS, sort_keys=True).encode())
    for path in workload.files:
        stat = path.stat()
        digest.update(f"{workload.relpath(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def corpus_queries(limit: int | None = None) -> list[str]:
    """The error codes of error-queries.tsv, each once."""
    path = CORPUS / "error-queries.tsv"
    codes = [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line]
    unique = list(dict.fromkeys(codes))
    return unique[:limit] if limit else unique


def touch_one(kb: KnowledgeBase, round_: int) -> Path:
    """Change the middle article's text (a new last line), as an analyst's edit would."""
    paths = kb.article_paths()
    article = paths[len(paths) // 2]
    text = article.read_text(encoding="utf-8").rstrip("\n").rsplit("\n<!-- bench edit", 1)[0]
    article.write_text(f"{text}\n<!-- bench edit {round_} -->\n", encoding="utf-8")
    return article


__all__ = ["Path", "corpus_queries", "imported_kb", "touch_one"]
