"""Staleness: review intervals by type, due soon, end-of-life versions, archived links, and git as the fallback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.check import check
from kb.project import KnowledgeBase
from kb.quality.health import audit
from kb.quality.history import changed_since, last_commit_dates
from tests.quality.conftest import QUALITY


def git(root: Path, *args: str, date: str = "2025-01-01T12:00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    env |= {"GIT_AUTHOR_NAME": "kb", "GIT_AUTHOR_EMAIL": "kb@example.com"}
    env |= {"GIT_COMMITTER_NAME": "kb", "GIT_COMMITTER_EMAIL": "kb@example.com"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(quality_kb: KnowledgeBase) -> KnowledgeBase:
    """The quality KB as a git repository; an article without `reviewed` last changed on 2025-01-01."""
    shutil.copyfile(QUALITY / "staleness" / "no-review-date.md", quality_kb.articles_dir / "base" / "no-review.md")
    git(quality_kb.root, "init", "-q", "-b", "main")
    git(quality_kb.root, "add", "-A")
    git(quality_kb.root, "commit", "-q", "-m", "articles")
    return quality_kb


def test_git_gives_the_last_change_of_every_file_in_one_log(repo: KnowledgeBase) -> None:
    dates = last_commit_dates(repo.root)

    assert dates["articles/base/no-review.md"] == dt.date(2025, 1, 1)
    assert set(repo.article_relpaths()) <= set(dates)


def test_without_reviewed_the_last_commit_decides_when_a_review_is_due(repo: KnowledgeBase, today: dt.date) -> None:
    [finding] = check(repo, today=today).findings

    assert (finding.code, str(finding.location)) == ("KB701", "articles/base/no-review.md:14:1")
    assert finding.message == (
        "review was due on 2025-06-30, 244 days ago (no reviewed date, last changed in git on 2025-01-01; "
        "troubleshooting articles every 180 days)"
    )


def test_a_commit_without_changes_to_the_text_moves_the_date_git_stands_in_with(
    repo: KnowledgeBase, today: dt.date
) -> None:
    assert [f.code for f in check(repo, today=today).findings] == ["KB701"]
    article = repo.articles_dir / "base" / "no-review.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert [f.code for f in check(repo, today=today).findings] == ["KB701"]  # the edit is not committed yet

    git(repo.root, "commit", "-q", "-am", "edit", date="2026-02-20T12:00:00")  # the text is as last checked

    assert check(repo, today=today).findings == []


def test_outside_git_an_article_without_reviewed_is_not_judged(quality_kb: KnowledgeBase, today: dt.date) -> None:
    shutil.copyfile(QUALITY / "staleness" / "no-review-date.md", quality_kb.articles_dir / "base" / "no-review.md")

    assert check(quality_kb, today=today).findings == []


def test_staleness_in_the_audit(repo: KnowledgeBase, today: dt.date) -> None:
    shutil.copyfile(QUALITY / "rules" / "KB703-end-of-life-version.bad.md", repo.articles_dir / "base" / "eol.md")
    shutil.copyfile(QUALITY / "rules" / "KB702-review-due-soon.bad.md", repo.articles_dir / "base" / "soon.md")
    shutil.copyfile(QUALITY / "rules" / "KB405-link-to-archived.bad.md", repo.articles_dir / "base" / "archived.md")

    report = audit(repo, today=today)

    states = {h.relpath.rsplit("/", 1)[1]: h.staleness for h in report.articles}
    assert states["no-review.md"].state == "overdue"
    assert states["no-review.md"].due == dt.date(2025, 6, 30)
    assert states["eol.md"].state == "overdue"
    assert states["eol.md"].reasons == ["Acme Cloud 4.0 reached end of life on 2025-06-30"]
    assert states["archived.md"].state == "overdue"
    assert states["archived.md"].reasons[0].startswith("links to an archived article: KB-2003 is archived")
    assert (states["soon.md"].state, states["soon.md"].due) == ("due-soon", dt.date(2026, 3, 9))
    assert states["renew-certificate.md"].state == "current"
    assert states["renew-certificate.md"].due == dt.date(2027, 2, 1)
    assert next(h.relpath for h in report.summary.overdue) == "articles/base/no-review.md"


def test_changed_since_lists_committed_and_uncommitted_changes(repo: KnowledgeBase, today: dt.date) -> None:
    git(repo.root, "checkout", "-q", "-b", "feature")
    article = repo.articles_dir / "base" / "renew-certificate.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Everyone keeps", "Everybody keeps"), "utf-8")
    git(repo.root, "commit", "-q", "-am", "edit")
    shutil.copyfile(QUALITY / "rules" / "KB204-vague-title.bad.md", repo.articles_dir / "base" / "new.md")

    assert changed_since(repo.root, "main") == {"articles/base/renew-certificate.md", "articles/base/new.md"}
    report = audit(repo, changed_since="main", today=today)
    assert sorted(h.relpath for h in report.articles) == ["articles/base/new.md", "articles/base/renew-certificate.md"]
    # Only the changed articles are reported (new.md also resembles no-review.md: same template).
    assert {(f.location.name, f.code) for f in report.findings} == {("new.md", "KB204"), ("new.md", "KB602")}


def test_changed_since_outside_git_or_with_an_unknown_ref_says_what_to_do(quality_kb: KnowledgeBase) -> None:
    from kb.errors import UsageError

    with pytest.raises(UsageError, match=r"needs a git repository, and .* is not in one"):
        changed_since(quality_kb.root, "origin/main")
    git(quality_kb.root, "init", "-q", "-b", "main")
    git(quality_kb.root, "add", "-A")
    git(quality_kb.root, "commit", "-q", "-m", "articles")
    with pytest.raises(UsageError) as failure:
        changed_since(quality_kb.root, "origin/release-2")
    assert "git fetch origin release-2" in failure.value.hint
    for ref in ("--help", "-x", "", "  "):  # never read by git as an option, never all articles silently
        with pytest.raises(UsageError, match="--changed-since needs a git branch, tag or commit"):
            audit(quality_kb, changed_since=ref)


def test_an_audit_of_a_branch_that_changed_no_article_says_so(repo: KnowledgeBase, today: dt.date) -> None:
    from kb.report import FORMATS

    report = audit(repo, changed_since="main", today=today)

    assert FORMATS["text"](report).startswith(f"Knowledge health of {report.kb_name} on {today}: no articles to audit")


def test_the_first_commit_counts_as_a_change_of_the_history(quality_kb: KnowledgeBase, today: dt.date) -> None:
    shutil.copyfile(QUALITY / "staleness" / "no-review-date.md", quality_kb.articles_dir / "base" / "no-review.md")
    git(quality_kb.root, "init", "-q", "-b", "main")
    assert check(quality_kb, today=today).findings == []  # no commit yet: no date to judge by

    git(quality_kb.root, "add", "-A")
    git(quality_kb.root, "commit", "-q", "-m", "articles")

    assert [f.code for f in check(quality_kb, today=today).findings] == ["KB701"]
