"""The audit for a terminal: the KB at a glance, what to fix first, then every finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.words import plural

if TYPE_CHECKING:
    from kb.quality.health import AreaStats, AuditReport

BAR = "█"
GROUP_ROWS = 10  # areas or owners shown, worst first; the rest are counted


def render(report: AuditReport) -> str:
    return "".join(chunks(report))


def chunks(report: AuditReport) -> Iterator[str]:
    """The report in pieces of many lines each, to be written as they come: at 50,000 articles
    its quarter of a million finding lines held at once, joined and encoded took hundreds of MB."""
    yield "\n".join(_head(report)) + "\n"
    batch: list[str] = []
    for finding in report.findings:
        batch.append(f"  {finding}\n")
        if len(batch) == 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield "".join(line + "\n" for line in _tail(report))


def _head(report: AuditReport) -> list[str]:
    s = report.summary
    title = f"Knowledge health of {report.kb_name or 'the knowledge base'} on {report.today}"
    if not s.articles:  # --changed-since with nothing changed, or paths without articles
        return [f"{title}: no articles to audit"]
    out = [
        f"{title}: {plural(s.articles, 'article')}, mean score {s.mean_score:g}, median {s.median_score:g}",
        "",
        "Scores",
    ]
    widest = max(s.distribution) or 1
    for i, count in reversed(list(enumerate(s.distribution))):
        label = f"{10 * i:>3}-{100 if i == 9 else 10 * i + 9:<3}"
        out.append(f"  {label} {BAR * round(30 * count / widest):<30} {count}")
    out += _groups("By product area", "area", s.by_area)
    out += _groups("By owner", "owner", s.by_owner)
    if s.overdue or s.due_soon:
        out += ["", f"Reviews: {len(s.overdue)} overdue, {len(s.due_soon)} due soon"]
        shown = [*s.overdue, *s.due_soon][:20]
        owners = max(16, *(len(h.article.owner or "-") for h in shown))  # the paths in one column
        for h in shown:
            # The reason, not only the date: an article naming an end-of-life version is overdue
            # before its review date comes.
            why = "; ".join(h.staleness.reasons) or "-"
            out.append(f"  {h.staleness.state:<9} {h.article.owner or '-':<{owners}} {h.relpath}\n            {why}")
    fix_first = [h for h in report.worst_first() if h.score < 100][:10]
    if fix_first:
        out += ["", "Fix first"]
        for h in fix_first:
            failed = ", ".join(f"{c.group.value} ({len(c.findings)})" for c in h.failed_checks) or "-"
            out.append(f"  {h.score:>3}  {h.relpath}  failed: {failed}")
    if s.top_rules:
        out += ["", "Top rules"]
        out += [f"  {r.count:>5}  {r.code} {r.name} ({plural(r.articles, 'article')})" for r in s.top_rules[:10]]
    if s.uncovered_codes:
        out += ["", f"Registered error codes no published article covers ({len(s.uncovered_codes)})"]
        out.append("  " + ", ".join(s.uncovered_codes))
    if report.unreadable:
        out += ["", f"Unreadable files ({len(report.unreadable)}, score 0)"]
        out += [f"  {u.relpath}" for u in report.unreadable]
    if report.findings:
        out += ["", "Findings"]
    return out


def _tail(report: AuditReport) -> list[str]:
    if report.fail_under is not None and report.failing_articles:
        failing = len(report.failing_articles)
        verb = "scores" if failing == 1 else "score"
        lines = ["", f"{plural(failing, 'article')} {verb} under {report.fail_under}:"]
        return lines + [f"  {h.relpath}: {report.under_message(h)}" for h in report.failing_articles]
    return []


def _groups(heading: str, column: str, groups: list[AreaStats]) -> list[str]:
    """A table of areas or owners, the lowest mean score first (then the most overdue)."""
    if not groups:
        return []
    worst = sorted(groups, key=lambda g: (g.mean_score, -g.overdue, g.name))
    shown = worst[:GROUP_ROWS]
    width = max(len(column), *(len(g.name) for g in shown))
    lines = ["", heading, f"  {column:<{width}}  articles   mean  overdue"]
    lines += [f"  {g.name:<{width}}  {g.articles:>8}  {g.mean_score:>5g}  {g.overdue:>7}" for g in shown]
    if len(worst) > len(shown):
        lines.append(f"  and {len(worst) - len(shown)} more")
    return lines
