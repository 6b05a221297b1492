"""Near-duplicate sketches: bottom-k MinHash of word 4-grams, and an index on their smallest values.

Comparing every pair of articles is quadratic. Each article gets a sketch (the 128 smallest
hashes of its four-word sequences, cached with its other facts); two articles that share most
of their text share most of their smallest hashes, so an inverted index on the first few finds
the candidate pairs of 50,000 articles in well under a second, and the sketches estimate their
similarity (Jaccard index of the 4-gram sets).
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    # The hashes as unsigned 32-bit integers: 512 bytes a sketch, where a list of Python ints
    # took 4.6 KB (230 MB for 50,000 articles).
    Sketch: TypeAlias = array[int]

SHINGLE = 4  # words per shingle
SIZE = 128  # hashes kept per sketch
MIN_SHINGLES = 12  # shorter texts say too little to be called duplicates
INDEXED = 20  # smallest hashes indexed to find candidates
SHARED = 5  # candidates share at least this many of their indexed hashes
BUCKET_LIMIT = 200  # a hash shared by more articles is boilerplate, not a sign of duplication


def sketch(words: list[str]) -> Sketch | None:
    """The sketch of a text given as lower-case words (sorted ascending), or None when too short."""
    if len(words) - SHINGLE + 1 < MIN_SHINGLES:
        return None
    # Each shingle is hashed as its words joined by spaces: one split of the encoded text gives
    # every word's bytes, and the C-level join of four of them costs less than any slicing.
    encoded = " ".join(words).encode("utf-8").split(b" ")
    join, crc32 = b" ".join, zlib.crc32
    hashes = {crc32(join(shingle)) for shingle in zip(*(encoded[i:] for i in range(SHINGLE)), strict=False)}
    return array("I", sorted(hashes)[:SIZE])  # sorting all beats a heap of the smallest here


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of two texts from their sketches."""
    return _similarity(a, b, frozenset(a), frozenset(b))


def _similarity(a: Sketch, b: Sketch, set_a: frozenset[int], set_b: frozenset[int]) -> float:
    if a == b:
        return 1.0
    union = sorted(set_a | set_b)[:SIZE]
    both = set_a & set_b
    return sum(1 for h in union if h in both) / len(union) if union else 0.0


def similar_pairs(sketches: Iterable[tuple[str, Sketch]], threshold: float) -> Iterator[tuple[str, str, float]]:
    """(key, key, similarity) for every pair of sketches at or above `threshold`, each pair once."""
    # Identical texts (copies) have identical sketches: pair them directly and compare one of each
    # group with the others, so that a KB of many copies costs no more than its originals.
    groups: dict[bytes, list[str]] = defaultdict(list)
    sample: dict[bytes, Sketch] = {}  # one sketch of each group
    for key, hashes in sketches:
        raw = hashes.tobytes()
        groups[raw].append(key)
        sample.setdefault(raw, hashes)
    members_of: dict[str, list[str]] = {}
    representatives: list[tuple[str, Sketch]] = []
    for raw, members in groups.items():
        members.sort()
        members_of[members[0]] = members
        representatives.append((members[0], sample[raw]))
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                yield first, second, 1.0
    for one, other, score in _similar(representatives, threshold):
        for first in members_of[one]:
            for second in members_of[other]:
                yield (first, second, score) if first < second else (second, first, score)


def similar_to(
    keys: Iterable[str], sketches: Iterable[tuple[str, Sketch]], threshold: float
) -> Iterator[tuple[str, str, float]]:
    """(key, other key, similarity) for every sketch that `similar_pairs` would pair with one of
    `keys`, found in one pass over the others instead of indexing them all: what re-checking a
    few saved articles needs.

    The same candidates as `similar_pairs`: a hash counts only when between 2 and BUCKET_LIMIT
    distinct sketches have it among their first INDEXED, and identical sketches pair at 1.0.
    """
    table = dict(sketches)
    mine = {key: table[key] for key in keys if key in table}
    watched = frozenset(value for hashes in mine.values() for value in hashes[:INDEXED])
    buckets: Counter[int] = Counter()
    seen: set[bytes] = set()
    candidates: list[tuple[str, Sketch, frozenset[int]]] = []
    for other, hashes in table.items():
        common = watched.intersection(hashes[:INDEXED])
        if common:
            distinct = hashes.tobytes()
            if distinct not in seen:
                seen.add(distinct)
                buckets.update(common)
            candidates.append((other, hashes, common))
    counted = frozenset(value for value, count in buckets.items() if 2 <= count <= BUCKET_LIMIT)
    for key, hashes_of_key in mine.items():
        indexed = counted.intersection(hashes_of_key[:INDEXED])
        set_of_key = frozenset(hashes_of_key)
        for other, hashes, common in candidates:
            if other == key:
                continue
            if hashes == hashes_of_key:
                yield key, other, 1.0
            elif len(indexed.intersection(common)) >= SHARED:
                score = _similarity(hashes_of_key, hashes, set_of_key, frozenset(hashes))
                if score >= threshold:
                    yield key, other, score


def _similar(sketches: Iterable[tuple[str, Sketch]], threshold: float) -> Iterator[tuple[str, str, float]]:
    table = dict(sketches)
    index: dict[int, list[str]] = defaultdict(list)
    for key, hashes in table.items():
        for value in hashes[:INDEXED]:
            index[value].append(key)
    shared: Counter[tuple[str, str]] = Counter()
    for members in index.values():
        if len(members) < 2 or len(members) > BUCKET_LIMIT:
            continue
        members.sort()
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                shared[(first, second)] += 1
    sets: dict[str, frozenset[int]] = {}
    for (first, second), count in sorted(shared.items()):
        if count < SHARED:
            continue
        a, b = table[first], table[second]
        set_a = sets.get(first) or sets.setdefault(first, frozenset(a))
        set_b = sets.get(second) or sets.setdefault(second, frozenset(b))
        score = _similarity(a, b, set_a, set_b)
        if score >= threshold:
            yield first, second, score
