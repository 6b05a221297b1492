"""`kb index`: build or update the search index of each site (only changed articles, unless --full)."""

from __future__ import annotations

import click

from kb.cli.common import Env, pass_env, plural, verbosity
from kb.search import update_index


@click.command("index")
@click.option("--site", help="Only this site's index (default: every site in the taxonomy).")
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of re-indexing only changed articles.")
@verbosity
@pass_env
def command(env: Env, site: str | None, full: bool) -> None:
    """Build or update the search indexes, one per site, from exactly what each site publishes.

    Only articles whose files changed are re-indexed. A full build is written aside and swapped
    in when complete, so an interrupted run leaves the previous index. A second `kb index`
    waits for the first (search.lock_timeout) and then fails with exit status 2.
    """
    kb = env.kb()

    def progress(name: str, done: int, total: int) -> None:
        click.echo(f"\r{name}: {done}/{total} articles", nl=done == total, err=True)

    report = update_index(kb, site, full=full, progress=progress if env.progress() else None)
    for result in report.sites:
        if result.full:
            what = f"built from scratch, {plural(result.published, 'article')}"
        elif result.changed:
            parts = [f"{n} {label}" for n, label in ((result.added, "added"), (result.updated, "updated"),
                                                      (result.removed, "removed")) if n]  # fmt: skip
            what = f"{', '.join(parts)}; {plural(result.published, 'article')} in all"
        else:
            what = f"up to date, {plural(result.published, 'article')}"
        timing = f" in {result.seconds:.2f} s" if env.verbose or result.full else ""
        env.info(f"Index of site {result.site}: {what}{timing}.")
    if report.unreadable:
        env.info(f"Left out {plural(len(report.unreadable), 'article')} that cannot be read; `kb check` says why.")
