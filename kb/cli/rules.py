"""`kb rules`: every rule with its code, name, group and level."""

from __future__ import annotations

import json

import click

from kb.rules import ALL_RULES


@click.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
def command(as_json: bool) -> None:
    """List every rule kb checks (see one with kb explain CODE)."""
    if as_json:
        rows = [
            {"code": r.code, "name": r.name, "group": r.group.value, "level": r.level.label, "summary": r.summary}
            for r in ALL_RULES
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    group = None
    for rule in ALL_RULES:
        if rule.group is not group:
            group = rule.group
            click.echo(("\n" if rule is not ALL_RULES[0] else "") + click.style(group.title, bold=True))
        click.echo(f"  {rule.code}  {rule.name:<28} {rule.level.label:<8} {rule.summary}")
