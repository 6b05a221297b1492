"""Safe automatic fixes: drop a byte order mark, turn CRLF endings into LF. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb import atomic
from kb.errors import NotAKnowledgeBase
from kb.project import find_root


@dataclass(frozen=True)
class SkippedLink:
    """An article that is a link to a file outside the knowledge base: kb does not rewrite files
    it does not own (another repository's, a shared drive's)."""

    path: Path
    target: Path

    @property
    def reason(self) -> str:
        return f"not fixed: it links to {self.target}, outside the knowledge base; fix that file there"


@dataclass
class Fixes:
    changed: list[Path] = field(default_factory=list)  # as given: a link whose file was fixed is listed
    skipped: list[SkippedLink] = field(default_factory=list)


def fix_bytes(data: bytes) -> bytes:
    fixed = data
    while fixed.startswith(b"\xef\xbb\xbf"):  # one per editor that added one without looking
        fixed = fixed.removeprefix(b"\xef\xbb\xbf")
    return fixed.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def fix_articles(paths: list[Path], root: Path | None = None) -> Fixes:
    """Fix `paths` in place (atomically): what changed, and the links left alone.

    A link is never replaced: the file it points to is fixed when it is inside the knowledge
    base at `root` (default: the one holding the link), and left alone otherwise."""
    from kb.load import Unreadable, read_article_file  # with YAML and jsonschema: not for a check without --fix

    fixes = Fixes()
    for path in paths:
        if path.is_symlink():
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop of links: kb check reports it unreadable
                continue
            if not _inside(target, root or _root_of(path)):
                fixes.skipped.append(SkippedLink(path, target))
                continue
        try:
            data, _ = read_article_file(path)  # never a named pipe, a device or a huge file
        except Unreadable:
            continue  # kb check reports it
        if b"\x00" in data[:8192]:
            continue
        fixed = fix_bytes(data)
        if fixed != data:
            atomic.write_bytes(path, fixed, through_link=True)  # to the file a link points to (inside the KB)
            fixes.changed.append(path)
    return fixes


def fix_files(paths: list[Path]) -> list[Path]:
    """Fix `paths` in place (atomically) and return those that changed (see `fix_articles`)."""
    return fix_articles(paths).changed


def _root_of(link: Path) -> Path | None:
    try:
        return find_root(link.parent)
    except NotAKnowledgeBase:
        return None


def _inside(target: Path, root: Path | None) -> bool:
    return root is not None and target.is_relative_to(root.resolve())
