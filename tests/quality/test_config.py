"""The rule policy of kb.yaml: select, ignore, levels, per-path overrides; mistakes are exit 2 with file and line."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from click.testing import CliRunner

from kb.check import check
from kb.cli import cli
from kb.errors import ConfigError
from kb.findings import Level
from kb.project import KnowledgeBase
from tests.quality.conftest import QUALITY

CONFIG = QUALITY / "config"
RULES = QUALITY / "rules"


def use_config(kb: KnowledgeBase, name: str) -> KnowledgeBase:
    shutil.copyfile(CONFIG / name, kb.root / "kb.yaml")
    return KnowledgeBase(kb.root)


def place(kb: KnowledgeBase, fixture: str, as_name: str) -> str:
    target = kb.articles_dir / "rules" / as_name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(RULES / fixture, target)
    return kb.relpath(target)


def found(kb: KnowledgeBase, today: dt.date) -> list[tuple[str, str, Level]]:
    return [(f.location.name, f.code, f.level) for f in check(kb, today=today).findings]


def test_levels_change_the_level_of_a_rule(quality_kb: KnowledgeBase, today: dt.date) -> None:
    kb = use_config(quality_kb, "policy.yaml")
    place(kb, "KB202-wall-of-text.bad.md", "wall.md")
    place(kb, "KB701-review-overdue.bad.md", "old.md")

    assert found(kb, today) == [("old.md", "KB701", Level.INFO), ("wall.md", "KB202", Level.ERROR)]


def test_ignore_turns_a_rule_off_everywhere(quality_kb: KnowledgeBase, today: dt.date) -> None:
    kb = use_config(quality_kb, "policy.yaml")
    place(kb, "KB322-description-length.bad.md", "short-description.md")

    assert found(kb, today) == []


def test_a_per_path_override_ignores_a_rule_for_matching_files_only(quality_kb: KnowledgeBase, today: dt.date) -> None:
    kb = use_config(quality_kb, "policy.yaml")
    place(kb, "KB202-wall-of-text.bad.md", "legal-contract.md")

    assert found(kb, today) == []


def test_a_per_path_select_keeps_only_those_rules_at_their_level(quality_kb: KnowledgeBase, today: dt.date) -> None:
    kb = use_config(quality_kb, "policy.yaml")
    place(kb, "KB505-customer-name.bad.md", "strict-customer.md")
    place(kb, "KB204-vague-title.bad.md", "strict-title.md")

    assert found(kb, today) == [("strict-customer.md", "KB505", Level.WARNING)]


@pytest.mark.parametrize(
    ("config", "line", "message", "hint"),
    [
        ("unknown-rule.yaml", 5, "no rule 'wall-of-txt'", 'did you mean "wall-of-text"?'),
        ("unknown-level-rule.yaml", 4, "no rule 'KB2O1'", 'did you mean "KB201"?'),
        ("unknown-per-path-rule.yaml", 5, "no rule 'KB9'", 'did you mean "KB309"?'),
        ("bad-threshold.yaml", 4, "lint.thresholds.max_words must be a whole number", ""),
        ("unknown-threshold.yaml", 4, "unknown setting 'lint.thresholds.max_word'", "did you mean 'max_words'?"),
        ("ignore-always-on.yaml", 3, "yaml-syntax cannot be ignored", ""),
    ],
)
def test_a_config_mistake_is_a_config_error_at_its_line(
    quality_kb: KnowledgeBase, today: dt.date, config: str, line: int, message: str, hint: str
) -> None:
    shutil.copyfile(CONFIG / config, quality_kb.root / "kb.yaml")

    with pytest.raises(ConfigError) as caught:
        check(KnowledgeBase(quality_kb.root), today=today)

    error = caught.value
    assert (error.path, error.line) == (quality_kb.root / "kb.yaml", line)
    assert message in error.message
    assert hint in error.hint


def test_a_config_mistake_exits_2_with_file_and_line_never_zero_findings(
    quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(CONFIG / "unknown-rule.yaml", quality_kb.root / "kb.yaml")
    monkeypatch.chdir(quality_kb.root)

    for command in (["check"], ["audit"], ["config"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, command
        assert "kb.yaml:5:7: no rule 'wall-of-txt'" in result.stderr
        assert 'did you mean "wall-of-text"?' in result.stderr
        assert result.stdout == ""


@pytest.mark.parametrize(
    ("config", "line", "col", "message"),
    [
        ("negative-weight.yaml", 5, 11, "lint.weights.safe must be at least 0, not -5"),
        (
            "zero-weights.yaml",
            3,
            3,
            "lint.weights: every weight is 0: the health score would weigh nothing; give some group a weight",
        ),
        ("negative-max-words.yaml", 4, 16, "lint.thresholds.max_words must be at least 1, not -100"),
        ("similarity-out-of-range.yaml", 4, 27, "lint.thresholds.duplicate_similarity must be between 0 and 1, not 70"),
        ("base-url-not-a-url.yaml", 2, 11, "base_url must be a full http:// or https:// address, not '5'"),
        ("edit-url-relative.yaml", 4, 11, "edit_url must be a full http:// or https:// address, not 'edit/{path}'"),
        # A placeholder kb does not fill in would be published as written: a dead link on every page.
        ("edit-url-placeholder.yaml", 4, 11, "edit_url: unknown placeholder '{pth}' (did you mean {path}?)"),
        ("flag-url-unclosed.yaml", 2, 11, "flag_url: a '{' of no placeholder"),
        ("id-digits-too-many.yaml", 2, 12, "id_digits must be between 1 and 12, not 100000"),
        ("due-soon-too-far.yaml", 4, 20, "lint.thresholds.due_soon_days must be between 0 and 3650, not 100000000000"),
        (
            "output-in-articles.yaml",
            3,
            11,
            "site.output 'articles/site' is in the articles folder 'articles': "
            "a build would write the sites where kb reads articles",
        ),
        (
            "articles-at-root.yaml",
            2,
            11,
            "site.output 'site' is in the articles folder '.': a build would write the sites where kb reads articles",
        ),
        (
            "description-min-over-max.yaml",
            3,
            3,
            "lint.thresholds: description_max_chars (300) is less than description_min_chars (400): "
            "no description would fit",
        ),
    ],
)
def test_a_setting_out_of_range_is_a_config_error_at_its_line_and_column(
    quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, config: str, line: int, col: int, message: str
) -> None:
    shutil.copyfile(CONFIG / config, quality_kb.root / "kb.yaml")

    with pytest.raises(ConfigError) as caught:
        _ = KnowledgeBase(quality_kb.root).config

    error = caught.value
    assert (error.path, error.line, error.col, error.message) == (quality_kb.root / "kb.yaml", line, col, message)
    monkeypatch.chdir(quality_kb.root)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert f"kb.yaml:{line}:{col}: {message}" in result.stderr
    assert result.stdout == ""


def test_a_per_path_glob_that_matches_no_article_is_a_warning_with_its_line(
    quality_kb: KnowledgeBase, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = use_config(quality_kb, "per-path-matches-nothing.yaml")

    result = check(kb, today=today)

    assert result.findings == []
    assert [(w.line, w.col, w.message) for w in result.warnings] == [
        (5, 37, "'rules/legal-*.md' in lint.per_path matches no article: its settings apply nowhere")
    ]
    monkeypatch.chdir(kb.root)
    for command in (["check", "-q"], ["audit", "-q"], ["build", "-q", "--no-search"]):
        run = CliRunner().invoke(cli, command)
        assert run.exit_code == 0, run.output
        assert "Warning: " in run.stderr
        assert "kb.yaml:5:37: 'rules/legal-*.md' in lint.per_path matches no article" in run.stderr
        assert "hint: paths are relative to the KB root" in run.stderr


def test_kb_rules_says_how_this_kb_reports_each_rule(
    quality_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_config(quality_kb, "policy.yaml")
    monkeypatch.chdir(quality_kb.root)

    text = CliRunner().invoke(cli, ["rules", "--group", "clear"])
    rows = json.loads(CliRunner().invoke(cli, ["rules", "--json"]).stdout)

    assert "KB202  wall-of-text" in text.stdout
    assert "[error here]" in text.stdout
    assert "KB501" not in text.stdout
    here = {r["code"]: r["in_this_kb"] for r in rows}
    assert (here["KB202"], here["KB322"], here["KB701"], here["KB501"]) == ("error", "off", "info", "error")
