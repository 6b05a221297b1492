"""What every command shares: the global options, finding the KB, and printing findings."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from kb.controls import escaped
from kb.errors import ConfigWarning
from kb.findings import Finding, Level
from kb.project import KnowledgeBase
from kb.words import plural as plural  # one wording for counts, in reports and commands

F = TypeVar("F", bound=Callable[..., Any])

LEVEL_COLOURS = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "blue"}


@dataclass
class Env:
    """Global options, passed to every command as click's context object."""

    root: str | None = None
    quiet: bool = False
    verbose: bool = False

    def kb(self) -> KnowledgeBase:
        return KnowledgeBase.discover(Path(self.root) if self.root else None)

    def progress(self) -> bool:
        """Show progress only on an interactive terminal, and never in CI."""
        return not self.quiet and sys.stderr.isatty() and not os.environ.get("CI")

    def progress_line(self, done: int, total: int) -> None:
        """`Checked 1,200 of 10,000 articles` rewritten in place on a terminal; nothing in CI."""
        if self.progress():
            end = "\n" if done >= total else ""
            click.echo(f"\rChecked {done:,} of {plural(total, 'article')}", err=True, nl=False)
            click.echo(end, err=True, nl=False)

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def warn(self, warnings: list[ConfigWarning]) -> None:
        """Settings that look wrong, with file and line; shown even with -q, as errors are."""
        for warning in warnings:
            click.echo(click.style("Warning: ", fg="yellow", bold=True) + warning.render(), err=True)


pass_env = click.make_pass_decorator(Env, ensure=True)


def _set_flag(name: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        if value:
            setattr(ctx.ensure_object(Env), name, True)

    return callback


def verbosity(command: F) -> F:
    """`-q` and `-v` after the command name too (`kb check -q`), as users expect."""
    command = click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, is_eager=True,
        callback=_set_flag("verbose"), help="Print more: hints under findings, timings.",
    )(command)  # fmt: skip
    return click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, is_eager=True,
        callback=_set_flag("quiet"), help="Print only findings and errors.",
    )(command)  # fmt: skip


def display_path(kb: KnowledgeBase, relpath: str) -> str:
    """A path from the KB root as the user will click it: relative to where they stand."""
    if relpath.startswith("/"):  # outside the KB (`kb build --out /srv/site`): already whole
        return relpath
    root, cwd = str(kb.root), os.getcwd()  # noqa: PTH109 - Path.cwd() per finding costs seconds at 100,000
    # A prefix to drop or to add, worked out once per run, not a relpath() per file: a first
    # check of a big KB prints 100,000 findings (paths from the root hold no '..').
    inside = _cwd_in_root(root, cwd)
    if inside is not None:  # standing in the KB: below where one stands, or up and across
        return relpath[len(inside) :] if relpath.startswith(inside) else _relative_to(root, cwd, relpath)
    prefix = _root_seen_from(root, cwd)
    return (prefix + relpath) if prefix is not None else f"{Path(root).as_posix()}/{relpath}"


@lru_cache(maxsize=16)
def _cwd_in_root(root: str, cwd: str) -> str | None:
    """'' when `cwd` is the root, 'articles/' when it is root/articles, None when it is elsewhere."""
    if cwd == root:
        return ""
    if cwd.startswith(root.rstrip(os.sep) + os.sep):
        return Path(cwd).relative_to(root).as_posix() + "/"
    return None


@lru_cache(maxsize=65536)
def _relative_to(root: str, cwd: str, relpath: str) -> str:
    return Path(os.path.relpath(Path(root) / relpath, cwd)).as_posix()


@lru_cache(maxsize=16)
def _root_seen_from(root: str, cwd: str) -> str | None:
    """How the root reads from a `cwd` outside it: 'kb/' when it is cwd/kb, '../kb/' from a
    sibling; None when it is far away (an absolute path reads better than ../../../..)."""
    try:
        shown = Path(os.path.relpath(root, cwd)).as_posix()
    except ValueError:  # another drive on Windows
        return None
    if shown.startswith("../../.."):
        return None
    return "" if shown == "." else shown + "/"


def format_findings(kb: KnowledgeBase, findings: list[Finding], *, colour: bool, hint: bool) -> str:
    """Every finding on its own line (what `kb check` prints), in one string to write at once."""
    if colour or hint:
        return "\n".join(format_finding(kb, f, colour=colour, hint=hint) for f in findings)
    # The plain form, the one CI and pipes get: a first check of 10,000 articles prints 50,000.
    shown: dict[str, str] = {}
    lines = []
    for f in findings:
        loc = f.location
        path = shown.get(loc.path)
        if path is None:
            path = shown[loc.path] = escaped(display_path(kb, loc.path))
        lines.append(f"{path}:{loc.line}:{loc.col}: {f.code} {f.name}: {escaped(f.message)}")
    return "\n".join(lines)


def format_finding(kb: KnowledgeBase, finding: Finding, *, colour: bool, hint: bool) -> str:
    loc = finding.location
    where = f"{escaped(display_path(kb, loc.path))}:{loc.line}:{loc.col}"
    code = f"{finding.code} {finding.name}"
    if colour:
        where = click.style(where, bold=True)
        code = click.style(code, fg=LEVEL_COLOURS[finding.level])
    line = f"{where}: {code}: {escaped(finding.message)}"
    if hint and finding.hint:
        label = click.style("hint:", dim=True) if colour else "hint:"
        line += f"\n    {label} {finding.hint}"
    return line


def colour_for(stream: TextIO) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org), as in an editor's task."""
    return stream.isatty() and not os.environ.get("NO_COLOR")
