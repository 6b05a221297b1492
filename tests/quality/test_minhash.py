"""Near-duplicates: one saved article compared with the others finds what indexing them all finds."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.check import check
from kb.new import new_article
from kb.project import KnowledgeBase
from kb.rules import minhash
from kb.rules.unique import LISTED, _Closest
from kb.scaffold import init_kb

WORDS = [f"w{n}" for n in range(60)]

# Texts made of a few shared passages: copies, near copies and unrelated texts all occur.
passages = st.lists(st.sampled_from(WORDS), min_size=15, max_size=40)
texts = st.lists(st.integers(0, 5), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(passages, min_size=1, max_size=6), st.lists(texts, min_size=2, max_size=25), st.sampled_from([0.3, 0.7])
)
def test_one_article_against_the_others_pairs_as_the_whole_index_does(
    pool: list[list[str]], picks: list[list[int]], threshold: float
) -> None:
    sketches = []
    for n, chosen in enumerate(picks):
        words = [word for i in chosen for word in pool[i % len(pool)]]
        sketch = minhash.sketch(words)
        if sketch is not None:
            sketches.append((f"a{n:02}", sketch))
    expected: dict[str, set[tuple[str, float]]] = defaultdict(set)
    for first, second, score in minhash.similar_pairs(sketches, threshold):
        expected[first].add((second, score))
        expected[second].add((first, score))

    for key, _ in sketches:
        assert {(other, score) for _, other, score in minhash.similar_to([key], sketches, threshold)} == expected[key]
    keys = [key for key, _ in sketches[::2]]
    assert set(minhash.similar_to(keys, sketches, threshold)) == {
        (key, other, score) for key in keys for other, score in expected[key]
    }


def test_rechecking_one_article_gives_its_near_duplicate_finding_as_a_whole_check(sample_kb: KnowledgeBase) -> None:
    source = sorted(sample_kb.articles_dir.rglob("*.md"))[0]
    text = source.read_text(encoding="utf-8")
    copy = source.with_name("copy-of-" + source.name)
    shutil.copyfile(source, copy)
    copy.write_text(text.replace("\nid: ", "\nid: X", 1), encoding="utf-8")

    def near(paths: list[str]) -> list[str]:
        result = check(sample_kb, [sample_kb.root / p for p in paths] if paths else None, use_cache=False)
        found = [f for f in result.findings if f.code == "KB602" and "copy-of-" in f.location.path]
        return [f"{f.location} {f.message}" for f in found]

    whole = near([])
    assert whole, "the copy is reported as a near-duplicate"
    assert near([sample_kb.relpath(copy)]) == whole


def test_two_articles_fresh_from_one_template_are_not_near_duplicates(tmp_path: Path) -> None:
    """They share every `[TODO: ...]` placeholder (KB103 reports those), not any content; once
    filled with the same text they are near-duplicates again."""
    kb = init_kb(tmp_path / "kb")
    day = dt.date(2026, 11, 28)
    made = [
        new_article(kb, type_name="troubleshooting", title=title, area="billing", today=day).path
        for title in ("Sync fails after a password change", "Invoices do not download in Safari")
    ]

    def near() -> list[str]:
        found = check(kb, use_cache=False, today=day).findings
        return sorted(f.location.path for f in found if f.code == "KB602")

    assert near() == []
    steps = " ".join(f"Step {n}: open the billing page, select the invoice, choose download." for n in range(6))
    for path in made:
        path.write_text(path.read_text(encoding="utf-8").replace(
            "[TODO: the steps that fix it, numbered, one action per step]", steps), encoding="utf-8")  # fmt: skip
    assert near() == sorted(kb.relpath(path) for path in made)


@given(st.lists(st.tuples(st.sampled_from([1.0, 0.93, 0.9, 0.75]), st.sampled_from(WORDS)), max_size=60))
def test_a_finding_names_the_closest_of_any_number_of_near_duplicates_and_counts_them_all(
    pairs: list[tuple[float, str]],
) -> None:
    """Kept a few at a time: a family of 29 copies has 406 pairs, and every pair kept took 250 MB."""
    closest = _Closest()
    for score, other in pairs:
        closest.add("me.md", score, other)
    assert closest.count["me.md"] == len(pairs)
    if pairs:
        assert closest.take("me.md") == sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[:LISTED]
