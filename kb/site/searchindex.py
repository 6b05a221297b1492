"""The Pagefind index of one site, built from that site's own output and nothing else.

Pagefind reads the pages marked `data-pagefind-body` (articles and error-code pages), so
redirects, lists and the 404 page stay out of search. The binary is Pagefind's extended one, from
the `pagefind[extended]` package (kb never downloads anything): it alone cuts Chinese, Japanese and
Thai, written without spaces, into words, and only on pages it indexes in one of those languages.
So in a site of another language, the pages whose indexed text has their characters (a Japanese
article in an English KB) are indexed in parts of their own, in their language (`ja`, `zh` or
`th`); the search page merges those as it merges any part.

Pagefind holds what it indexes in memory: about 150 KB for each page of the corpus's articles,
8 GB for a site of 50,000 in one run. A site with more pages than `site.search_pages_per_run`
is indexed in parts, one run each: the first part is the site's bundle (`pagefind/`), the others
are bundles inside it (`pagefind/part-1/`, ...), named in `pagefind/kb-parts.json`, and the
search page merges them (Pagefind's `mergeIndex`).

A page's part is chosen by a hash of its path, so a page added, removed or changed touches its own
part only. Each index leaves a record of what its bundle was made of (`Indexed`: each page's key
from the site's manifest, and its part); the next index keeps the parts whose pages are the same
and runs Pagefind on the others only.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from kb.errors import KbError
from kb.site.output import files_under, link_or_copy

PARTS_FILE = "kb-parts.json"  # in the site's bundle: the other parts' folders, relative to it
ENTRY_FILE = "pagefind-entry.json"  # in every bundle Pagefind writes
RECORD_VERSION = 3
UNMARKED = -1  # in a record made in parts: the part of a page Pagefind leaves out
_MARKER = b"data-pagefind-body"
SEGMENTED = ("ja", "th", "zh")  # the languages the extended binary cuts into words
# The characters that tell each of them, looked for as UTF-8 (no page is decoded) in the text
# after the marker, in this order: kana say Japanese (whose kanji are Han characters too), then
# Thai, then Han characters alone say Chinese. `_LEADS`: the first bytes they can start with,
# looked for first (a page without any is read at the speed of memchr, not of a regex).
# U+3040-30FF, 31F0-31FF, FF66-FF9F:
_KANA = rb"\xe3[\x81-\x83]|\xe3\x87[\xb0-\xbf]|\xef\xbd[\xa6-\xbf]|\xef\xbe[\x80-\x9f]"
_SCRIPTS = (
    ("ja", re.compile(_KANA)),
    ("th", re.compile(rb"\xe0[\xb8\xb9]")),  # U+0E00-0E7F
    ("zh", re.compile(rb"\xe3[\x90-\xbf]|[\xe4-\xe9][\x80-\xbf]")),  # U+3400-9FFF
)
_LEADS = tuple(bytes([lead]) for lead in (0xE0, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF))


class SearchIndexError(KbError):
    """Pagefind is missing or failed."""


def executable() -> str:
    """Pagefind's extended binary: from `pagefind[extended]`, else `pagefind_extended` on the PATH.
    Never the standard binary, which would index a Japanese sentence as one word, unnoticed."""
    try:
        import pagefind_bin_extended  # type: ignore[import-untyped, import-not-found, unused-ignore]

        return str(pagefind_bin_extended.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind_extended")
        if found:
            return found
    raise SearchIndexError(
        "Pagefind's extended binary is not installed",
        hint="pip install 'pagefind[extended]', or set site.search: false in kb.yaml",
    )


Page = tuple[str, int]  # a page's key (what it was made from, in the site's manifest) and its part


@dataclass(frozen=True)
class Indexed:
    """What a site's bundle was built from, kept beside the site so that the next index runs
    Pagefind only on what changed: the Pagefind setup, the number of parts, each HTML page's key
    with its part, and a digest of each part's entry file (which tells that bundle from another).
    A site indexed in parts has its pages read for the marker (`marks_read`), and a page Pagefind
    leaves out is in part `UNMARKED`; a site indexed in one run has every page in part 0.
    `languages`: the language each part is indexed in, "" for the site's own (all, when empty)."""

    setup: str
    parts: int
    pages: dict[str, Page]
    marks_read: bool
    entries: dict[int, str] = field(default_factory=dict)
    scanned: frozenset[str] = frozenset()  # what the bundle was found clean of (`Forbidden.keys()`)
    languages: tuple[str, ...] = ()
    kept: frozenset[int] = field(default=frozenset(), compare=False)  # parts taken from the live bundle

    @cached_property
    def by_part(self) -> dict[int, dict[str, Page]]:
        found: dict[int, dict[str, Page]] = {}
        for name, page in self.pages.items():
            found.setdefault(page[1], {})[name] = page
        return found

    def same_part(self, other: Indexed, number: int) -> bool:
        """Whether part `number` of both holds the same pages, indexed the same way."""
        mine = self.by_part.get(number)
        return (
            mine is not None
            and mine == other.by_part.get(number)
            and (self.setup, self.parts, self.marks_read) == (other.setup, other.parts, other.marks_read)
            and self.language_of(number) == other.language_of(number)
        )

    def language_of(self, number: int) -> str:
        """The language part `number` is indexed in; "" for the site's own."""
        return self.languages[number] if 0 <= number < len(self.languages) else ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": RECORD_VERSION, "setup": self.setup, "parts": self.parts, "pages": self.pages,
                "marks_read": self.marks_read, "entries": {str(n): e for n, e in self.entries.items()},
                "scanned": sorted(self.scanned), "languages": list(self.languages),
            }
        )  # fmt: skip

    @classmethod
    def read(cls, path: Path) -> Indexed | None:
        """The record at `path`; None when there is none or it cannot be trusted (then every part
        is indexed again)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != RECORD_VERSION:
                return None
            pages = {str(name): (str(key), int(part)) for name, (key, part) in data["pages"].items()}
            entries = {int(n): str(entry) for n, entry in data["entries"].items()}
            if set(entries) != set(range(int(data["parts"]))):
                return None
            scanned = frozenset(str(key) for key in data["scanned"])
            languages = tuple(str(language) for language in data["languages"])
            setup, parts, marks_read = str(data["setup"]), int(data["parts"]), bool(data["marks_read"])
            return cls(setup, parts, pages, marks_read, entries, scanned, languages)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None


@dataclass(frozen=True)
class LiveBundle:
    """The bundle a site serves now, and the record of what it was built from."""

    folder: Path
    record: Indexed

    def keep(self, new: Indexed, number: int, target: Path) -> bool:
        """Hard-link part `number` of this bundle into `target` when `new` has it made of the same
        pages and the bundle is the one recorded; False when it must be indexed again."""
        source = _place(self.folder, number)
        if not self.record.same_part(new, number):
            return False
        digest = _entry_digest(source)
        if digest is None or digest != self.record.entries.get(number):
            return False  # not the bundle the record was made for
        _reuse(source, target, top=not number)
        return True


def build_index(
    site: Path,
    output: Path,
    language: str,
    pages_per_run: int,
    scratch: Path,
    keys: Mapping[str, str],
    live: LiveBundle | None = None,
) -> Indexed:
    """Index the pages under `site` into `output` (the site's `pagefind/` folder), in parts of
    about `pages_per_run` pages when it has more; `scratch` is a folder outside the site to use
    meanwhile. `keys`: the site's manifest, which tells a page that changed by its key. A part of
    the `live` bundle made of the same pages is kept instead of indexed again: after one article
    is saved at 50,000 articles, one or two Pagefind runs of 63. Returns the new bundle's record."""
    setup = _setup(language, pages_per_run)
    files = {name: keys.get(name) or _unknown(site / name) for name in files_under(site, ".html")}
    previous = live.record if live is not None and live.record.setup == setup and live.record.marks_read else None
    # A site in Japanese, Chinese or Thai is indexed whole in its language, which cuts the others'
    # text too; a site in another language has its pages read for their characters.
    mixed = _base(language) not in SEGMENTED

    def read() -> dict[str, str | None]:  # each page's language ("" the site's); None: Pagefind leaves it out
        return {name: _indexed_in(site / name, key, previous, name, scripts=mixed) for name, key in files.items()}

    languages_read = read() if mixed else {}
    if len(files) <= pages_per_run and not any(languages_read.values()):
        parts, languages = [list(files)], [""]  # one run over the whole site, as Pagefind does it alone
        record = Indexed(setup, 1, {name: (key, 0) for name, key in files.items()}, marks_read=False)
    else:
        parts, languages = _parts_by_language(languages_read or read(), pages_per_run)
        part_of = {name: number for number, part in enumerate(parts) for name in part}
        pages = {name: (key, part_of.get(name, UNMARKED)) for name, key in files.items()}
        record = Indexed(setup, len(parts), pages, marks_read=True, languages=tuple(languages))
    kept = frozenset(n for n in range(len(parts)) if live is not None and live.keep(record, n, _place(output, n)))
    if len(parts) == 1:  # one run over the whole site (a site without marked pages too)
        if not kept:
            _run(site, output, languages[0] or language, site)
    else:
        todo = {n: (part, languages[n] or language) for n, part in enumerate(parts) if n not in kept}
        _run_parts(site, output, scratch, todo)
    _write_parts(output, len(parts) - 1)
    entries = {n: _entry_digest(_place(output, n)) or "" for n in range(len(parts))}
    return replace(record, entries=entries, kept=kept)


def _run_parts(site: Path, output: Path, scratch: Path, parts: dict[int, tuple[list[str], str]]) -> None:
    """Index each of `parts` (by number: its pages and their language) into its place in `output`,
    one after the other (a Pagefind run already keeps about one and a half cores busy). Each part
    is a folder of hard links to its pages, at the same paths as in the site, so that Pagefind
    gives each page its URL in the site; each run writes into `scratch`, moved in place once all
    succeeded (beside the parts kept in `output`)."""
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for number in sorted(parts):
            tree = scratch / "pages" / str(number)
            pages, language = parts[number]
            for name in pages:
                _link(site / name, tree / name)
            _run(tree, scratch / "bundles" / str(number), language, site)
            shutil.rmtree(tree)
        output.mkdir(parents=True, exist_ok=True)
        for number in sorted(parts):
            made = scratch / "bundles" / str(number)
            if number:
                made.rename(_place(output, number))
            else:  # the site's bundle, beside the parts already kept in it
                for entry in made.iterdir():
                    entry.rename(output / entry.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def part_of_file(name: str) -> int:
    """The part a file of a bundle belongs to (its path inside the bundle)."""
    first, _, rest = name.partition("/")
    number = first.removeprefix(_PART_PREFIX)
    return int(number) if rest and first.startswith(_PART_PREFIX) and number.isdigit() else 0


def assign_parts(pages: list[str], pages_per_run: int) -> list[list[str]]:
    """`pages` in parts of about `pages_per_run`, each page in the part its path hashes to: a page
    added or removed changes its own part only, while the number of parts stays. A part must not
    be empty: when one would be (only in tiny runs: a few pages, one or two a run), the number of
    parts becomes the number that were not, until none is."""
    count = max(1, math.ceil(len(pages) / pages_per_run))
    while True:
        parts: list[list[str]] = [[] for _ in range(count)]
        for name in pages:
            parts[zlib.crc32(name.encode("utf-8")) % count].append(name)
        filled = sum(1 for part in parts if part)
        if count == 1 or filled == count:
            return parts
        count = max(1, filled)


def indexed_pages(site: Path) -> list[str]:
    """The pages Pagefind indexes (those marked `data-pagefind-body`), as sorted site paths."""
    return [name for name in files_under(site, ".html") if _has_marker(site / name)]


def _parts_by_language(read: dict[str, str | None], pages_per_run: int) -> tuple[list[list[str]], list[str]]:
    """The parts of the pages Pagefind indexes (`read`: each page's language, None for a page it
    leaves out), those of the site's own language first, and the language of each part."""
    by_language: dict[str, list[str]] = {}
    for name, language in read.items():
        if language is not None:
            by_language.setdefault(language, []).append(name)
    parts: list[list[str]] = []
    languages: list[str] = []
    for language in sorted(by_language):
        made = assign_parts(by_language[language], pages_per_run)
        parts += made
        languages += [language] * len(made)
    return (parts, languages) if parts else ([[]], [""])


def _indexed_in(path: Path, key: str, previous: Indexed | None, name: str, *, scripts: bool) -> str | None:
    """The language a page is indexed in: "" for the site's, None when Pagefind leaves it out (no
    marker). With `scripts` (a site whose own language Pagefind does not cut into words), one of
    `SEGMENTED` when its indexed text has that language's characters. `previous`: the record of a
    bundle made in parts, whose pages of the same key are not read again."""
    known = previous.pages.get(name) if previous is not None else None
    if previous is not None and known is not None and known[0] == key:
        return None if known[1] == UNMARKED else previous.language_of(known[1])
    content = path.read_bytes()
    start = content.find(_MARKER)
    if start < 0:
        return None
    if not scripts or not any(lead in content for lead in _LEADS):
        return ""
    return next((language for language, script in _SCRIPTS if script.search(content, start)), "")


def _has_marker(path: Path) -> bool:
    return _MARKER in path.read_bytes()


def _unknown(path: Path) -> str:
    """The key of a page the manifest does not name (none kb writes): its file, as it is now."""
    info = path.stat()
    return f"file:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def _base(language: str) -> str:
    """`ja` of `ja-JP`."""
    return language.split("-", 1)[0].lower()


def _setup(language: str, pages_per_run: int) -> str:
    """What else a bundle depends on: the Pagefind binary (which one, and its build: a bundle of
    the standard binary is not kept by the extended one), the language, the size of a part."""
    binary = Path(executable())
    info = binary.stat()
    return f"{binary}:{info.st_size}:{info.st_mtime_ns}:{language}:{pages_per_run}"


def _reuse(source: Path, target: Path, *, top: bool) -> None:
    """Hard-link the bundle `source` into `target`: the site's bundle (`top`) without the other
    parts and their list."""
    root = str(source)
    for folder, folders, files in os.walk(root, onerror=_raise):  # strings, not Paths: a part is a thousand files
        if top and folder == root:
            folders[:] = [name for name in folders if not name.startswith(_PART_PREFIX)]
            files = [name for name in files if name != PARTS_FILE]
        into = target / Path(folder).relative_to(root)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            link_or_copy(f"{folder}/{name}", f"{into}/{name}")


def _raise(error: OSError) -> None:
    raise error  # a part kept with a folder it could not read would lose pages from search


def _entry_digest(bundle: Path) -> str | None:
    """A digest of the bundle's entry file, which names its index files by their hashes; None
    when there is none."""
    try:
        return hashlib.blake2b((bundle / ENTRY_FILE).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


_PART_PREFIX = "part-"


def _part_folder(number: int) -> str:
    return f"{_PART_PREFIX}{number}"


def _place(bundle: Path, number: int) -> Path:
    """Where part `number` of a site's bundle is: the first is the bundle itself."""
    return bundle / _part_folder(number) if number else bundle


def _write_parts(output: Path, others: int) -> None:
    # Written for one part too: the search page always asks for it (a missing file is an error
    # in the browser's console).
    parts = [f"{_part_folder(n)}/" for n in range(1, others + 1)]
    (output / PARTS_FILE).write_text(json.dumps({"parts": parts}) + "\n", encoding="utf-8")


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, target)


def _run(site: Path, output: Path, language: str, shown: Path) -> None:
    command = [
        executable(), "--site", str(site), "--output-path", str(output),
        "--force-language", language or "en", "--silent",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError(f"pagefind failed on {shown}: {detail[-1] if detail else result.returncode}")
