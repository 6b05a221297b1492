"""The health score: 0-100 per article from the groups of checks, weighted as `kb.yaml` says.

A group passes when no finding of it is a warning or an error (info findings are advice). A
group with an error loses its whole weight, one with only warnings half of it. The score keeps
the checks it was computed from, so a report can always say why, not only how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.config import Weights
from kb.findings import Finding, Level
from kb.rules import ALL_RULES, Group

SCORED = (Group.COMPLETE, Group.CLEAR, Group.FINDABLE, Group.LINKS, Group.SAFE, Group.UNIQUE, Group.CURRENT)


@dataclass(slots=True)  # one per article: 50,000 at once
class GroupCheck:
    """One group of checks for one article: passed, or the findings that failed it."""

    group: Group
    weight: float
    findings: list[Finding] = field(default_factory=list)

    @property
    def worst(self) -> Level | None:
        return max((f.level for f in self.findings), default=None)

    @property
    def passed(self) -> bool:
        worst = self.worst
        return worst is None or worst < Level.WARNING

    @property
    def lost(self) -> float:
        """The share of the weight this group loses."""
        worst = self.worst
        if worst is None or worst < Level.WARNING:
            return 0.0
        return self.weight if worst >= Level.ERROR else self.weight / 2


@dataclass(slots=True)
class HealthScore:
    score: int
    checks: list[GroupCheck]

    @property
    def failed(self) -> list[GroupCheck]:
        return [c for c in self.checks if not c.passed]


_GROUPS = {rule.code: rule.group for rule in ALL_RULES}


def group_of(finding: Finding) -> Group:
    return _GROUPS.get(finding.code, Group.SOURCE)


def health(findings: list[Finding], weights: Weights, *, readable: bool = True) -> HealthScore:
    """The score of one article from all its findings. An article kb cannot read scores 0."""
    checks = [GroupCheck(group, float(getattr(weights, group.value))) for group in SCORED]
    by_group = {c.group: c for c in checks}
    for finding in findings:
        check = by_group.get(group_of(finding))
        if check is not None:
            check.findings.append(finding)
    if not readable:
        return HealthScore(0, checks)
    total = sum(c.weight for c in checks)
    if total <= 0:
        return HealthScore(100, checks)
    lost = sum(c.lost for c in checks)
    return HealthScore(round(100 * (total - lost) / total), checks)
