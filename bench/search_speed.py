"""Search speed: full index build, one-article update, and query latency at 1,715 and 10,000 articles.

    python -m bench.search_speed                 # 1,715 (the corpus) and 10,000 articles
    python -m bench.search_speed --sizes 1715    # only the corpus

Everything is measured inside one process, repeated, and quoted as medians (the machine is
small and noisy). Latency is per `SearchIndex.search` call, snippets included: code queries
are the codes of error-queries.tsv, prose queries are words taken from article titles.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.search_quality import CORPUS, WORK, imported_corpus, known_answers
from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index

TARGETS = {"update_s": 1.0, "code_p95_ms": 5.0, "prose_p95_ms": 30.0}
_STOP = {"when", "with", "after", "from", "that", "this", "your", "cannot", "can't", "error", "using", "into"}


@dataclass
class SpeedResult:
    articles: int
    full_build_s: float
    update_s: float
    code_p50_ms: float
    code_p95_ms: float
    prose_p50_ms: float
    prose_p95_ms: float

    def render(self) -> str:
        def against(name: str, value: float) -> str:
            target = TARGETS.get(name)
            return f" ({value / target:.2f} of the {target:g} target)" if target else ""

        return "\n".join(
            [
                f"{self.articles} articles:",
                f"  full index build (both sites)  {self.full_build_s:8.2f} s",
                f"  one-article update             {self.update_s:8.3f} s{against('update_s', self.update_s)}",
                f"  code query  p50 {self.code_p50_ms:6.2f} ms  p95 {self.code_p95_ms:6.2f} ms"
                + against("code_p95_ms", self.code_p95_ms),
                f"  prose query p50 {self.prose_p50_ms:6.2f} ms  p95 {self.prose_p95_ms:6.2f} ms"
                + against("prose_p95_ms", self.prose_p95_ms),
            ]
        )


def replicate(source: KnowledgeBase, root: Path, count: int) -> KnowledgeBase:
    """A KB of `count` articles: the source's, then copies of them with new ids and paths."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(source.root, root, ignore=shutil.ignore_patterns(".kb-cache"))
    kb = KnowledgeBase(root)
    originals = kb.article_paths()
    number = 900_000
    made = len(originals)
    copy = 1
    while made < count:
        for path in originals:
            if made >= count:
                break
            number += 1
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"^id: .*$", f"id: KB-{number}", text, count=1, flags=re.MULTILINE)
            text = re.sub(r"^source: .*$", f"source: copy-{copy}/{path.name}", text, count=1, flags=re.MULTILINE)
            target = path.with_name(f"{path.stem}-copy{copy}.md")
            target.write_text(text, encoding="utf-8")
            made += 1
        copy += 1
    return kb


def prose_queries(index: SearchIndex, count: int, seed: int = 7) -> list[str]:
    """Two to four longer words of article titles, as people describe a problem."""
    titles = [stored["shown_title"] for stored in index._searcher.all_stored_fields()]
    rng = random.Random(seed)
    queries = []
    for title in rng.sample(titles, min(count, len(titles))):
        words = [w for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() not in _STOP]
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, min(len(words), rng.randint(2, 4)))).lower())
    return queries


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latencies(index: SearchIndex, queries: list[str], rounds: int) -> list[float]:
    for query in queries:  # warm the caches once, as a running server would be
        index.search(query)
    samples = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            index.search(query)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(kb: KnowledgeBase, *, repeats: int = 3) -> SpeedResult:
    builds = []
    for _ in range(repeats):
        started = time.perf_counter()
        update_index(kb, full=True)
        builds.append(time.perf_counter() - started)
    article = kb.article_paths()[len(kb.article_paths()) // 2]
    original = article.read_text(encoding="utf-8")
    updates = []
    try:
        for n in range(max(repeats, 5)):
            article.write_text(original + f"\nEdited for the benchmark, round {n}.\n", encoding="utf-8")
            started = time.perf_counter()
            update_index(kb)
            updates.append(time.perf_counter() - started)
    finally:
        article.write_text(original, encoding="utf-8")
        update_index(kb)
    codes = [answer.code for answer in known_answers(CORPUS / "error-queries.tsv")]
    with SearchIndex.open(kb, "internal") as index:
        prose = prose_queries(index, 200)
        code_ms = latencies(index, codes, rounds=repeats)
        prose_ms = latencies(index, prose, rounds=repeats)
        size = index.size
    return SpeedResult(
        size, statistics.median(builds), statistics.median(updates),
        percentile(code_ms, 50), percentile(code_ms, 95), percentile(prose_ms, 50), percentile(prose_ms, 95),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_speed", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1715, 10_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    corpus = imported_corpus(WORK)
    met = True
    for size in args.sizes:
        kb = corpus if size <= len(corpus.article_paths()) else replicate(corpus, WORK / f"kb-{size}", size)
        result = measure(kb, repeats=args.repeats)
        print(result.render(), flush=True)
        met &= result.update_s < TARGETS["update_s"] or size < 10_000
        met &= (result.code_p95_ms < TARGETS["code_p95_ms"] and result.prose_p95_ms < TARGETS["prose_p95_ms"]) or (
            size < 10_000
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
