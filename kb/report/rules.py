"""What reports say about a rule: its descriptions from its doc, and levels in each format's words."""

from __future__ import annotations

from functools import cache

from kb.findings import Level
from kb.rules import ALL_RULES, Rule

SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}


@cache
def rule_index() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in ALL_RULES}


def what_it_does(rule: type[Rule]) -> str:
    """The text of the rule's `## What it does` section, on one line."""
    doc = rule.doc()
    head = "## What it does"
    if head not in doc:
        return rule.summary
    section = doc.split(head, 1)[1].split("\n## ", 1)[0]
    return " ".join(section.split())
