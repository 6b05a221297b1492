"""The leak scan: after a customer site is written, look for anything it must not contain.

Every file written is read back as the world would see it: HTML both as markup and as visible
text (entities decoded, tags removed, spaces collapsed), JSON and XML as text and with escapes
decoded, gzip files (the Pagefind index) decompressed. A withheld article's id counts only as a
whole word (KB-12 is not found inside KB-123); titles and internal notes are matched as text.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.literals import trie_pattern
from kb.site.output import files_under

TEXT_SUFFIXES = frozenset({".html", ".htm", ".json", ".xml", ".txt", ".js", ".css", ".md", ".svg", ""})
GZIP_SUFFIXES = frozenset({".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter", ".gz"})
_TAG = re.compile(r"<[^>]*>")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
_SPACE = re.compile(r"\s+")
MAX_PROBES = 50  # above this many, looking for each probe in a file costs more than `find`'s word index


@dataclass(frozen=True)
class Leak:
    file: str  # path inside the site folder
    what: str  # e.g. "title of withheld article articles/x.md"
    text: str  # the forbidden text found

    def __str__(self) -> str:
        return f"{self.file}: contains the {self.what}: {self.text!r}"


@dataclass(frozen=True)
class Forbidden:
    """What a site must not contain, compiled for scanning."""

    items: tuple[tuple[str, str], ...]
    # casefold()ed id -> (upper-cased id, what): IGNORECASE also matches look-alikes (the Kelvin
    # sign for K), so a match is looked up folded.
    ids: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)
    id_pattern: re.Pattern[str] | None = field(default=None, compare=False)
    # The texts, as (what, text, squeezed), by a word inside them (lower-cased): a file can hold a
    # text only if it holds that word as a whole word, so a file is matched against the few texts
    # its words name, not against thousands (a KB with many internal articles). `loose`: texts
    # without such a word.
    by_word: dict[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict, compare=False)
    loose: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)
    # The longest ASCII word of each forbidden text, lower-cased: HTML, JSON and gzip never
    # encode ASCII letters and digits, so a file holding none of these words holds none of the
    # texts, and the costly readable forms need not be made. None: some text has no such word,
    # or there are so many that looking for each costs more than reading the file.
    probes: tuple[str, ...] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, items: Iterable[tuple[str, str]]) -> Forbidden:
        kept = tuple(sorted({(what, text) for what, text in items if text.strip()}))
        ids = {text.upper().casefold(): (text.upper(), what) for what, text in kept if what.startswith("id of")}
        texts = [(what, text, _SPACE.sub(" ", text)) for what, text in kept if not what.startswith("id of")]
        pattern = None
        if ids:
            # One pass for every id, as a whole word: KB-12 is not found inside KB-123. A trie, so
            # that thousands of ids cost about what a few do. The ids' own characters (IGNORECASE
            # does the rest): lower-casing first would turn an İ into two characters that the
            # page, holding the İ, never has.
            alternatives = trie_pattern([[re.escape(char) for char in i] for i, _ in ids.values()])
            pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])", re.IGNORECASE)
        words = {max(_ASCII_WORD.findall(text), key=len, default="").lower() for _, text in kept}
        probes = None if any(len(w) < 3 for w in words) or len(words) > MAX_PROBES else tuple(sorted(words))
        # Each text under the inner word that fewest texts share (the rarest is the best filter).
        inner = [_inner_words(squeezed) for _, _, squeezed in texts]
        counts = Counter(word for found in inner for word in set(found))
        grouped: dict[str, list[tuple[str, str, str]]] = {}
        loose = []
        for item, found in zip(texts, inner, strict=True):
            if found:
                grouped.setdefault(min(found, key=lambda w: (counts[w], -len(w), w)), []).append(item)
            else:
                loose.append(item)
        by_word = {word: tuple(group) for word, group in grouped.items()}
        return cls(kept, ids, pattern, by_word, tuple(loose), probes)

    def may_be_in(self, data: bytes) -> bool:
        """False only when none of the forbidden texts can be in `data` (decompressed)."""
        if self.probes is None:
            return True
        lowered = data.lower()
        return any(probe.encode("ascii") in lowered for probe in self.probes)

    def __bool__(self) -> bool:
        return bool(self.items)

    def keys(self) -> frozenset[str]:
        """A short digest of each item: what a later scan needs to know what it was scanned for."""
        return frozenset(_item_key(item) for item in self.items)

    def beyond(self, keys: frozenset[str]) -> Forbidden:
        """The items not among `keys` (what became forbidden since a scan for those)."""
        return Forbidden.of(item for item in self.items if _item_key(item) not in keys)

    def find(self, texts: list[str]) -> list[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        if self.id_pattern is not None:
            for text in texts:
                for match in self.id_pattern.finditer(text):
                    written = match.group(0)
                    key, what = self.ids.get(written.casefold(), (written.upper(), "id of a withheld article"))
                    found.add((what, key))
        candidates = list(self.loose)
        if self.by_word:
            # Each ASCII word lower-cased on its own: lower-casing the page first would join an
            # İ's two characters onto the word beside it, and the text filed under it is missed.
            words = {word.lower() for word in _ASCII_WORD.findall("\n".join(texts))}
            for word in words & self.by_word.keys() if len(words) < len(self.by_word) else self.by_word.keys() & words:
                candidates.extend(self.by_word[word])
        for what, needle, squeezed in candidates:
            if any(needle in text or squeezed in text for text in texts):
                found.add((what, needle))
        return sorted(found)


def _inner_words(text: str) -> list[str]:
    """The ASCII words of `text` (lower-cased, 3 letters or more) with a character that is not a
    letter or digit on both sides inside `text` itself: wherever `text` is written, each of them
    is a whole word too. The first and last words may run on into the words around them."""
    return [
        m.group(0).lower()
        for m in _ASCII_WORD.finditer(text)
        if m.start() > 0 and m.end() < len(text) and m.end() - m.start() >= 3
    ]


def readable_forms(name: str, data: bytes) -> list[str] | None:
    """The texts a file shows (None for a file that holds no text, such as an image)."""
    suffix = Path(name).suffix.lower()
    if suffix in GZIP_SUFFIXES:
        data = _decompress(data)
    elif suffix not in TEXT_SUFFIXES:
        # An attachment of any other name is read as text when it is text (a `.csv`, `.log` or
        # `.yaml` export): images and other binary files are not UTF-8 past their first bytes.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return None if "\0" in text else [text]
    text = data.decode("utf-8", errors="replace")
    forms = [text]
    if suffix in (".html", ".htm", ".xml", ".svg"):
        forms.append(_SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))))
        forms.append(html.unescape(text))
    if suffix == ".json" or suffix in GZIP_SUFFIXES:
        forms.extend(_json_strings(text))
    if suffix in GZIP_SUFFIXES:
        forms.append(_SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))))
    return forms


def _decompress(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return data


def _json_strings(text: str) -> list[str]:
    """Every string of a JSON document, joined, so escapes (\\u00e9, \\") are decoded."""
    start = text.find("{")
    try:
        value = json.loads(text[start:] if start > 0 else text)
    except ValueError:
        return []
    strings: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for key, item in node.items():
                strings.append(str(key))
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return ["\n".join(strings), _SPACE.sub(" ", html.unescape(_TAG.sub(" ", "\n".join(strings))))]


def _item_key(item: tuple[str, str]) -> str:
    return hashlib.blake2b("\0".join(item).encode("utf-8"), digest_size=8).hexdigest()


def scan_file(name: str, data: bytes, forbidden: Forbidden) -> list[Leak]:
    if not forbidden:
        return []
    if not forbidden.may_be_in(_decompress(data) if Path(name).suffix.lower() in GZIP_SUFFIXES else data):
        return [] if not forbidden.may_be_in(name.encode("utf-8")) else _scan_name(name, forbidden)
    forms = readable_forms(name, data) or []
    forms.append(name)  # a file named after a withheld article is a leak too
    return [Leak(name, what, text) for what, text in forbidden.find(forms)]


def _scan_name(name: str, forbidden: Forbidden) -> list[Leak]:
    return [Leak(name, what, text) for what, text in forbidden.find([name])]


def scan_folder(folder: Path, forbidden: Forbidden, names: Iterable[str] | None = None) -> list[Leak]:
    """Scan the files `names` (default: every file) under `folder`."""
    if not forbidden:
        return []
    if names is None:
        names = files_under(folder)
    leaks: list[Leak] = []
    for name in names:
        leaks.extend(scan_file(name, (folder / name).read_bytes(), forbidden))
    return leaks
