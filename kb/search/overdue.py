"""Which articles a customer site's index leaves out as overdue (`site.overdue: hide`), as `kb build` does.

The build keeps an overdue article off a customer site from its staleness, which comes from
kb check's findings (KB701, KB703, KB405) on the build's day. The index asks the same check on
the same day, so that each site's index holds exactly what the site publishes. Under the
default policy (banner) nothing here runs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from kb.config import OverduePolicy
from kb.findings import Finding
from kb.project import KnowledgeBase
from kb.taxonomy import Site


def hides_overdue(kb: KnowledgeBase, site: Site) -> bool:
    """Whether `site` keeps overdue articles off: a customer site under the hide policy."""
    return site.public and kb.config.site.overdue is OverduePolicy.HIDE


def review_day() -> dt.date:
    """The day staleness is judged on: the build's (`KB_TODAY`, `SOURCE_DATE_EPOCH` or today)."""
    from kb.check import today_for_build  # imported only under the hide policy

    return today_for_build()


def overdue_articles(kb: KnowledgeBase, day: dt.date) -> frozenset[str]:
    """The paths (from the KB root) of the articles overdue on `day`, as the site's health reads
    them: the findings the baseline accepts count too. Uses the check's result cache."""
    from kb.check import check  # imported here: `kb search` under the default policy never checks
    from kb.quality.staleness import staleness

    result = check(kb, today=day)
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in [*result.findings, *result.accepted]:
        by_path[finding.location.path].append(finding)
    return frozenset(relpath for relpath, found in by_path.items() if staleness(found, None).state == "overdue")
