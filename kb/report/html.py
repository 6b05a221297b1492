"""The knowledge-health page: one self-contained HTML file with inline SVG charts, no script, no CDN.

What a knowledge manager looks at first: how scores are spread, which areas and owners lag, which
rules fire most, which reviews are overdue, which error codes have no published article, and the
articles to fix first with the checks they fail. The internal site shows the same page.
"""

from __future__ import annotations

import heapq
from html import escape
from typing import TYPE_CHECKING

from kb.controls import IN_MARKUP, escaped
from kb.words import plural

if TYPE_CHECKING:
    from kb.quality.health import AreaStats, ArticleHealth, AuditReport

# Colours chosen for contrast on white (WCAG AA for text) and for colour-blind readers.
GOOD, FAIR, POOR, INK, MUTED = "#1a7f37", "#9a6700", "#cf222e", "#1f2328", "#59636e"
RULE_BARS = "#0969da"  # visible on light and dark backgrounds
# A chart or a list longer than this shows the rows that need attention most, and says so: at
# 50,000 articles the lists of every area and every overdue review made a 40 MB page.
CHART_ROWS = 30
REVIEW_ROWS = 100

# The standalone page's own frame.
PAGE_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
header{background:#fff;border-bottom:1px solid #d0d7de;padding:1.2rem 2rem}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem 3rem}
h1{font-size:1.5rem;margin:0}
"""

# The report itself, scoped to its container so that it can sit inside another page (the
# internal site's knowledge-health page) without restyling that page. On a narrow screen its
# tables reflow, a row to a block: a section that scrolled sideways took no focus, so keyboard
# users could not scroll it (axe scrollable-region-focusable at 320 px).
STYLE = """
.health-report h2{font-size:1.15rem;margin:0 0 .6rem}
.health-report .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.8rem;margin:1rem 0}
.health-report .tile{background:#fff;color:#1f2328;border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1rem}
.health-report .tile b{display:block;font-size:1.8rem}.health-report .tile span{color:#59636e}
.health-report .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(480px,100%),1fr));gap:1rem}
.health-report section{background:#fff;color:#1f2328;border:1px solid #d0d7de;border-radius:8px;
padding:1rem 1.2rem;margin:1rem 0;overflow-x:auto}
.health-report table{border-collapse:collapse;width:100%}
.health-report th,.health-report td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeef2;
vertical-align:top}.health-report th{font-weight:600;color:#59636e}
.health-report td.num{text-align:right;font-variant-numeric:tabular-nums}
.health-report .score{font-weight:700}.health-report .good{color:#1a7f37}.health-report .fair{color:#9a6700}
.health-report .poor{color:#cf222e}.health-report code{font-size:.9em}
.health-report details summary{cursor:pointer}
.health-report svg text{font:12px system-ui,sans-serif;fill:#1f2328}
.health-report svg{max-width:600px;height:auto;display:block}.health-report .nowrap{white-space:nowrap}
.health-report .muted{color:#59636e}
.health-report th,.health-report td{background:inherit}
@media (max-width: 40rem){
.health-report section{overflow-x:visible}
.health-report thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.health-report table,.health-report tbody{display:block}
.health-report tr{display:block;padding:.4rem 0;border-bottom:1px solid #eaeef2}
.health-report td{display:inline-block;border:0;padding:0 .6rem 0 0}
.health-report td:not(.nowrap):not(.num){display:block;padding:0}
}
@media (prefers-color-scheme: dark){
.health-report .tile,.health-report section{background:#161b22;color:#e6edf3;border-color:#30363d}
.health-report .tile span,.health-report th,.health-report .muted{color:#9198a1}
.health-report th,.health-report td,.health-report tr{border-color:#30363d}
.health-report .good{color:#3fb950}.health-report .fair{color:#d29922}.health-report .poor{color:#f85149}
.health-report svg text{fill:#e6edf3}
}
"""


def _colour(score: float) -> str:
    return GOOD if score >= 90 else FAIR if score >= 70 else POOR


def _klass(score: float) -> str:
    return "good" if score >= 90 else "fair" if score >= 70 else "poor"


def columns(title: str, values: list[int], labels: list[str], colours: list[str]) -> str:
    """A vertical bar chart."""
    width, height, top, bottom = 520, 200, 20, 30
    peak = max(values) or 1
    step = (width - 20) / max(len(values), 1)
    bars = []
    for i, (value, label, colour) in enumerate(zip(values, labels, colours, strict=True)):
        h = (height - top - bottom) * value / peak
        x, y = 10 + i * step, height - bottom - h
        bars.append(
            f'<rect x="{x + 4:.1f}" y="{y:.1f}" width="{step - 8:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{x + step / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{value}</text>'
            f'<text x="{x + step / 2:.1f}" y="{height - 10}" text-anchor="middle">{escape(label)}</text>'
        )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%">'
        f"<title>{escape(title)}</title>{''.join(bars)}</svg>"
    )


def bars(title: str, rows: list[tuple[str, float, str, str]], maximum: float | None = None) -> str:
    """A horizontal bar chart: (label, value, value text, colour) per row."""
    if not rows:
        return '<p class="muted">Nothing to show.</p>'
    width, row_height, label_width = 520, 24, 190
    peak = maximum or max(v for _, v, _, _ in rows) or 1
    height = row_height * len(rows) + 6
    # Room for the longest value text right of the longest bar (about 7 px a character at 12 px).
    room = max(60, 7 * max(len(text) for _, _, text, _ in rows) + 10)
    parts = []
    for i, (label, value, text, colour) in enumerate(rows):
        y = 3 + i * row_height
        w = (width - label_width - room) * value / peak
        short = _shortened(label, 25)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row_height - 8}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>"
            f'<text x="{label_width + w + 6:.1f}" y="{y + 16}">{escape(text)}</text>'
        )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def _shortened(label: str, most: int) -> str:
    """A label that fits left of the bars: a path keeps its end (the most specific part)."""
    if len(label) <= most:
        return label
    return "…" + label[-(most - 1) :] if "/" in label else label[: most - 1] + "…"


def _lowest(title: str, kind: str, groups: list[AreaStats]) -> tuple[str, list[tuple[str, float, str, str]]]:
    """A chart's title and rows of mean scores: every group, or the lowest when there are many."""
    shown = groups
    if len(groups) > CHART_ROWS:
        lowest = {id(g) for g in heapq.nsmallest(CHART_ROWS, groups, key=lambda g: (g.mean_score, g.name))}
        shown = [g for g in groups if id(g) in lowest]  # in the order of the whole chart ("(unreadable)" last)
        title += f": the {CHART_ROWS} lowest of {len(groups):,} {kind}"
    return title, [(g.name, g.mean_score, f"{g.mean_score:g} ({g.articles})", _colour(g.mean_score)) for g in shown]


def _failed(h: ArticleHealth) -> str:
    items = []
    for check in h.failed_checks:
        found = "".join(
            f"<li><code>{escape(f.code)} {escape(f.name)}</code> line {f.location.line}: {escape(f.message)}</li>"
            for f in check.findings
        )
        items.append(f"<li><b>{escape(check.group.value)}</b><ul>{found}</ul></li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def content(report: AuditReport) -> str:
    """The report's charts and tables, without the page around them (no landmarks, no h1)."""
    s = report.summary
    band_labels = [f"{10 * i}–{100 if i == 9 else 10 * i + 9}" for i in range(10)]
    distribution = columns(
        "Articles per health score band", s.distribution, band_labels, [_colour(10 * i + 5) for i in range(10)]
    )
    areas = bars(*_lowest("Mean health score by product area", "areas", s.by_area), 100)
    owners = bars(*_lowest("Mean health score by owner", "owners", s.by_owner), 100)
    rules = bars(
        "Findings per rule",
        [(f"{r.code} {r.name}", r.count, f"{r.count} in {r.articles}", RULE_BARS) for r in s.top_rules[:12]],
    )
    overdue_owners: dict[str, int] = {}
    for h in s.overdue:
        overdue_owners[h.article.owner or "(none)"] = overdue_owners.get(h.article.owner or "(none)", 0) + 1
    most_overdue = sorted(overdue_owners.items(), key=lambda x: -x[1])
    overdue_title = "Overdue reviews by owner"
    if len(most_overdue) > CHART_ROWS:
        overdue_title += f": the {CHART_ROWS} with the most, of {len(most_overdue):,} owners"
    overdue_chart = bars(overdue_title, [(owner, n, str(n), POOR) for owner, n in most_overdue[:CHART_ROWS]])
    reviews = [*s.overdue, *s.due_soon]
    review_rows = "".join(
        f"<tr><td class=nowrap>{escape(h.staleness.state)}</td><td class=nowrap>{h.staleness.due or '—'}</td>"
        f"<td class=nowrap>{escape(h.article.owner or '—')}</td><td class=nowrap>{escape(h.article.id or '')}</td>"
        f"<td>{escape(h.article.title or h.relpath)}<br><span class=muted>{escape('; '.join(h.staleness.reasons))}"
        f"</span></td></tr>"
        for h in reviews[:REVIEW_ROWS]
    )
    reviews_cut = (
        f'<p class="muted">The {REVIEW_ROWS} due first, of {len(reviews):,}: '
        "<code>kb audit --format json</code> lists every one.</p>"
        if len(reviews) > REVIEW_ROWS
        else ""
    )
    worst = [h for h in report.worst_first() if h.score < 100][:25]
    fix_rows = "".join(
        f'<tr><td class="num score {_klass(h.score)}">{h.score}</td><td class=nowrap>{escape(h.article.id or "")}</td>'
        f"<td><details><summary>{escape(h.article.title or h.relpath)}</summary>"
        f"<span class=muted>{escape(h.relpath)}</span>{_failed(h)}</details></td>"
        f"<td>{escape(h.article.owner or '—')}</td></tr>"
        for h in worst
    )
    uncovered = ", ".join(f"<code>{escape(code)}</code>" for code in s.uncovered_codes) or "none"
    tiles = [
        (f"{s.mean_score:g}", "mean health score"),
        (str(s.articles), "articles"),
        (str(len(s.overdue)), "overdue reviews"),
        (str(len(s.due_soon)), "due soon"),
        (str(s.levels.get("error", 0)), "errors"),
        (str(len(s.uncovered_codes)), "codes without an article"),
    ]
    tile_html = "".join(f'<div class="tile"><b>{v}</b><span>{escape(label)}</span></div>' for v, label in tiles)
    return escaped(
        f"""<div class="health-report">
<div class="tiles">{tile_html}</div>
<div class="grid">
<section aria-labelledby="h-dist"><h2 id="h-dist">Score distribution</h2>{distribution}</section>
<section aria-labelledby="h-rules"><h2 id="h-rules">Top rules</h2>{rules}</section>
<section aria-labelledby="h-area"><h2 id="h-area">By product area</h2>{areas}</section>
<section aria-labelledby="h-owner"><h2 id="h-owner">By owner</h2>{owners}</section>
</div>
<section aria-labelledby="h-overdue"><h2 id="h-overdue">Overdue reviews ({len(s.overdue)})</h2>{overdue_chart}
<table><thead><tr><th>State</th><th>Due</th><th>Owner</th><th>Id</th><th>Article</th></tr></thead>
<tbody>{review_rows}</tbody></table>{reviews_cut}</section>
<section aria-labelledby="h-fix"><h2 id="h-fix">Fix first</h2>
<table><thead><tr><th>Score</th><th>Id</th><th>Article and failed checks</th><th>Owner</th></tr></thead>
<tbody>{fix_rows}</tbody></table></section>
<section aria-labelledby="h-codes"><h2 id="h-codes">Registered error codes no published article covers
({len(s.uncovered_codes)})</h2><p>{uncovered}</p></section>
</div>
""",
        IN_MARKUP,
    )  # a title or a file name can hold a control character: a parse error in a page


def render(report: AuditReport) -> str:
    """The report as one self-contained HTML page (`kb audit --html FILE`)."""
    s = report.summary
    name = escaped(escape(report.kb_name or "Knowledge base"), IN_MARKUP)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Knowledge health: {name}</title>
<style>{PAGE_STYLE}{STYLE}</style>
</head>
<body>
<header><h1>Knowledge health: {name}</h1>
<p class="muted">Audit of {plural(s.articles, "article")} on {report.today}. Scores run from 0 to 100; each article
lists the checks it fails.</p></header>
<main>
{content(report)}</main>
</body>
</html>
"""
