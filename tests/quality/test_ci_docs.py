"""The CI docs cannot drift: the workflow files are valid YAML and every kb command in them parses."""

from __future__ import annotations

import re
import shlex

import click
import pytest
import yaml

from kb.cli import cli
from tests.quality.conftest import REPO

DOCS = REPO / "docs"
COMMAND = re.compile(r"(?:^|\$ |\s|`)(kb (?:audit|check)\b[^\n|;&`]*)")


def kb_commands() -> list[str]:
    found = []
    for path in [DOCS / "ci.md", *sorted((DOCS / "ci").glob("*.yml"))]:
        for match in COMMAND.finditer(path.read_text(encoding="utf-8")):
            line = match.group(1).split(" || ")[0].split("  #")[0].strip().rstrip("`")
            found.append(line)
    return found


@pytest.mark.parametrize("path", sorted((DOCS / "ci").glob("*.yml")), ids=lambda p: p.name)
def test_ci_files_are_yaml(path: object) -> None:
    assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)  # type: ignore[attr-defined]


def test_the_docs_show_kb_commands() -> None:
    assert len(kb_commands()) >= 8


@pytest.mark.parametrize("line", kb_commands())
def test_every_kb_command_in_the_ci_docs_parses(line: str) -> None:
    # `$CHANGED` holds optional options; other variables stand for a branch name.
    line = re.sub(r"\$\{\{[^}]*\}\}|\$CI_[A-Z_]+", "main", line.replace("$CHANGED", ""))
    words = shlex.split(line)
    assert words[0] == "kb"
    with click.Context(cli) as parent:
        cli.commands[words[1]].make_context(words[1], words[2:], parent=parent)
