"""`kb audit`: health scores, staleness and a summary, as text or as a CI report (SARIF, JUnit, ...)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

import click

from kb.check import accept_findings
from kb.cli.common import Env, display_path, pass_env, plural, verbosity
from kb.errors import UsageError
from kb.findings import Level
from kb.project import KnowledgeBase
from kb.quality.baseline import written_message
from kb.report import FORMATS, chunks


@click.command("audit")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--changed-since", metavar="REF",
    help="Only articles changed since git REF (committed, staged or not): what a pull request changes.",
)  # fmt: skip
@click.option(
    "--format", "output_format", type=click.Choice(list(FORMATS)), default="text", show_default=True,
    help="text for people; json; sarif (GitHub code scanning); github (workflow annotations); junit; "
    "rdjson (reviewdog); html.",
)  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the knowledge-health page (one self-contained HTML file) here.",
)  # fmt: skip
@click.option("--fail-under", type=click.IntRange(0, 100), help="Exit 1 if an article scores less than this.")
@click.option(
    "--fail-level", type=click.Choice(["info", "warning", "error"]),
    help="Exit 1 on findings at or above this level (default: check.fail_level in kb.yaml).",
)  # fmt: skip
@click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]),
    help="Judge review dates as of this day (YYYY-MM-DD; default: $KB_TODAY, else today).",
)  # fmt: skip
@click.option(
    "--write-baseline", is_flag=True,
    help="Accept every current finding of the articles audited in the baseline file (keeping the "
    "entries of the others), then exit.",
)  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Check every article afresh, without .kb-cache/.")
@verbosity
@pass_env
def command(
    env: Env, paths: tuple[Path, ...], changed_since: str | None, output_format: str, output: Path | None,
    html_file: Path | None, fail_under: int | None, fail_level: str | None, today: dt.datetime | None,
    write_baseline: bool, no_cache: bool,
) -> None:  # fmt: skip
    """Audit articles (default: all): a health score 0-100 for each, which checks fail and why,
    overdue reviews, and what to fix first.

    Exit status: 0 when nothing reaches the failing level and no article scores under
    --fail-under, 1 otherwise, 2 on a usage or configuration error.
    """
    from kb.quality.health import audit  # loading articles: only when auditing

    kb = env.kb()
    day = today.date() if today else None
    for target in (output, html_file):  # before the audit, which can take a while
        if target is not None:
            _check_writable(target)
    if write_baseline:
        _write_baseline(env, kb, list(paths), changed_since, day, no_cache)
        return
    started = time.perf_counter()
    report = audit(
        kb, paths=list(paths), changed_since=changed_since, today=day,
        use_cache=False if no_cache else None, progress=env.progress_line,
    )  # fmt: skip
    env.warn(report.warnings)
    if fail_level:
        report.fail_level = Level.parse(fail_level)
    report.fail_under = fail_under
    if output:
        try:
            with output.open("w", encoding="utf-8") as file:
                file.writelines(chunks(output_format, report))
        except OSError as exc:
            raise _cannot_write(output, exc) from None
        env.info(f"Wrote the {output_format} report to {output}")
    else:
        for piece in chunks(output_format, report):
            click.echo(piece, nl=False)
    if html_file:
        try:
            html_file.write_text(FORMATS["html"](report), encoding="utf-8")
        except OSError as exc:
            raise _cannot_write(html_file, exc) from None
        env.info(f"Wrote the knowledge-health page to {html_file}")
    if env.verbose:
        env.info(f"Audited {plural(len(report.articles), 'article')} in {time.perf_counter() - started:.2f} s.")
    if report.failed:
        sys.exit(1)


def _write_baseline(
    env: Env, kb: KnowledgeBase, paths: list[Path], changed_since: str | None, day: dt.date | None, no_cache: bool
) -> None:
    cache = False if no_cache else None
    written = accept_findings(kb, paths, changed_since=changed_since, today=day, use_cache=cache)
    env.info(written_message(written.entries, written.findings, display_path(kb, written.relpath)))


def _check_writable(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: there is no folder {folder}", hint="create it first, or choose another")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write {path}: the folder {folder} is not writable")


def _cannot_write(path: Path, exc: OSError) -> UsageError:
    return UsageError(f"cannot write {path}: {exc.strerror or exc}")
