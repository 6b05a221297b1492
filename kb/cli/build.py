"""`kb build`: write the static sites (internal and public by default) under site/."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from kb.cli.common import Env, colour_for, display_path, format_finding, pass_env, plural, verbosity
from kb.errors import UsageError
from kb.site.build import LeakError, build


@click.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write the sites here (default: site/).")
@click.option("--site", "sites", multiple=True, metavar="NAME", help="Build only this site (repeatable).")
@click.option("--no-search", is_flag=True, help="Skip the Pagefind search index (faster; search pages say so).")
@click.option(
    "--full",
    is_flag=True,
    help="Build each site into a new folder and its search index anew, instead of updating them in place.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the build cache (.kb-cache/site.sqlite).")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Date staleness is judged on (default: SOURCE_DATE_EPOCH, else today).",
)  # fmt: skip
@verbosity
@pass_env
def command(
    env: Env,
    out: Path | None,
    sites: tuple[str, ...],
    no_search: bool,
    full: bool,
    no_cache: bool,
    today: dt.datetime | None,
) -> None:
    """Build one static site per configured site (default: all of them) into site/NAME/.

    Each site shows only the articles its audiences and confidences allow. A customer site is
    scanned after writing for any internal id, title or note; a leak fails the build (exit 1)
    and leaves the previous site in place.
    """
    kb = env.kb()
    try:
        report = build(
            kb, sites=list(sites) or None, out=out, today=today.date() if today else None,
            search=False if no_search else None, full=full, cache=False if no_cache else None,
        )  # fmt: skip
    except LeakError as exc:
        click.echo(click.style("Error: ", fg="red", bold=True) + exc.render(), err=True)
        sys.exit(1)
    except OSError as exc:
        folder = out or kb.root / kb.config.site.output
        if not _within(exc.filename, folder):
            raise  # not the output folder: a bug, which keeps its traceback
        raise UsageError(
            f"cannot write the sites to {folder}: {exc.strerror or exc}",
            hint="pass --out with a folder you can write to (the previous site, if any, is unchanged)",
        ) from None
    env.warn(report.warnings)
    for finding in report.unreadable:
        click.echo(format_finding(kb, finding, colour=colour_for(sys.stdout), hint=False), err=True)
    for site in report.sites:
        how = "written whole" if site.full else f"{plural(site.written, 'file')} changed"
        removed = f", {site.removed:,} removed" if site.removed else ""
        search = "" if site.indexed else ", no search index"
        env.info(
            f"{site.name}: {plural(site.articles, 'article')}, {plural(site.pages, 'page')} "
            f"({how}{removed}{search}) → {display_path(kb, kb.relpath(site.folder))}/"
        )
    if env.verbose:
        built = f"Built {plural(len(report.sites), 'site')} from {plural(report.articles, 'article')}"
        env.info(f"{built} in {report.seconds:.2f} s.")


def _within(filename: object, folder: Path) -> bool:
    """Whether an OSError's file is the output folder, inside it, or a folder above it."""
    if not isinstance(filename, (str, os.PathLike)):
        return False
    failed, top = Path(filename).resolve(), folder.resolve()
    return failed.is_relative_to(top) or top.is_relative_to(failed)
