"""Chinese and Japanese: scripts written without spaces between words.

Search indexes a run of their characters as its overlapping pairs (`pairs`), and the error-code
patterns, which look for a word boundary around a code, read each of their characters as a
break between words (`as_breaks`): `エラー0x8004DEF4が表示` names the code `0x8004DEF4`.
Hangul is left out: Korean puts spaces between words.
"""

from __future__ import annotations

import re
import unicodedata

# Kana, CJK ideographs (with 々 and its kin) and half-width katakana.
CHARS = "\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_ONE = re.compile(f"[{CHARS}]")
_RUNS = re.compile(f"([{CHARS}]+)")


def has_cjk(text: str) -> bool:
    """Whether `text` holds Chinese or Japanese characters."""
    return not text.isascii() and _ONE.search(text) is not None


def parts(word: str) -> list[tuple[str, bool]]:
    """The runs of `word`, each with whether it is Chinese or Japanese (`Outlookの同期`: `Outlook`,
    then `の同期`)."""
    return [(part, _ONE.match(part) is not None) for part in _RUNS.split(word) if part]


def pairs(run: str) -> list[str]:
    """The overlapping pairs of characters of a Chinese or Japanese run (a run of one: itself)."""
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def as_breaks(text: str) -> str:
    """`text` with each Chinese or Japanese character replaced by NUL, which is neither a word
    character nor a space (a code's words stand apart by spaces only): the same length, so
    offsets found in it hold for `text`."""
    return text if text.isascii() else _ONE.sub("\x00", text)


def width(text: str) -> int:
    """The length of `text` as shown: a wide character (Chinese, Japanese, Korean, full-width
    forms) takes the room of two, and says about as much as two Latin letters or more."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
