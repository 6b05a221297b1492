"""`kb search QUERY`: ranked hits from a site's index (error codes first), as text or JSON."""

from __future__ import annotations

import json
import re
import sys

import click

from kb.cli.common import Env, colour_for, pass_env, plural, verbosity
from kb.config import WhenStale
from kb.controls import escaped
from kb.errors import UsageError
from kb.project import KnowledgeBase
from kb.publish import shows_internal_notes
from kb.search import IndexMissing, IndexStatus, SearchIndex, index_status, update_index


def default_site(kb: KnowledgeBase) -> str:
    """`search.site` from kb.yaml, else the staff site (the one that shows internal notes)."""
    sites = kb.taxonomy.sites
    if kb.config.search.site:
        return kb.config.search.site
    for site in sites.values():
        if shows_internal_notes(site):
            return site.name
    if not sites:
        raise UsageError("the taxonomy defines no sites to search", hint="add `sites:` to schemas/taxonomy.yaml")
    return next(iter(sites))


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--site", help="The site whose index to search (default: search.site, else the staff site).")
@click.option("--area", help="Only articles in this product area (or below it).")
@click.option("--type", "type_name", help="Only articles of this type.")
@click.option("--code", help="Only articles that declare this error code or name it in their title.")
@click.option("--limit", type=click.IntRange(1, 1000), help="Number of hits (default: search.limit, 10).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of hits (id, title, path, score, snippet...).")
@click.option("--no-update", is_flag=True, help="Do not update a stale index first; only say that it is stale.")
@verbosity
@pass_env
def command(
    env: Env, query: tuple[str, ...], site: str | None, area: str | None, type_name: str | None,
    code: str | None, limit: int | None, as_json: bool, no_update: bool,
) -> None:  # fmt: skip
    """Search the articles a site publishes: error codes first, then words.

    Paste an error code as the product shows it (0x8004DEF4, 550 5.7.1, Event ID 1000,
    AADSTS65005) or describe the problem in words; words in quotes must stand together
    (kb search '"mailbox is full"'). When articles changed since the last
    `kb index`, the index is updated first (search.when_stale: update or warn).
    """
    kb = env.kb()
    site = site or default_site(kb)
    text = " ".join(query).strip()
    if not text:
        raise UsageError("the query is empty")
    status = index_status(kb, site)
    if status.stale:
        if no_update or kb.config.search.when_stale is WhenStale.WARN:
            if status.missing:
                raise IndexMissing(f"site {site!r} has no search index yet", hint="run `kb index`")
            env.info(f"Warning: the index of site {site} is out of date ({_behind(status)}); run `kb index`.")
        else:
            report = update_index(kb, site)
            env.info(f"Updated the index of site {site} first ({_behind(status)}) in {report.seconds:.2f} s.")
    with SearchIndex.open(kb, site) as index:
        result = index.search(text, area=area, type=type_name, code=code, limit=limit or kb.config.search.limit)
    if as_json:
        click.echo(json.dumps([hit.as_dict() for hit in result.hits], indent=2, ensure_ascii=False))
        if result.suggestion:
            env.info(_suggestion_line(result.suggestion))
        return
    colour = colour_for(sys.stdout)
    for n, hit in enumerate(result.hits, 1):
        title = click.style(escaped(hit.title), bold=True) if colour else escaped(hit.title)
        click.echo(f"{n:>2}. {hit.id}  {title}")
        details = [hit.path, hit.product_area, hit.type]
        if hit.error_codes:
            details.append("codes: " + ", ".join(hit.error_codes))
        if env.verbose:
            details.append(f"score {hit.score:.2f}")
        click.echo("    " + escaped(" · ".join(d for d in details if d)))
        click.echo("    " + _plain(escaped(hit.snippet), colour))
    if result.suggestion:
        click.echo(_suggestion_line(result.suggestion))
    if not env.quiet:
        shown = len(result.hits)
        env.info(f"{plural(shown, 'hit')} of {result.total} in site {site}." if shown else f"No hits in site {site}.")


def _suggestion_line(suggestion: str) -> str:
    """'Did you mean "..."?', in quotes unless the query has its own ('"the calendar"' is shown once)."""
    if any(quote in suggestion for quote in '"“”„'):
        return f"Did you mean {suggestion}?"
    return f'Did you mean "{suggestion}"?'


def _behind(status: IndexStatus) -> str:
    if status.missing:
        return "it did not exist"
    if status.changed:
        return f"{plural(len(status.changed), 'article')} changed"
    if status.day_changed and not status.settings_changed:
        return "overdue articles are judged on another day"  # kept off the public site (site.overdue: hide)
    return "its settings changed"


_MARK = re.compile(r"<mark>(.*?)</mark>")


def _plain(snippet: str, colour: bool) -> str:
    """A snippet for a terminal: marks in bold (or in [brackets] when not a terminal), entities undone."""
    import html

    if colour:
        text = _MARK.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    else:
        text = _MARK.sub(lambda m: f"[{m.group(1)}]", snippet)
    return html.unescape(text)
