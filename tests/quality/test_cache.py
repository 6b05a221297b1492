"""The result cache: unchanged articles are not read again; anything that changes findings empties it."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.check import CacheHolder, check
from kb.project import KnowledgeBase
from kb.quality.cache import _dump
from kb.quality.health import audit
from tests.quality.conftest import QUALITY


def test_a_second_run_reads_nothing_and_finds_the_same(quality_kb: KnowledgeBase, today: dt.date) -> None:
    shutil.copyfile(QUALITY / "rules" / "KB402-broken-link.bad.md", quality_kb.articles_dir / "base" / "link.md")

    cold = check(quality_kb, today=today)
    warm = check(quality_kb, today=today)

    assert cold.examined == 6
    assert warm.examined == 0
    assert [str(f) for f in warm.findings] == [str(f) for f in cold.findings] != []
    data = json.loads((quality_kb.cache_dir / "check.json").read_text(encoding="utf-8"))  # JSON, never pickle
    assert sorted(data["articles"]) == sorted(quality_kb.article_relpaths())


def test_a_warm_run_keeps_one_copy_of_each_text_its_findings_repeat(quality_kb: KnowledgeBase, today: dt.date) -> None:
    """At 50,000 articles the cache's repeated codes, messages and near-duplicates' paths were a
    third of a warm check's memory."""
    for n in range(3):  # three copies: each a near-duplicate of the others, each with a broken link
        shutil.copyfile(
            QUALITY / "rules" / "KB402-broken-link.bad.md", quality_kb.articles_dir / "base" / f"link{n}.md"
        )
    cold = check(quality_kb, today=today)
    warm = check(quality_kb, today=today)

    assert [(str(f), f.extra) for f in warm.findings] == [(str(f), f.extra) for f in cold.findings]
    links = [f for f in warm.findings if f.code == "KB402"]
    assert len({f.location.path for f in links}) == 3
    for field in ("code", "message", "context"):
        texts = [getattr(f, field) for f in links]
        assert len({id(text) for text in texts}) == len(set(texts)) < len(texts), field
    named = [item["path"] for f in warm.findings if f.code == "KB602" for item in f.extra["similar"]]
    assert len(named) == 6
    assert len({id(path) for path in named}) == len(set(named)) == 3


def test_findings_across_articles_stay_findings_until_written(quality_kb: KnowledgeBase, today: dt.date) -> None:
    """The rules across articles' findings are turned into the file's rows only as it is written
    (rows made at once were a second copy of them all at the check's peak); kb serve's next check
    takes them from memory as they are."""
    for n in range(2):  # two copies: near-duplicates of each other, each with a broken link
        shutil.copyfile(
            QUALITY / "rules" / "KB402-broken-link.bad.md", quality_kb.articles_dir / "base" / f"link{n}.md"
        )
    held = CacheHolder()
    first = check(quality_kb, today=today, reuse=held)
    again = check(quality_kb, today=today, reuse=held)  # the same articles: from the cache in memory
    read = check(quality_kb, today=today)  # from the file

    seen = [(str(f), f.extra) for f in first.findings]
    assert {"KB402", "KB602"} <= {f.code for f in first.findings}
    assert [(str(f), f.extra) for f in again.findings] == seen
    assert [(str(f), f.extra) for f in read.findings] == seen
    rows = json.loads((quality_kb.cache_dir / "check.json").read_text(encoding="utf-8"))["corpus"]["findings"]
    assert sorted(rows) == ["articles/base/link0.md", "articles/base/link1.md"]
    assert {row[0] for found in rows.values() for row in found} >= {"KB402", "KB602"}


def test_only_a_changed_article_is_read_again(quality_kb: KnowledgeBase, today: dt.date) -> None:
    check(quality_kb, today=today)
    article = quality_kb.articles_dir / "base" / "renew-certificate.md"
    article.write_text(article.read_text(encoding="utf-8").replace("## Result", "## Steps"), encoding="utf-8")

    again = check(quality_kb, today=today)

    assert again.examined == 1
    assert [f.code for f in again.findings] == []  # the anchor #steps still exists, twice now


def test_a_touched_but_unchanged_article_comes_from_the_cache(quality_kb: KnowledgeBase, today: dt.date) -> None:
    check(quality_kb, today=today)
    article = quality_kb.articles_dir / "base" / "renew-certificate.md"
    os.utime(article, ns=(1, 1))

    assert check(quality_kb, today=today).examined == 0


def test_a_config_change_empties_the_cache(quality_kb: KnowledgeBase, today: dt.date) -> None:
    check(quality_kb, today=today)
    config = quality_kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  thresholds: {max_words: 50}\n", encoding="utf-8")

    result = check(KnowledgeBase(quality_kb.root), today=today)

    assert result.examined == 5
    assert {f.code for f in result.findings} == {"KB201"}


def test_a_damaged_cache_is_ignored(quality_kb: KnowledgeBase, today: dt.date) -> None:
    check(quality_kb, today=today)
    (quality_kb.cache_dir / "check.json").write_text("{not json", encoding="utf-8")

    assert check(quality_kb, today=today).examined == 5


def test_cross_article_rules_see_changes_to_other_articles_without_rereading(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    linking = quality_kb.articles_dir / "base" / "link.md"
    shutil.copyfile(QUALITY / "rules" / "KB403-broken-anchor.bad.md", linking)
    assert [f.message[:6] for f in check(quality_kb, today=today).findings] == ["#stepz", "#fix m"]
    target = quality_kb.articles_dir / "base" / "renew-certificate.md"
    target.write_text(target.read_text(encoding="utf-8") + "\n## Stepz\n\nThe same, misspelt.\n", encoding="utf-8")

    result = check(quality_kb, today=today)

    assert result.examined == 1  # only the target changed; the link is judged again from cached facts
    assert [f.message[:6] for f in result.findings] == ["#fix m"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


entries = st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4), min_size=101, max_size=104)


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.text(), json_values | entries, max_size=4))
def test_the_cache_file_is_written_entry_by_entry_as_json_writes_it_whole(data: dict[str, Any]) -> None:
    out = io.StringIO()
    _dump(data, out)
    assert out.getvalue() == json.dumps(data, separators=(",", ":"))


def test_a_damaged_facts_file_is_rewritten_by_checking_every_article_again(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    clean = check(quality_kb, today=today)
    facts = quality_kb.cache_dir / "facts.json"
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    facts.write_text(lines[0] + "{damaged\n", encoding="utf-8")  # the token line is right, the rest is not
    target = quality_kb.articles_dir / "base" / "renew-certificate.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")

    # The rules across articles need the others' facts: every article is checked again.
    repaired = check(quality_kb, today=today)

    assert repaired.examined == 5
    assert [str(f) for f in repaired.findings] == [str(f) for f in clean.findings]
    [warning] = repaired.warnings
    assert warning.message.endswith(f": {facts} is damaged; every article was checked again")
    again = check(quality_kb, today=today)
    assert (again.examined, again.warnings) == (0, [])  # the cache was written anew, whole


def test_an_audit_repairs_a_damaged_facts_file_when_nothing_changed(quality_kb: KnowledgeBase, today: dt.date) -> None:
    check(quality_kb, today=today)
    check(quality_kb, today=today)  # the findings across articles are cached too: no facts are read
    facts = quality_kb.cache_dir / "facts.json"
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    facts.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")  # one article's facts lost

    report = audit(quality_kb, today=today)

    assert len(report.articles) == 5
    assert [w.message.endswith("is damaged; every article was checked again") for w in report.warnings] == [True]
    assert check(quality_kb, today=today, facts=True).examined == 0  # written anew, whole


def test_cached_findings_across_articles_see_a_linked_file_come_and_go(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    image = quality_kb.articles_dir / "base" / "screen.png"
    image.write_bytes(b"png")
    article = quality_kb.articles_dir / "base" / "renew-certificate.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n![The dialog](screen.png)\n", encoding="utf-8")
    assert check(quality_kb, today=today).findings == []

    image.unlink()
    gone = check(quality_kb, today=today)
    image.write_bytes(b"png")
    back = check(quality_kb, today=today)

    assert (gone.examined, [f.code for f in gone.findings]) == (0, ["KB402"])  # no article changed
    assert (back.examined, back.findings) == (0, [])


def test_a_link_to_a_symbolic_link_is_reported_and_seen_to_become_a_file(
    quality_kb: KnowledgeBase, today: dt.date
) -> None:
    # The sites copy only real files: a linked file could be an internal article's source.
    base = quality_kb.articles_dir / "base"
    guide = base / "guide.pdf"
    guide.symlink_to("incident-runbook.md")
    (base / "linked").symlink_to(base, target_is_directory=True)
    article = base / "renew-certificate.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    lines += ["", "Get [the guide](guide.pdf) or [the dialog](linked/diagram.svg)."]
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")

    linked = check(quality_kb, today=today)
    guide.unlink()
    guide.write_bytes(b"%PDF-1.7")
    (base / "linked").unlink()
    (base / "linked").mkdir()
    (base / "linked" / "diagram.svg").write_text("<svg/>", encoding="utf-8")
    real = check(quality_kb, today=today)

    assert [str(f).split("/", 1)[1] for f in linked.findings] == [
        f"base/renew-certificate.md:{len(lines)}:6: KB402 broken-link: guide.pdf leads to a symbolic link "
        "(articles/base/guide.pdf), which the sites do not copy",
        f"base/renew-certificate.md:{len(lines)}:32: KB402 broken-link: linked/diagram.svg leads to a symbolic "
        "link (articles/base/linked/diagram.svg), which the sites do not copy",
    ]
    assert (real.examined, real.findings) == (0, [])  # no article changed: the cached findings were not kept
