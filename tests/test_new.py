"""`kb new` through the CLI, on a fresh KB: what it writes reads back as given and passes `kb check`
but for the placeholders the writer fills."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.cli import cli
from kb.load import load_article
from kb.project import KnowledgeBase
from tests.conftest import FIXTURES

TEMPLATES = FIXTURES / "new"

ARTICLE = ["new", "--type", "troubleshooting", "--title", "Tag test fails here", "--area", "billing"]


def run(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(kb.root)
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a bug
    return result


def new(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, *args: str) -> Path:
    made = run(kb, monkeypatch, *ARTICLE, *args)
    assert made.exit_code == 0, made.stderr
    return kb.root / made.stdout.strip()


def findings(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The codes `kb check` reports, but for the placeholders (KB103) of a new article."""
    checked = run(kb, monkeypatch, "check", "--format", "json")
    return {f["code"] for f in json.loads(checked.stdout)} - {"KB103"}


def test_tags_and_codes_are_written_as_yaml_strings_that_read_back_as_given(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    tags = ["#sso", "c++ [beta]", "key: value", "a, b", "yes", "sso"]
    registry = kb.schemas_dir / "error-codes.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(
            "codes:\n", "codes:\n  '0x80070005': {message: Access is denied.}\n"
        ),
        encoding="utf-8",
    )
    args = [arg for tag in tags for arg in ("--tag", tag)]

    path = new(kb, monkeypatch, *args, "--code", "0x80070005")

    article = load_article(path, "a.md").article
    assert article is not None
    assert (article.tags, article.error_codes) == (tags, ["0x80070005"])
    assert 'tags: ["#sso", "c++ [beta]", "key: value", "a, b", "yes", sso]\n' in path.read_text(encoding="utf-8")
    assert findings(kb, monkeypatch) == set()


def test_an_id_prefix_with_a_hash_is_quoted(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    config = kb.root / "kb.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("id_prefix: KB-", "id_prefix: 'KB #'"), "utf-8")
    example = next(kb.articles_dir.rglob("*.md"))
    example.write_text(example.read_text(encoding="utf-8").replace("id: KB-0001", 'id: "KB #0001"'), "utf-8")

    path = new(kb, monkeypatch)

    article = load_article(path, "a.md").article
    assert article is not None
    assert article.id == "KB #0002"
    assert findings(kb, monkeypatch) == set()


@pytest.mark.parametrize(
    ("template", "line", "message"),
    [
        ("undefined-variable.md.j2", 3, "kb new provides no variable 'titel' (did you mean \"title\"?)"),
        ("undefined-attribute.md.j2", 4, "'str object' has no attribute 'text'"),
    ],
)
def test_a_template_using_what_kb_does_not_provide_exits_2_at_its_line(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, template: str, line: int, message: str
) -> None:
    shutil.copyfile(TEMPLATES / template, kb.schemas_dir / template)
    taxonomy = kb.schemas_dir / "taxonomy.yaml"
    text = taxonomy.read_text(encoding="utf-8")
    taxonomy.write_text(text.replace("    review_interval_days: 180\n", f"    template: {template}\n", 1), "utf-8")

    made = run(kb, monkeypatch, *ARTICLE)

    assert made.exit_code == 2
    assert made.stderr.startswith(f"Error: {kb.schemas_dir / template}:{line}:1: template error: {message}\n")
    assert list(kb.articles_dir.rglob("tag-test*")) == []


def test_dates_are_kb_today_when_set_as_kb_check_judges_them(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-06-01")

    path = new(kb, monkeypatch)

    assert "\ncreated: 2025-06-01\nreviewed: 2025-06-01\n" in path.read_text(encoding="utf-8")
    assert findings(kb, monkeypatch) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "Sign-in fails " * 15], "the title has 209 characters, more than 200"),
        (
            ["--title", "Sign-in fails\nwith E-1001"],
            "--title 'Sign-in fails\\nwith E-1001' holds a control character (\\n)",
        ),
        (["--title", "Sign-in \x1b[31mfails"], "--title 'Sign-in \\x1b[31mfails' holds a control character (\\x1b)"),
        (["--tag", "sso", "--tag", "okta", "--tag", "sso"], "--tag 'sso' is given twice"),
        (["--tag", ""], "--tag is empty"),
        (["--code", "E-1O01"], "error code 'E-1O01' is not registered (did you mean \"E-1001\"?)"),
    ],
)
def test_what_kb_check_would_report_at_once_is_refused_with_exit_2(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    made = run(kb, monkeypatch, *ARTICLE, *args)

    assert made.exit_code == 2
    assert made.stderr.startswith(f"Error: {message}\n")
    assert sorted(p.name for p in kb.articles_dir.rglob("*.md")) == ["session-expired-e-1001.md"]


def test_kb_init_dates_its_example_article_by_kb_today_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-06-01")
    monkeypatch.chdir(tmp_path)

    assert CliRunner().invoke(cli, ["init", "fresh", "-q"]).exit_code == 0

    [example] = (tmp_path / "fresh" / "articles").rglob("*.md")
    assert "\ncreated: 2025-06-01\nreviewed: 2025-06-01\n" in example.read_text(encoding="utf-8")
