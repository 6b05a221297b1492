"""Error codes on a site: one page per code (best article first), the index of codes, errors.json.

A site lists the codes of the articles it publishes. A code is matched case-insensitively and
shown as the registry spells it (else as the first article spells it). The staff site also lists
registered codes that no article resolves yet, so writers see the gaps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from kb.publish import PublishedArticle
from kb.site import urls
from kb.site.health import Health
from kb.site.views import ArticleSummary, CodesView, CodeView, Link
from kb.taxonomy import Taxonomy


@dataclass
class CodeEntry:
    code: str
    articles: list[PublishedArticle]


def collect_codes(articles: list[PublishedArticle], taxonomy: Taxonomy, *, include_registered: bool) -> list[CodeEntry]:
    """Codes named by `articles` (and, for a staff site, every registered code), sorted by code."""
    entries: dict[str, CodeEntry] = {}
    for published in articles:
        for code in published.article.error_codes:
            key = code.upper()
            if key not in entries:
                known = taxonomy.code(code)
                entries[key] = CodeEntry(known.code if known else code, [])
            if published not in entries[key].articles:
                entries[key].articles.append(published)
    if include_registered:
        for key, known in taxonomy.codes.items():
            entries.setdefault(key, CodeEntry(known.code, []))
    # Two codes may share a URL segment ("550 5.7.1" and "550-5.7.1"); the first keeps it.
    seen: set[str] = set()
    result = []
    for key in sorted(entries, key=lambda k: (urls.code_slug(entries[k].code).upper(), k)):
        slug = urls.code_slug(entries[key].code).upper()
        if slug in seen:
            continue
        seen.add(slug)
        result.append(entries[key])
    return result


def best_first(code: str, articles: list[PublishedArticle], health: Health) -> list[PublishedArticle]:
    """Validated before the rest, then those naming the code in the title, then the healthiest,
    then the most specific (fewest codes), the most recently reviewed, and by id."""

    def rank(published: PublishedArticle) -> tuple[int, int, int, int, int, str]:
        article = published.article
        known = health.of(article)
        score = known.score if known and known.score is not None else 0
        reviewed = article.reviewed or article.created
        return (
            0 if article.confidence == "validated" else 1,
            0 if code.lower() in (article.title or "").lower() else 1,
            -score,
            len(article.error_codes),
            -(reviewed.toordinal() if reviewed else 0),
            published.id,
        )

    return sorted(articles, key=rank)


def code_views(
    entries: list[CodeEntry],
    taxonomy: Taxonomy,
    health: Health,
    summary: Callable[[PublishedArticle], ArticleSummary],
    area_link: Callable[[str], Link | None],
) -> list[CodeView]:
    views = []
    for entry in entries:
        known = taxonomy.code(entry.code)
        family = taxonomy.family_of(entry.code)
        area = (known.area if known else "") or (family.area if family else "")
        ranked = best_first(entry.code, entry.articles, health)
        if not area and ranked:
            area = ranked[0].article.product_area or ""
        views.append(
            CodeView(
                code=entry.code,
                message=known.message if known else "",
                family=family.family if family else "",
                description=known.description if known else "",
                area=area_link(area) if area else None,
                articles=tuple(summary(p) for p in ranked),
            )
        )
    return views


def errors_json(codes: CodesView) -> bytes:
    """`errors.json`: every code with its page and articles (best first), for tools and search."""
    data = {
        "codes": [
            {
                "code": view.code,
                "message": view.message,
                "area": view.area.path if view.area else None,
                "url": urls.relative(urls.HOME, urls.code_path(view.code)),
                "articles": [{"id": a.id, "title": a.title, "url": a.path} for a in view.articles],
            }
            for view in codes.codes
        ]
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
