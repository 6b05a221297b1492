"""Check results by content hash, in `.kb-cache/`: an unchanged article is never read twice.

Each article's findings from the article rules, its facts (for the rules across articles) and
its inline suppressions are stored under its path with the sha256 of its bytes, and with its
size and modification time so that a warm run need not even read it. The whole cache is keyed
by a fingerprint of everything else that decides findings: kb's own code, `kb.yaml` and the
taxonomy. The files are JSON, `facts.json` one line per article (never pickle: a cache folder
committed by mistake must not be able to run code), written to a temporary file and swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from kb import atomic
from kb.errors import KbError
from kb.findings import Finding, Level, Location
from kb.memory import gc_paused
from kb.quality.suppression import Suppression
from kb.rules import ALL_RULES
from kb.rules.facts import ArticleFacts

CACHE_FILE = "check.json"
FACTS_FILE = "facts.json"
FORMAT = 8


@dataclass
class Examined:
    """What the article rules found in one file (and what the corpus rules need from it).

    Facts of cached articles are read (from their own file) only when a rule across articles
    asks for them: when nothing changed, those rules' findings come from the cache too.
    """

    relpath: str
    digest: str
    size: int
    mtime_ns: int
    _findings: list[Finding] | None  # as reported: policy and suppressions applied
    readable: bool
    suppressions: list[Suppression]
    _facts: ArticleFacts | None = field(default=None, repr=False)
    _source: ResultCache | None = field(default=None, repr=False)
    _rows: list[list[Any]] = field(default_factory=list, repr=False)  # the cached findings, made on first use
    # (suppression's index, rule code) that covered an article-rule finding: the rules across
    # articles then tell which suppressions covered nothing at all.
    used: frozenset[tuple[int, str]] = frozenset()

    @classmethod
    def fresh(
        cls, relpath: str, digest: str, size: int, mtime_ns: int, findings: list[Finding],
        facts: ArticleFacts | None, suppressions: list[Suppression], used: frozenset[tuple[int, str]] = frozenset(),
    ) -> Examined:  # fmt: skip
        return cls(relpath, digest, size, mtime_ns, findings, facts is not None, suppressions, facts, used=used)

    @property
    def findings(self) -> list[Finding]:
        # Made when asked for: checking one article of 10,000 (kb serve) needs the others' facts,
        # not their findings.
        if self._findings is None:
            once = self._source.once if self._source is not None else _itself
            self._findings = [_finding_from(self.relpath, row, once) for row in self._rows]
            self._rows = []  # saving writes the findings: not both copies (a warm audit of 50,000)
        return self._findings

    @property
    def facts(self) -> ArticleFacts | None:
        if self._facts is None and self.readable and self._source is not None:
            self._facts = self._source.facts_of(self.relpath)
        return self._facts

    def to_json(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "findings": self._rows if self._findings is None else [_finding_json(f) for f in self._findings],
            "readable": self.readable,
            "suppressions": [s.to_json() for s in self.suppressions],
            "used": sorted([n, code] for n, code in self.used),
        }

    @classmethod
    def from_json(cls, relpath: str, data: dict[str, Any], source: ResultCache) -> Examined:
        return cls(
            relpath,
            data["digest"],
            data["size"],
            data["mtime_ns"],
            None,
            data["readable"],
            [Suppression.from_json(s) for s in data["suppressions"]],
            None,
            source,
            data["findings"],
            frozenset((n, code) for n, code in data.get("used", ())),
        )


def _finding_json(f: Finding) -> list[Any]:
    # The rule's name and usual hint are not stored: at 10,000 articles the cache is read on every run.
    row: list[Any] = [f.code, int(f.level), f.location.line, f.location.col, f.message, f.context]
    rule = _RULES.get(f.code)
    other: dict[str, Any] = {}
    if rule is None or f.name != rule.name:
        other["n"] = f.name
    if rule is None or f.hint != rule.hint:
        other["h"] = f.hint
    if f.extra:
        other["x"] = f.extra
    if other:
        row.append(other)
    return row


def _itself(text: str, _: str) -> str:
    return text


def _share_texts(extra: dict[str, Any], once: Callable[[str, str], str]) -> None:
    """The texts in a finding's lists of records (e.g. the articles a near-duplicate is like, by
    path), each replaced by its shared copy."""
    records = (item for value in extra.values() if isinstance(value, list) for item in value)
    for record in records:
        if isinstance(record, dict):
            for key, text in record.items():
                if isinstance(text, str):
                    record[key] = once(text, text)


def _finding_from(
    relpath: str,
    d: list[Any],
    once: Callable[[str, str], str],
    _new: Any = object.__new__,
    _set: Any = object.__setattr__,
) -> Finding:
    # Findings repeat their codes, messages and the paths they name: JSON gives each its own copy,
    # `once` gives back one shared copy (a third of a warm check's memory at 50,000 articles).
    # The row shares it too: the rules across articles keep theirs until the cache is saved.
    d[0] = code = once(d[0], d[0])
    d[4] = message = once(d[4], d[4])
    d[5] = context = once(d[5], d[5])
    if len(d) == 6:
        name, hint = _NAMES[code]
        extra: dict[str, Any] = {}
    else:
        other: dict[str, Any] = d[6]
        name, hint = _NAMES.get(code, (code, ""))
        name, hint, extra = str(other.get("n", name)), str(other.get("h", hint)), dict(other.get("x", {}))
        _share_texts(extra, once)
    # A frozen dataclass sets each field through object.__setattr__; a warm check of 10,000
    # articles builds 50,000 findings, so fill the instances' dicts in one step instead.
    location = _new(Location)
    _set(location, "__dict__", {"path": relpath, "line": d[2], "col": d[3]})
    finding: Finding = _new(Finding)
    _set(finding, "__dict__", {
        "code": code, "name": name, "level": _LEVELS[d[1]], "location": location, "message": message,
        "hint": hint, "context": context, "extra": extra,
    })  # fmt: skip
    return finding


_RULES = {rule.code: rule for rule in ALL_RULES}
_NAMES = {rule.code: (rule.name, rule.hint) for rule in ALL_RULES}
_LEVELS = {int(level): level for level in Level}


def fingerprint(root: Path, files: list[Path]) -> str:
    """A hash of kb's code and of the KB's settings files: any change empties the cache."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    digest.update(_code_digest())
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


@cache
def _code_digest() -> bytes:
    """A hash of kb's own source, read once per process: the code that runs is the code loaded
    (kb serve checks after every save)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.digest()


class DamagedCache(KbError):
    """The facts file lacks an article that the results file lists (only a hand edit does that:
    both are written whole and swapped in). `kb.check` then checks every article again."""

    def __init__(self, cache: ResultCache, relpath: str) -> None:
        super().__init__(f"the result cache has no facts for {relpath}: {cache.facts_path} is damaged")
        self.cache = cache


class ResultCache:
    """The per-article results of the last check, read at start and written back at the end."""

    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / CACHE_FILE
        self.facts_path = folder / FACTS_FILE
        self.key = key
        # As read (JSON), or as examined in this run: those are turned into JSON when saved, so
        # that a cold check of 50,000 articles does not hold every result twice.
        self.entries: dict[str, dict[str, Any] | Examined] = {}
        self.corpus: dict[str, Any] = {}
        self.changed = False
        self._facts: dict[str, ArticleFacts] | None = None  # read on first use
        self.facts_changed = False
        self.token = ""
        # One copy of each text that findings read from the file repeat (only those go through it:
        # it holds no more than the file did).
        self.once = dict[str, str]().setdefault
        data = _read(self.path)
        # The two files are written together; the token says they belong together.
        if data.get("key") == key and isinstance(data.get("articles"), dict) and self._facts_match(data):
            self.entries = data["articles"]
            self.corpus = data.get("corpus") or {}
            self.token = data["token"]

    def _facts_match(self, data: dict[str, Any]) -> bool:
        try:
            with self.facts_path.open("rb") as file:
                head = file.readline(200).decode("utf-8", "replace")
        except OSError:
            return False
        token = data.get("token")
        return isinstance(token, str) and head == _token_line(token)

    def facts_of(self, relpath: str) -> ArticleFacts:
        """The cached facts of one article (the file is read once per cache object: kb serve
        keeps one between rebuilds)."""
        try:
            return self.all_facts()[relpath]
        except KeyError:
            raise DamagedCache(self, relpath) from None

    def discard(self) -> None:
        """Forget every result, in memory and on disk (the next save writes the cache anew)."""
        for path in (self.path, self.facts_path):
            path.unlink(missing_ok=True)
        self.entries, self.corpus, self._facts, self.token = {}, {}, {}, ""
        self.once = dict[str, str]().setdefault
        self.changed = self.facts_changed = True

    def all_facts(self) -> dict[str, ArticleFacts]:
        if self._facts is None:
            self._facts = _read_facts(self.facts_path, self.token) if self.entries else {}
        return self._facts

    def corpus_findings(self, key: str, unchanged: Callable[[dict[str, Any]], bool]) -> dict[str, list[Finding]] | None:
        """The findings of the rules across articles from the last run, if it saw the same articles
        on the same day (`key`) and what it read outside them is `unchanged`."""
        if self.corpus.get("key") != key or not unchanged(self.corpus.get("outside") or {}):
            return None
        rows: dict[str, list[list[Any] | Finding]] = self.corpus["findings"]
        with gc_paused():
            return {
                relpath: [row if isinstance(row, Finding) else _finding_from(relpath, row, self.once) for row in found]
                for relpath, found in rows.items()
            }

    def store_corpus(self, key: str, findings: dict[str, list[Finding]], outside: dict[str, Any]) -> None:
        # Kept as findings, turned into JSON rows only as they are written (`save`): rows made
        # now would be a second copy of them all at the check's peak.
        self.corpus = {"key": key, "findings": findings, "outside": outside}
        self.changed = True

    def entry(self, relpath: str) -> Examined | None:
        """The cached result, whatever the file is now (the caller knows it did not change). An
        entry read as JSON is made an `Examined` in its place (saving turns it back)."""
        entry = self.entries.get(relpath)
        if isinstance(entry, dict):
            entry = self.entries[relpath] = Examined.from_json(relpath, entry, self)
        return entry

    def lookup(self, relpath: str, size: int, mtime_ns: int) -> Examined | None:
        """The cached result when the file has the same size and modification time."""
        entry = self.entry(relpath)
        return entry if entry is not None and (entry.size, entry.mtime_ns) == (size, mtime_ns) else None

    def lookup_digest(self, relpath: str, digest: str, size: int, mtime_ns: int) -> Examined | None:
        """The cached result for the same content (the file was touched, not changed)."""
        entry = self.entry(relpath)
        if entry is None or entry.digest != digest:
            return None
        entry.size, entry.mtime_ns = size, mtime_ns
        self.changed = True
        return entry

    def store(self, examined: Examined) -> None:
        facts = self.all_facts()
        self.entries[examined.relpath] = examined
        if examined.facts is not None:
            facts[examined.relpath] = examined.facts
        self.changed = self.facts_changed = True

    def forget_except(self, relpaths: set[str]) -> None:
        """Drop entries of files that are gone."""
        gone = set(self.entries) - relpaths
        for relpath in gone:
            del self.entries[relpath]
            if self._facts is not None:
                self._facts.pop(relpath, None)
        self.changed = self.changed or bool(gone)
        self.facts_changed = self.facts_changed or (bool(gone) and self._facts is not None)

    def save(self) -> None:
        if not self.changed and not self.facts_changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        if self.facts_changed and self._facts is not None:
            self.token = os.urandom(8).hex()
            _write_facts(self.facts_path, self.token, self._facts)
        data = {"key": self.key, "token": self.token, "articles": self.entries, "corpus": self.corpus}
        _write(self.path, data)
        self.changed = self.facts_changed = False


def _read(path: Path) -> dict[str, Any]:
    try:
        with gc_paused():
            data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache yet, or a damaged one: start afresh
    return data if isinstance(data, dict) else {}


def _token_line(token: str) -> str:
    return json.dumps({"token": token}, separators=(",", ":")) + "\n"


def _read_facts(path: Path, token: str) -> dict[str, ArticleFacts]:
    """The facts file: a line with its token, then one `[path, facts]` line per article, each
    made into `ArticleFacts` as it is read (at 50,000 articles, reading the whole file as one
    JSON document took hundreds of MB more at its peak). Empty when damaged or not the pair of
    the results file."""
    facts: dict[str, ArticleFacts] = {}
    try:
        with gc_paused(), path.open(encoding="utf-8") as file:
            if file.readline() != _token_line(token):
                return {}
            for line in file:
                relpath, data = json.loads(line)
                facts[relpath] = ArticleFacts.from_json(data)
    except (OSError, ValueError, TypeError, KeyError):
        pass  # damaged: what was read (an article without facts is then an error that says so)
    return facts


def _as_json(value: object) -> Any:
    """What the encoder writes for a finding kept as it is (the rules across articles' findings)."""
    if isinstance(value, Finding):
        return _finding_json(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encode = json.JSONEncoder(separators=(",", ":"), default=_as_json).encode  # compact, and the C encoder


def _write_facts(path: Path, token: str, facts: dict[str, ArticleFacts]) -> None:
    with atomic.replacing(path) as file:
        file.write(_token_line(token))
        for relpath, item in facts.items():
            file.write(_encode([relpath, item.to_json()]) + "\n")


def _write(path: Path, data: dict[str, Any]) -> None:
    with atomic.replacing(path) as file:
        _dump(data, file)


def _dump(value: Any, file: TextIO, depth: int = 0) -> None:
    """`json.dump(value)` in compact form, each article's entry encoded and written on its own (an
    `Examined` turned into JSON only now): the whole text at once would be hundreds of MB at
    50,000 articles, and `json.dump` uses the slow pure-Python encoder. The top two levels, and
    any long mapping below them (entries or findings by path), are written member by member."""
    if isinstance(value, Examined):
        value = value.to_json()
    if not isinstance(value, dict) or (depth > 1 and len(value) <= 100):
        file.write(_encode(value))
        return
    file.write("{")
    for n, (key, item) in enumerate(value.items()):
        file.write(("," if n else "") + _encode(key) + ":")
        _dump(item, file, depth + 1)
    file.write("}")
