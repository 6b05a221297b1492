"""Docs cannot drift: every rule, CLI command, option and setting is documented, or a test fails."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import kb.rules
from kb.cli import cli
from kb.config import Config, settings_doc
from kb.findings import Level
from kb.rules import ALL_RULES, Group, Rule, find_rule
from kb.taxonomy import ErrorCodesSpec, TaxonomySpec

RULE_SECTIONS = ("## What it does", "## Why it matters", "## Example", "## Use instead")


# -- rules ------------------------------------------------------------------------------------


def test_rule_codes_are_unique_and_shaped_kb_nnn() -> None:
    codes = [rule.code for rule in ALL_RULES]

    assert len(codes) == len(set(codes))
    assert [c for c in codes if not re.fullmatch(r"KB\d{3}", c)] == []


def test_rule_names_are_unique_and_kebab_case() -> None:
    names = [rule.name for rule in ALL_RULES]

    assert len(names) == len(set(names))
    assert [n for n in names if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", n)] == []


def doc_sections(doc: str) -> dict[str, str]:
    """The `## ` sections of a rule's doc and their text; headings inside code examples do not count."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    fenced = False
    for line in doc.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("## ") and not fenced:
            current = line
            assert current not in sections, f"{current!r} twice"
            sections[current] = []
        else:
            sections[current].append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in sections.items()}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: f"{rule.code}-{rule.name}")
def test_every_rule_is_documented_in_the_four_sections(rule: type[Rule]) -> None:
    sections = doc_sections(rule.doc())

    assert list(sections) == ["", *RULE_SECTIONS], f"{rule.label()} must document {', '.join(RULE_SECTIONS)}"
    assert sections[""] == ""
    assert all(sections[heading] for heading in RULE_SECTIONS), f"{rule.label()} has an empty section"
    assert rule.summary.strip().endswith(".")
    assert rule.hint.strip()
    assert isinstance(rule.level, Level)
    assert isinstance(rule.group, Group)
    assert find_rule(rule.code) is rule
    assert find_rule(rule.name) is rule


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_kb_explain_shows_every_rules_whole_doc(rule: type[Rule]) -> None:
    result = CliRunner().invoke(cli, ["explain", rule.code])

    assert result.exit_code == 0
    assert result.stdout.startswith(f"# {rule.code} {rule.name}\n\n{rule.summary} ")
    assert rule.doc() in result.stdout


def _rule_classes() -> Iterator[type[Rule]]:
    for module_info in pkgutil.iter_modules(kb.rules.__path__):
        module = importlib.import_module(f"kb.rules.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and "code" in vars(value):
                yield value


def test_every_rule_class_is_registered() -> None:
    unregistered = {rule.__name__ for rule in _rule_classes()} - {rule.__name__ for rule in ALL_RULES}

    assert unregistered == set()
    assert len(ALL_RULES) >= 25


# -- the CLI ----------------------------------------------------------------------------------


def _commands(group: click.Group) -> Iterator[tuple[str, click.Command]]:
    yield "kb", group
    for name, command in sorted(group.commands.items()):
        yield f"kb {name}", command


@pytest.mark.parametrize(("name", "command"), list(_commands(cli)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help text"
    assert command.help.strip(), f"{name} has no help text"
    assert command.get_short_help_str().strip()
    undocumented = [
        param.name for param in command.params if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert undocumented == [], f"{name}: options without help: {undocumented}"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_help_renders(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: cli {name} [OPTIONS]") or result.stdout.startswith(f"Usage: kb {name}")


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])

    for name, command in cli.commands.items():
        assert f"  {name} " in result.stdout
        assert command.get_short_help_str(limit=40)[:20] in result.stdout


# -- settings ---------------------------------------------------------------------------------


def _settings_classes(root: type[Any]) -> Iterator[type[Any]]:
    """`root` and every settings dataclass reachable from its fields (in lists and dicts too)."""
    seen: set[type[Any]] = set()
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        yield cls
        for hint in typing.get_type_hints(cls).values():
            for tp in (hint, *typing.get_args(hint)):
                if dataclasses.is_dataclass(tp) and isinstance(tp, type):
                    todo.append(tp)


SETTINGS_CLASSES = sorted(
    {cls for root in (Config, TaxonomySpec, ErrorCodesSpec) for cls in _settings_classes(root)},
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("cls", SETTINGS_CLASSES, ids=lambda cls: cls.__name__)
def test_every_setting_is_documented(cls: type[Any]) -> None:
    assert (cls.__doc__ or "").strip()
    fields = [f for f in dataclasses.fields(cls) if f.name != "path"]
    undocumented = [f.name for f in fields if not str(f.metadata.get("doc", "")).strip()]

    assert undocumented == [], f"{cls.__name__}: settings without a doc (make them with kb.config.setting)"
    documented = {name.rsplit(".", 1)[-1] for name, _, _ in settings_doc(cls)}
    assert documented >= {f.name for f in fields}


def test_settings_doc_names_every_nested_setting() -> None:
    names = [name for name, _, _ in settings_doc(Config)]

    assert "check" in names
    assert "check.fail_level" in names
    assert "check.cache" in names
    assert ("check.fail_level", "'error'") in [(n, d) for n, d, _ in settings_doc(Config)]


def test_kb_config_docs_shows_every_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # documenting settings needs no knowledge base

    result = CliRunner().invoke(cli, ["config", "--docs"])

    assert result.exit_code == 0, result.output
    for name, _, doc in settings_doc(Config):
        assert name in result.stdout
        assert doc in result.stdout
