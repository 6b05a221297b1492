"""Rules about kb's own markers: inline suppressions that need a reason, and a baseline that may only shrink.

`kb.quality.suppression` reads the comments and `kb.quality.baseline` the baseline file; these
are the findings they report.
"""

from __future__ import annotations

from kb.findings import Level
from kb.rules.base import Group, Rule


class SuppressionWithoutReason(Rule):
    """## What it does
    Reports an inline suppression (`<!-- kb: disable=... -->`) that gives no `reason="..."`.
    Such a comment suppresses nothing.

    ## Why it matters
    A suppression is a decision someone will have to revisit. Without the why, the next writer
    cannot tell a deliberate exception from a shortcut, and nobody ever removes it.

    ## Example
    ```markdown
    <!-- kb: disable=KB202 -->
    ```

    ## Use instead
    ```markdown
    <!-- kb: disable=wall-of-text reason="legal text quoted verbatim from the contract" -->
    ```
    """

    code = "KB014"
    name = "suppression-without-reason"
    group = Group.SOURCE
    summary = "An inline suppression gives no reason."
    hint = 'add reason="..." saying why this finding is acceptable here'


class InvalidSuppression(Rule):
    """## What it does
    Reports an inline suppression that kb cannot use: a rule code or name that does not exist,
    or a comment that does not read `kb: disable=RULES reason="..."` (or `disable-file=`).

    ## Why it matters
    A misspelt rule in a suppression silently suppresses nothing, and the writer believes the
    finding is handled.

    ## Example
    ```markdown
    <!-- kb: disable=KB2020 reason="long table" -->
    ```

    ## Use instead
    ```markdown
    <!-- kb: disable=KB202 reason="long table" -->
    ```
    `kb rules` lists every code and name.
    """

    code = "KB015"
    name = "invalid-suppression"
    group = Group.SOURCE
    summary = "An inline suppression names an unknown rule or is malformed."
    hint = 'write <!-- kb: disable=CODE-or-name reason="..." --> with a code from kb rules'


class StaleBaselineEntry(Rule):
    """## What it does
    Reports an entry of the baseline file (`.kb-baseline.json`) that no finding matches any more:
    the problem was fixed, the text it was about changed, or its file was deleted or moved (then
    it would accept the findings of any file that comes to that path later).

    ## Why it matters
    The baseline lets a team adopt kb on an existing knowledge base without fixing everything at
    once; it must only shrink. A stale entry would silently accept the same problem if it came
    back, so the run fails until the baseline is written again.

    ## Example
    `.kb-baseline.json` accepts a `KB202 wall-of-text` in `articles/billing/plan-limits.md`,
    and someone has since split that paragraph.

    ## Use instead
    Run `kb check --write-baseline` (or `kb audit --write-baseline`) and commit the smaller file.
    """

    code = "KB016"
    name = "stale-baseline-entry"
    group = Group.SOURCE
    summary = "A baseline entry matches no finding any more."
    hint = "run kb check --write-baseline and commit the smaller baseline"


class UnusedSuppression(Rule):
    """## What it does
    Reports an inline suppression, or one rule of it, that covers no finding: the rule it names
    finds nothing in the lines it covers (or in the file, for `disable-file=`).

    ## Why it matters
    The problem was fixed, or the comment sits in the wrong place. Left in, it will silently hide
    the same problem when it comes back, and readers keep wondering what it is for.

    ## Example
    ```markdown
    <!-- kb: disable=KB202 reason="long table" -->
    A short paragraph that is no wall of text any more.
    ```

    ## Use instead
    Remove the comment, or move it to the block that has the finding.
    """

    code = "KB017"
    name = "unused-suppression"
    group = Group.SOURCE
    level = Level.WARNING
    summary = "An inline suppression covers no finding."
    hint = "remove the comment, or move it to the lines whose finding it should cover"


RULES: list[type[Rule]] = [SuppressionWithoutReason, InvalidSuppression, StaleBaselineEntry, UnusedSuppression]
