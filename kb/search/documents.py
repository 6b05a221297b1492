"""What the index holds: its whoosh schema, and the document one published article becomes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whoosh.analysis.analyzers import IDAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from kb.search.analysis import (
    AnalysedTerms,
    CountedTerms,
    DeclaredCodesAnalyzer,
    ExactAnalyzer,
    ProseAnalyzer,
    SpellingAnalyzer,
    TermsAnalyzer,
    WeightedTerms,
    declared_terms,
    exact_terms,
    spelling_words,
    weighted_terms,
)

if TYPE_CHECKING:
    from kb.publish import PublishedArticle

# Bump when the schema or the analysis changes: indexes of another version are rebuilt.
SCHEMA_VERSION = 7

# How often a word counts in each part of an article (BM25F's field weights): the title and its
# first heading most, then tags and description, then the body.
CONTENT_PARTS = ("title", "tags", "description", "body")
CONTENT_WEIGHTS = (4, 2, 2, 1)


def _text(analyzer: TermsAnalyzer) -> TEXT:
    """A text field without positions, its terms counted straight from `analyzer`."""
    field = TEXT(analyzer=analyzer, phrase=False)
    field.format = CountedTerms()
    return field


def _weighted(analyzer: TermsAnalyzer) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=False)
    field.format = WeightedTerms(CONTENT_WEIGHTS)
    return field


def index_schema() -> Schema:
    """Fields: `content` scored by BM25F (title weighted most); exact fields for codes and filters; stored
    fields (id, title, description, body, tags, error codes, area, type) for hits and snippets."""
    prose = ProseAnalyzer()
    return Schema(
        path=ID(stored=True, unique=True),  # the article's file, relative to the KB root
        # Matched in any case (`kb-0042`), and only whole: an id is not an error code, and its
        # digits are not a number the query asks for.
        id=ID(stored=True, analyzer=IDAnalyzer(lowercase=True)),
        content=_weighted(prose),  # title and first heading, tags, description, body: BM25F
        # Exact words and codes of the title and first heading (not the id): an exact code hit ranks first.
        headline=_text(ExactAnalyzer()),
        # The declared error_codes, by their keys.
        codes=_text(DeclaredCodesAnalyzer()),
        spell=_text(SpellingAnalyzer()),
        area=KEYWORD(commas=False, lowercase=True),  # the product area and each area above it, any case
        type=ID(stored=True, analyzer=IDAnalyzer(lowercase=True)),
        # Stored as the site shows them, for hits and snippets; searched through `content`.
        title=STORED,
        description=STORED,
        body=STORED,  # the plain text the site shows (internal blocks left out for non-staff sites)
        tags=STORED,
        product_area=STORED,
        error_codes=STORED,
        source=STORED,
        digest=STORED,
    )


def first_heading(published: PublishedArticle) -> str:
    """The text of the first level-1 heading of the body the site shows ('' when none)."""
    tokens = published.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            children = tokens[i + 1].children or []
            return "".join(c.content for c in children if c.type in ("text", "code_inline")).strip()
    return ""


def headings(published: PublishedArticle) -> str:
    """The text of every heading: with the title, the words did-you-mean suggests from."""
    tokens = published.tokens
    return "\n".join(
        tokens[i + 1].content for i, token in enumerate(tokens) if token.type == "heading_open" and i + 1 < len(tokens)
    )


def area_and_ancestors(area: str) -> str:
    parts = area.split("/")
    return " ".join("/".join(parts[: i + 1]) for i in range(len(parts)))


def document(published: PublishedArticle) -> dict[str, Any]:
    """The index document of an article as one site publishes it."""
    article = published.article
    title = article.title or ""
    heading = first_heading(published)
    full_title = title if not heading or heading.lower() == title.lower() else f"{title}\n{heading}"
    description = article.description or ""
    tags = article.tags
    text = published.text
    return {
        "path": article.relpath,
        "id": published.id,
        "content": weighted_terms([full_title, " ".join(tags), description, text], CONTENT_WEIGHTS),
        # Analysed here, not by whoosh, so that worker processes do it for a full build.
        "headline": AnalysedTerms.of(exact_terms(f"{title}\n{heading}")),
        "codes": AnalysedTerms.of(declared_terms("\n".join(article.error_codes))),
        "spell": AnalysedTerms.of(
            spelling_words(f"{title}\n{heading}\n{description}\n{' '.join(tags)}\n{headings(published)}")
        ),
        "area": area_and_ancestors(article.product_area or ""),
        "type": article.type or "",
        "title": title,
        "description": description,
        "tags": tags,
        "product_area": article.product_area or "",
        "error_codes": article.error_codes,
        "source": article.meta.get("source") if isinstance(article.meta.get("source"), str) else "",
        "body": text,
        "digest": article.digest,
    }
