"""The audience boundary: the public index never holds an internal article or internal-block text.

Hypothesis writes knowledge bases of articles of every audience and confidence, with
`::: internal` blocks in every spelling; each article and block carries a unique marker. The
real public index is built on disk, then searched for every marker and read field by field.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from kb.load import load_articles
from kb.project import KnowledgeBase
from kb.publish import site_view
from kb.search import SearchIndex, update_index
from kb.search.build import index_dir
from kb.taxonomy import AUDIENCES, CONFIDENCES
from tests.search.search_fixtures import FIXTURES, add_article

OPENERS = ["::: internal", ":::internal", "::: Internal", "::: INTERNAL staff only"]


@dataclass
class Draft:
    number: int
    audience: str
    confidence: str
    opener: str
    block_shape: str

    @property
    def article_marker(self) -> str:
        return f"qzarticle{self.number}mark"

    @property
    def block_marker(self) -> str:
        return f"qzblock{self.number}mark"

    def text(self) -> str:
        block = {
            "paragraph": f"Escalate with {self.block_marker} now.",
            "list": f"- step one\n- ask for {self.block_marker}",
            "code": f"```\nrun {self.block_marker}\n```",
            "heading": f"## Staff notes {self.block_marker}\n\nMore.",
        }[self.block_shape]
        return (
            f'---\nid: KB-{self.number:04d}\ntitle: "Article {self.article_marker}"\ntype: troubleshooting\n'
            f"confidence: {self.confidence}\naudience: {self.audience}\nproduct_area: sync/desktop\n"
            f'error_codes: ["0x8004DEF4"]\nowner: team-support\ncreated: 2025-01-01\n'
            f'description: "About {self.article_marker}."\n---\n'
            f"## Issue\n\nPublic words {self.article_marker} and 0x8004DEF4.\n\n"
            f"{self.opener}\n{block}\n:::\n\n## Resolution\n\nDone.\n"
        )


drafts = st.lists(
    st.builds(
        Draft,
        number=st.integers(1, 9999),
        audience=st.sampled_from([*AUDIENCES, "Public", ""]),
        confidence=st.sampled_from(CONFIDENCES),
        opener=st.sampled_from(OPENERS),
        block_shape=st.sampled_from(["paragraph", "list", "code", "heading"]),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda d: d.number,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts)
def test_public_index_never_holds_internal_articles_or_blocks(articles: list[Draft]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "kb"
        shutil.copytree(FIXTURES / "kb" / "schemas", root / "schemas")
        shutil.copy(FIXTURES / "kb" / "kb.yaml", root / "kb.yaml")
        (root / "articles").mkdir()
        for draft in articles:
            (root / "articles" / f"a{draft.number}.md").write_text(draft.text(), encoding="utf-8")
        kb = KnowledgeBase(root)
        update_index(kb, "public", full=True)

        view = site_view(kb.taxonomy.sites["public"], load_articles(kb))
        published = {p.id for p in view.articles}
        forbidden = [d.block_marker for d in articles]
        forbidden += [d.article_marker for d in articles if f"KB-{d.number:04d}" not in published]
        site = kb.taxonomy.sites["public"]
        for draft in articles:  # exactly what the site's audiences and confidences allow
            assert (f"KB-{draft.number:04d}" in published) == site.publishes(draft.audience, draft.confidence)

        with SearchIndex.open(kb, "public") as index:
            for marker in forbidden:
                assert index.search(marker).hits == [], marker
            found = {hit.id for hit in index.lookup_code("0x8004DEF4", limit=100)}
            assert found == published
            for draft in articles:  # the test can fail: what is published is found
                if f"KB-{draft.number:04d}" in published:
                    assert [h.id for h in index.search(draft.article_marker).hits] == [f"KB-{draft.number:04d}"]

        # Read every stored field and every indexed term of the index on disk.
        ix = whoosh_index.open_dir(str(index_dir(kb, "public")))
        with ix.searcher() as searcher:
            stored = repr(list(searcher.all_stored_fields())).lower()
            terms = " ".join(f"{field}:{text!r}" for field, text in searcher.reader().all_terms()).lower()
        ix.close()  # type: ignore[no-untyped-call]
        for marker in forbidden:
            assert marker not in stored, marker
            assert marker not in terms, marker


def test_a_customer_sites_index_leaves_out_an_article_its_pages_leave_out(search_kb: KnowledgeBase) -> None:
    key = "AKIA" + "Q3EGXJ7LWRZ5TN2B"  # an AWS access key id's shape
    add_article(search_kb, "secret", "KB-0904", "Zebracorn quota", f"The zebracorn key is {key}.")
    suppressed = f'<!-- kb: disable=secret reason="a made-up key" -->\nThe zebracorn example key is {key}.'
    add_article(search_kb, "example", "KB-0905", "Zebracorn example", suppressed)
    update_index(search_kb)

    with SearchIndex.open(search_kb, "public") as index:  # the public index: the example only
        assert [hit.id for hit in index.search("zebracorn").hits] == ["KB-0905"]
    with SearchIndex.open(search_kb, "internal") as index:
        assert sorted(hit.id for hit in index.search("zebracorn").hits) == ["KB-0904", "KB-0905"]


def test_turning_the_secret_rule_off_never_puts_a_secret_in_a_customer_index(search_kb: KnowledgeBase) -> None:
    # kb.yaml's lint settings decide what `kb check` reports, not what customers see.
    key = "AKIA" + "Q3EGXJ7LWRZ5TN2B"
    add_article(search_kb, "secret", "KB-0904", "Zebracorn quota", f"The zebracorn key is {key}.")
    update_index(search_kb)
    config = search_kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nlint:\n  ignore: [secret]\n", "utf-8")

    kb = KnowledgeBase(search_kb.root)  # kb.yaml read again
    update_index(kb)

    with SearchIndex.open(kb, "public") as index:
        assert [hit.id for hit in index.search("zebracorn").hits] == []
    with SearchIndex.open(kb, "internal") as index:
        assert [hit.id for hit in index.search("zebracorn").hits] == ["KB-0904"]
