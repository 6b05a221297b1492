"""`kb import SRC`: bring a folder of foreign Markdown articles into the KB, with a report of what did not map."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from kb.cli.common import Env, pass_env, verbosity
from kb.errors import UsageError
from kb.importer import ImportOptions, import_articles


@click.command("import")
@click.argument("src", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--mapping", help="Field mapping: 'docfx' (Microsoft Learn front matter) or a YAML mapping file (importer.mapping)."
)
@click.option(
    "--include-root", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder [!INCLUDE] paths resolve against, as the source repository's root (default: SRC).",
)  # fmt: skip
@click.option(
    "--link-base", metavar="URL",
    help="Address of the site the articles came from: links from its root (/x) become full addresses into it, "
    "such as https://learn.microsoft.com (default: importer.link_base; none: kept and reported).",
)  # fmt: skip
@click.option("--into", help="Folder under the articles folder to write to (their own folders are kept beneath).")
@click.option("--audience", help="Audience of imported articles (default: importer.audience, internal).")
@click.option("--confidence", help="Confidence of imported articles (default: importer.confidence, not-validated).")
@click.option("--owner", help="Owner of imported articles (default: team-<top-level area>).")
@click.option(
    "--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as JSON."
)
@click.option(
    "--source-name", metavar="NAME",
    help="Name of the source in source: (NAME/path/of/file.md; default: SRC's folder name): tells apart two "
    "folders of the same name imported into one folder, such as teamA/docs and teamB/docs.",
)  # fmt: skip
@click.option(
    "--overwrite", is_flag=True,
    help="Replace the articles edited in kb since they were imported with the source's version (by default a "
    "re-run keeps them and reports them as edited-since-import), and take over the articles of a folder of the "
    "same name imported from elsewhere (a folder that moved; reported as other-folder otherwise).",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Write nothing; report what would happen.")
@verbosity
@pass_env
def command(
    env: Env, src: Path, mapping: str | None, include_root: Path | None, link_base: str | None, into: str | None,
    audience: str | None,
    confidence: str | None, owner: str | None, report_file: Path | None, source_name: str | None,
    overwrite: bool, dry_run: bool,
) -> None:  # fmt: skip
    """Import the Markdown articles under SRC, mapping their front matter and syntax to kb's.

    Each article records in `source:` its path from the folder above SRC (SRC's name, or
    --source-name, then its path under SRC); importing SRC into the same folder again updates
    those articles in place (keeping their ids, and the audience, confidence and owner set since,
    unless given here) and never duplicates them; another folder's files never touch them, even
    a folder of the same name. An article edited in kb since the import wrote it is kept as it is
    and reported, unless --overwrite is given (what each import wrote is recorded in
    .kb-import.json: commit it with the articles). Areas, owners and error codes the articles
    need are added to schemas/. The report lists everything that did not map, with the source
    file and line.
    """
    kb = env.kb()
    if report_file is not None:
        _check_writable(report_file)
    options = ImportOptions(
        mapping=mapping, audience=audience, confidence=confidence, owner=owner, into=into,
        include_root=include_root, link_base=link_base, source_name=source_name, overwrite=overwrite,
        dry_run=dry_run,
    )  # fmt: skip

    def progress(done: int, total: int) -> None:
        click.echo(f"\rReading {done}/{total} files", nl=done == total, err=True)

    report = import_articles(kb, src, options, progress=progress if env.progress() else None)
    if report_file is not None:
        report_file.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if env.quiet:
        return
    click.echo(report.render(per_kind=None if env.verbose else 10))
    if report_file is not None:
        env.info(f"Wrote the full report to {report_file}.")


def _check_writable(report_file: Path) -> None:
    """Refuse a report that cannot be written before the import writes anything (it stopped with
    a traceback after writing the whole import)."""
    folder = report_file.parent
    if not folder.is_dir():
        raise UsageError(f"--report {report_file}: no such folder {folder}", hint="create it, or name another file")
    if (
        report_file.is_dir()
        or not os.access(folder, os.W_OK)
        or (report_file.exists() and not os.access(report_file, os.W_OK))
    ):
        raise UsageError(f"--report {report_file}: cannot write this file", hint="name a file you may write")
