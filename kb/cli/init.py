"""`kb init [DIR]`: make a new knowledge base."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import Env, pass_env, verbosity


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The knowledge base's name (shown on its sites).")
@verbosity
@pass_env
def command(env: Env, directory: Path, name: str | None) -> None:
    """Make a new knowledge base in DIRECTORY (default: here).

    Writes kb.yaml, a starter taxonomy in schemas/, and one example article.
    """
    from kb.scaffold import init_kb  # jsonschema: only when making a KB

    kb = init_kb(directory, name=name)
    env.info(f"Created a knowledge base in {kb.root}")
    env.info('Next: kb new --type troubleshooting --title "..." --area getting-started, then kb check')
