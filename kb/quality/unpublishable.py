"""What a customer site never publishes, whatever else allows it: credentials and card numbers, and
staff notes whose markup went wrong (an internal block never closed, a `:::` line customers would
see): the text the writer meant for staff is then not where the parser puts it, and some of it
would be published.

One judgement for every place that publishes to customers: the sites (from the audit they read,
or afresh for a file where kb.yaml turns a rule off) and the search index of a customer site
(which reads articles without an audit). Emails, addresses and customer names are findings for
`kb check` to fix, not reasons to withhold: imported corpora are full of example addresses
(someone@contoso.com).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.quality import suppression
from kb.quality.policy import Policy
from kb.rules.complete import UnclosedInternalBlock
from kb.rules.context import CheckContext
from kb.rules.safe import CardNumber, Secret, StrayContainerLine

if TYPE_CHECKING:
    from kb.article import Article
    from kb.findings import Finding

# Whatever kb.yaml's lint settings say: they decide what `kb check` reports and fails on (its
# levels, `ignore`, `select`, `per_path`), not what customers may read. Only an inline suppression
# (with its reason, for a made-up example) lets an article through.
WITHHELD = (Secret, CardNumber, UnclosedInternalBlock, StrayContainerLine)
WITHHELD_CODES = frozenset(rule.code for rule in WITHHELD)


def withheld_findings(findings: list[Finding]) -> list[Finding]:
    """Of an article's reported findings, those that keep it off a customer site."""
    return [f for f in findings if f.code in WITHHELD_CODES]


def unpublishable(article: Article, context: CheckContext) -> list[Finding]:
    """The findings that keep `article` off a customer site, found afresh with its inline
    suppressions applied. kb.yaml's lint settings are not consulted: turning the rules off for
    `kb check` publishes nothing."""
    found = [f for rule in WITHHELD for f in rule().check(article, context)]
    if not found:
        return []
    suppressions, _ = suppression.read_suppressions(article.relpath, article.text, article.body_line, article.blocks[0])
    return suppression.apply(found, suppressions)


def reported(policy: Policy, relpath: str) -> bool:
    """Whether `kb check` reports every one of these rules for the file at `relpath`: if so, its
    findings are the judgement, and it need not be made afresh."""
    return all(policy.level(rule.code, relpath, rule.level) is not None for rule in WITHHELD)
