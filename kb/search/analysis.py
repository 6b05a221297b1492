"""Text analysis for the index: prose words stemmed, code families kept whole, both case-insensitive.

One function, `prose_terms`, turns text into the terms that are indexed and searched, so that
the index and the query always agree. Words are lower-cased, stop words dropped and plain
words stemmed (Porter); every code `kb.search.codes` finds is added whole under its key,
beside the words it is made of. So `Event ID 1000` is
indexed as `event`, `id`, `1000` and `event id 1000`, and `550 5.7.1` also as `5.7.1`.
Identifiers keep their exact form beside the stem (`accessdenied` and `accessdeni`).
Chinese and Japanese are written without spaces: a run of their characters is indexed as its
overlapping pairs of characters (`同期が失敗` as `同期`, `期が`, `が失`, `失敗`), so that any word
of two characters or more inside a sentence is found by its own pairs (`cjk_terms`).

The whoosh analyzers below wrap these functions; whoosh pickles them into the index schema,
so they are plain module-level classes without state.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis.acore import Token
from whoosh.analysis.analyzers import Analyzer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.formats import Frequency
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

from kb.cjk import has_cjk, pairs, parts
from kb.search.codes import code_keys, find_codes

_WORD = re.compile(r"\w+(?:[.'’]\w+)*")
_CASED = re.compile(r"[a-z][A-Z]|_")  # CamelCase or snake_case: an identifier, keep it exact too


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The Porter stem of a lower-case alphabetic word; other words as they are."""
    if len(word) < 3 or not word.isalpha():
        return word
    return str(stem(word))  # type: ignore[no-untyped-call]


def cjk_terms(word: str, *, stemming: bool = True) -> list[str]:
    """The terms of a word holding Chinese or Japanese: each run of those characters as its
    overlapping pairs, the rest (`Outlook` in `Outlookの同期`) as words."""
    out: list[str] = []
    for part, cjk in parts(word.lower()):
        out.extend(pairs(part) if cjk else prose_terms(part, stemming=stemming, codes=False))
    return out


def prose_terms(text: str, *, stemming: bool = True, codes: bool = True) -> list[str]:
    """The terms of `text` for prose fields (see the module docstring); `codes=False` leaves
    out the keys of the error codes in it.

    Order does not matter to the index (no phrase positions are kept), so words and codes are
    collected in two passes with `findall`, which is several times faster than a token stream.
    """
    out: list[str] = []
    append = out.append
    stems = _STEMS
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower in STOP_WORDS:
            continue
        if has_cjk(lower):
            out.extend(cjk_terms(lower, stemming=stemming))
            continue
        if "." in lower and not lower.replace(".", "").isdigit():
            # outlook.exe, System.NullReferenceException: the whole and each part
            append(lower)
            for part in lower.split("."):
                if part and part not in STOP_WORDS:
                    append(stem_word(part) if stemming else part)
            continue
        if not stemming:
            append(lower)
            continue
        stemmed = stems.get(lower)
        if stemmed is None:
            stemmed = stems[lower] = stem_word(lower)
        append(stemmed)
        if stemmed != lower and not word.islower() and _CASED.search(word):
            append(lower)  # an identifier: its exact form beside the stem
    for code in find_codes(text) if codes else ():
        single = _WORD.fullmatch(code.text) is not None
        for key in code.keys:
            if not (single and key == code.text.lower()):
                append(key)
    return out


_STEMS: dict[str, str] = {}


def exact_terms(text: str) -> list[str]:
    """Lower-case words and code keys, unstemmed: what a title or first heading names exactly."""
    keys = [key for code in find_codes(text) for key in code.keys]
    words = _WORD.findall(text.lower())
    parts = [part for word in words if "." in word for part in word.split(".") if part]
    cjk = [term for word in words if has_cjk(word) for term in cjk_terms(word, stemming=False)]
    return keys + words + parts + cjk


def declared_terms(codes_text: str) -> list[str]:
    """The keys of declared error codes, one code per line."""
    return [key for line in codes_text.split("\n") if line.strip() for key in code_keys(line)]


def spelling_words(text: str) -> list[str]:
    """Real words for did-you-mean: alphabetic, three letters or more, unstemmed."""
    return [
        w
        for w in _WORD.findall(text.lower())
        if len(w) >= 3 and w.isalpha() and w not in STOP_WORDS and not has_cjk(w)  # no spelling to correct there
    ]


class CountedTerms(Frequency):
    """Whoosh's Frequency format, fed by counting the analyzer's terms directly (no token stream)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[Any, int, float, bytes]]:
        boost = self.field_boost
        counted = value if isinstance(value, AnalysedTerms) else Counter(analyzer.terms(value)).items()
        for term, count in counted:
            # whoosh encodes the term itself (FieldType.index): a str goes through, as with its own formats
            yield term, count, count * boost, pack_uint(count)


class AnalysedTerms(list[tuple[str, int]]):
    """(term, frequency) pairs already counted, so that a field's analysis can run in another process."""

    @classmethod
    def of(cls, terms: list[str]) -> AnalysedTerms:
        return cls(Counter(terms).items())


def weighted_terms(parts: list[str], weights: tuple[int, ...]) -> AnalysedTerms:
    """BM25F's weighted term frequencies of a field fed by several parts (see `WeightedTerms`)."""
    counts: Counter[str] = Counter()
    for text, weight in zip(parts, weights, strict=True):
        for term, count in Counter(prose_terms(text)).items():
            counts[term] += count * weight
    return AnalysedTerms(counts.items())


class WeightedTerms(Frequency):
    """BM25F's weighted term frequency: one field fed by several parts, each counted `weights` times.

    The value is a list of texts (title, tags, description, body), or their `weighted_terms`; a
    term's frequency is the sum over the parts of its count times the part's weight, so one term
    query scores a match in the title above the same match in the body, and BM25 saturates the
    sum, not each part.
    """

    def __init__(self, weights: tuple[int, ...] = (1,), **options: Any) -> None:
        super().__init__(**options)
        self.weights = weights

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[Any, int, float, bytes]]:
        if not isinstance(value, AnalysedTerms):
            value = weighted_terms([value] if isinstance(value, str) else list(value), self.weights)
        boost = self.field_boost
        for term, count in value:
            yield term, count, count * boost, pack_uint(count)


class TermsAnalyzer(Analyzer):
    """A whoosh analyzer yielding the terms of one of the functions above."""

    def terms(self, value: str) -> list[str]:
        raise NotImplementedError

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Token]:
        positions = bool(kwargs.get("positions"))
        token = Token(positions=positions, chars=False, removestops=True, mode=kwargs.get("mode", ""))
        token.boost = 1.0
        for pos, term in enumerate(self.terms(value)):
            token.text = term
            if positions:
                token.pos = pos
            yield token

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class ProseAnalyzer(TermsAnalyzer):
    def terms(self, value: str) -> list[str]:
        return prose_terms(value)


class ExactAnalyzer(TermsAnalyzer):
    def terms(self, value: str) -> list[str]:
        return exact_terms(value)


class DeclaredCodesAnalyzer(TermsAnalyzer):
    def terms(self, value: str) -> list[str]:
        return declared_terms(value)


class SpellingAnalyzer(TermsAnalyzer):
    def terms(self, value: str) -> list[str]:
        return spelling_words(value)
