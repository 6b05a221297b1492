"""What rules across articles need to know about each article, small enough to cache.

A `kb check` with nothing changed reads these from `.kb-cache/` instead of parsing 10,000
articles: links, anchors, ids, audiences, review dates and near-duplicate sketches are all the
corpus rules (duplicate ids, links, near-duplicates, staleness) look at.
"""

from __future__ import annotations

import array
import base64
import datetime as dt
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.findings import Location
from kb.rules import minhash
from kb.rules.complete import PLACEHOLDER
from kb.rules.text import ArticleText, Paragraph, words

if TYPE_CHECKING:
    from kb.article import Article
    from kb.config import Config
    from kb.rules.minhash import Sketch
    from kb.taxonomy import Site, Taxonomy

Place = tuple[int, int]  # file line and column, 1-based


@dataclass(slots=True)  # 50,000 articles' links and facts are held at once
class LinkFact:
    href: str
    text: str
    line: int  # in the file
    col: int
    image: bool = False
    internal: bool = False  # inside a `::: internal` block: only staff see it


@dataclass(slots=True)
class ArticleFacts:
    """One article as the corpus rules see it. Places are file lines and columns."""

    relpath: str
    digest: str
    id: str | None = None
    id_at: Place = (1, 1)
    title: str | None = None
    title_at: Place = (1, 1)
    type: str | None = None
    confidence: str | None = None
    audience: str | None = None
    product_area: str | None = None
    owner: str | None = None
    error_codes: list[str] = field(default_factory=list)
    reviewed: str | None = None  # ISO date
    reviewed_at: Place = (1, 1)
    product: str | None = None
    versions: list[tuple[str, int, int]] = field(default_factory=list)
    replaced_by: str | None = None
    replaced_by_at: Place = (1, 1)
    anchors: list[str] = field(default_factory=list)
    links: list[LinkFact] = field(default_factory=list)
    # The `aliases:` values the build can make a redirect for: (as written, the redirect's page,
    # file line, column).
    aliases: list[tuple[str, str, int, int]] = field(default_factory=list)
    sketch: Sketch | None = None
    end_line: int = 1  # where the front matter closes: findings about the whole article point here

    def at(self, place: Place) -> Location:
        return Location(self.relpath, place[0], place[1])

    @property
    def label(self) -> str:
        return self.id or self.relpath

    @property
    def reviewed_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.reviewed) if self.reviewed else None

    @property
    def archived(self) -> bool:
        return self.confidence == "archived"

    def to_json(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict copies every value deeply, which took a third of the time.
        data = {f.name: getattr(self, f.name) for f in _FIELDS}
        data["error_codes"] = list(self.error_codes)
        data["versions"] = [list(v) for v in self.versions]
        data["anchors"] = list(self.anchors)
        for key in ("id_at", "title_at", "reviewed_at", "replaced_by_at"):
            data[key] = list(data[key])
        data["links"] = [astuple_link(link) for link in self.links]
        data["aliases"] = [list(alias) for alias in self.aliases]
        # 128 integers as JSON are slow to read back for 10,000 articles; packed bytes are not.
        data["sketch"] = base64.b64encode(self.sketch.tobytes()).decode() if self.sketch else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleFacts:
        values = dict(data)
        values["links"] = [LinkFact(*link) for link in data["links"]]
        values["versions"] = [tuple(v) for v in data["versions"]]
        values["aliases"] = [tuple(alias) for alias in data["aliases"]]
        for key in ("id_at", "title_at", "reviewed_at", "replaced_by_at"):
            values[key] = tuple(data[key])
        if data["sketch"]:
            values["sketch"] = array.array("I", base64.b64decode(data["sketch"]))
        return cls(**values)


_FIELDS = fields(ArticleFacts)


def astuple_link(link: LinkFact) -> list[Any]:
    return [link.href, link.text, link.line, link.col, link.image, link.internal]


def facts_of(article: Article, text: ArticleText) -> ArticleFacts:
    """The facts of one article (computed while its article rules run)."""

    def place(*path: str | int) -> Place:
        loc = article.field_location(*path)
        return (loc.line, loc.col)

    reviewed = article.reviewed
    env = article.environment
    product = env.get("product") if isinstance(env.get("product"), str) else None
    versions: list[tuple[str, int, int]] = []
    raw_versions = env.get("versions")
    if isinstance(raw_versions, list):
        for i, version in enumerate(raw_versions):
            if isinstance(version, str):
                versions.append((version, *place("environment", "versions", i)))
    elif isinstance(env.get("version"), str):
        versions.append((env["version"], *place("environment", "version")))
    links = [
        LinkFact(
            link.href, link.text, article.body_line + link.line, link.col, link.image, link.line in text.internal_lines
        )
        for link in text.links
    ]
    words = _lower_words(article.title or "", text.paragraphs)
    return ArticleFacts(
        relpath=article.relpath,
        digest=article.digest,
        id=article.id,
        id_at=place("id"),
        title=article.title,
        title_at=place("title"),
        type=article.type,
        confidence=article.confidence,
        audience=article.audience,
        product_area=article.product_area,
        owner=article.owner,
        error_codes=article.error_codes,
        reviewed=reviewed.isoformat() if reviewed else None,
        reviewed_at=place("reviewed"),
        product=product,
        versions=versions,
        replaced_by=article.replaced_by,
        replaced_by_at=place("replaced_by"),
        anchors=sorted(text.anchors),
        links=links,
        aliases=_alias_pages(article) if "aliases" in article.meta else [],
        sketch=minhash.sketch(words),
        end_line=max(article.body_line - 1, 1),
    )


def _alias_pages(article: Article) -> list[tuple[str, str, int, int]]:
    """The article's aliases that make a redirect, each with its page, as the build decides."""
    from kb.site import routes  # the site's own decision; imported only for an article with aliases

    found = []
    for where, alias, decided in routes.decided_aliases(article):
        if decided.path is not None:
            location = article.field_location("aliases", *where)
            found.append((alias, decided.path, location.line, location.col))
    return found


def _lower_words(title: str, paragraphs: list[Paragraph]) -> list[str]:
    """The words of the title and the paragraphs, lower-cased, for the near-duplicate sketch (the
    paragraphs' words are found already: half the cost of finding them again in one pass over the
    joined text). No word holds a space, so one `lower()` of them all joined, split again, lowers
    each. A `[TODO: ...]` placeholder is left out: two articles fresh from one template share all
    their placeholders, and are not duplicates for it (KB103 reports the placeholders)."""
    found = words(title)
    for paragraph in paragraphs:
        if "[TODO:" in paragraph.text:
            found.extend(words(PLACEHOLDER.sub(" ", paragraph.text)))
        else:
            found.extend(paragraph.word_list)
    return " ".join(found).lower().split(" ") if found else []


@dataclass
class CorpusContext:
    """What rules across articles see: the facts of every readable article and the KB's settings."""

    root: Path
    config: Config
    taxonomy: Taxonomy
    facts: list[ArticleFacts]
    today: dt.date
    # What one rule works out for others in the same run (resolved links); empty at the start.
    memo: dict[str, object] = field(default_factory=dict, repr=False)
    # The articles whose findings are wanted (paths), when not all are: a rule that looks at one
    # article at a time (its links, its review date) then looks only at these, while every
    # article is still there to be looked up. `kb serve` re-audits one saved article this way.
    focus: frozenset[str] | None = None

    @property
    def subjects(self) -> list[ArticleFacts]:
        """The facts of the articles whose findings are wanted (all of them without a focus)."""
        if self.focus is None:
            return self.facts
        return [facts for facts in self.facts if facts.relpath in self.focus]

    @cached_property
    def by_id(self) -> dict[str, list[ArticleFacts]]:
        table: dict[str, list[ArticleFacts]] = defaultdict(list)
        for facts in self.facts:
            if facts.id:
                table[facts.id].append(facts)
        return dict(table)

    @cached_property
    def by_path(self) -> dict[str, ArticleFacts]:
        return {facts.relpath: facts for facts in self.facts}

    @cached_property
    def by_folder(self) -> dict[str, list[str]]:
        """Article paths by their folder (for did-you-mean on broken links)."""
        table: dict[str, list[str]] = defaultdict(list)
        for facts in self.facts:
            table[posixpath.dirname(facts.relpath)].append(facts.relpath)
        return dict(table)

    def article(self, article_id: str) -> ArticleFacts | None:
        found = self.by_id.get(article_id)
        return found[0] if found else None

    def sites_publishing(self, facts: ArticleFacts) -> list[Site]:
        from kb.publish import publishes

        return [site for site in self.taxonomy.sites.values() if publishes(site, facts)]

    @cached_property
    def last_changed(self) -> dict[str, dt.date]:
        """The date of the last commit that touched each article (one `git log` for the whole KB)."""
        from kb.quality.history import last_commit_dates  # kb.quality builds on kb.rules, not the reverse

        self.memo["git"] = True  # findings now depend on the history too (see kb.check)
        return last_commit_dates(self.root)
