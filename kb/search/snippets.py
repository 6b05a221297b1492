"""Snippets: the stretch of an article's text where the query's words are densest, with `<mark>`.

Found in the stored plain text (see `Highlighter`) rather than by re-analysing the article, so
that a snippet costs microseconds, not milliseconds. The result is HTML-safe.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from kb.cjk import has_cjk

WIDTH = 220  # characters of context shown
LEAD = 50  # characters kept before the first match in the window
SCAN = 30_000  # how far into a long article matches are looked for
MAX_MATCHES = 200


@dataclass(frozen=True)
class Needle:
    """One thing to mark: found by `str.find` of its first part, then checked where it was found."""

    first: str  # lower case, searched for with str.find (C speed)
    pattern: re.Pattern[str]  # matched at each place `first` occurs, on the lower-cased text
    prefix: bool  # a stem: the word may go on after it
    inside: bool = False  # Chinese or Japanese: found inside a run of text, no spaces around it


@dataclass(frozen=True)
class Highlighter:
    """What to mark for one query: codes as written (any spacing), words exactly, stems as prefixes.

    Matches are found with `str.find` on the lower-cased text and checked with an anchored
    pattern where found; a regular expression scanning long articles for several alternatives
    costs milliseconds per hit.
    """

    needles: tuple[Needle, ...]

    @classmethod
    def for_query(cls, words: list[str], stems: list[str], codes: list[str]) -> Highlighter:
        needles: list[Needle] = []
        for code in sorted(set(codes), key=len, reverse=True):
            parts = [p for p in re.split(r"\s+", code.lower()) if p]
            if parts:
                joined = r"[\s:#-]+(?:id[\s:#]+)?".join(re.escape(p) for p in parts)
                needles.append(Needle(parts[0], re.compile(joined + r"(?!\w)"), prefix=False))
        for word, stem in zip(words, stems, strict=True):
            if has_cjk(word):
                needles.append(Needle(word, re.compile(re.escape(word)), prefix=False, inside=True))
            elif stem != word and len(stem) >= 3:
                needles.append(Needle(stem, re.compile(re.escape(stem) + r"\w*"), prefix=True))
            elif word:
                needles.append(Needle(word, re.compile(re.escape(word) + r"(?!\w)"), prefix=False))
        return cls(tuple(needles))

    def snippet(self, text: str, fallback: str = "") -> str:
        """The best window of `text` with matches marked, or the start of `fallback` or `text`."""
        matches = list(self._matches(text))
        if not matches:
            return html.escape(_shorten(" ".join((fallback or text).split()), WIDTH))
        start, end = _best_window(matches)
        start, end = _word_bounds(text, start, end)
        out: list[str] = ["…" if start > 0 else ""]
        cursor = start
        for m_start, m_end, _ in matches:
            if m_start < start or m_end > end:
                continue
            out.append(html.escape(_squash(text[cursor:m_start])))
            out.append(f"<mark>{html.escape(text[m_start:m_end])}</mark>")
            cursor = m_end
        out.append(html.escape(_squash(text[cursor:end])))
        out.append("…" if end < len(text) else "")
        return "".join(out).strip()

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        if not self.needles:
            return []
        lower = text[:SCAN].lower()
        found: list[tuple[int, int, str]] = []
        for needle in self.needles:
            at = lower.find(needle.first)
            while at != -1 and len(found) < MAX_MATCHES:
                if needle.inside or at == 0 or not (lower[at - 1].isalnum() or lower[at - 1] == "_"):
                    m = needle.pattern.match(lower, at)
                    if m:
                        found.append((at, m.end(), m.group(0)))
                at = lower.find(needle.first, at + 1)
        found.sort(key=lambda m: (m[0], -m[1]))
        kept: list[tuple[int, int, str]] = []
        for match in found:  # overlapping matches: the first (and longest) wins
            if not kept or match[0] >= kept[-1][1]:
                kept.append(match)
        return kept


def _best_window(matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    """The window holding the most distinct matched words (the earliest of equals)."""
    best = (0, 0)
    best_start = matches[0][0]
    for i, (anchor, _, _) in enumerate(matches):
        start = max(anchor - LEAD, 0)
        distinct = {word for m_start, m_end, word in matches[i:] if m_end <= start + WIDTH}
        score = (len(distinct), -anchor)
        if score > best:
            best, best_start = score, start
    return best_start, best_start + WIDTH


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    end = min(end, len(text))
    if start > 0:
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 20, end)
        end = space if space > start else end
    return start, end


_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width] + "…"
