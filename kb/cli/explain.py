"""`kb explain CODE-or-name`: a rule's documentation page."""

from __future__ import annotations

import difflib
import re

import click

from kb.cli.common import verbosity
from kb.errors import UsageError
from kb.rules import ALL_RULES, find_rule
from kb.taxonomy import did_you_mean


@click.command("explain")
@click.argument("rule")
@verbosity
def command(rule: str) -> None:
    """Show what a rule checks, why it matters, and how to fix it (KB101 or missing-section)."""
    found = find_rule(rule)
    if found is None:
        raise UsageError(f"no rule {rule!r}{_did_you_mean(rule)}", hint="kb rules lists them all")
    click.echo(f"# {found.code} {found.name}\n")
    click.echo(f"{found.summary} (group: {found.group.value}, level: {found.level.label})\n")
    if found.hint:
        click.echo(f"Fix: {found.hint}\n")
    click.echo(found.doc())


def _did_you_mean(rule: str) -> str:
    """The rule meant by a misspelt name, or by a code with a stray character (`KB1O1`). A code
    one digit off (`KB999`) or cut short (`KB10`) could be any of several rules: no guess."""
    if not re.fullmatch(r"(?i)kb[\s\w-]*\d[\s\w-]*", rule.strip()):
        return did_you_mean(rule, [r.name for r in ALL_RULES])
    typed = re.sub(r"[\s-]", "", rule.upper())
    scores = {r.code: difflib.SequenceMatcher(None, typed, r.code).ratio() for r in ALL_RULES}
    best = max(scores.values())
    closest = [code for code, score in scores.items() if score == best]
    return f' (did you mean "{closest[0]}"?)' if best >= 0.8 and len(closest) == 1 else ""
