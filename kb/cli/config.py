"""`kb config`: show the KB's settings, or document every setting kb knows."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path
from typing import Any

import click
import yaml

from kb.cli.common import Env, pass_env, verbosity
from kb.config import Config, settings_doc
from kb.quality.policy import load_policy


@click.command("config")
@click.option("--docs", is_flag=True, help="Document every setting (name, default, meaning) instead.")
@verbosity
@pass_env
def command(env: Env, docs: bool) -> None:
    """Show the knowledge base's effective settings (kb.yaml with defaults filled in)."""
    if docs:
        for name, default, doc in settings_doc(Config):
            click.echo(f"{name}" + (f"  (default: {default})" if default else "") + f"\n    {doc}")
        return
    kb = env.kb()
    load_policy(kb.config)  # a rule name no command would accept is an error here too
    values = _plain(dataclasses.asdict(kb.config))
    values.pop("path", None)
    click.echo(f"# {kb.config.path}")
    click.echo(yaml.safe_dump(values, sort_keys=False, allow_unicode=True), nl=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, Path):
        return str(value)
    return value
