"""`kb audit --changed-since`: what a deletion or a move breaks elsewhere is audited too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.project import KnowledgeBase
from tests.quality.test_staleness import git

BACKUPS = "articles/data/backups"
SSO = "articles/identity/sso"


@pytest.fixture
def repo(sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """The repository's sample KB in git, on branch `pr` made from `main`, run from its root.
    On main, renew-saml-certificate.md links to KB-1004 by its id rather than its path."""
    renew = sample_kb.root / SSO / "renew-saml-certificate.md"
    text = renew.read_text(encoding="utf-8")
    renew.write_text(text.replace("(saml-signature-sso-1002.md#resolution)", "(KB-1004#resolution)"), "utf-8")
    git(sample_kb.root, "init", "-q", "-b", "main")
    git(sample_kb.root, "add", "-A")
    git(sample_kb.root, "commit", "-q", "-m", "articles")
    git(sample_kb.root, "checkout", "-q", "-b", "pr")
    monkeypatch.chdir(sample_kb.root)
    return sample_kb


def audit_changes() -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["audit", "--changed-since", "main", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def audited(report: dict[str, Any]) -> list[str]:
    return sorted(article["path"] for article in report["articles"])


@pytest.mark.parametrize("committed", [True, False])
def test_the_articles_linking_to_a_deleted_one_are_audited(repo: KnowledgeBase, committed: bool) -> None:
    git(repo.root, "rm", "-q", f"{BACKUPS}/retention-periods.md")
    if committed:
        git(repo.root, "commit", "-q", "-m", "delete")

    status, report = audit_changes()

    assert status == 1
    assert audited(report) == [f"{BACKUPS}/restore-deleted-items.md"]
    [restore] = report["articles"]
    assert [(f["code"], f["line"]) for f in restore["findings"] if f["code"] == "KB402"] == [("KB402", 38)]


def test_the_articles_linking_to_a_moved_one_by_its_path_are_audited(repo: KnowledgeBase) -> None:
    git(repo.root, "mv", f"{BACKUPS}/retention-periods.md", f"{BACKUPS}/how-long-data-is-kept.md")
    git(repo.root, "commit", "-q", "-m", "move")

    status, report = audit_changes()

    assert status == 1
    assert audited(report) == [f"{BACKUPS}/how-long-data-is-kept.md", f"{BACKUPS}/restore-deleted-items.md"]


@pytest.mark.parametrize("committed", [True, False])
def test_the_articles_linking_to_a_deleted_one_by_its_id_are_audited(repo: KnowledgeBase, committed: bool) -> None:
    git(repo.root, "rm", "-q", f"{SSO}/saml-signature-sso-1002.md")
    if committed:
        git(repo.root, "commit", "-q", "-m", "delete")

    status, report = audit_changes()

    assert status == 1
    assert audited(report) == [
        f"{SSO}/renew-saml-certificate.md",  # (KB-1004#resolution)
        f"{SSO}/sso-fails-after-certificate-change-4-1.md",  # replaced_by: KB-1004, and a link by path
        f"{SSO}/sso-incident-runbook.md",  # (saml-signature-sso-1002.md)
    ]


def test_a_link_by_id_to_a_moved_article_still_leads_to_it(repo: KnowledgeBase) -> None:
    git(repo.root, "mv", f"{SSO}/saml-signature-sso-1002.md", f"{SSO}/saml-signature-fails.md")
    git(repo.root, "commit", "-q", "-m", "move")

    _, report = audit_changes()

    assert f"{SSO}/renew-saml-certificate.md" not in audited(report)
    assert f"{SSO}/sso-incident-runbook.md" in audited(report)


def test_a_branch_that_deletes_nothing_linked_audits_only_what_it_changed(repo: KnowledgeBase) -> None:
    git(repo.root, "rm", "-q", f"{SSO}/sso-incident-runbook.md")  # no article links to the runbook
    git(repo.root, "commit", "-q", "-m", "delete")

    status, report = audit_changes()

    assert (status, audited(report)) == (0, [])


def test_the_baseline_entries_of_a_deleted_article_are_stale_in_the_pull_request_that_deletes_it(
    repo: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-28")  # pagination-known-issue.md is overdue by then
    assert CliRunner().invoke(cli, ["check", "--write-baseline"]).exit_code == 0
    git(repo.root, "add", ".kb-baseline.json")
    git(repo.root, "commit", "-q", "-m", "kb baseline")
    git(repo.root, "rm", "-q", "articles/integrations/api/pagination-known-issue.md")

    status, report = audit_changes()

    assert status == 1
    [stale] = report["findings"]
    assert (stale["code"], stale["path"]) == ("KB016", ".kb-baseline.json")
    assert "pagination-known-issue.md, but that file is no longer in the knowledge base" in stale["message"]
