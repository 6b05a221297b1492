"""The build's work for a process pool: rendering article bodies, and rendering and writing pages.

`kb.pool` runs these over both cores, from a fork server that imports this module and nothing
else. What every item needs (the site's link table, its templates) is sent once to each worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb import markdown
from kb.site.collect import Page
from kb.site.leaks import Forbidden, Leak, scan_file
from kb.site.output import write_file
from kb.site.render import LinkTable, RenderedBody, render
from kb.site.templates import Templates
from kb.site.views import AreaView, CodesView, CodeView, HealthView, SiteInfo, TagView


@dataclass(frozen=True)
class PageBatch:
    """What writing any page of one site needs besides the page itself."""

    override: Path | None  # the KB's templates folder
    fingerprint: str  # of the templates in use (a worker reuses its compiled templates while it matches)
    site: SiteInfo
    target: Path  # the folder being written
    forbidden: Forbidden


_TEMPLATES: dict[tuple[Path | None, str], Templates] = {}


def page_weight(item: tuple[Page, str]) -> int:
    """What writing a page holds while it works: its list's rows, or one for an article."""
    view = item[0].view
    if isinstance(view, HealthView):
        return max(1, len(view.rows))
    if isinstance(view, TagView | CodeView):
        return max(1, len(view.articles))
    if isinstance(view, AreaView):
        return max(1, len(view.area.articles) + len(view.area.children))
    if isinstance(view, CodesView):
        return max(1, len(view.codes))
    return 1


def write_pages(batch: PageBatch, items: list[tuple[Page, str]]) -> list[Leak]:
    """Render, scan and write pages (each with its body's HTML); returns what the scan found."""
    found: list[Leak] = []
    for page, body in items:
        templates = _TEMPLATES.get((batch.override, batch.fingerprint))
        if templates is None:
            _TEMPLATES.clear()
            templates = _TEMPLATES[(batch.override, batch.fingerprint)] = Templates(batch.override)
        data = templates.render(page, batch.site, body)
        found.extend(scan_file(page.path, data, batch.forbidden))
        write_file(batch.target, page.path, data)
    return found


RenderJob = tuple[str, str, str, bool, str | None]  # (cache key, body, relpath, staff, title)


def render_chunk(table: LinkTable, jobs: list[RenderJob]) -> list[tuple[str, RenderedBody]]:
    return [
        (key, render(markdown.parse(body), relpath, table, staff=staff, title=title))
        for key, body, relpath, staff, title in jobs
    ]
