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
from functools import partial
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
        lengths = np.zeros(self.size, dtype=np.float64)
        for leaf, offset in reader.leaf_readers():
            count = leaf.doc_count_all()
            # whoosh3's per-document reader has a fast length accessor; other codecs go one by one.
            fast = getattr(getattr(leaf, "_perdoc", None), "doc_field_length_reader", None)
            length = fast("content", 0) if fast is not None else partial(leaf.doc_field_length, fieldname="content")
            lengths[offset : offset + count] = [length(d) or 0 for d in range(count)]
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
        Only the documents in the posting lists are touched, so a rare code costs microseconds.
        """
        docs: list[Ints] = []
        gains: list[Floats] = []
        in_groups: list[Ints] = []
        for group in groups:
            found = []
            for term in group:
                postings = self.postings("content", term)
                if not len(postings.docs):
                    continue
                frequency = len(postings.docs)
                idf = math.log(1 + (self.documents - frequency + 0.5) / (frequency + 0.5))
                w = postings.weights
                docs.append(postings.docs)
                gains.append(idf * w * (K1 + 1) / (w + self.norm[postings.docs]))
                found.append(postings.docs)
            in_groups.append(np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64))
        exact_docs = []
        for field, term, bonus in tiers:
            tier = self.postings(field, term).docs
            docs.append(tier)
            gains.append(np.full(len(tier), bonus))
            exact_docs.append(tier)
        if not docs:
            self.every_word_found = False
            return [], 0
        candidates, where = np.unique(np.concatenate(docs), return_inverse=True)
        scores = np.bincount(where, weights=np.concatenate(gains), minlength=len(candidates))
        matched = np.zeros(len(candidates), dtype=np.int64)
        for group_docs in in_groups:
            matched[np.searchsorted(candidates, group_docs)] += 1
        exact = np.zeros(len(candidates), dtype=bool)
        for tier in exact_docs:
            exact[np.searchsorted(candidates, tier)] = True
        usable = self.live[candidates] if allowed is None else self.live[candidates] & allowed[candidates]
        every = usable & (matched == len(groups)) if groups else np.zeros(len(candidates), dtype=bool)
        self.every_word_found = bool(every.any())
        chosen = usable & (exact | every)
        if groups and not chosen.any():
            chosen = usable & (matched > 0)
        picked = np.flatnonzero(chosen)
        total = len(picked)
        if not total:
            return [], 0
        if total > limit:
            picked = picked[np.argpartition(-scores[picked], limit - 1)[:limit]]
        order = sorted(((float(scores[i]), -int(candidates[i])) for i in picked), reverse=True)
        return [(-negative, score) for score, negative in order], total

    def mask(self, docs: Ints) -> npt.NDArray[np.bool_]:
        allowed = np.zeros(self.size, dtype=bool)
        allowed[docs] = True
        return allowed
