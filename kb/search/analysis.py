"""Text analysis for the index: prose words stemmed, code families kept whole, both case-insensitive.

One function, `prose_terms`, turns text into the terms that are indexed and searched, so that
the index and the query always agree. Words are lower-cased, stop words dropped and plain
words stemmed (Porter); every code `kb.search.codes` finds is added whole under its key, at
the position of its first word, next to the words it is made of. So `Event ID 1000` is
indexed as `event`, `id`, `1000` and `event id 1000`, and `550 5.7.1` also as `5.7.1`.
Identifiers keep their exact form beside the stem (`accessdenied` and `accessdeni`).

The whoosh analyzers below wrap these functions; whoosh pickles them into the index schema,
so they are plain module-level classes without state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Analyzer, Token
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter import stem

from kb.search.codes import code_keys, find_codes

_WORD = re.compile(r"\w+(?:[.'’]\w+)*")
_CASED = re.compile(r"[a-z][A-Z]|_")  # CamelCase or snake_case: an identifier, keep it exact too


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The Porter stem of a lower-case alphabetic word; other words as they are."""
    if len(word) < 3 or not word.isalpha():
        return word
    return str(stem(word))


def prose_terms(text: str, *, stemming: bool = True, codes: bool = True) -> Iterator[str]:
    """The terms of `text` for prose fields, in order (see the module docstring)."""
    spans = find_codes(text) if codes else []
    next_code = 0
    for m in _WORD.finditer(text):
        start = m.start()
        while next_code < len(spans) and spans[next_code].start <= start:
            code = spans[next_code]
            next_code += 1
            single_word = code.start == start and code.end == m.end()
            for key in code.keys:
                if not (single_word and key == m.group(0).lower()):
                    yield key
        word = m.group(0)
        lower = word.lower()
        if lower in STOP_WORDS:
            continue
        if "." in lower and not lower.replace(".", "").isdigit():
            # outlook.exe, System.NullReferenceException: the whole and each part
            yield lower
            for part in lower.split("."):
                if part and part not in STOP_WORDS:
                    yield stem_word(part) if stemming else part
            continue
        stemmed = stem_word(lower) if stemming else lower
        yield stemmed
        if stemmed != lower and _CASED.search(word):
            yield lower


def exact_terms(text: str) -> Iterator[str]:
    """Lower-case words and code keys, unstemmed: what a title or first heading names exactly."""
    for code in find_codes(text):
        yield from code.keys
    for m in _WORD.finditer(text):
        yield m.group(0).lower()


def declared_terms(codes_text: str) -> Iterator[str]:
    """The keys of declared error codes, one code per line."""
    for line in codes_text.split("\n"):
        if line.strip():
            yield from code_keys(line)


def spelling_words(text: str) -> Iterator[str]:
    """Real words for did-you-mean: alphabetic, three letters or more, unstemmed."""
    for m in _WORD.finditer(text):
        word = m.group(0).lower()
        if len(word) >= 3 and word.isalpha() and word not in STOP_WORDS:
            yield word


class _TermsAnalyzer(Analyzer):
    """A whoosh analyzer yielding the terms of one of the functions above."""

    def terms(self, value: str) -> Iterator[str]:
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


class ProseAnalyzer(_TermsAnalyzer):
    def terms(self, value: str) -> Iterator[str]:
        return prose_terms(value)


class ExactAnalyzer(_TermsAnalyzer):
    def terms(self, value: str) -> Iterator[str]:
        return exact_terms(value)


class DeclaredCodesAnalyzer(_TermsAnalyzer):
    def terms(self, value: str) -> Iterator[str]:
        return declared_terms(value)


class SpellingAnalyzer(_TermsAnalyzer):
    def terms(self, value: str) -> Iterator[str]:
        return spelling_words(value)
