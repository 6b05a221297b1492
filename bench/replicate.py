"""Replicate a folder of Markdown articles to exactly N copies with new unique paths and ids.

Copies go round-robin, one batch per pass over the source, each under `articles/copy-NNNN/` with
the source's folder structure, so relative links still resolve inside a batch. Every copy gets a
new id: an existing `id:` is replaced, otherwise an `id:` line is inserted after the opening
`---`. Ids are remapped per batch, so `replaced_by` points at the same batch's counterpart.
Nothing else in the text changes (bytes that are not UTF-8, BOMs and CRLF survive). The output
is deterministic: the same source and count give the same files.

    python -m bench.replicate SRC DEST --count N [--kb-root ROOT]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.errors import ReplicateError
from kb.config import CONFIG_FILE
from kb.errors import KbError
from kb.project import KnowledgeBase

MANIFEST = "replica.json"
# Folders next to a corpus's `articles/` that its articles point into (the corpus's includes).
COMPANIONS = ("snippets",)

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_ID = re.compile(r"^id[ \t]*:[ \t]*(?P<q>[\"']?)(?P<value>[^\"'\s#]+)(?P=q)")
_REPLACED_BY = re.compile(r"^(?P<head>replaced_by[ \t]*:[ \t]*)(?P<q>[\"']?)(?P<value>[^\"'\s#]+)(?P=q)")
_ID_SHAPE = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


@dataclass(frozen=True)
class Source:
    """The articles to copy: the folder they live in and the files, sorted by path."""

    root: Path  # the folder given (a corpus or KB root, or an articles folder)
    articles_dir: Path
    articles: tuple[Path, ...]
    assets: tuple[Path, ...]  # other files under articles_dir (images), copied with every batch

    def relpath(self, path: Path) -> str:
        return path.relative_to(self.articles_dir).as_posix()

    def digest(self) -> str:
        """A fingerprint of the articles' paths and bytes: a replica of an older source is stale."""
        sha = hashlib.sha256()
        for path in self.articles:
            sha.update(self.relpath(path).encode())
            sha.update(hashlib.sha256(path.read_bytes()).digest())
        return sha.hexdigest()


@dataclass(frozen=True)
class Replica:
    """What `replicate` wrote (also saved as `replica.json` in the destination)."""

    source: str
    source_digest: str
    dest: str
    count: int
    sources: int  # articles in the source
    batches: int
    id_prefix: str
    kb_root: str | None
    ids_replaced: int
    ids_inserted: int
    front_matter_added: int  # copies of files that had no front matter at all
    replaced_by_remapped: int
    replaced_by_unmapped: int  # values that name no article of the source

    def summary(self) -> str:
        return (
            f"wrote {self.count:,} articles to {self.dest} ({self.batches} batch(es) of up to {self.sources:,}): "
            f"ids {self.ids_replaced:,} replaced, {self.ids_inserted:,} inserted"
            f" ({self.front_matter_added:,} with new front matter); "
            f"replaced_by {self.replaced_by_remapped:,} remapped, {self.replaced_by_unmapped:,} left as they were"
        )


def find_source(src: Path) -> Source:
    """The articles of `src`: a KB root (by its kb.yaml), a folder holding `articles/`, or the articles folder."""
    if not src.is_dir():
        raise ReplicateError(f"no such folder: {src}")
    if (src / CONFIG_FILE).is_file():
        try:
            kb = KnowledgeBase(src)
            articles_dir = kb.articles_dir
            articles = [p for p in kb.article_paths() if p.is_file()] if articles_dir.is_dir() else []
        except KbError as exc:
            raise ReplicateError(f"{src}: {exc}") from None
    else:
        articles_dir = src / "articles" if (src / "articles").is_dir() else src
        articles = [p for p in articles_dir.rglob("*.md") if p.is_file() and _is_article(p, articles_dir)]
    assets = [
        p
        for p in articles_dir.rglob("*")
        if p.is_file() and p.suffix.lower() != ".md" and not _hidden(p.relative_to(articles_dir).as_posix())
    ]
    if not articles:
        raise ReplicateError(f"no Markdown articles under {articles_dir}")

    def key(path: Path) -> str:
        return path.relative_to(articles_dir).as_posix()

    return Source(src, articles_dir, tuple(sorted(articles, key=key)), tuple(sorted(assets, key=key)))


def replicate(
    src: Path,
    dest: Path,
    count: int,
    *,
    kb_root: Path | None = None,
    id_prefix: str | None = None,
    id_digits: int | None = None,
) -> Replica:
    """Write `count` copies of the articles of `src` under `dest/articles/`.

    With `kb_root`, its `kb.yaml` and schemas folder are copied too (so `dest` is a KB), and its
    id prefix and digits are used unless given. `dest` must be empty, missing, or an earlier
    replica (which is replaced).
    """
    if count < 1:
        raise ReplicateError("--count must be at least 1")
    source = find_source(src)
    articles_name, schemas_name = "articles", "schemas"
    if kb_root is not None:
        try:
            config = KnowledgeBase(kb_root).config
        except KbError as exc:
            raise ReplicateError(f"--kb-root {kb_root}: {exc}") from None
        articles_name, schemas_name = config.articles, config.schemas
        id_prefix = config.id_prefix if id_prefix is None else id_prefix
        id_digits = config.id_digits if id_digits is None else id_digits

    texts = [path.read_bytes().decode("utf-8", errors="surrogateescape") for path in source.articles]
    old_ids = [_front_matter_id(text) for text in texts]
    if id_prefix is None:
        id_prefix = _common_prefix([i for i in old_ids if i is not None])
    n_sources = len(source.articles)
    batches = -(-count // n_sources)
    width = max(id_digits or 4, len(str(batches * n_sources)))
    index_of: dict[str, int] = {}
    for index, old in enumerate(old_ids):
        if old is not None:
            index_of.setdefault(old, index)

    def new_id(batch: int, index: int) -> str:
        return f"{id_prefix}{batch * n_sources + index + 1:0{width}d}"

    def counterpart(batch: int, old: str) -> str | None:
        """The new id, in `batch`, of the source article whose id was `old`."""
        found = index_of.get(old)
        return None if found is None else new_id(batch, found)

    if dest.resolve().is_relative_to(source.articles_dir.resolve()):
        raise ReplicateError(f"{dest} is inside the source's articles ({source.articles_dir}); choose another DEST")
    _prepare_dest(dest)
    out_dir = dest / articles_name
    counts = {"replaced": 0, "inserted": 0, "front_matter_added": 0, "remapped": 0, "unmapped": 0}
    batch_digits = max(4, len(str(batches - 1)))
    written = 0
    for batch in range(batches):
        batch_dir = out_dir / f"copy-{batch:0{batch_digits}d}"
        for asset in source.assets:
            target = batch_dir / source.relpath(asset)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset, target)
        for index, path in enumerate(source.articles):
            if written == count:
                break
            text, what = rewrite(texts[index], new_id(batch, index), functools.partial(counterpart, batch))
            for key, value in what.items():
                counts[key] += value
            target = batch_dir / source.relpath(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8", errors="surrogateescape"))
            written += 1

    if kb_root is not None:
        shutil.copyfile(kb_root / CONFIG_FILE, dest / CONFIG_FILE)
        if (kb_root / schemas_name).is_dir():
            shutil.copytree(kb_root / schemas_name, dest / schemas_name)
    for name in COMPANIONS:
        if (source.root / name).is_dir():
            shutil.copytree(source.root / name, dest / name)

    replica = Replica(
        source=str(src.resolve()),
        source_digest=source.digest(),
        dest=str(dest),
        count=count,
        sources=n_sources,
        batches=batches,
        id_prefix=id_prefix,
        kb_root=None if kb_root is None else str(kb_root.resolve()),
        ids_replaced=counts["replaced"],
        ids_inserted=counts["inserted"],
        front_matter_added=counts["front_matter_added"],
        replaced_by_remapped=counts["remapped"],
        replaced_by_unmapped=counts["unmapped"],
    )
    (dest / MANIFEST).write_text(json.dumps(asdict(replica), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return replica


def read_manifest(dest: Path) -> dict[str, object] | None:
    """The `replica.json` of an earlier replica in `dest`, or None."""
    try:
        data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def rewrite(text: str, new_id: str, remap: Callable[[str], str | None]) -> tuple[str, dict[str, int]]:
    """`text` with its front matter id set to `new_id` and `replaced_by` passed through `remap`.

    `remap` gives the new id for an old one (None when the source has no article with that id).
    """
    what = {"replaced": 0, "inserted": 0, "front_matter_added": 0, "remapped": 0, "unmapped": 0}
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom) :].splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        what["inserted"] = what["front_matter_added"] = 1
        return f"{bom}---\nid: {new_id}\n---\n{text[len(bom) :]}", what
    newline = lines[0][len(lines[0].rstrip("\r\n")) :] or "\n"
    id_line = None
    for i in range(1, len(lines)):
        line = lines[i].rstrip("\r\n")
        if _CLOSE.match(line):
            break
        ending = lines[i][len(line) :]
        if id_line is None and _ID.match(line):
            id_line = i
            lines[i] = f"id: {new_id}{ending}"
        elif match := _REPLACED_BY.match(line):
            target = remap(match["value"])
            if target is None:
                what["unmapped"] += 1
            else:
                what["remapped"] += 1
                q = match["q"]
                lines[i] = f"{match['head']}{q}{target}{q}{line[match.end() :]}{ending}"
    if id_line is None:
        lines.insert(1, f"id: {new_id}{newline}")
        what["inserted"] = 1
    else:
        what["replaced"] = 1
    return bom + "".join(lines), what


def _front_matter_id(text: str) -> str | None:
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or not _FENCE.match(lines[0]):
        return None
    for line in lines[1:]:
        if _CLOSE.match(line):
            return None
        if match := _ID.match(line):
            return match["value"]
    return None


def _common_prefix(ids: list[str]) -> str:
    """The prefix the source's ids share (`KB-` for `KB-1042`), `KB-` when it has none."""
    prefixes = [m["prefix"] for i in ids if (m := _ID_SHAPE.match(i))]
    return max(sorted(set(prefixes)), key=prefixes.count) if prefixes else "KB-"


def _hidden(relpath: str) -> bool:
    return any(part.startswith((".", "_")) for part in relpath.split("/"))


def _is_article(path: Path, articles_dir: Path) -> bool:
    return path.name.lower() != "readme.md" and not _hidden(path.relative_to(articles_dir).as_posix())


def _prepare_dest(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise ReplicateError(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()):
        if read_manifest(dest) is None:
            raise ReplicateError(f"{dest} is not empty and holds no earlier replica ({MANIFEST}); choose another DEST")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.replicate",
        description="Copy the Markdown articles of SRC round-robin into DEST/articles/copy-NNNN/ until there are "
        "COUNT, each with a new unique id (replaced_by remapped within its copy batch).",
    )
    parser.add_argument("src", type=Path, help="a KB root, a corpus root holding articles/, or a folder of articles")
    parser.add_argument("dest", type=Path, help="empty or missing folder (an earlier replica there is replaced)")
    parser.add_argument("--count", type=int, required=True, help="exact number of articles to write")
    parser.add_argument("--kb-root", type=Path, help="copy this KB's kb.yaml and schemas/ so DEST is a KB")
    parser.add_argument("--id-prefix", help="prefix of the new ids (default: the KB's, else the source's, else KB-)")
    args = parser.parse_args(argv)
    try:
        replica = replicate(args.src, args.dest, args.count, kb_root=args.kb_root, id_prefix=args.id_prefix)
    except ReplicateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(replica.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
