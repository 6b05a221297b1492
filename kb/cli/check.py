"""`kb check [PATHS...]`: findings with file:line:col, exit 1 when any reaches the failing level."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from kb.check import accept_findings, check
from kb.cli.common import Env, colour_for, display_path, format_findings, pass_env, plural, verbosity
from kb.findings import Level
from kb.fix import fix_articles
from kb.quality.baseline import written_message


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
@click.option(
    "--fix", is_flag=True, help="Rewrite files first: remove byte order marks, turn CRLF and lone CR endings into LF."
)
@click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]),
    help="Judge review dates as of this day (YYYY-MM-DD; default: $KB_TODAY, else today).",
)  # fmt: skip
@click.option(
    "--write-baseline", is_flag=True,
    help="Accept every current finding in the baseline file (adopting kb on an existing KB), then exit.",
)  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Check every article afresh, without .kb-cache/.")
@verbosity
@pass_env
def command(
    env: Env, paths: tuple[Path, ...], output_format: str, fail_level: str | None, fix: bool,
    today: dt.datetime | None, write_baseline: bool, no_cache: bool,
) -> None:  # fmt: skip
    """Check articles (default: the whole KB) against the schema, taxonomy and rules.

    Prints `path:line:col: CODE name: message` for each finding. Exit status: 0 when clean,
    1 when a finding reaches the failing level, 2 on a usage or configuration error.
    """
    kb = env.kb()
    outside = kb.outside_articles(list(paths))
    if len(outside) < len(paths):  # all of them outside: kb.article_paths refuses (exit 2)
        for path in outside:
            env.info(f"{path}: not in the articles folder ({kb.config.articles}/), not checked")
    if fix:
        fixes = fix_articles(kb.article_paths(list(paths)), kb.root)
        for skipped in fixes.skipped:
            env.info(f"{display_path(kb, kb.relpath(skipped.path))}: {skipped.reason}")
        if fixes.changed:
            env.info(f"Fixed {plural(len(fixes.changed), 'file')}: byte order marks and line endings.")
    day = today.date() if today else None
    cache = False if no_cache else None
    if write_baseline:
        written = accept_findings(kb, list(paths), today=day, use_cache=cache)
        env.info(written_message(written.entries, written.findings, display_path(kb, written.relpath)))
        return
    started = time.perf_counter()
    result = check(kb, list(paths), today=day, use_cache=cache, progress=env.progress_line)
    elapsed = time.perf_counter() - started
    env.warn(result.warnings)
    threshold = Level.parse(fail_level) if fail_level else kb.config.check.fail_level

    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in result.findings], indent=2, ensure_ascii=False))
    else:
        colour = colour_for(sys.stdout)
        if result.findings:  # one write: 100,000 findings of a first run print in well under a second
            click.echo(format_findings(kb, result.findings, colour=colour, hint=env.verbose))
        if not env.quiet:
            files = len({f.location.path for f in result.findings})
            if result.findings:
                parts = [plural(result.count(level), level.label) for level in reversed(Level) if result.count(level)]
                env.info(f"Found {', '.join(parts)} in {files:,} of {plural(len(result.checked), 'article')}.")
            elif paths and not result.checked:  # README.md alone, from a pre-commit hook
                env.info("No articles among the files given (README.md and excluded files are not checked).")
            else:
                env.info(f"All {plural(len(result.checked), 'article')} pass.")
            if result.accepted:
                env.info(f"The baseline accepts {plural(len(result.accepted), 'more finding')}.")
        if env.verbose:
            fresh = f"{result.examined} read afresh, the others from the cache"
            env.info(f"Checked {plural(len(result.checked), 'article')} in {elapsed:.2f} s ({fresh}).")
    if result.failed(threshold):
        sys.exit(1)
