"""One regular expression for many literal strings (error codes, withheld ids), shaped as a trie.

Python's `re` tries the alternatives of `a|b|c|...` one after the other at every place of the
text; with hundreds or thousands of them that is most of a scan. As a trie, each place tries only
the strings that start with its character, then those that go on with the next one, and so on.
"""

from __future__ import annotations

import re
from typing import TypeAlias

_Trie: TypeAlias = dict[str, "_Trie"]


def atoms(text: str, *, spaces: bool = False) -> list[str]:
    """`text` lower-cased as regex atoms; with `spaces`, each run of spaces as `\\s+`."""
    if not spaces:
        return [re.escape(char) for char in text.lower()]
    found: list[str] = []
    for n, word in enumerate(text.lower().split()):
        if n:
            found.append(r"\s+")
        found.extend(re.escape(char) for char in word)
    return found


def trie_pattern(words: list[list[str]]) -> str:
    """One regex for the literal `words` (lists of atoms) that prefers the longest: where one word
    ends and a longer one goes on, the longer is tried first and the shorter is the fallback."""
    end = ""
    root: _Trie = {}  # atom -> subtree; `end` marks the end of a word
    for word in words:
        node = root
        for atom in word:
            node = node.setdefault(atom, {})
        node[end] = {}

    def emit(node: _Trie) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom != end]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end in node else body

    return emit(root)
