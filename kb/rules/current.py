"""Current: staleness as DESIGN.md defines it, not age alone.

An article is due when `reviewed` plus its type's `review_interval_days` passes (due soon within
`lint.thresholds.due_soon_days` before that), when its environment names a version past end of
life, or when it links to an archived article (KB405). Without `reviewed`, the date of the last
commit that touched the file stands in (one `git log` for the whole KB). Archived articles are
retired and never stale. Every date is compared with the run's `today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.findings import Finding, Level
from kb.rules.base import CorpusRule, Group, Rule
from kb.words import plural

if TYPE_CHECKING:
    from kb.rules.facts import ArticleFacts, CorpusContext


@dataclass(frozen=True)
class ReviewDue:
    """When an article is due for review, and what that is based on."""

    due: dt.date
    basis: dt.date  # the review date, or the last commit when `reviewed` is missing
    from_git: bool
    interval: int


def review_due(facts: ArticleFacts, context: CorpusContext) -> ReviewDue | None:
    """The article's review due date, or None when neither `reviewed` nor git gives a date."""
    kind = context.taxonomy.types.get(facts.type or "")
    interval = kind.review_interval_days if kind else 365
    reviewed = facts.reviewed_date
    from_git = reviewed is None
    if reviewed is None:
        reviewed = context.last_changed.get(facts.relpath)
        if reviewed is None:
            return None
    return ReviewDue(plus_days(reviewed, interval), reviewed, from_git, interval)


def plus_days(day: dt.date, days: int) -> dt.date:
    """`day` plus `days`, or the last day a date can be (9999-12-31) when the sum is past it:
    `reviewed: 9999-12-31` makes an article due on that day, it does not stop the check."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def _basis(facts: ArticleFacts, due: ReviewDue) -> str:
    every = f"{facts.type or 'these'} articles every {due.interval} days"
    if due.from_git:
        return f"no reviewed date, last changed in git on {due.basis}; {every}"
    return f"reviewed {due.basis}; {every}"


def _live(context: CorpusContext) -> Iterator[ArticleFacts]:
    return (facts for facts in context.subjects if not facts.archived)


class ReviewOverdue(CorpusRule):
    """## What it does
    Reports an article whose review is overdue: `reviewed` plus the `review_interval_days` of its
    type (in the taxonomy) is before today. Without `reviewed`, the date of the last commit that
    changed the file counts instead.

    ## Why it matters
    Products change under articles. KCS reviews each article on a schedule so that a customer
    never follows steps for a screen that no longer exists; an overdue article is the first
    candidate for a wrong answer.

    ## Example
    ```yaml
    type: troubleshooting   # reviewed every 180 days
    reviewed: 2025-01-10    # due 2025-07-09
    ```

    ## Use instead
    Check the article against the current product, fix what changed, and set the date:
    ```yaml
    reviewed: 2026-11-20
    ```
    """

    code = "KB701"
    name = "review-overdue"
    group = Group.CURRENT
    level = Level.WARNING
    summary = "The article is overdue for review."
    hint = "check the article against the current product, then set reviewed to today's date"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts in _live(context):
            due = review_due(facts, context)
            if due is None or due.due >= context.today:
                continue
            late = (context.today - due.due).days
            location = facts.at(facts.reviewed_at if not due.from_git else (facts.end_line, 1))
            finding = self.at(
                location,
                f"review was due on {due.due}, {plural(late, 'day')} ago ({_basis(facts, due)})",
                context=f"due {due.due}",
            )
            finding.extra.update(due=due.due.isoformat())
            yield finding


class ReviewDueSoon(CorpusRule):
    """## What it does
    Reports an article whose review falls due within `lint.thresholds.due_soon_days` (30 by
    default), so its owner can plan it.

    ## Why it matters
    Reviews done before the date keep the help center free of overdue articles; the knowledge
    manager sees what is coming in the audit report.

    ## Example
    ```yaml
    type: known-issue       # reviewed every 90 days
    reviewed: 2026-09-10    # due 2026-12-09
    ```

    ## Use instead
    Review the article and set `reviewed` to the date you did.
    """

    code = "KB702"
    name = "review-due-soon"
    group = Group.CURRENT
    level = Level.INFO
    summary = "The article is due for review soon."
    hint = "plan the review; then set reviewed to the date you did it"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        last = plus_days(context.today, context.config.lint.thresholds.due_soon_days)
        for facts in _live(context):
            due = review_due(facts, context)
            if due is None or not context.today <= due.due <= last:
                continue
            days = (due.due - context.today).days
            location = facts.at(facts.reviewed_at if not due.from_git else (facts.end_line, 1))
            finding = self.at(
                location,
                f"review is due on {due.due}, in {plural(days, 'day')} ({_basis(facts, due)})",
                context=f"due {due.due}",
            )
            finding.extra.update(due=due.due.isoformat())
            yield finding


class EndOfLifeVersion(CorpusRule):
    """## What it does
    Reports a version in `environment.versions` that is past its end of life (the taxonomy's
    `products`, `end_of_life`).

    ## Why it matters
    Advice for a version nobody may run any more misleads readers on current versions, and the
    article may describe a fix that no longer exists. Either the article still applies to a
    supported version (say which) or it should be archived.

    ## Example
    ```yaml
    environment: {product: Acme Cloud, versions: ["4.0"]}   # end of life 2025-06-30
    ```

    ## Use instead
    ```yaml
    environment: {product: Acme Cloud, versions: ["4.3", "5.0"]}
    ```
    Or archive the article with `confidence: archived` and `replaced_by`.
    """

    code = "KB703"
    name = "end-of-life-version"
    group = Group.CURRENT
    level = Level.WARNING
    summary = "The environment names a version past its end of life."
    hint = "check the article on a supported version and list that, or archive the article"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts in _live(context):
            if not facts.product:
                continue
            for version, line, col in facts.versions:
                release = context.taxonomy.release(facts.product, version)
                if release is None or release.end_of_life is None or release.end_of_life >= context.today:
                    continue
                yield self.at(
                    facts.at((line, col)),
                    f"{facts.product} {version} reached end of life on {release.end_of_life}",
                    context=f"{facts.product} {version}",
                )


FUTURE_DAYS = 365  # a review date further ahead than this is a mistake, not a plan


class ReviewedInTheFuture(CorpusRule):
    """## What it does
    Reports a `reviewed` date more than a year after today: a typo (`2062` for `2026`) or a date
    set ahead by hand. The article would count as reviewed until then, and come due years late.
    (A date a little ahead, a review planned or another time zone, is left alone.)

    ## Why it matters
    Staleness hangs on the review date: one in the future hides an article from every review
    list, the audit's included, for as long as it lies ahead.

    ## Example
    ```yaml
    reviewed: 2062-02-10
    ```

    ## Use instead
    ```yaml
    reviewed: 2026-02-10
    ```
    """

    code = "KB704"
    name = "reviewed-in-the-future"
    group = Group.CURRENT
    level = Level.WARNING
    summary = "The review date is more than a year after today."
    hint = "set reviewed to the day the article was last checked"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts in _live(context):
            reviewed = facts.reviewed_date
            if reviewed is None or (reviewed - context.today).days <= FUTURE_DAYS:
                continue
            yield self.at(
                facts.at(facts.reviewed_at),
                f"reviewed {reviewed} is more than a year after today ({context.today}): a typo?",
                context=f"reviewed {reviewed}",
            )


RULES: list[type[Rule]] = [ReviewOverdue, ReviewDueSoon, EndOfLifeVersion, ReviewedInTheFuture]
