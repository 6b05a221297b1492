"""`kb schema`: write (or verify) the article JSON Schema that editors use."""

from __future__ import annotations

import sys

import click

from kb.cli.common import Env, display_path, pass_env, verbosity
from kb.errors import UsageError


@click.command("schema")
@click.option("--check", "verify", is_flag=True, help="Exit 1 if the file is out of date instead of writing it.")
@click.option("--stdout", is_flag=True, help="Print the schema instead of writing it.")
@verbosity
@pass_env
def command(env: Env, verify: bool, stdout: bool) -> None:
    """Write schemas/article.schema.json from the taxonomy (areas, types, owners, codes).

    Point your editor's YAML extension at it to get completion and checks as you type.
    """
    if verify and stdout:  # which one was meant? Printing would pass a stale file as checked.
        raise UsageError("--check and --stdout do not go together", hint="--check verifies the file; --stdout prints")
    # jsonschema: imported only when this command runs, so that `kb check` starts faster.
    from kb.scaffold import write_editor_schema
    from kb.schema import SCHEMA_FILE, dumps, editor_schema

    kb = env.kb()
    text = dumps(editor_schema(kb.config, kb.taxonomy))
    path = kb.schemas_dir / SCHEMA_FILE
    if stdout:
        click.echo(text, nl=False)
        return
    if verify:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            click.echo(f"{display_path(kb, kb.relpath(path))} is out of date: run kb schema", err=True)
            sys.exit(1)
        env.info(f"{display_path(kb, kb.relpath(path))} is up to date.")
        return
    written = write_editor_schema(kb)
    env.info(f"Wrote {display_path(kb, kb.relpath(written))}")
