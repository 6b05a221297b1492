"""`kb explain CODE-or-name`: a rule's documentation page."""

from __future__ import annotations

import click

from kb.cli.common import verbosity
from kb.errors import UsageError
from kb.rules import find_rule


@click.command("explain")
@click.argument("rule")
@verbosity
def command(rule: str) -> None:
    """Show what a rule checks, why it matters, and how to fix it (KB101 or missing-section)."""
    found = find_rule(rule)
    if found is None:
        raise UsageError(f"no rule {rule!r}", hint="kb rules lists them all")
    click.echo(f"# {found.code} {found.name}\n")
    click.echo(f"{found.summary} (group: {found.group.value}, level: {found.level.label})\n")
    if found.hint:
        click.echo(f"Fix: {found.hint}\n")
    click.echo(found.doc())
