"""`kb import SRC`: a folder of foreign Markdown articles into kb articles, updated in place on re-runs.

The stages: read each source file → map its front matter and convert its DocFX syntax (`article`) →
assign ids (existing articles keep theirs, matched by `source` within the target folder; new
ones are numbered in order of their source path) → leave out the articles edited in kb since
the import wrote them (`record`) → add the areas, owners, types and codes the rest need to the
taxonomy → write the articles, each whole or not at all, and what was written to the import
record → report what did not map.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb import atomic
from kb.config import is_full_url
from kb.errors import UsageError
from kb.importer.article import map_article, ordered, render_article
from kb.importer.docfx import IncludeResolver
from kb.importer.infer import humanise
from kb.importer.mapping import load_mapping
from kb.importer.record import ImportRecord, Written, text_digest
from kb.importer.registry import RegistryAdditions, apply
from kb.importer.report import ImportProblem, ImportReport
from kb.importer.source import ForeignArticle, NotAnArticle, read_foreign
from kb.load import load_all
from kb.new import id_numbers
from kb.project import KnowledgeBase
from kb.search.codes import ErrorCodeFilter
from kb.taxonomy import AUDIENCES, CONFIDENCES, did_you_mean

Progress = Callable[[int, int], None]


@dataclass
class ImportOptions:
    """What `kb import` was asked; None means "the KB's `importer` settings" (and, on a re-run,
    that audience, confidence and owner someone set since are kept)."""

    mapping: str | None = None
    audience: str | None = None
    confidence: str | None = None
    owner: str | None = None
    into: str | None = None
    include_root: Path | None = None
    link_base: str | None = None
    source_name: str | None = None  # what `source:` starts with; None: the folder's name
    overwrite: bool = False  # replace articles edited in kb since the import with the source's version
    dry_run: bool = False
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Existing:
    """An article of the KB that came from an earlier import."""

    path: Path
    id: str
    meta: dict[str, Any]


@dataclass
class Planned:
    """One article about to be written."""

    source: ForeignArticle
    path: Path
    id: str
    source_value: str  # what its `source:` says
    text: str
    old: str | None  # the article as it is now, if there is one
    images: list[tuple[int, str]]


def import_articles(
    kb: KnowledgeBase, src: Path, options: ImportOptions | None = None, *, progress: Progress | None = None
) -> ImportReport:
    """Import every Markdown file under `src` into `kb` (see the module docstring)."""
    options = options or ImportOptions()
    settings = kb.config.importer
    if not src.is_dir():
        raise UsageError(f"no such folder: {src}")
    src = src.resolve()
    mapping = load_mapping(options.mapping or settings.mapping, kb.root)
    include_root = options.include_root or (kb.root / settings.include_root if settings.include_root else src)
    audience = _choice("audience", options.audience or settings.audience, AUDIENCES)
    confidence = _choice("confidence", options.confidence or settings.confidence, CONFIDENCES)
    into = (options.into if options.into is not None else settings.into).strip("/")
    link_base = options.link_base if options.link_base is not None else settings.link_base
    if link_base and not is_full_url(link_base):
        raise UsageError(
            f"--link-base must be a full http:// or https:// address, not {link_base!r}",
            hint="for example https://learn.microsoft.com",
        )
    target = kb.articles_dir / into if into else kb.articles_dir
    taxonomy = kb.taxonomy
    codes = ErrorCodeFilter(kb.config.search.not_codes)
    resolver = IncludeResolver(src, include_root.resolve())
    report = ImportReport(source=str(src), dry_run=options.dry_run)
    record = ImportRecord.read(kb.root)
    origin = _origin(kb, src)
    name = _source_name(options.source_name, src)

    existing, taken, next_number = _existing_imports(kb, target)
    sources = sorted(
        # `.MD` too, as kb reads articles (a case-sensitive glob skipped them without a word).
        (p for p in src.rglob("*") if p.suffix.lower() == ".md" and p.is_file() and not _hidden(p.relative_to(src))),
        key=lambda p: p.relative_to(src).as_posix(),
    )
    additions = RegistryAdditions()
    planned: list[Planned] = []
    for n, path in enumerate(sources, 1):
        if progress is not None and (n % 100 == 0 or n == len(sources)):
            progress(n, len(sources))
        relpath = path.relative_to(src).as_posix()
        if _is_include(relpath):
            continue
        try:
            foreign = read_foreign(path, relpath)
        except OSError as exc:
            report.problems.append(ImportProblem(relpath, 1, "unreadable", f"cannot read the file: {exc.strerror}"))
            continue
        except NotAnArticle as exc:
            report.problems.append(ImportProblem(relpath, 1, "not-an-article", str(exc)))
            continue
        for line, kind, message in foreign.problems:
            report.problems.append(ImportProblem(relpath, line, kind, message))
        source = f"{name}/{relpath}" if name else relpath
        # An article imported before `source` named the import's folder holds the bare path under it.
        before = existing.pop(source, None) or existing.pop(relpath, None)
        written = record.get(before.id) if before is not None else None
        if before is not None and written is not None and not options.overwrite and _another_folder(kb, written, src):
            report.problems.append(_other_folder_problem(relpath, kb.relpath(before.path), written, origin))
            continue
        if before is not None:
            article_id = before.id
        else:
            article_id = f"{kb.config.id_prefix}{next_number:0{kb.config.id_digits}d}"
            next_number += 1
        item = map_article(
            foreign, article_id, mapping, set(taxonomy.types), resolver, codes, options.today, report.problems,
            link_base,
        )  # fmt: skip
        fields = item.fields
        fields["source"] = source
        if before is not None and item.dated_today and isinstance(before.meta.get("created"), dt.date):
            fields["created"] = before.meta["created"]  # a re-run on another day changes nothing
        fields["audience"] = audience if options.audience or before is None else before.meta.get("audience", audience)
        fields["confidence"] = (
            confidence if options.confidence or before is None else before.meta.get("confidence", confidence)
        )
        owner = options.owner or settings.owner
        if before is not None and not options.owner and isinstance(before.meta.get("owner"), str):
            owner = before.meta["owner"]
        default_owner: tuple[str, str] | None = None  # (top-level area, its owner) for the taxonomy
        if not owner:
            top = str(fields["product_area"]).split("/")[0]
            owner = f"team-{top}"
            default_owner = (top, owner)
        fields["owner"] = owner
        destination = before.path if before is not None else _free_path(target / relpath, taken, relpath, report)
        taken.add(destination)
        text = render_article(ordered(fields), item.body)
        old = destination.read_text(encoding="utf-8") if before is not None and destination.is_file() else None
        if old is not None and old != text and not options.overwrite and _edited(old, text, record.get(article_id)):
            report.kept.append(kb.relpath(destination))
            report.problems.append(_kept_problem(relpath, kb.relpath(destination), record.get(article_id)))
            continue
        if default_owner is not None:
            additions.area_owners.setdefault(*default_owner)
        if owner not in taxonomy.owners:
            additions.owners[owner] = humanise(owner.removeprefix("team-")) + " team"
        if fields["type"] not in taxonomy.types:
            additions.types.add(str(fields["type"]))
        for area, title in item.areas:
            if area not in taxonomy.areas:
                additions.areas[area] = title
        for code in fields.get("error_codes", []):
            if not taxonomy.is_registered(code):
                additions.codes.setdefault(code, (str(fields["product_area"]), item.code_messages[code]))
        planned.append(Planned(foreign, destination, article_id, source, text, old, item.images))

    # The registry first: it only gains entries, so a run cut off among the articles leaves a KB
    # whose articles all check, and a re-run completes it.
    report.registry = apply(kb.schemas_dir, additions, dry_run=options.dry_run)
    for plan in planned:
        rel = kb.relpath(plan.path)
        if plan.old == plan.text:
            report.unchanged.append(rel)
        else:
            (report.updated if plan.old is not None else report.created).append(rel)
            if not options.dry_run:
                plan.path.parent.mkdir(parents=True, exist_ok=True)
                atomic.write_text(plan.path, plan.text)  # cut off, a run leaves the old article or the new
        record.put(plan.id, Written(plan.source_value, origin, text_digest(plan.text)))
        _copy_images(plan, src, kb.articles_dir.resolve(), report, dry_run=options.dry_run)
    if not options.dry_run:
        # Written last: an article written before a run was cut off is, on the re-run, the
        # source's version (unchanged), never taken for an edit.
        record.save()
    kb.__dict__.pop("taxonomy", None)  # read again: the import may have added to it
    report.problems.sort(key=lambda p: (p.source, p.line, p.kind))
    return report


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(
            f"unknown {name} {value!r}{did_you_mean(value, allowed)}", hint=f"use one of: {', '.join(allowed)}"
        )
    return value


def _hidden(rel: Path) -> bool:
    return any(part.startswith((".", "_")) for part in rel.parts) or rel.name.lower() in ("readme.md", "toc.md")


def _is_include(relpath: str) -> bool:
    """Include files are text for other articles, not articles of their own."""
    return "includes" in relpath.lower().split("/")[:-1]


def _source_name(given: str | None, src: Path) -> str:
    """What `source:` starts with, before the path under the import's folder: the folder's name
    (`srcA/guides/setup.md`), so imports of two folders never take each other's articles, and the
    same folder checked out anywhere else still finds its own; or the name given for it, which
    tells apart two folders of the same name (`teamA/docs` and `teamB/docs`)."""
    if given is None:
        return src.name
    name = given.strip()
    if not name or name in (".", "..") or any(c in name for c in "/\\\n"):
        raise UsageError(f"--source-name {given!r} is not a folder name", hint="for example teamB-docs")
    return name


def _other_folder_problem(relpath: str, article: str, written: Written, origin: str) -> ImportProblem:
    return ImportProblem(
        relpath,
        1,
        "other-folder",
        f"{article} (source: {written.source}) was imported from {written.origin}, another folder than "
        f"{origin}; left as it is (give this folder its own name with --source-name NAME; if that folder "
        "moved here, --overwrite takes its articles over)",
    )


def _another_folder(kb: KnowledgeBase, written: Written, src: Path) -> bool:
    """Whether an article was imported from another folder than `src` that is still there. A
    folder recorded but gone is taken to have moved to `src` (or the KB to be checked out in
    another place beside its sources): its articles are updated as ever, edits kept."""
    if written.origin == _origin(kb, src):
        return False
    recorded = kb.root / written.origin
    try:
        return recorded.is_dir() and recorded.resolve() != src
    except OSError:
        return False


def _origin(kb: KnowledgeBase, src: Path) -> str:
    """The imported folder as the record keeps it: from the KB root, so it holds wherever the
    KB and its sources are checked out side by side."""
    try:
        return Path(os.path.relpath(src, kb.root.resolve())).as_posix()
    except ValueError:  # another drive
        return src.as_posix()


def _edited(old: str, text: str, written: Written | None) -> bool:
    """Whether the article (`old`, which is not the source's version `text`) was edited in kb
    since the import wrote it. Without a record of what was written (an article imported by an
    older kb) only an article that differs from its source's version in what a re-run keeps
    anyway is known not to be."""
    if written is None:
        return text_digest(old) != text_digest(text)
    return text_digest(old) != written.digest


def _kept_problem(relpath: str, article: str, written: Written | None) -> ImportProblem:
    since = "since the import wrote it" if written else "or its source changed (no import record says which)"
    return ImportProblem(
        relpath,
        1,
        "edited-since-import",
        f"{article} was edited in kb {since}; kept as it is (--overwrite replaces it with the source's version)",
    )


def _existing_imports(kb: KnowledgeBase, target: Path) -> tuple[dict[str, Existing], set[Path], int]:
    """Articles under `target` that came from an import, by `source` (an import into another
    folder never updates them); the paths of every imported article; and the next free id
    number: above every id in the KB, even in files that do not load."""
    found: dict[str, Existing] = {}
    taken: set[Path] = set()
    highest = 0
    for loaded in load_all(kb).values():
        highest = max([highest, *id_numbers(kb, loaded)])
        article = loaded.article
        if article is None:
            continue
        source = article.meta.get("source")
        if not article.id or not isinstance(source, str):
            continue
        taken.add(article.path)
        if target in article.path.parents and source not in found:
            found[source] = Existing(article.path, article.id, dict(article.meta))
    return found, taken, highest + 1


def _free_path(wanted: Path, taken: set[Path], relpath: str, report: ImportReport) -> Path:
    """`wanted`, or `name-2.md`, ... when another article is already there."""
    if wanted not in taken and not wanted.exists():
        return wanted
    for n in range(2, 1000):
        candidate = wanted.with_name(f"{wanted.stem}-{n}{wanted.suffix}")
        if candidate not in taken and not candidate.exists():
            report.problems.append(
                ImportProblem(relpath, 1, "path-taken", f"{wanted.name} is taken; written as {candidate.name}")
            )
            return candidate
    raise UsageError(f"no free file name for {wanted}")


_ADDRESS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # https:, data:, ...


def _copy_images(plan: Planned, src: Path, articles: Path, report: ImportReport, *, dry_run: bool) -> None:
    """Copy the images an article shows, when the source has them, to the same place beside it:
    only from inside `src` (never through a symbolic link out of it), only into `articles`."""
    rel = plan.source.relpath
    for line, image in dict.fromkeys(plan.images):
        if _ADDRESS.match(image) or image.startswith(("/", "\\")):
            continue  # on the web, or from the old site's root (reported as root-absolute-link)
        origin = (plan.source.path.parent / image).resolve()
        if src not in origin.parents:
            report.problems.append(
                ImportProblem(rel, line, "missing-image", f"image {image!r} leads outside the source; not copied")
            )
            continue
        if not origin.is_file():
            report.problems.append(ImportProblem(rel, line, "missing-image", f"image {image!r} is not in the source"))
            continue
        destination = Path(os.path.normpath(plan.path.parent / image))
        if articles not in destination.parent.resolve().parents and destination.parent.resolve() != articles:
            message = f"image {image!r} would land outside the articles folder beside the article; not copied"
            report.problems.append(ImportProblem(rel, line, "missing-image", message))
            continue
        if not dry_run and not destination.exists() and not destination.is_symlink():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, destination)
