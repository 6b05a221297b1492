"""CLI tests through click's CliRunner: output formats, exit codes 0/1/2, and every command's contract."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.cli import cli
from kb.cli.common import Env, colour_for
from kb.project import KnowledgeBase
from kb.rules import ALL_RULES
from tests.conftest import FIXTURES

CASES = FIXTURES / "cases"


def run(*args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    """`kb ARGS...` from folder `cwd`; a traceback (a bug) fails the test."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def add_case(kb: KnowledgeBase, name: str, folder: str = "billing") -> Path:
    target = kb.articles_dir / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CASES / name, target)
    config = kb.root / "kb.yaml"
    if "near-duplicate" not in config.read_text(encoding="utf-8"):
        # The case files are variations of one article, near-duplicates of each other by design;
        # near-duplicate detection has its own tests (tests/quality).
        with config.open("a", encoding="utf-8") as file:
            file.write("lint:\n  ignore: [near-duplicate]\n")
    return target


# -- kb check ---------------------------------------------------------------------------------


def test_check_a_clean_kb_exits_0(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("check", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "All 1 article pass.\n"


def test_check_prints_path_line_col_code_name_message_and_exits_1(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_case(kb, "unknown-owner.md")
    add_case(kb, "tab-indentation.md")

    result = run("check", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "articles/billing/tab-indentation.md:14:1: KB009 tab-indentation: "
        "a tab is used for indentation (YAML allows only spaces)",
        "articles/billing/unknown-owner.md:10:8: KB306 unknown-owner: "
        "unknown owner 'team-suport' (did you mean \"team-support\"?)",
    ]
    assert result.stderr == "Found 2 errors in 2 of 3 articles.\n"


def test_counts_have_thousands_separators_and_the_right_plural(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kb.articles_dir / "billing").mkdir()
    for n in range(1000):  # an empty file is one finding, and the cheapest article to check
        (kb.articles_dir / "billing" / f"empty-{n}.md").touch()

    result = run("check", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 1
    assert result.stderr == "Found 1,000 errors in 1,000 of 1,001 articles.\n"


def test_progress_counts_one_article_in_the_singular(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    monkeypatch.delenv("CI", raising=False)
    with os.fdopen(terminal, "w") as tty:
        monkeypatch.setattr("sys.stderr", tty)
        Env().progress_line(1, 1)
        tty.flush()
    shown = os.read(controller, 1000).decode()
    os.close(controller)

    assert shown.strip() == "Checked 1 of 1 article"


def test_the_readme_editor_task_reads_every_finding(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """The VS Code problem matcher in the README puts each finding at its file, line and column."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```json\n(.*?)```", readme, re.DOTALL) if "problemMatcher" in b)
    matcher = json.loads(block)["tasks"][0]["problemMatcher"]
    pattern = matcher["pattern"]
    target = add_case(kb, "unknown-owner.md")
    monkeypatch.setenv("NO_COLOR", "1")

    result = run("check", str(target.relative_to(kb.root)), cwd=kb.root, monkeypatch=monkeypatch)

    found = re.match(pattern["regexp"], result.stdout.splitlines()[0])
    assert found is not None
    assert [found[pattern[key]] for key in ("file", "line", "column", "code")] == [
        "articles/billing/unknown-owner.md", "10", "8", "KB306",
    ]  # fmt: skip
    assert found[pattern["message"]].startswith("unknown-owner: unknown owner 'team-suport'")


def test_check_finds_the_kb_from_a_subfolder_and_shows_paths_from_there(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_case(kb, "unknown-owner.md")

    result = run("check", cwd=kb.articles_dir / "billing", monkeypatch=monkeypatch)

    assert result.exit_code == 1
    assert result.stdout.startswith("unknown-owner.md:10:8: KB306 unknown-owner: ")


def test_check_only_the_paths_given(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    add_case(kb, "unknown-owner.md", "billing")
    add_case(kb, "unknown-type.md", "account")

    result = run("check", "billing", "account/unknown-type.md", cwd=kb.articles_dir, monkeypatch=monkeypatch)
    only_billing = run("check", "billing", cwd=kb.articles_dir, monkeypatch=monkeypatch)

    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "account/unknown-type.md",
        "billing/unknown-owner.md",
    ]
    assert [line.split(":")[0] for line in only_billing.stdout.splitlines()] == ["billing/unknown-owner.md"]


def test_check_json_has_every_field(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    add_case(kb, "unregistered-error-code.md")
    add_case(kb, "unknown-field.md")

    result = run("check", "--format", "json", cwd=kb.articles_dir, monkeypatch=monkeypatch)

    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert [{k: f[k] for k in ("path", "line", "col", "code", "name", "level")} for f in findings] == [
        {"path": "articles/billing/unknown-field.md", "line": 12, "col": 1, "code": "KB303",
         "name": "unknown-field", "level": "warning"},
        {"path": "articles/billing/unregistered-error-code.md", "line": 8, "col": 23, "code": "KB307",
         "name": "unregistered-error-code", "level": "error"},
        {"path": "articles/billing/unregistered-error-code.md", "line": 8, "col": 31, "code": "KB307",
         "name": "unregistered-error-code", "level": "error"},
    ]  # fmt: skip
    assert findings[0]["message"] == "unknown field 'reviwed' (did you mean \"reviewed\"?)"
    assert all(f["hint"] for f in findings)


def test_check_json_of_a_clean_kb_is_an_empty_list(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("check", "--format", "json", cwd=kb.root, monkeypatch=monkeypatch)

    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_warnings_fail_only_at_the_warning_level(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    add_case(kb, "unknown-field.md")  # KB303 is a warning

    default = run("check", cwd=kb.root, monkeypatch=monkeypatch)
    strict = run("check", "--fail-level", "warning", cwd=kb.root, monkeypatch=monkeypatch)
    config = kb.root / "kb.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("fail_level: error", "fail_level: warning"), encoding="utf-8"
    )
    from_config = run("check", cwd=kb.root, monkeypatch=monkeypatch)
    overridden = run("check", "--fail-level", "error", cwd=kb.root, monkeypatch=monkeypatch)

    assert (default.exit_code, strict.exit_code, from_config.exit_code, overridden.exit_code) == (0, 1, 1, 0)
    assert "KB303 unknown-field" in default.stdout


def test_quiet_prints_only_findings_and_verbose_adds_hints(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    add_case(kb, "unknown-owner.md")

    quiet = run("check", "-q", cwd=kb.root, monkeypatch=monkeypatch)
    verbose = run("-v", "check", cwd=kb.root, monkeypatch=monkeypatch)

    assert quiet.stderr == ""
    assert len(quiet.stdout.splitlines()) == 1
    assert verbose.stdout.splitlines()[1] == "    hint: use an owner from schemas/taxonomy.yaml"


def test_fix_removes_bom_and_crlf_then_checks(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    bom = add_case(kb, "byte-order-mark.md")
    crlf = add_case(kb, "crlf-line-endings.md")

    before = run("check", cwd=kb.root, monkeypatch=monkeypatch)
    fixed = run("check", "--fix", cwd=kb.root, monkeypatch=monkeypatch)

    assert before.exit_code == 1
    assert fixed.exit_code == 0
    assert fixed.stdout == ""
    assert "Fixed 2 files" in fixed.stderr
    assert not bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r" not in crlf.read_bytes()


# -- exit 2: usage and configuration errors -----------------------------------------------------


def test_a_bad_config_exits_2_with_file_line_and_suggestion(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(FIXTURES / "config" / "unknown-setting.yaml", kb.root / "kb.yaml")

    result = run("check", cwd=kb.articles_dir, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {kb.root / 'kb.yaml'}:4:1: unknown setting 'id_digit'\n")
    assert ">    4 | id_digit: 4" in result.stderr
    assert result.stderr.endswith("hint: did you mean 'id_digits'?\n")
    assert "Traceback" not in result.output


def test_a_bad_taxonomy_exits_2(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(FIXTURES / "taxonomy" / "site-audience" / "taxonomy.yaml", kb.schemas_dir / "taxonomy.yaml")

    result = run("check", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert "taxonomy.yaml:9:17: site 'public': unknown audience 'publik'" in result.stderr


def test_outside_a_kb_exits_2_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("check", cwd=tmp_path, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: not inside a knowledge base: no kb.yaml in {tmp_path.resolve()}")
    assert "hint: run `kb init` to make one, or pass --root DIR" in result.stderr


def test_a_missing_path_exits_2(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("check", "articles/nowhere.md", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr == "Error: no such file or folder: articles/nowhere.md\n"


def test_paths_outside_the_articles_folder_are_never_silently_passed(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = kb.root / "planted" / "leak.md"
    planted.parent.mkdir()
    shutil.copyfile(next(kb.articles_dir.rglob("*.md")), planted)

    for given in ("planted", "planted/leak.md"):
        result = run("check", given, cwd=kb.root, monkeypatch=monkeypatch)

        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: {given} is not in the articles folder (articles/)")
        assert "hint: move the files under articles/, or set 'articles:' in kb.yaml" in result.stderr

    # Beside articles (a pre-commit hook passing README.md too): a note, and the articles are checked.
    article = next(kb.articles_dir.rglob("*.md")).relative_to(kb.root).as_posix()
    result = run("check", "planted/leak.md", article, cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 0
    assert "planted/leak.md: not in the articles folder (articles/), not checked" in result.stderr
    assert "1 article" in result.stderr


def test_paths_with_no_articles_are_never_silently_passed(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    (kb.articles_dir / "notes.txt").write_text("not an article\n", encoding="utf-8")
    (kb.articles_dir / "empty").mkdir()
    (kb.articles_dir / "README.md").write_text("# About these articles\n", encoding="utf-8")

    text_file = run("check", "../notes.txt", cwd=kb.articles_dir / "empty", monkeypatch=monkeypatch)
    empty = run("check", "articles/empty", cwd=kb.root, monkeypatch=monkeypatch)
    # A pre-commit hook passing only README.md: nothing to check, and it says so.
    readme = run("check", "articles/README.md", cwd=kb.root, monkeypatch=monkeypatch)

    assert text_file.exit_code == empty.exit_code == 2
    assert text_file.stderr == "Error: ../notes.txt is not an article: articles are .md files\n"
    assert empty.stderr.startswith("Error: articles/empty holds no articles (.md files)\n")
    assert readme.exit_code == 0
    assert readme.stderr == "No articles among the files given (README.md and excluded files are not checked).\n"


@pytest.mark.parametrize(
    "args",
    [["check", "--format", "xml"], ["check", "--fail-level", "fatal"], ["chekc"], ["new", "--title", "x"]],
)
def test_usage_mistakes_exit_2(args: list[str], kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(*args, cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert "Error: " in result.stderr


def test_root_option_and_env_var_point_at_a_kb_from_elsewhere(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    add_case(kb, "unknown-owner.md")

    by_option = run("--root", str(kb.root), "check", cwd=elsewhere, monkeypatch=monkeypatch)
    monkeypatch.setenv("KB_ROOT", str(kb.root))
    by_env = run("check", cwd=elsewhere, monkeypatch=monkeypatch)

    assert by_option.exit_code == by_env.exit_code == 1
    assert "unknown-owner.md:10:8: KB306" in by_option.stdout
    assert by_env.stdout == by_option.stdout


def test_build_to_an_unwritable_folder_exits_2_without_a_traceback(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kb.root / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")

    result = run("build", "--no-search", "--out", "notes.txt/site", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot write the sites to notes.txt/site: Not a directory\n")
    assert "Traceback" not in result.output


def test_build_into_the_articles_folder_exits_2_and_writes_nothing(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kb.articles_dir / "public").mkdir()
    kept = kb.articles_dir / "public" / "kept.md"
    kept.write_text("an article in a folder named like a site\n", encoding="utf-8")

    result = run("build", "--no-search", "--out", "articles", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: cannot write the sites to articles: it is in the articles folder {kb.articles_dir}, "
        "where kb reads articles\nhint: write them to a folder beside the articles (kb build --out site)\n"
    )
    assert [p.name for p in (kb.articles_dir / "public").iterdir()] == ["kept.md"]


# -- kb init, kb new, kb schema -----------------------------------------------------------------


def test_init_makes_a_kb_that_passes_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = run("init", "help-center", "--name", "Help center", cwd=tmp_path, monkeypatch=monkeypatch)
    checked = run("check", cwd=tmp_path / "help-center", monkeypatch=monkeypatch)

    assert made.exit_code == 0
    assert f"Created a knowledge base in {tmp_path.resolve() / 'help-center'}" in made.stderr
    assert KnowledgeBase(tmp_path / "help-center").config.name == "Help center"
    assert checked.exit_code == 0


def test_init_refuses_an_existing_kb(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    config = (kb.root / "kb.yaml").read_bytes()

    result = run("init", str(kb.root), cwd=kb.root.parent, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {kb.root / 'kb.yaml'} already exists")
    assert (kb.root / "kb.yaml").read_bytes() == config


@pytest.mark.parametrize("folder", ["articles", "articles/billing/team-kb"])
def test_init_refuses_the_articles_folder_of_an_existing_kb(
    folder: str, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(kb.root.rglob("*"))

    result = run("init", folder, cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    where = "is the articles folder" if folder == "articles" else "is inside the articles folder"
    assert result.stderr.startswith(f"Error: {folder} {where} of the knowledge base in {kb.root}\n")
    assert sorted(kb.root.rglob("*")) == before


def test_new_writes_the_next_id_and_today_and_passes_check_but_for_placeholders(
    good_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = run(
        "new", "--type", "troubleshooting", "--title", "Refund: not shown on the invoice", "--area", "billing",
        "--code", "E-2041", "--tag", "refunds", cwd=good_kb.articles_dir / "good", monkeypatch=monkeypatch,
    )  # fmt: skip

    assert made.exit_code == 0
    assert made.stdout == "../billing/refund-not-shown-on-the-invoice.md\n"  # from where the writer stands
    assert "Created KB-0107." in made.stderr
    path = good_kb.articles_dir / "billing" / "refund-not-shown-on-the-invoice.md"
    text = path.read_text(encoding="utf-8")
    assert "id: KB-0107\n" in text
    assert 'title: "Refund: not shown on the invoice"\n' in text
    assert "error_codes: [E-2041]\n" in text
    assert "created: 2026-03-01\nreviewed: 2026-03-01\n" in text  # $KB_TODAY, as tests set it

    checked = run("check", "--format", "json", cwd=good_kb.root, monkeypatch=monkeypatch)
    assert checked.exit_code == 1
    findings = json.loads(checked.stdout)
    assert {(f["path"], f["code"]) for f in findings} == {(good_kb.relpath(path), "KB103")}


def test_new_with_an_unknown_area_exits_2_with_a_suggestion(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(
        "new", "--type", "how-to", "--title", "Export", "--area", "biling", cwd=kb.root, monkeypatch=monkeypatch
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown product area 'biling' (did you mean \"billing\"?)")
    assert list((kb.articles_dir).rglob("*export*")) == []


def test_new_writes_into_the_areas_folder_as_it_is_spelt_on_disk(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kb.articles_dir / "Account").mkdir()  # as an import from another docs tree names it
    for article in (kb.articles_dir / "account").iterdir():
        article.rename(kb.articles_dir / "Account" / article.name)
    (kb.articles_dir / "account").rmdir()

    result = run(
        "new", "--type", "how-to", "--title", "Change your email address", "--area", "account/sign-in",
        cwd=kb.root, monkeypatch=monkeypatch,
    )  # fmt: skip

    assert result.exit_code == 0
    assert result.stdout == "articles/Account/sign-in/change-your-email-address.md\n"
    assert sorted(p.name for p in kb.articles_dir.iterdir()) == ["Account"]


def test_new_with_an_unknown_area_among_many_shows_only_close_ones(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    topics = ["calendar", "contacts", "rules", "junk-email", "sync", "search", "signatures", "attachments",
              "offline", "add-ins", "printing", "profiles"]  # fmt: skip
    mail = "  mail:\n    title: Mail\n    owner: team-support\n    areas:\n"
    mail += "".join(f"      {topic}: {{title: {topic}}}\n" for topic in topics)
    taxonomy = kb.schemas_dir / "taxonomy.yaml"
    taxonomy.write_text(
        taxonomy.read_text(encoding="utf-8").replace("product_areas:\n", "product_areas:\n" + mail), encoding="utf-8"
    )

    result = run(
        "new", "--type", "how-to", "--title", "x", "--area", "mail/calender", cwd=kb.root, monkeypatch=monkeypatch
    )

    assert result.exit_code == 2
    error, hint = result.stderr.splitlines()
    assert error == "Error: unknown product area 'mail/calender' (did you mean \"mail/calendar\"?)"
    assert hint.startswith("hint: close areas: mail/calendar, ")
    assert hint.endswith(" (schemas/taxonomy.yaml lists all 17)")
    assert len(hint.split(", ")) <= 10


def test_schema_check_fails_when_the_taxonomy_changed_until_rewritten(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = run("schema", "--check", cwd=kb.root, monkeypatch=monkeypatch)
    taxonomy = kb.schemas_dir / "taxonomy.yaml"
    taxonomy.write_text(
        taxonomy.read_text(encoding="utf-8").replace("owners:\n", "owners:\n  team-billing: {name: Billing team}\n"),
        encoding="utf-8",
    )
    stale = run("schema", "--check", cwd=kb.root, monkeypatch=monkeypatch)
    written = run("schema", cwd=kb.root, monkeypatch=monkeypatch)
    again = run("schema", "--check", cwd=kb.root, monkeypatch=monkeypatch)

    assert (current.exit_code, stale.exit_code, written.exit_code, again.exit_code) == (0, 1, 0, 0)
    assert stale.stderr == "schemas/article.schema.json is out of date: run kb schema\n"
    schema = json.loads((kb.schemas_dir / "article.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["owner"]["enum"] == ["team-billing", "team-support"]


def test_schema_stdout_is_the_editor_schema(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("schema", "--stdout", cwd=kb.root, monkeypatch=monkeypatch)

    schema = json.loads(result.stdout)
    assert schema["properties"]["product_area"]["enum"] == ["account", "account/sign-in", "billing", "getting-started"]
    assert result.stdout == (kb.schemas_dir / "article.schema.json").read_text(encoding="utf-8")


def test_schema_check_with_stdout_is_a_usage_error(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("schema", "--stdout", "--check", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: --check and --stdout do not go together\n")


# -- kb rules, kb explain -----------------------------------------------------------------------


def test_rules_lists_every_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = run("rules", cwd=tmp_path, monkeypatch=monkeypatch)
    as_json = run("rules", "--json", cwd=tmp_path, monkeypatch=monkeypatch)

    assert text.exit_code == as_json.exit_code == 0
    for rule in ALL_RULES:
        assert f"  {rule.code}  {rule.name} " in text.stdout
    assert [(r["code"], r["name"], r["level"]) for r in json.loads(as_json.stdout)] == [
        (r.code, r.name, r.level.label) for r in ALL_RULES
    ]


@pytest.mark.parametrize("name", ["KB101", "kb101", "missing-section"])
def test_explain_shows_a_rules_documentation_by_code_or_name(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run("explain", name, cwd=tmp_path, monkeypatch=monkeypatch)

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# KB101 missing-section"
    assert lines[2] == "A section the article's type requires is missing. (group: complete, level: error)"
    assert "## What it does" in lines
    assert "## Use instead" in lines


def test_explain_an_unknown_rule_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = run("explain", "KB999", cwd=tmp_path, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr == "Error: no rule 'KB999'\nhint: kb rules lists them all\n"


@pytest.mark.parametrize(("typed", "meant"), [("missing-sectoin", "missing-section"), ("KB 101", "KB101")])
def test_explain_suggests_the_rule_meant(
    typed: str, meant: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run("explain", typed, cwd=tmp_path, monkeypatch=monkeypatch)

    assert result.exit_code == 2
    assert result.stderr == f'Error: no rule {typed!r} (did you mean "{meant}"?)\nhint: kb rules lists them all\n'


def test_every_command_takes_quiet_and_verbose_after_its_name() -> None:
    lacking = [name for name in cli.commands if not {"quiet", "verbose"} <= {p.name for p in cli.commands[name].params}]

    assert lacking == []


@pytest.mark.parametrize("args", [["rules", "-q"], ["explain", "KB101", "-v"], ["config", "-q"], ["config", "-v"]])
def test_quiet_and_verbose_work_after_every_command(
    args: list[str], kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    after = run(*args, cwd=kb.root, monkeypatch=monkeypatch)
    before = run(args[-1], *args[:-1], cwd=kb.root, monkeypatch=monkeypatch)

    assert after.exit_code == before.exit_code == 0
    assert after.stdout == before.stdout


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    monkeypatch.delenv("NO_COLOR", raising=False)
    with os.fdopen(terminal, "w") as tty, (tmp_path / "out.txt").open("w") as file:
        assert colour_for(tty) is True
        assert colour_for(file) is False
        monkeypatch.setenv("NO_COLOR", "1")
        assert colour_for(tty) is False
    os.close(controller)


def test_paths_read_from_where_the_user_stands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.cli.common import display_path

    root = tmp_path / "team" / "kb"
    shutil.copytree(FIXTURES / "site-kb", root)
    kb = KnowledgeBase(root)
    where = {
        root: "articles/x.md",
        root / "articles": "x.md",
        root / "schemas": "../articles/x.md",
        tmp_path: "team/kb/articles/x.md",
        tmp_path / "team" / "other": "../kb/articles/x.md",
    }
    (tmp_path / "team" / "other").mkdir()
    for cwd, shown in where.items():
        monkeypatch.chdir(cwd)
        assert display_path(kb, "articles/x.md") == shown, cwd
        # A path outside the KB (what `kb.relpath` gives for `kb build --out /srv/site`) is shown whole.
        assert display_path(kb, (tmp_path / "out").as_posix()) == (tmp_path / "out").as_posix(), cwd


def test_the_kb_process_leaves_its_objects_to_the_system_not_to_a_last_collection() -> None:
    # What a command made is frozen as it ends: the collector's pass at exit skips it.
    script = "import gc\nfrom kb.cli import main\ntry:\n    main(['rules'])\nfinally:\n    print(gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(done.stdout.strip().splitlines()[-1]) > 1000


def test_a_control_character_in_a_file_name_or_message_never_splits_a_finding_line(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `path:line:col: ...` is one line per finding for every tool that reads it.
    target = add_case(kb, "empty.md")
    target.rename(target.with_name("new\nline\x1b[31m.md"))

    result = run("check", cwd=kb.root, monkeypatch=monkeypatch)

    assert result.stdout.splitlines()[0].startswith("articles/billing/new\\nline\\x1b[31m.md:1:1: KB")
    assert "\x1b" not in result.stdout


def test_a_check_with_nothing_changed_imports_no_parser(kb: KnowledgeBase) -> None:
    # What a warm check costs is mostly imports: jsonschema and markdown-it are for articles read
    # afresh (YAML is not: kb.yaml is read anyway), whoosh for search, ctypes for a build.
    heavy = ("jsonschema", "markdown_it", "whoosh", "ctypes", "kb.load")
    script = (
        "import sys\nfrom kb.cli import main\ntry:\n"
        f"    main(['--root', {str(kb.root)!r}, 'check', '-q'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {heavy!r} or n in {heavy!r}))"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True) for _ in "12"]
    assert "'markdown_it'" in runs[0].stdout  # the first check reads the article
    assert runs[1].stdout.strip().splitlines()[-1] == "[]"
