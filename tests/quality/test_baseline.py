"""The baseline: accepts today's findings by rule, path and content (not line); it may only shrink."""

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

RULES = QUALITY / "rules"


@pytest.fixture
def adopted(quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """The quality KB with two problem articles, after `kb check --write-baseline`."""
    folder = quality_kb.articles_dir / "legacy"
    folder.mkdir()
    shutil.copyfile(RULES / "KB202-wall-of-text.bad.md", folder / "wall.md")
    shutil.copyfile(RULES / "KB503-public-ip.bad.md", folder / "ip.md")
    monkeypatch.chdir(quality_kb.root)
    result = CliRunner().invoke(cli, ["check", "--write-baseline"])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 baseline entries accepting 3 findings to .kb-baseline.json" in result.stderr
    return quality_kb


def test_the_baseline_file_lists_rule_path_and_fingerprint_one_entry_per_line(adopted: KnowledgeBase) -> None:
    lines = (adopted.root / ".kb-baseline.json").read_text(encoding="utf-8").splitlines()

    entries = json.loads("\n".join(lines))["entries"]
    assert [(e["path"], e["rule"]) for e in entries] == [
        ("articles/legacy/ip.md", "KB503"),
        ("articles/legacy/ip.md", "KB503"),
        ("articles/legacy/wall.md", "KB202"),
    ]
    assert all("line" not in e for e in entries)
    assert len(lines) == 3 + len(entries) + 2


def test_accepted_findings_no_longer_fail_the_run(adopted: KnowledgeBase, today: dt.date) -> None:
    result = check(adopted, today=today)

    assert result.findings == []
    assert [f.code for f in result.accepted] == ["KB503", "KB503", "KB202"]


def test_entries_survive_edits_that_move_lines(adopted: KnowledgeBase, today: dt.date) -> None:
    wall = adopted.articles_dir / "legacy" / "wall.md"
    wall.write_text(wall.read_text(encoding="utf-8").replace("## Cause\n", "## Cause\n\nA new first line.\n"), "utf-8")

    assert check(adopted, today=today).findings == []


def test_a_new_finding_is_not_accepted(adopted: KnowledgeBase, today: dt.date) -> None:
    ip = adopted.articles_dir / "legacy" / "ip.md"
    ip.write_text(ip.read_text(encoding="utf-8").replace("81.2.69.160", "81.2.69.161"), encoding="utf-8")

    reported = [(f.code, f.location.path) for f in check(adopted, today=today).findings]

    assert ("KB503", "articles/legacy/ip.md") in reported


def test_an_entry_nothing_matches_fails_the_run_until_the_baseline_is_written_again(
    adopted: KnowledgeBase, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(RULES / "KB202-wall-of-text.good.md", adopted.articles_dir / "legacy" / "wall.md")

    [stale] = check(adopted, today=today).findings

    assert (stale.code, stale.name, str(stale.location)) == ("KB016", "stale-baseline-entry", ".kb-baseline.json:6:5")
    assert "run kb check --write-baseline" in stale.message
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert CliRunner().invoke(cli, ["check", "--write-baseline"]).exit_code == 0
    assert check(adopted, today=today).findings == []


def test_a_broken_baseline_is_a_config_error_with_its_line(
    adopted: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = adopted.root / ".kb-baseline.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"rule"', '"rul"', 1), encoding="utf-8")

    result = CliRunner().invoke(cli, ["check"])

    assert result.exit_code == 2
    assert ".kb-baseline.json:4:1: a baseline entry needs path, rule and fingerprint" in result.stderr


@pytest.mark.parametrize("command", ["check", "audit"])
def test_writing_the_baseline_for_some_paths_keeps_the_entries_of_the_others(
    adopted: KnowledgeBase, today: dt.date, command: str
) -> None:
    wall = adopted.articles_dir / "legacy" / "wall.md"
    wall.write_text(wall.read_text(encoding="utf-8").replace("## Resolution", "## Fix"), encoding="utf-8")

    result = CliRunner().invoke(cli, [command, "--write-baseline", "articles/legacy/wall.md"])

    assert result.exit_code == 0, result.output
    entries = json.loads((adopted.root / ".kb-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert [e["path"] for e in entries].count("articles/legacy/ip.md") == 2  # kept as they were
    assert check(adopted, today=today).findings == []  # and the edited article's new findings accepted


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_baseline_in_a_folder_that_does_not_exist_is_a_usage_error(
    quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    config = quality_kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  baseline: ci/kb-baseline.json\n", encoding="utf-8")
    monkeypatch.chdir(quality_kb.root)

    result = CliRunner().invoke(cli, [command, "--write-baseline"])

    assert result.exit_code == 2, result.output
    assert "Error: cannot write the baseline ci/kb-baseline.json: there is no folder ci" in result.stderr
    assert "Traceback" not in result.output
    (quality_kb.root / "ci").mkdir()
    assert CliRunner().invoke(cli, [command, "--write-baseline"]).exit_code == 0
    assert (quality_kb.root / "ci" / "kb-baseline.json").is_file()


def test_an_entry_of_a_file_no_longer_in_the_kb_fails_a_run_of_the_whole_kb(
    adopted: KnowledgeBase, today: dt.date
) -> None:
    (adopted.articles_dir / "legacy" / "ip.md").unlink()

    stale = check(adopted, today=today).findings

    assert [(f.code, str(f.location)) for f in stale] == [
        ("KB016", ".kb-baseline.json:4:5"),
        ("KB016", ".kb-baseline.json:5:5"),
    ]
    assert "KB503 in articles/legacy/ip.md, but that file is no longer in the knowledge base" in stale[0].message
    assert CliRunner().invoke(cli, ["check", "--fail-level", "info"]).exit_code == 1
    assert check(adopted, [adopted.articles_dir / "legacy" / "wall.md"], today=today).findings == []
    assert CliRunner().invoke(cli, ["check", "--write-baseline"]).exit_code == 0
    assert check(adopted, today=today).findings == []


@pytest.mark.parametrize("command", ["check", "audit"])
def test_writing_the_baseline_of_a_moved_file_drops_the_entries_of_its_old_path(
    adopted: KnowledgeBase, today: dt.date, command: str
) -> None:
    legacy = adopted.articles_dir / "legacy"
    (legacy / "wall.md").rename(legacy / "moved.md")

    result = CliRunner().invoke(cli, [command, "--write-baseline", "articles/legacy/moved.md"])

    assert result.exit_code == 0, result.output
    entries = json.loads((adopted.root / ".kb-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert [(e["path"], e["rule"]) for e in entries] == [
        ("articles/legacy/ip.md", "KB503"),
        ("articles/legacy/ip.md", "KB503"),
        ("articles/legacy/moved.md", "KB202"),
    ]
    assert check(adopted, today=today).findings == []


def test_writing_the_baseline_of_a_pull_request_accepts_the_findings_of_its_articles_only(
    adopted: KnowledgeBase, today: dt.date
) -> None:
    legacy = adopted.articles_dir / "legacy"
    shutil.copyfile(RULES / "KB204-vague-title.bad.md", legacy / "vague.md")  # on main, never accepted
    git(adopted.root, "init", "-q", "-b", "main")
    git(adopted.root, "add", "-A")
    git(adopted.root, "commit", "-q", "-m", "articles")
    git(adopted.root, "checkout", "-q", "-b", "pr")
    wall = legacy / "wall.md"
    wall.write_text(wall.read_text(encoding="utf-8").replace("## Resolution", "## Fix"), encoding="utf-8")

    result = CliRunner().invoke(cli, ["audit", "--changed-since", "main", "--write-baseline"])

    assert result.exit_code == 0, result.output
    entries = json.loads((adopted.root / ".kb-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert {e["path"] for e in entries} == {"articles/legacy/ip.md", "articles/legacy/wall.md"}
    reported = {(f.code, f.location.name) for f in check(adopted, today=today).findings}
    assert ("KB204", "vague.md") in reported  # an article the pull request did not change: not accepted
    assert not any(name == "wall.md" for _, name in reported)  # the changed article's findings are
