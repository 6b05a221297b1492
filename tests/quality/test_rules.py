"""Every quality rule against a bad and a good fixture; the bad one's findings are kept as a snapshot.

Each pair `tests/fixtures/quality/rules/CODE-name.{bad,good}.md` is checked alone beside the
target articles of `tests/fixtures/quality/kb` (an internal runbook, an archived article, a
draft, a how-to with anchors). The bad file's findings must equal `CODE-name.findings`
(`file:line:col: CODE name: message`, regenerated with KB_UPDATE_SNAPSHOTS=1); the good file and
the target articles must have none at all.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from kb.check import CacheHolder, check
from kb.project import KnowledgeBase
from kb.rules import ALL_RULES, Group
from tests.quality.conftest import QUALITY

RULES = QUALITY / "rules"
PAIRS = sorted({path.name.split(".")[0] for path in RULES.glob("*.bad.md")})
# Rules this issue added (the foundation's own rules have their cases in tests/fixtures/cases/).
QUALITY_GROUPS = (Group.CLEAR, Group.LINKS, Group.SAFE, Group.CURRENT)
QUALITY_CODES = sorted(
    {r.code for r in ALL_RULES if r.group in QUALITY_GROUPS}
    | {r.code for r in ALL_RULES if r.code >= "KB320" and r.group is Group.FINDABLE}
    | {"KB602", "KB014", "KB015", "KB309", "KB310"}
)


def place(kb: KnowledgeBase, pair: str, kind: str) -> str:
    """Copy the pair's bad or good file into the KB as articles/rules/PAIR.md; its path from the root."""
    target = kb.articles_dir / "rules" / f"{pair}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(RULES / f"{pair}.{kind}.md", target)
    return kb.relpath(target)


def snapshot_lines(kb: KnowledgeBase, relpath: str, today: dt.date) -> list[str]:
    result = check(kb, today=today)
    prefix = "articles/rules/"
    return [str(f).removeprefix(prefix) for f in result.findings if f.location.path == relpath]


def test_every_quality_rule_has_a_bad_and_a_good_fixture() -> None:
    covered = {pair.split("-")[0] for pair in PAIRS}
    assert [code for code in QUALITY_CODES if code not in covered] == []
    assert all((RULES / f"{pair}.good.md").is_file() for pair in PAIRS)


@pytest.mark.parametrize("pair", PAIRS)
def test_bad_fixture_findings_match_the_snapshot(pair: str, quality_kb: KnowledgeBase, today: dt.date) -> None:
    relpath = place(quality_kb, pair, "bad")

    lines = snapshot_lines(quality_kb, relpath, today)

    snapshot = RULES / f"{pair}.findings"
    if os.environ.get("KB_UPDATE_SNAPSHOTS"):
        snapshot.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    assert lines == snapshot.read_text(encoding="utf-8").splitlines()
    code, name = pair.split("-", 1)
    assert any(f": {code} {name}: " in line for line in lines), f"{pair}.bad.md must trigger {code}"


@pytest.mark.parametrize("pair", PAIRS)
def test_good_fixture_and_the_kb_around_it_are_clean(pair: str, quality_kb: KnowledgeBase, today: dt.date) -> None:
    place(quality_kb, pair, "good")

    assert [str(f) for f in check(quality_kb, today=today).findings] == []


def test_the_target_articles_alone_are_clean(quality_kb: KnowledgeBase, today: dt.date) -> None:
    assert check(quality_kb, today=today).findings == []


def test_a_one_word_title_is_one_word_not_one_words(quality_kb: KnowledgeBase, today: dt.date) -> None:
    relpath = place(quality_kb, "KB204-vague-title", "bad")
    article = quality_kb.root / relpath
    article.write_text(article.read_text(encoding="utf-8").replace("title: Login problem\n", "title: Login\n"), "utf-8")

    messages = [f.message for f in check(quality_kb, today=today).findings if f.code == "KB204"]

    assert messages == ["the title has 1 word; say what fails and how"]


def test_archiving_the_article_an_alias_names_clears_the_alias_in_kb_serves_re_audit(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    """kb serve re-audits a saved article and the articles whose findings change with it: an alias
    that names the saved article's page is one of them."""
    relpath = place(quality_kb, "KB310-alias-of-another-article", "bad")
    held = CacheHolder()
    first = check(quality_kb, today=today, reuse=held, save_cache=False)
    assert [f.context for f in first.findings if f.code == "KB310"] == ["KB-2002", "articles/KB-2001.html"]

    other = quality_kb.articles_dir / "base" / "incident-runbook.md"
    archived = "confidence: archived\nreplaced_by: KB-3310"
    other.write_text(other.read_text(encoding="utf-8").replace("confidence: validated", archived), encoding="utf-8")
    again = check(quality_kb, [other], today=today, reuse=held, save_cache=False, saved={quality_kb.relpath(other)})

    assert relpath in again.checked
    assert [f.context for f in again.findings if f.code == "KB310"] == ["articles/KB-2001.html"]


def test_every_rule_has_its_own_code_and_name() -> None:
    from kb.rules import ALL_RULES

    codes = [rule.code for rule in ALL_RULES]
    names = [rule.name for rule in ALL_RULES]
    assert sorted(c for c in set(codes) if codes.count(c) > 1) == []
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
