"""Findable: the front matter is valid against the schema and the taxonomy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.article import FIELDS
from kb.findings import Finding, Level
from kb.rules.base import ArticleRule, CorpusRule, Group, Rule
from kb.taxonomy import did_you_mean

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext
    from kb.rules.facts import ArticleFacts, CorpusContext

KNOWN_FIELDS = (*FIELDS, "source", "aliases")


class MissingField(Rule):
    """## What it does
    Reports a required front matter field that is missing: `id`, `title`, `type`, `confidence`,
    `audience`, `product_area`, `owner` or `created`.

    ## Why it matters
    Without them kb cannot tell who may see the article, where it belongs or who keeps it
    right. An article without an audience is never published (the safe side).

    ## Example
    ```yaml
    id: KB-1042
    title: Sign-in fails with AUTH-401 after an SSO timeout
    ```

    ## Use instead
    ```yaml
    id: KB-1042
    title: Sign-in fails with AUTH-401 after an SSO timeout
    type: troubleshooting
    confidence: validated
    audience: public
    product_area: identity/sso
    owner: team-identity
    created: 2025-03-02
    ```
    """

    code = "KB301"
    name = "missing-field"
    group = Group.FINDABLE
    summary = "A required front matter field is missing."
    hint = "add the field; `kb new` writes every required field"


class InvalidField(Rule):
    """## What it does
    Reports a front matter value of the wrong shape: a list where text is expected, a date that
    is not `YYYY-MM-DD`, an id without the KB's prefix, an audience or confidence outside KCS,
    text holding a control character (a YAML escape such as `"\\e[31m"` or `"\\x00"`).

    ## Why it matters
    A value of the wrong shape is silently ignored by every later stage: an article with
    `audience: Public ` or `reviewed: 14/06/2026` would lose its audience or its staleness.

    ## Example
    ```yaml
    confidence: approved
    reviewed: 14/06/2026
    ```

    ## Use instead
    ```yaml
    confidence: validated
    reviewed: 2026-06-14
    ```
    """

    code = "KB302"
    name = "invalid-field"
    group = Group.FINDABLE
    summary = "A front matter value has the wrong shape."
    hint = "see the field's description in schemas/article.schema.json"


class UnknownField(ArticleRule):
    """## What it does
    Reports a front matter field that is neither in the contract nor in the KB's
    `extra_fields`, with the closest known name.

    ## Why it matters
    A typo such as `reviwed:` or `error_code:` is silently ignored: the article keeps looking
    unreviewed, or its code never reaches search.

    ## Example
    ```yaml
    reviwed: 2026-06-14
    ```

    ## Use instead
    ```yaml
    reviewed: 2026-06-14
    ```
    Or, for a field your team adds on purpose, list it under `extra_fields` in `kb.yaml`.
    """

    code = "KB303"
    name = "unknown-field"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "A front matter field is not part of the contract."
    hint = "fix the name, or add the field to extra_fields in kb.yaml"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        known = (*KNOWN_FIELDS, *context.config.extra_fields)
        for name in article.meta:
            if name not in known:
                yield self.at(
                    article.field_location(name, key=True),
                    f"unknown field {name!r}{did_you_mean(name, known)}",
                    context=name,
                )


class UnknownType(ArticleRule):
    """## What it does
    Reports a `type` that the taxonomy does not define.

    ## Why it matters
    The type decides the required sections, the template and the review interval; an unknown
    type gets none of them.

    ## Example
    ```yaml
    type: troubleshoot
    ```

    ## Use instead
    ```yaml
    type: troubleshooting
    ```
    """

    code = "KB304"
    name = "unknown-type"
    group = Group.FINDABLE
    summary = "The article type is not in the taxonomy."
    hint = "use a type from schemas/taxonomy.yaml"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        value = article.type
        if value and value not in context.taxonomy.types:
            types = context.taxonomy.types
            yield self.at(
                article.field_location("type"),
                f"unknown type {value!r}{did_you_mean(value, types)}",
                hint="types: " + ", ".join(types),
                context=value,
            )


class UnknownProductArea(ArticleRule):
    """## What it does
    Reports a `product_area` that is not in the taxonomy's product-area tree.

    ## Why it matters
    Articles are browsed and owned by area; an unknown area leaves the article off every area
    page and out of area filters in search.

    ## Example
    ```yaml
    product_area: identity/single-sign-on
    ```

    ## Use instead
    ```yaml
    product_area: identity/sso
    ```
    """

    code = "KB305"
    name = "unknown-product-area"
    group = Group.FINDABLE
    summary = "The product area is not in the taxonomy."
    hint = "use an area from schemas/taxonomy.yaml, or add the area there"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        value = article.product_area
        if value and value not in context.taxonomy.areas:
            yield self.at(
                article.field_location("product_area"),
                f"unknown product area {value!r}{did_you_mean(value, context.taxonomy.areas)}",
                context=value,
            )


class UnknownOwner(ArticleRule):
    """## What it does
    Reports an `owner` that the taxonomy does not list.

    ## Why it matters
    The owner is who gets asked when the article is flagged or due for review; an unknown
    owner means nobody does.

    ## Example
    ```yaml
    owner: identity-team
    ```

    ## Use instead
    ```yaml
    owner: team-identity
    ```
    """

    code = "KB306"
    name = "unknown-owner"
    group = Group.FINDABLE
    summary = "The owner is not in the taxonomy."
    hint = "use an owner from schemas/taxonomy.yaml"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        value = article.owner
        if value and value not in context.taxonomy.owners:
            yield self.at(
                article.field_location("owner"),
                f"unknown owner {value!r}{did_you_mean(value, context.taxonomy.owners)}",
                context=value,
            )


class UnregisteredErrorCode(ArticleRule):
    """## What it does
    Reports a code in `error_codes` that is neither registered in `schemas/error-codes.yaml`
    nor matched by one of its code-family patterns.

    ## Why it matters
    Error codes are how customers search. A registered code gets its own page with its
    message and every article that resolves it; a typo in a code hides the article from the
    customer who pastes the real one.

    ## Example
    ```yaml
    error_codes: [AUTH-4O1]
    ```

    ## Use instead
    ```yaml
    error_codes: [AUTH-401]
    ```
    Or register the new code in `schemas/error-codes.yaml` with its message and area.
    """

    code = "KB307"
    name = "unregistered-error-code"
    group = Group.FINDABLE
    summary = "An error code is not in the registry."
    hint = "fix the code, or register it in schemas/error-codes.yaml"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        taxonomy = context.taxonomy
        raw = article.meta.get("error_codes")
        if not isinstance(raw, list):
            return
        for i, code in enumerate(raw):
            if isinstance(code, str) and code.strip() and not taxonomy.is_registered(code.strip()):
                known = [c.code for c in taxonomy.codes.values()]
                yield self.at(
                    article.field_location("error_codes", i),
                    f"error code {code!r} is not registered{did_you_mean(code, known)}",
                    context=code,
                )


class UnknownVersion(ArticleRule):
    """## What it does
    Reports an `environment` product or version that the taxonomy's `products` do not list.

    ## Why it matters
    Staleness follows versions to their end of life; a version kb does not know can never go
    stale, and a misspelt product hides the article from version filters.

    ## Example
    ```yaml
    environment: {product: Acme Cloud, versions: ["4.21"]}
    ```

    ## Use instead
    ```yaml
    environment: {product: Acme Cloud, versions: ["4.2"]}
    ```
    """

    code = "KB308"
    name = "unknown-version"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "The environment names a product or version the taxonomy does not know."
    hint = "fix the version, or add it under products in schemas/taxonomy.yaml"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        taxonomy = context.taxonomy
        if not taxonomy.releases:
            return
        product = article.environment.get("product")
        if not isinstance(product, str):
            return
        if product not in taxonomy.products():
            yield self.at(
                article.field_location("environment", "product"),
                f"unknown product {product!r}{did_you_mean(product, taxonomy.products())}",
                context=product,
            )
            return
        versions = article.environment.get("versions")
        if not isinstance(versions, list):
            return
        known = [v for p, v in taxonomy.releases if p == product]
        for i, version in enumerate(versions):
            if isinstance(version, str) and taxonomy.release(product, version) is None:
                yield self.at(
                    article.field_location("environment", "versions", i),
                    f"{product} has no version {version!r}{did_you_mean(version, known)}",
                    context=version,
                )


class InvalidAlias(ArticleRule):
    """## What it does
    Reports an `aliases:` value the build makes no redirect for, and why: one that leads to the
    top of the site (`/`, `..`), a full address (`https://old.example/a`, `//old.example/a`), a
    path with a backslash or a line break, the article's own page, or a page or folder kb writes
    itself (`index.html`, `search.html`, `sitemap.xml`, anything under `tags/`, `areas/`,
    `errors/`, `health/`, `static/`, `assets/` or `pagefind/`). kb decides this with the same
    function the build uses. An alias that names another article's page is left to the build,
    which keeps that page and skips the alias.

    ## Why it matters
    An alias keeps an old link working after a move. One the build cannot use is skipped
    without a word, and every bookmark and ticket that holds the old address lands on a 404.

    ## Example
    ```yaml
    aliases: ["https://help.example.com/hc/articles/123", tags/sso.html]
    ```

    ## Use instead
    ```yaml
    aliases: [/hc/articles/123, KB-0900]
    ```
    The path the old site had, without its host, or an id the article had before.
    """

    code = "KB309"
    name = "invalid-alias"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "An alias makes no redirect: the build skips it."
    hint = "write the old address's path (/hc/articles/123) or an old id (KB-0900)"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if "aliases" not in article.meta:
            return
        from kb.site import routes  # the site's own decision; imported only for an article that needs it

        for where, alias, decided in routes.decided_aliases(article):  # not text, or empty: KB302's
            if decided.path is None:
                shown = f"'{alias}'" if alias.isprintable() else repr(alias)  # a backslash as written
                yield self.at(
                    article.field_location("aliases", *where),
                    f"the alias {shown} makes no redirect: {decided.problem}",
                    context=alias,
                )


class AliasOfAnotherArticle(CorpusRule):
    """## What it does
    Reports an `aliases:` value that is the page of another article that is not archived: an
    old id that another article still has (`KB-0042`), or that article's page
    (`articles/kb-0042.html`).

    ## Why it matters
    When two articles are merged, the one that stays often takes the other's id as an alias. But
    while that other article is still published, the build keeps its page and makes no redirect:
    readers of the old link still land on the article that was meant to go, and nothing says so.

    ## Example
    ```yaml
    # KB-0042, merged into this article, is still there, validated
    aliases: [KB-0042]
    ```

    ## Use instead
    ```yaml
    # in KB-0042
    confidence: archived
    replaced_by: KB-0001
    ```
    An archived article redirects to its replacement: the alias is not needed.
    """

    code = "KB310"
    name = "alias-of-another-article"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "An alias is the page of another article that is still published: the build makes no redirect."
    hint = "archive the other article with replaced_by pointing here, or remove the alias"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        pages: dict[str, ArticleFacts] | None = None  # made when first needed: few articles have aliases
        for facts in context.subjects:
            if not facts.aliases:
                continue
            if pages is None:
                from kb.site import urls

                pages = {urls.article_path(f.id).casefold(): f for f in context.facts if f.id and not f.archived}
            for alias, page, line, col in facts.aliases:
                other = pages.get(page.casefold())
                if other is not None and other.relpath != facts.relpath:
                    yield self.at(
                        facts.at((line, col)),
                        f"the alias '{alias}' leads to the page of {other.label}, which is still published: the "
                        "build keeps that page and makes no redirect",
                        context=alias,
                    )


RULES: list[type[Rule]] = [
    MissingField,
    InvalidField,
    UnknownField,
    UnknownType,
    UnknownProductArea,
    UnknownOwner,
    UnregisteredErrorCode,
    UnknownVersion,
    InvalidAlias,
    AliasOfAnotherArticle,
]
