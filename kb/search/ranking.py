"""Scoring: BM25F over the weighted `content` field plus exact-code tiers, over whole posting lists.

whoosh walks postings one document at a time in Python (about 10 µs each); a query with two
common words at 10,000 articles touches ~9,000 postings and takes 50-100 ms that way. Here
each term's posting list is read block by block from the whoosh index (and kept in a small
cache), then scored for all documents at once with numpy. The formula is BM25 (k1 1.2, b 0.75)
on BM25F's weighted term frequencies, which the index already stores.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import TermNotFound

K1 = 1.2
B = 0.75
CACHED_TERMS = 4096

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass
class Postings:
    """The documents of one term and the term's weighted frequency in each."""

    docs: Ints
    weights: Floats


class Ranker:
    """Scores queries against one open whoosh reader (make a new one when the index changes)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.size = int(reader.doc_count_all())
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.documents = int(self.live.sum())
        lengths = np.fromiter(
            (reader.doc_field_length(d, "content", 0) for d in range(self.size)), dtype=np.float64, count=self.size
        )
        average = float(lengths[self.live].mean()) if self.documents else 1.0
        # BM25's length normalisation, the same for every term: k1 * (1 - b + b * length / average)
        self.norm = K1 * (1 - B + B * lengths / max(average, 1.0))
        self._cache: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self.every_word_found = True  # whether the last `rank` found articles with every word

    def postings(self, field: str, term: str) -> Postings:
        key = (field, term)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        docs: list[int] = []
        weights: list[float] = []
        for leaf, offset in self.reader.leaf_readers():
            try:
                matcher = leaf.postings(field, term)
            except TermNotFound:  # not in this segment
                continue
            # Deleted documents are left to the `live` mask: read the segment's own postings.
            while hasattr(matcher, "child") and not hasattr(matcher, "_read_ids"):
                matcher = matcher.child
            if hasattr(matcher, "_read_ids"):
                # Whole blocks at a time: whoosh3 decodes a block's ids and weights as arrays.
                while matcher.is_active():
                    matcher._read_ids()
                    matcher._read_weights()
                    docs.extend(d + offset for d in matcher._ids)
                    weights.extend(matcher._weights)
                    matcher._next_block()
            else:  # another codec: one posting at a time
                for doc, weight in matcher.items_as("weight"):
                    docs.append(doc + offset)
                    weights.append(weight)
        found = Postings(np.asarray(docs, dtype=np.int64), np.asarray(weights, dtype=np.float64))
        self._cache[key] = found
        if len(self._cache) > CACHED_TERMS:
            self._cache.popitem(last=False)
        return found

    def docs(self, field: str, terms: list[str]) -> Ints:
        """Documents that have any of `terms` in `field`."""
        lists = [self.postings(field, term).docs for term in terms]
        return np.unique(np.concatenate(lists)) if lists else np.zeros(0, dtype=np.int64)

    def rank(
        self,
        groups: list[list[str]],
        tiers: list[tuple[str, str, float]],
        allowed: npt.NDArray[np.bool_] | None,
        limit: int,
    ) -> tuple[list[tuple[int, float]], int]:
        """The best `limit` (docnum, score) pairs, and how many documents matched.

        A document must match every group (a group: the terms that stand for one word or code)
        or one of the `tiers` (field, term, constant); only when none does, any group will do.
        """
        scores = np.zeros(self.size, dtype=np.float64)
        matched = np.zeros(self.size, dtype=np.int32)
        for group in groups:
            in_group = np.zeros(self.size, dtype=bool)
            for term in group:
                postings = self.postings("content", term)
                if not len(postings.docs):
                    continue
                frequency = len(postings.docs)
                idf = math.log(1 + (self.documents - frequency + 0.5) / (frequency + 0.5))
                w = postings.weights
                scores[postings.docs] += idf * w * (K1 + 1) / (w + self.norm[postings.docs])
                in_group[postings.docs] = True
            matched += in_group
        exact = np.zeros(self.size, dtype=bool)
        for field, term, bonus in tiers:
            docs = self.postings(field, term).docs
            scores[docs] += bonus
            exact[docs] = True
        usable = self.live if allowed is None else self.live & allowed
        candidates = usable & (exact | (matched == len(groups))) if groups else usable & exact
        self.every_word_found = bool(groups) and bool((usable & (matched == len(groups))).any())
        if groups and not candidates.any():
            candidates = usable & (matched > 0)
        total = int(candidates.sum())
        if not total:
            return [], 0
        chosen = np.flatnonzero(candidates)
        if len(chosen) > limit:
            top = np.argpartition(-scores[chosen], limit - 1)[:limit]
            chosen = chosen[top]
        order = sorted(((float(scores[d]), -int(d)) for d in chosen), reverse=True)
        return [(-negative, score) for score, negative in order], total

    def mask(self, docs: Ints) -> npt.NDArray[np.bool_]:
        allowed = np.zeros(self.size, dtype=bool)
        allowed[docs] = True
        return allowed
