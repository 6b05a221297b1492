"""Searching one site's index: error codes first, then prose by BM25F, with snippets and did-you-mean.

Ranking (scores computed in `kb.search.ranking`): each word of the query is scored by BM25 on
BM25F's weighted term frequencies (title and first heading count four times, tags and
description twice, the body once), words stemmed, codes whole. Articles with every word come
first; only when none has them all do articles with some of them count. A code in the query
adds a constant far above any prose score to each article that declares it in `error_codes`,
and a smaller one to each that names it in its title or first heading; articles that merely
mention it get only their prose score. So an exact code hit always outranks a mention, and
prose decides among equals. A word of the query that is an article's id (`KB-0042`, any case)
puts that article above all: it is a lookup, not a code, so an id never matches `--code`, and
a number in the query (`error 1603`) never finds the article numbered 1603.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as whoosh_index
from whoosh.analysis.filters import STOP_WORDS
from whoosh.searching import Searcher

from kb.cjk import has_cjk
from kb.errors import KbError, UsageError
from kb.project import KnowledgeBase
from kb.search.analysis import prose_terms, stem_word
from kb.search.build import IndexStatus, index_dir, index_status, sites_to_index
from kb.search.codes import code_keys, find_codes, looks_like_code
from kb.search.ranking import Ints, Ranker
from kb.search.snippets import Highlighter
from kb.taxonomy import did_you_mean

# A word in at most this share of articles (or two) may be a misspelling: real corpora have typos too.
RARE_SHARE = 1 / 500
ARTICLE_ID = 20_000.0  # the query names the article's id
DECLARED = 10_000.0  # the article lists the code in error_codes
HEADLINE = 5_000.0  # the article's title or first heading names the code
# The longest query searched: a support query is words, a code or a pasted error line, and 512
# characters hold any of those with room. Beyond, whoosh's did-you-mean on one long word takes
# seconds (a run of 20,000 letters: 10 to 40 s), holding the index each kb serve site shares.
MAX_QUERY_CHARS = 512

_WORD = re.compile(r"\w+(?:[.'’\-]\w+)*")
_QUOTED = re.compile(r'["“”„]([^"“”„]+)["“”„]')  # straight and typographic quotes, as pasted
_CODE_CONTEXT = frozenset({"error", "code", "status", "event", "id", "http", "sip", "number", "exit", "hresult"})


# A filter: documents with any of these terms in any of these fields.
Filter = list[tuple[str, list[str]]]


class IndexMissing(KbError):
    """A site has no search index yet."""


@dataclass
class Hit:
    """One article found: what a result list shows."""

    id: str
    title: str
    path: str  # relative to the KB root
    score: float
    snippet: str  # HTML-safe, matches in <mark>
    error_codes: list[str] = field(default_factory=list)
    product_area: str = ""
    type: str = ""
    source: str = ""  # where an imported article came from

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


@dataclass
class SearchResult:
    """Hits best first, and a corrected query when a word looks misspelt."""

    query: str
    hits: list[Hit]
    suggestion: str | None = None
    total: int = 0


@dataclass(frozen=True)
class Phrase:
    """Words asked for in this order ("mailbox is full"): `groups` find the articles that have
    them all, then `pattern` keeps those where they stand together in the lower-cased text,
    across spaces and punctuation ("Mailbox is full.", "mailbox-is-full")."""

    text: str
    groups: tuple[tuple[str, ...], ...]
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, text: str) -> Phrase | None:
        words = _WORD.findall(text)
        if len(words) == 1 and has_cjk(words[0]) and len(words[0]) > 2:
            # Chinese or Japanese in quotes: its characters together, wherever they stand.
            return cls(words[0], _groups(words), re.compile(re.escape(words[0].lower())))
        if len(words) < 2:
            return None  # one word in quotes is just that word
        groups = _groups(words)
        if not groups:
            return None  # stop words alone ("to be"): nearly every article has them, and reading all costs
        # Matched against lower-cased text, starting with the first word as a literal: the regex
        # engine then jumps from one place of it to the next (IGNORECASE, or a look-behind first,
        # would try every character: 0.5 ms a document instead of a few µs).
        first = re.escape(words[0].lower())
        rest = "".join(r"\W+" + re.escape(w.lower()) for w in words[1:])
        return cls(" ".join(words), groups, re.compile(rf"{first}(?<!\w{first}){rest}(?!\w)"))


@dataclass
class QueryPlan:
    """What a query asks: codes to match exactly, prose terms to score, words as typed.

    `groups` are the query's words and codes, each as the terms that stand for it (a code's
    keys, an identifier's stem and exact form); an article matches a word if it has any of them.
    """

    codes: list[str]
    groups: list[list[str]]
    words: list[str]
    phrases: list[Phrase] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(term for group in self.groups for term in group))


def plan_query(text: str) -> QueryPlan:
    """Split a query into codes (kept whole), prose terms (analysed as the index is) and the
    phrases written in quotes."""
    phrases = [
        phrase
        for quoted in _QUOTED.findall(text)
        if not _one_code(quoted) and (phrase := Phrase.of(quoted)) is not None
    ]
    spans = find_codes(text)
    codes: list[str] = []
    for match in spans:
        codes.extend(match.keys)
    words = [m.group(0) for m in _WORD.finditer(text)]
    lowered = [w.lower() for w in words]
    only_codes = all(looks_like_code(w) or w.isdigit() or w in _CODE_CONTEXT for w in lowered) and bool(words)
    for i, word in enumerate(lowered):
        after_context = i > 0 and lowered[i - 1] in _CODE_CONTEXT
        number = word.isdigit() and len(word) >= 3 and (only_codes or after_context)
        if number or (looks_like_code(word) and "-" not in word):
            codes.append(word)
    # The words a code is made of ("event", "id") are not asked for apart from it: the code's
    # keys stand for them, and common words would drag in thousands of articles.
    prose = text
    for match in reversed(spans):
        prose = prose[: match.start] + " " + prose[match.end :]
    groups: list[list[str]] = []
    for word in _WORD.findall(prose):
        for terms in _word_groups(word):
            if terms not in groups:
                groups.append(terms)
    for match in spans:
        group = list(match.keys)
        # One word (an identifier, a constant): its stem finds it too. Not a dashed code's parts:
        # "E-1001" would find every article with an "e" (E-2002, e-mail), "AUTH-999" any "auth".
        if _WORD.fullmatch(match.text) and "-" not in match.text:
            group.extend(term for term in prose_terms(match.text) if term not in group)
        groups.append(group)
    return QueryPlan(list(dict.fromkeys(codes)), groups, lowered, list(dict.fromkeys(phrases)))


def _word_groups(word: str) -> list[list[str]]:
    """What one word of a query asks for: its terms, any of which will do (a stem or the exact
    form); Chinese or Japanese text asks for each of its pairs of characters (see
    `kb.search.analysis.cjk_terms`), all of them."""
    terms = list(dict.fromkeys(prose_terms(word)))
    if not terms:
        return []
    if has_cjk(word):
        return [[term] for term in terms]
    return [terms]


def _groups(words: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for word in words for group in _word_groups(word))


def _one_code(quoted: str) -> bool:
    """Whether the text in quotes is one error code ("Event ID 1000", "550 5.7.1"): looked up as a
    code, as unquoted, for an article may declare it in `error_codes` and word it otherwise."""
    text = quoted.strip()
    spans = find_codes(text)
    return len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(text)


class SearchIndex:
    """An open search index of one site; keep it open and call `search` as often as needed.

    Calls may come from several threads (a web server's): they take turns, as the whoosh
    searcher and the posting cache are not shared safely. `refresh()` picks up a new index.
    """

    def __init__(self, kb: KnowledgeBase, site: str, folder: Path) -> None:
        self.kb = kb
        self.site = site
        self._lock = threading.RLock()
        self._open(folder)

    def _open(self, folder: Path) -> None:
        self.folder = folder
        self._index = whoosh_index.open_dir(str(folder))
        self._searcher: Searcher = self._index.searcher()
        self._ranker = Ranker(self._searcher.reader())

    @property
    def _reader(self) -> Any:
        return self._searcher.reader()

    @classmethod
    def open(cls, kb: KnowledgeBase, site: str) -> SearchIndex:
        """The index of `site`; raises `IndexMissing` when `kb index` has not built it."""
        sites_to_index(kb, site)  # an unknown site is a UsageError with did-you-mean
        link = index_dir(kb, site)
        folder = link.resolve()
        if not folder.is_dir() or not whoosh_index.exists_in(str(folder)):
            raise IndexMissing(f"site {site!r} has no search index yet", hint="run `kb index`")
        return cls(kb, site, folder)

    def refresh(self) -> bool:
        """Pick up a newer index (after `kb index`); True when it changed."""
        with self._lock:
            return self._refresh()

    def _refresh(self) -> bool:
        folder = index_dir(self.kb, self.site).resolve()
        if folder != self.folder:
            self.close()
            self._open(folder)
            return True
        if not self._searcher.up_to_date():  # type: ignore[no-untyped-call]
            self._searcher = self._searcher.refresh()  # type: ignore[no-untyped-call]
            self._ranker = Ranker(self._searcher.reader())
            return True
        return False

    def close(self) -> None:
        with self._lock:  # not under a search in another thread: it reads the files closed here
            self._searcher.close()  # type: ignore[no-untyped-call]
            self._index.close()  # type: ignore[no-untyped-call]

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def status(self) -> IndexStatus:
        return index_status(self.kb, self.site)

    @property
    def size(self) -> int:
        return int(self._searcher.doc_count())

    def titles(self) -> list[str]:
        """The title of every article in the index."""
        return [str(stored.get("title", "")) for stored in self._reader.all_stored_fields()]

    # -- searching -------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        area: str | None = None,
        type: str | None = None,
        code: str | None = None,
        limit: int = 10,
    ) -> SearchResult:
        """Articles of this site matching `query`, best first (see the module docstring). A query
        longer than `MAX_QUERY_CHARS` is a `UsageError`."""
        if len(query) > MAX_QUERY_CHARS:
            raise UsageError(
                f"a query is at most {MAX_QUERY_CHARS} characters; this one has {len(query):,}",
                hint="search for the error code or a few words of the message, not the whole text",
            )
        # Compatibility forms as their plain letters: an input method's full-width `０x8004ＤＥＦ４`.
        query = unicodedata.normalize("NFKC", query)
        code = unicodedata.normalize("NFKC", code) if code else code
        with self._lock:
            return self._search(query, area=area, type=type, code=code, limit=limit)

    def _search(self, query: str, *, area: str | None, type: str | None, code: str | None, limit: int) -> SearchResult:
        plan = plan_query(query)
        filters: list[Filter] = []
        if area:
            filters.append([("area", [self._known("area", area)])])
        if type:
            filters.append([("type", [self._known("type", type)])])
        if code:
            keys = list(code_keys(code))
            filters.append([("codes", keys), ("headline", keys)])
            plan.codes.extend(k for k in keys if k not in plan.codes)
        hits, total = self._run(plan, filters, limit)
        suggestion = self._suggest(query, plan, total)
        return SearchResult(query, hits, suggestion, total)

    def _known(self, field_name: str, value: str) -> str:
        """The filter term for an area or type as given, in any case; a `UsageError` (with
        did-you-mean) when neither the taxonomy nor an indexed article has it, as a filter that
        cannot match anything would silently give no hits."""
        wanted = value.strip().strip("/").lower()
        taxonomy = self.kb.taxonomy
        declared = list(taxonomy.areas if field_name == "area" else taxonomy.types)
        site = taxonomy.sites.get(self.site)
        if site is None or site.public:  # a customer site's API names only what the site publishes
            declared = []
        # Articles may name an area or type the taxonomy lacks (a check finding): they can be found too.
        known = dict.fromkeys([*(name.lower() for name in declared), *self._reader.field_terms(field_name)])
        if wanted in known:
            return wanted
        what = "product area" if field_name == "area" else "type"
        choices = [name for name in (declared or known) if field_name != "area" or "/" not in name]
        raise UsageError(
            f"unknown {what} {value!r}{did_you_mean(wanted, known)}",
            hint=f"{what}s: " + ", ".join(choices) + (" (or an area below one)" if field_name == "area" else ""),
        )

    def lookup_code(self, code: str, *, limit: int = 50) -> list[Hit]:
        """Articles that declare `code` or name it in their title or first heading, best first."""
        keys = list(code_keys(code))
        plan = QueryPlan(keys, [keys], [])
        with self._lock:
            hits, _ = self._run(plan, [[("codes", keys), ("headline", keys)]], limit)
        return hits

    def _run(self, plan: QueryPlan, filters: list[Filter], limit: int) -> tuple[list[Hit], int]:
        """Articles with every word of the query (or an exact code hit) first; when no article
        has them all, those with any of them (see `kb.search.ranking`)."""
        tiers: list[tuple[str, str, float]] = []
        for word in plan.words:
            if any(c.isdigit() for c in word) and not word.isdigit():
                tiers.append(("id", word, ARTICLE_ID))
        for key in plan.codes:
            tiers.append(("codes", key, DECLARED))
            tiers.append(("headline", key, HEADLINE))
        if not plan.groups and not tiers:
            return [], 0
        allowed = None
        for alternatives in filters:
            docs = [self._ranker.docs(field_name, values) for field_name, values in alternatives]
            mask = self._ranker.mask(np.concatenate(docs))
            allowed = mask if allowed is None else allowed & mask
        for phrase in plan.phrases:
            allowed = self._ranker.mask(self._phrase_docs(phrase, allowed))
        ranked, total = self._ranker.rank(plan.groups, tiers, allowed, max(limit, 1))
        highlighter = Highlighter.for_query(
            [w for w in plan.words if not looks_like_code(w)],
            [stem_word(w) for w in plan.words if not looks_like_code(w)],
            [*plan.codes, *(w for w in plan.words if looks_like_code(w))],
        )
        hits = []
        for docnum, score in ranked:
            stored = self._reader.stored_fields(docnum)
            hits.append(
                Hit(
                    id=stored["id"],
                    title=stored.get("title", ""),
                    path=stored["path"],
                    score=score,
                    snippet=highlighter.snippet(stored.get("body", ""), stored.get("description", "")),
                    error_codes=list(stored.get("error_codes") or []),
                    product_area=stored.get("product_area", ""),
                    type=stored.get("type", ""),
                    source=stored.get("source", "") or "",
                )
            )
        return hits, total

    def _phrase_docs(self, phrase: Phrase, allowed: npt.NDArray[np.bool_] | None) -> Ints:
        """The documents (of those allowed) whose title, description or text has `phrase`: those
        with every word of it, read back and matched (the index keeps no word positions)."""
        candidates = self._ranker.live if allowed is None else self._ranker.live & allowed
        for group in phrase.groups:
            candidates = candidates & self._ranker.mask(self._ranker.docs("content", list(group)))
        found = []
        for docnum in np.flatnonzero(candidates):
            stored = self._reader.stored_fields(int(docnum))
            text = "\n".join(str(stored.get(name) or "") for name in ("title", "description", "body"))
            if phrase.pattern.search(text.lower()):
                found.append(docnum)
        return np.asarray(found, dtype=np.int64)

    # -- did you mean ---------------------------------------------------------------------

    def _suggest(self, query: str, plan: QueryPlan, total: int) -> str | None:
        """The query with misspelt words replaced by the likeliest indexed word, or None."""
        corrected = query
        changed = False
        for word in dict.fromkeys(plan.words):
            if len(word) < 3 or not word.isalpha() or word in STOP_WORDS or looks_like_code(word):
                continue  # stop words are never indexed, and never misspelt ("the", "not")
            stem = stem_word(word)
            frequency = self._reader.doc_frequency("content", stem)
            rare = max(2, int(self._ranker.documents * RARE_SHARE))
            if frequency > rare or (frequency and self._ranker.every_word_found):
                continue  # a known word in a query whose words were all found: leave it
            # Two edits turn a short word into almost any other ("zap" into "app"): one for up to five letters.
            maxdist = 1 if len(word) <= 5 else 2
            options = self._searcher.suggest("spell", word, limit=8, maxdist=maxdist)  # type: ignore[no-untyped-call]
            ranked = sorted(
                (edit_distance(word, option), -self._reader.doc_frequency("spell", option), option)
                for option in options
                if option != word
            )
            best = None
            for _, _, option in ranked:
                # An unknown word takes any known one; a rare word only one that is far more common.
                wanted = 1 if frequency == 0 else max(frequency * 10, frequency + 2)
                if self._reader.doc_frequency("content", stem_word(option)) >= wanted:
                    best = option
                    break
            if best:
                corrected = re.sub(rf"\b{re.escape(word)}\b", best, corrected, flags=re.IGNORECASE)
                changed = True
        return corrected if changed else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with transpositions counted as one edit (Damerau, restricted)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
