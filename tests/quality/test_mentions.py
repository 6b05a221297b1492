"""Error-code mentions (KB320's scan): the trie-shaped pattern finds what a plain scan would."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kb.cjk import CHARS
from kb.rules.findable import mentions
from kb.taxonomy import CodeFamily, ErrorCode, Taxonomy

# A small alphabet, so that generated codes share prefixes, contain one another and meet
# word boundaries ("-", ".", spaces) as real codes do: 0x8004, 0x80040154, 550 5.7.1.
codes = st.lists(st.from_regex(r"[0xAb5][0xAb5.-]{0,5}( [0xAb5.]{1,3})?", fullmatch=True), min_size=1, max_size=12)
pieces = st.sampled_from(["0", "x", "A", "a", "b", "B", "5", ".", "-", " ", "  ", "\n", "İ", "é", "(", ")", "同", "の"])
# Chinese and Japanese characters break words as punctuation does: they have no spaces of their own.
_WORD_CHAR = re.compile(rf"[^\W{CHARS}]")


def taxonomy_of(registered: list[str]) -> Taxonomy:
    return Taxonomy(codes={code.upper(): ErrorCode(code, "", "a") for code in registered})


def reference(registered: list[str], text: str) -> list[tuple[int, str]]:
    """Left to right, at each place outside a word the longest code written there (any case, any
    run of spaces between its words) that does not run on into another word."""
    found: list[tuple[int, str]] = []
    words = sorted({tuple(code.lower().split()) for code in registered}, key=lambda w: -len(" ".join(w)))
    position = 0
    while position < len(text):
        if position == 0 or not (_WORD_CHAR.match(text[position - 1]) or text[position - 1] in ".-"):
            for word in words:
                pattern = r"\s+".join(re.escape(part) for part in word) + rf"(?![^\W{CHARS}]|-|\.\d)"
                match = re.compile(pattern, re.IGNORECASE).match(text, position)
                if match:
                    found.append((position, match.group(0)))
                    position = match.end()
                    break
            else:
                position += 1
        else:
            position += 1
    return found


@st.composite
def codes_and_text(draw: st.DrawFn) -> tuple[list[str], str]:
    """Registered codes, and a text of those codes (in any case) among separators and letters."""
    registered = draw(codes)
    written = st.sampled_from(registered).flatmap(lambda code: st.sampled_from([code, code.upper(), code.lower()]))
    return registered, "".join(draw(st.lists(st.one_of(pieces, written), max_size=30)))


@given(codes_and_text())
def test_mentions_are_the_longest_codes_written_at_word_starts(case: tuple[list[str], str]) -> None:
    registered, text = case
    # The same places and the same text found there, whichever letter case the text is in.
    assert list(mentions(taxonomy_of(registered), text)) == reference(registered, text)


def test_a_code_with_a_space_wins_over_the_shorter_code_inside_it() -> None:
    registered = ["550", "550 5.7.1", "0x8004", "0x80040154"]
    text = "NDR 550  5.7.1 then 0x80040154, then 550 alone, 0x8004-x and 0x8004."
    assert list(mentions(taxonomy_of(registered), text)) == [
        (4, "550  5.7.1"),
        (20, "0x80040154"),
        (37, "550"),
        (61, "0x8004"),
    ]


def test_families_match_where_no_registered_code_does() -> None:
    taxonomy = taxonomy_of(["E-1001"])
    taxonomy.families.append(CodeFamily(re.compile(r"E-[0-9]{4}"), "E-nnnn", "a"))
    assert list(mentions(taxonomy, "e-1001 and E-2040, not xE-3000")) == [(0, "e-1001"), (11, "E-2040")]
