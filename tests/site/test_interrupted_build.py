"""A build interrupted at any point of writing a site: each site is left as it was or as the
finished build, and the next build gives the same bytes as a build from nothing.

The interrupt is raised at a precise point by wrapping what the commit calls (the file writes
and renames), so that each point is reached the same way every time.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kb import atomic
from kb.project import KnowledgeBase
from kb.site.build import build
from kb.site.output import Manifest, SiteFolder
from tests.site.conftest import TODAY, read_tree

EDITED = (Path("articles/billing/payment-required.md"), Path("articles/identity/access-denied.md"))
SITES = ("internal", "public")

Fault = Callable[[pytest.MonkeyPatch], None]


def stopping_at_write(suffix: str, *, after: bool, name: str) -> Fault:
    """A fault: the build stops as it writes its file ending in `suffix` (before it is written,
    or just `after`)."""
    write_text = atomic.write_text

    def fault(monkeypatch: pytest.MonkeyPatch) -> None:
        def writing(path: Path, text: str, *, durable: bool = False) -> None:
            if path.name.endswith(suffix) and not after:
                raise KeyboardInterrupt
            write_text(path, text, durable=durable)
            if path.name.endswith(suffix):
                raise KeyboardInterrupt

        monkeypatch.setattr(atomic, "write_text", writing)

    fault.__name__ = name
    return fault


# An incremental build stopped just before its commit point, and at it, before any staged file was placed.
before_the_journal = stopping_at_write(".journal.json", after=False, name="before_the_journal")
after_the_journal = stopping_at_write(".journal.json", after=True, name="after_the_journal")


def in_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental build stopped once the first of its staged files was placed."""
    replace = Path.replace
    placed: list[Path] = []

    def replacing(self: Path, target: str | Path) -> Path:
        moved = replace(self, target)
        if any(part.endswith(".stage") for part in self.parts):
            placed.append(self)
            if len(placed) == 1:
                raise KeyboardInterrupt
        return moved

    monkeypatch.setattr(Path, "replace", replacing)


def between_the_renames(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full build stopped with the live folder moved aside and the new one not yet in place."""
    rename = Path.rename

    def renaming(self: Path, target: str | Path) -> Path:
        moved = rename(self, target)
        if Path(target).name.endswith(".old"):
            raise KeyboardInterrupt
        return moved

    monkeypatch.setattr(Path, "rename", renaming)


# A full build stopped with the new folder in place and its manifest not yet written.
before_the_manifest = stopping_at_write(".manifest.json", after=False, name="before_the_manifest")


FAULTS: list[tuple[Fault, bool]] = [  # where the build stops, and whether it is a full build
    (before_the_journal, False),
    (after_the_journal, False),
    (in_the_replay, False),
    (between_the_renames, True),
    (before_the_manifest, True),
]


def edit(root: Path) -> dict[Path, str]:
    """Change a sentence of two articles that both sites show; what they said before."""
    before = {}
    for name in EDITED:
        path = root / name
        before[name] = path.read_text(encoding="utf-8")
        path.write_text(before[name] + "\nA line added since the last build.\n", encoding="utf-8")
    return before


def a_fresh_build(kb: KnowledgeBase, out: Path) -> dict[str, bytes]:
    build(kb, out=out, today=TODAY, search=False)
    return read_tree(out)


def site_of(tree: dict[str, bytes], site: str) -> dict[str, bytes]:
    return {name: data for name, data in tree.items() if name.startswith(f"{site}/")}


@pytest.mark.parametrize("undone", [False, True], ids=["same-sources", "edits-undone"])
@pytest.mark.parametrize(("fault", "full"), FAULTS, ids=[fault.__name__ for fault, _ in FAULTS])
def test_a_build_interrupted_anywhere_leaves_each_site_whole_and_the_next_build_exact(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: Fault, full: bool, undone: bool
) -> None:
    out = tmp_path / "out"
    before = a_fresh_build(kb, out)
    sources = edit(kb.root)
    finished = a_fresh_build(kb, tmp_path / "finished")

    with monkeypatch.context() as patched:
        fault(patched)
        with pytest.raises(KeyboardInterrupt):
            build(kb, out=out, today=TODAY, search=False, full=full)
    interrupted = read_tree(out)
    for site in SITES:
        assert site_of(interrupted, site) in (site_of(before, site), site_of(finished, site)), site

    if undone:  # a manifest that outlived its pages would mark the pages of the sources before as current
        for name, text in sources.items():
            (kb.root / name).write_text(text, encoding="utf-8")
    build(kb, out=out, today=TODAY, search=False)
    shutil.rmtree(tmp_path / "finished")
    assert read_tree(out) == a_fresh_build(kb, tmp_path / "finished")


def test_a_journal_whose_staged_files_are_gone_leaves_no_manifest(tmp_path: Path) -> None:
    # Left by a kb that removed the stage of a committed build: the site holds pages of two
    # builds, and only a build written whole can tell which.
    folder = SiteFolder(tmp_path / "public")
    live = folder.start_full()
    (live / "index.html").write_text("old", encoding="utf-8")
    folder.commit_full(Manifest({"index.html": "k1"}))
    folder.next_manifest.write_text(Manifest({"index.html": "k2"}).to_json(), encoding="utf-8")
    folder.journal.write_text(json.dumps({"changed": ["index.html"], "removed": []}), encoding="utf-8")
    folder.recover()
    assert folder.manifest() is None
    assert not folder.journal.exists()
    assert not folder.next_manifest.exists()
    assert (tmp_path / "public" / "index.html").read_text(encoding="utf-8") == "old"
