"""`kb check [PATHS...]`: findings with file:line:col, exit 1 when any reaches the failing level."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb.check import check
from kb.cli.common import Env, format_finding, pass_env, plural, verbosity
from kb.findings import Level
from kb.fix import fix_files


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text: one line per finding; json: a list of findings.",
)  # fmt: skip
@click.option(
    "--fail-level", type=click.Choice(["info", "warning", "error"]), default=None,
    help="Exit 1 on findings at or above this level (default: check.fail_level in kb.yaml).",
)  # fmt: skip
@click.option("--fix", is_flag=True, help="Rewrite files to remove a byte order mark and CRLF endings first.")
@verbosity
@pass_env
def command(env: Env, paths: tuple[Path, ...], output_format: str, fail_level: str | None, fix: bool) -> None:
    """Check articles (default: the whole KB) against the schema, taxonomy and rules.

    Prints `path:line:col: CODE name: message` for each finding. Exit status: 0 when clean,
    1 when a finding reaches the failing level, 2 on a usage or configuration error.
    """
    kb = env.kb()
    if fix:
        fixed = fix_files(kb.article_paths(list(paths)))
        if fixed:
            env.info(f"Fixed {plural(len(fixed), 'file')}: byte order marks and line endings.")
    result = check(kb, list(paths))
    threshold = Level.parse(fail_level) if fail_level else kb.config.check.fail_level

    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in result.findings], indent=2, ensure_ascii=False))
    else:
        colour = sys.stdout.isatty()
        for finding in result.findings:
            click.echo(format_finding(kb, finding, colour=colour, hint=env.verbose))
        if not env.quiet:
            files = len({f.location.path for f in result.findings})
            if result.findings:
                parts = [plural(result.count(level), level.label) for level in reversed(Level) if result.count(level)]
                env.info(f"Found {', '.join(parts)} in {files} of {plural(len(result.checked), 'article')}.")
            else:
                env.info(f"All {plural(len(result.checked), 'article')} pass.")
    if result.failed(threshold):
        sys.exit(1)
