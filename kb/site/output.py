"""Writing a site folder so that a failed or interrupted build leaves the previous site intact.

A full build writes the whole site into a fresh folder beside it (unchanged files hard-linked
from the previous site) and swaps the two folders. An incremental build stages only the files
that changed, then commits them through a journal: once the journal is on disk the build is
committed and the renames are replayed by the next build if this one is interrupted; before
that, nothing of the live site has changed. The manifest (each file's key) lives beside the
site in `.kb-build/`, never inside what is published. It only ever describes the folder beside
it: while it might not (a swap, a replay that lost its staged files), there is none, and the
next build writes the site whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb import atomic
from kb.site.urls import SEARCH_BUNDLE

STATE = ".kb-build"  # beside the site folders: manifests, journals and staging areas
MANIFEST_VERSION = 1


@dataclass
class Manifest:
    """What the live site holds: each file's key, and what was forbidden when it was scanned."""

    files: dict[str, str] = field(default_factory=dict)
    forbidden: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        data = {"version": MANIFEST_VERSION, "files": self.files, "forbidden": [list(f) for f in self.forbidden]}
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Manifest | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return None
        return cls(dict(data["files"]), [(str(a), str(b)) for a, b in data["forbidden"]])


class SiteFolder:
    """One site's output folder and its state beside it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.state = folder.parent / STATE
        self.name = folder.name
        self.manifest_file = self.state / f"{self.name}.manifest.json"
        self.journal = self.state / f"{self.name}.journal.json"
        self.next_manifest = self.state / f"{self.name}.manifest.next"  # written before the journal
        self.fresh = self.state / f"{self.name}.new"  # a full build's new folder
        self.retired = self.state / f"{self.name}.old"  # the previous folder, during a swap
        self.stage = self.state / f"{self.name}.stage"  # an incremental build's changed files
        self.search_scratch = self.state / f"{self.name}.search-parts"  # pages of one Pagefind run
        self.search_record = self.state / f"{self.name}.search.json"  # what the live search index was made of
        self.search_fresh = self.state / f"{self.name}.pagefind"  # a new search index for the live site
        self.search_retired = self.state / f"{self.name}.pagefind-old"  # the previous one, during its swap

    # -- what is there ------------------------------------------------------------------------

    def recover(self) -> None:
        """Finish a commit an earlier build was interrupted in, and clear what it left behind."""
        if self.journal.exists():
            self._replay(json.loads(self.journal.read_text(encoding="utf-8")))
        if not self.folder.exists() and self.retired.exists():
            # Interrupted between the two renames of a swap: the new folder was complete.
            if self.fresh.exists():
                self.fresh.rename(self.folder)
            else:
                self.retired.rename(self.folder)
        bundle = self.folder / SEARCH_BUNDLE
        if self.folder.is_dir() and not bundle.exists() and self.search_retired.exists():
            # The same for the search index alone (its record was forgotten before: it is made again).
            (self.search_fresh if self.search_fresh.exists() else self.search_retired).rename(bundle)
        leftovers = (self.fresh, self.retired, self.stage, self.search_scratch, self.search_fresh, self.search_retired)
        for leftover in leftovers:
            if leftover.exists():
                shutil.rmtree(leftover)
        self.next_manifest.unlink(missing_ok=True)  # a build that never reached its journal

    def manifest(self) -> Manifest | None:
        if not self.folder.is_dir() or not self.manifest_file.is_file():
            return None
        return Manifest.from_json(self.manifest_file.read_text(encoding="utf-8"))

    # -- a full build ---------------------------------------------------------------------------

    def start_full(self) -> Path:
        self.state.mkdir(parents=True, exist_ok=True)
        if self.fresh.exists():
            shutil.rmtree(self.fresh)
        self.fresh.mkdir()
        return self.fresh

    def reuse(self, target: Path, name: str) -> bool:
        """Hard-link the live site's `name` into `target` (a full build keeping an unchanged file)."""
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            link_or_copy(self.folder / name, destination)
        except OSError:
            return False
        return True

    def commit_full(self, manifest: Manifest) -> None:
        """Swap the new folder in: the only moment the live site changes."""
        self.forget_search_record()  # it tells of the search index going out
        # Until the new manifest is written, the live folder may be the new one: a manifest
        # that outlived its folder would mark the pages it holds as up to date. Without one,
        # the next build writes the site whole.
        self.manifest_file.unlink(missing_ok=True)
        if self.folder.exists():
            self.folder.rename(self.retired)
        self.fresh.rename(self.folder)
        self._write_manifest(manifest)
        if self.retired.exists():
            shutil.rmtree(self.retired)

    # -- an incremental build ----------------------------------------------------------------------

    def start_incremental(self) -> Path:
        self.state.mkdir(parents=True, exist_ok=True)
        if self.stage.exists():
            shutil.rmtree(self.stage)
        self.stage.mkdir()
        return self.stage

    def commit_incremental(self, changed: list[str], removed: list[str], manifest: Manifest) -> None:
        self.next_manifest.write_text(manifest.to_json(), encoding="utf-8")  # swapped in by the replay
        journal = {"changed": sorted(changed), "removed": sorted(removed)}
        atomic.write_text(self.journal, json.dumps(journal), durable=True)  # the commit point
        self._replay(journal)

    def _replay(self, journal: Mapping[str, object]) -> None:
        changed = journal.get("changed")
        removed = journal.get("removed")
        assert isinstance(changed, list)
        assert isinstance(removed, list)
        # Each staged file is renamed into the site, so one missing from the stage was placed by
        # an earlier, interrupted replay; but with no stage at all, what it held is lost and the
        # new manifest would record pages that were never written.
        placed = self.stage.is_dir() or not changed
        for name in changed:
            staged = self.stage / name
            if staged.exists():
                target = self.folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                staged.replace(target)
        for name in removed:
            with contextlib.suppress(FileNotFoundError):
                (self.folder / name).unlink()
            _prune(self.folder, Path(name).parent)
        if not placed:
            self.manifest_file.unlink(missing_ok=True)  # the site holds pages of two builds: written whole next
            self.next_manifest.unlink(missing_ok=True)
        elif self.next_manifest.exists():
            self.next_manifest.replace(self.manifest_file)
        self.journal.unlink(missing_ok=True)
        if self.stage.exists():
            shutil.rmtree(self.stage)

    def _write_manifest(self, manifest: Manifest) -> None:
        atomic.write_text(self.manifest_file, manifest.to_json())

    # -- the search index's record (`searchindex.Indexed`) ------------------------------------

    def keep_search_record(self, record: str) -> None:
        """Once the search index it tells of is live (the next index keeps its unchanged parts)."""
        atomic.write_text(self.search_record, record)

    def forget_search_record(self) -> None:
        """Before the live search index is replaced or removed: a record that outlived its index
        would keep parts of another."""
        self.search_record.unlink(missing_ok=True)

    def abandon(self) -> None:
        """After a failure or an interrupt: a build that had not reached its commit point drops
        what it staged (the live site was never touched); one past it is finished now, as the
        next build's `recover()` would, since its staged files are already the live site's."""
        if self.journal.exists() or (self.retired.exists() and not self.folder.exists()):
            with contextlib.suppress(OSError):  # then the next build's `recover()` finishes it
                self.recover()
            return
        for leftover in (self.fresh, self.stage):
            if leftover.exists():
                shutil.rmtree(leftover)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard-link `source` at `target`; copy it on a file system without hard links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def files_under(folder: Path, suffix: str = "") -> list[str]:
    """Every file under `folder` whose name ends in `suffix`, as sorted POSIX paths inside it
    (strings, not Paths: a site of 10,000 articles has 20,000 files, and its search index as many)."""
    top = str(folder)
    found: list[str] = []
    for here, _, files in os.walk(top):
        prefix = "" if here == top else here[len(top) + 1 :].replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in files if name.endswith(suffix))
    return sorted(found)


def _prune(root: Path, folder: Path) -> None:
    """Remove folders left empty by a deletion, up to (not including) the site folder."""
    while folder.parts:
        path = root / folder
        try:
            path.rmdir()
        except OSError:
            return
        folder = folder.parent


def write_file(target: Path, name: str, data: bytes) -> None:
    path = target / name
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
