"""`kb rules`: every rule with its code, name, group and level (and, inside a KB, its level there)."""

from __future__ import annotations

import json

import click

from kb.cli.common import Env, pass_env, verbosity
from kb.errors import NotAKnowledgeBase
from kb.rules import ALL_RULES, Group, Rule


@click.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@click.option(
    "--group", "group_name", type=click.Choice([g.value for g in Group]), help="Only the rules of this group."
)
@verbosity
@pass_env
def command(env: Env, as_json: bool, group_name: str | None) -> None:
    """List every rule kb checks (see one with kb explain CODE).

    Inside a knowledge base, a last column says how its kb.yaml (lint: select, ignore, levels)
    changes a rule: `off`, or the level it is reported at there.
    """
    rules = [r for r in ALL_RULES if group_name is None or r.group.value == group_name]
    here = _levels_here(env, rules)
    if as_json:
        rows = [
            {"code": r.code, "name": r.name, "group": r.group.value, "level": r.level.label, "summary": r.summary}
            | ({"in_this_kb": here[r.code]} if here else {})
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    group = None
    for rule in rules:
        if rule.group is not group:
            group = rule.group
            click.echo(("\n" if rule is not rules[0] else "") + click.style(group.title, bold=True))
        changed = f"  [{here[rule.code]} here]" if here and here[rule.code] != rule.level.label else ""
        click.echo(f"  {rule.code}  {rule.name:<28} {rule.level.label:<8} {rule.summary}{changed}")


def _levels_here(env: Env, rules: list[type[Rule]]) -> dict[str, str]:
    """How the current KB reports each rule ('off' or a level); empty outside a KB."""
    from kb.quality.policy import load_policy

    try:
        kb = env.kb()
    except NotAKnowledgeBase:
        return {}
    policy = load_policy(kb.config)
    levels = {}
    for rule in rules:
        level = policy.level(rule.code, "", rule.level) if policy.enabled(rule.code) else None
        levels[rule.code] = level.label if level else "off"
    return levels
