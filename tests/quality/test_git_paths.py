"""Articles named outside ASCII (from accented or Japanese titles) in what kb reads from git."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from click.testing import CliRunner

from kb.check import check
from kb.cli import cli
from kb.project import KnowledgeBase
from tests.quality.conftest import QUALITY
from tests.quality.test_staleness import git

NAMES = ["café-sync-fails.md", "同期に失敗する.md"]


@pytest.fixture
def repo(quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """The quality KB as a git repository on branch main, run from its root."""
    git(quality_kb.root, "init", "-q", "-b", "main")
    git(quality_kb.root, "add", "-A")
    git(quality_kb.root, "commit", "-q", "-m", "articles")
    monkeypatch.chdir(quality_kb.root)
    return quality_kb


def test_changed_since_audits_articles_whatever_their_names(repo: KnowledgeBase) -> None:
    git(repo.root, "checkout", "-q", "-b", "pr")
    folder = repo.articles_dir / "base"
    committed, untracked = (folder / name for name in NAMES)
    shutil.copyfile(QUALITY / "rules" / "KB204-vague-title.bad.md", committed)
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "a new article")
    text = (QUALITY / "rules" / "KB202-wall-of-text.bad.md").read_text(encoding="utf-8")
    untracked.write_text(text, encoding="utf-8")

    result = CliRunner().invoke(cli, ["audit", "--changed-since", "main", "--format", "json"])

    assert result.exit_code in (0, 1), result.output
    audited = [a["path"] for a in json.loads(result.stdout)["articles"]]
    assert sorted(audited) == sorted(f"articles/base/{name}" for name in NAMES)


def test_the_last_commit_stands_in_for_a_missing_review_date_whatever_the_name(
    repo: KnowledgeBase, today: dt.date
) -> None:
    text = (QUALITY / "staleness" / "no-review-date.md").read_text(encoding="utf-8")
    for number, name in enumerate(["plain.md", *NAMES]):
        (repo.articles_dir / "base" / name).write_text(text.replace("KB-3095", f"KB-309{number}"), encoding="utf-8")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "articles without a review date")  # on 2025-01-01

    overdue = {f.location.path for f in check(repo, today=today).findings if f.code == "KB701"}

    assert overdue == {f"articles/base/{name}" for name in ["plain.md", *NAMES]}
