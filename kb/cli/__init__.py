"""The `kb` command: a thin layer that parses options, calls the library and prints results.

Each command lives in its own module here and is registered in `COMMANDS`. Errors the user
can fix (`KbError`) print as `Error: ...` and exit 2; findings exit 1; bugs keep their traceback.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import click

from kb.cli.common import Env
from kb.errors import KbError

# (command name, module under kb.cli): each module defines `command`. Modules are imported when
# their command runs (or help lists it): `kb check` need not import the site builder, whoosh and
# numpy, which took most of a warm check's start-up.
COMMANDS: list[tuple[str, str]] = [
    ("init", "init"),
    ("check", "check"),
    ("audit", "audit"),
    ("new", "new"),
    ("schema", "schema"),
    ("rules", "rules"),
    ("explain", "explain"),
    ("config", "config"),
    ("import", "import_"),
    ("index", "index"),
    ("search", "search"),
    ("build", "build"),
    ("serve", "serve"),
]


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported on first use."""

    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = modules
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            module = importlib.import_module(f"kb.cli.{self.modules[name]}")
            command = module.command
            assert isinstance(command, click.Command), f"kb.cli.{self.modules[name]}.command"
            assert command.name == name, f"kb.cli.{self.modules[name]} names its command {command.name!r}"
            self.loaded[name] = command
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.modules.pop(name, None)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.modules.pop(name, None)
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.modules, *self.loaded]))

    def __len__(self) -> int:
        return len(set(self.modules) | set(self.loaded))


class UserError(click.ClickException):
    """A `KbError` shown the click way (`Error: ...`, exit 2), wherever `cli` is invoked from."""

    exit_code = 2

    def __init__(self, error: KbError) -> None:
        super().__init__(error.render())

    def show(self, file: Any = None) -> None:
        click.echo(click.style("Error: ", fg="red", bold=True) + self.message, err=True)


class _Group(click.Group):
    # The group, not only `main()`, turns user errors into exit 2: click's CliRunner and any
    # program that embeds `cli` then see what a user sees, never a traceback.
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            raise UserError(exc) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kb", prog_name="kb")
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    envvar="KB_ROOT",
    help="The knowledge base folder (default: found from the current folder, as git does).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only findings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more: hints under findings, timings.")
@click.pass_context
def cli(ctx: click.Context, root: str | None, quiet: bool, verbose: bool) -> None:
    """kb: a docs-as-code knowledge base for support teams.

    Validate, lint, index and publish KCS articles kept as Markdown in git.
    """
    ctx.obj = Env(root=root, quiet=quiet, verbose=verbose)


cli.commands = _Commands(dict(COMMANDS))


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script and `python -m kb`."""
    try:
        return cli.main(args=argv, prog_name="kb", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except KbError as exc:
        click.echo(click.style("Error: ", fg="red", bold=True) + exc.render(), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    finally:
        # The process ends next. Its last act would be a full pass of the cyclic collector over
        # every object the command made, to free memory the system takes back anyway: frozen,
        # they are skipped (a quarter of a second of a `kb check` at 10,000 articles, of 1.6 s).
        gc.freeze()
