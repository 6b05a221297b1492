"""Real articles nobody wrote for kb (the shared OfficeDocs corpus) must not crash any rule or report.

Every rule runs on all 1,715 articles twice: called directly on the articles as they are (DocFX
front matter, so most contract fields are missing), and through `kb check` and every report on
the articles brought in by `kb import`, so that the quality rules see their real prose, links,
tables, code and HTML.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kb.check import check
from kb.importer import ImportOptions, import_articles
from kb.load import load_bytes
from kb.project import KnowledgeBase
from kb.quality.health import build_report
from kb.report import FORMATS
from kb.rules import article_rules, corpus_rules
from kb.rules.context import CheckContext
from kb.rules.facts import CorpusContext, facts_of
from kb.scaffold import init_kb
from tests.quality.conftest import REPO

CORPUS = REPO.parent / "shared" / "corpus" / "officedocs-support"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CORPUS / "articles").is_dir(), reason=f"the shared corpus is not at {CORPUS}"),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    kb = init_kb(tmp_path_factory.mktemp("corpus") / "kb")
    shutil.rmtree(kb.articles_dir)  # the starter's example article
    options = ImportOptions(audience="public", confidence="validated", include_root=CORPUS / "snippets")
    assert import_articles(kb, CORPUS / "articles", options).imported == 1715
    return KnowledgeBase(kb.root)


def run_every_rule(kb: KnowledgeBase, files: list[Path], today: dt.date) -> int:
    """Every article rule on every file that loads, then every rule across articles; findings made."""
    context = CheckContext(kb.root, kb.config, kb.taxonomy, today=today)
    facts = []
    made = 0
    for path in files:
        relpath = path.relative_to(kb.root).as_posix() if path.is_relative_to(kb.root) else path.name
        article = load_bytes(path.read_bytes(), path, relpath).article
        if article is None:
            continue
        for rule in article_rules():
            made += len(list(rule.check(article, context)))
        facts.append(facts_of(article, context.text(article)))
    corpus = CorpusContext(kb.root, kb.config, kb.taxonomy, facts, today)
    for corpus_rule in corpus_rules():
        made += len(list(corpus_rule.check_corpus(corpus)))
    return made


def test_every_rule_runs_on_the_articles_as_they_are(quality_kb: KnowledgeBase, today: dt.date) -> None:
    files = sorted((CORPUS / "articles").rglob("*.md"))

    assert run_every_rule(quality_kb, files, today) > 0


def test_check_audit_and_every_report_complete_on_the_real_corpus(imported: KnowledgeBase, today: dt.date) -> None:
    # Every rule is on by default: this runs each of them on every imported article.
    result = check(imported, today=today, use_cache=False)
    report = build_report(imported, result, today)

    assert len(report.articles) + len(report.unreadable) == 1715
    codes = {f.code for f in result.findings}
    assert {"KB101", "KB201", "KB402", "KB502", "KB701"} <= codes
    for render in FORMATS.values():
        assert render(report)
