"""The real corpus (1,715 articles of someone else's knowledge base): import, check, search quality.

A second test moves a sample of the corpus into another layout with other folder and file
names, other dates and typo'd keys, so nothing may depend on the corpus's own names.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from bench.search_quality import TARGET, known_answers, measure
from kb.check import check
from kb.importer import ImportOptions, import_articles
from kb.project import KnowledgeBase
from kb.search import SearchIndex, update_index
from tests.importer.importer_fixtures import CORPUS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CORPUS / "articles").is_dir(), reason="the shared corpus is not beside this checkout"),
]


def schema_or_taxonomy_findings(kb: KnowledgeBase) -> list[str]:
    return [str(f) for f in check(kb).findings if f.code.startswith(("KB0", "KB30"))]


def test_the_whole_corpus_imports_checks_and_is_found(fresh_kb: KnowledgeBase) -> None:
    report = import_articles(fresh_kb, CORPUS / "articles", ImportOptions(include_root=CORPUS / "snippets"))
    assert len(report.created) == 1715
    assert not [p for p in report.problems if p.kind == "broken-include"]
    assert schema_or_taxonomy_findings(fresh_kb) == []

    again = import_articles(fresh_kb, CORPUS / "articles", ImportOptions(include_root=CORPUS / "snippets"))
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 1715)

    update_index(fresh_kb, "internal")
    answers = known_answers(CORPUS / "error-queries.detail.tsv")
    for answer in answers:  # `source:` starts with the imported folder's name
        answer.paths = {f"articles/{p}" for p in answer.paths}
    with SearchIndex.open(fresh_kb, "internal") as index:
        quality = measure(index, answers)
    assert quality.overall.success_at_1 >= TARGET, quality.render()


def test_a_corpus_in_another_layout_imports_the_same_way(tmp_path: Path, fresh_kb: KnowledgeBase) -> None:
    """Every seventh article, under new folder and file names, with other date formats and key typos."""
    rng = random.Random(4)
    source = tmp_path / "other-kb"
    originals = sorted((CORPUS / "articles").rglob("*.md"))[::7]
    renamed: dict[str, str] = {}
    for n, path in enumerate(originals):
        relpath = path.relative_to(CORPUS / "articles").as_posix()
        target = f"Product{n % 5}/Area{n % 11}/note-{n:04d}.md"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^ms\.date: (\d\d)/(\d\d)/(\d{4})", r"ms.date: \3-\1-\2", text, count=1, flags=re.MULTILINE)
        if rng.random() < 0.2:
            text = text.replace("\nauthor:", "\nauthr:", 1)
        (source / target).parent.mkdir(parents=True, exist_ok=True)
        (source / target).write_text(text, encoding="utf-8")
        renamed[relpath] = target
    includes = source / "shared-snippets" / "includes"
    shutil.copytree(CORPUS / "snippets" / "includes", includes)

    report = import_articles(fresh_kb, source, ImportOptions(include_root=source / "shared-snippets"))
    assert len(report.created) == len(originals)
    assert schema_or_taxonomy_findings(fresh_kb) == []
    typos = [p for p in report.problems if p.kind == "unknown-key" and "authr" in p.message]
    assert typos
    assert all('did you mean "author"' in p.message for p in typos)

    update_index(fresh_kb, "internal")
    answers = [a for a in known_answers(CORPUS / "error-queries.detail.tsv") if a.paths & renamed.keys()]
    for answer in answers:
        answer.paths = {f"other-kb/{renamed[p]}" for p in answer.paths if p in renamed}
    assert len(answers) >= 15
    with SearchIndex.open(fresh_kb, "internal") as index:
        quality = measure(index, answers)
    assert quality.overall.success_at_1 >= TARGET, quality.render()
