"""Findable (lint): the error codes the text mentions are declared, and the description is there.

The schema and taxonomy rules of the same group (KB301-308) live in `kb.rules.metadata`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from kb.cjk import as_breaks, width
from kb.findings import Finding, Level
from kb.literals import atoms, trie_pattern
from kb.rules.base import ArticleRule, Group, Rule, retired
from kb.rules.complete import PLACEHOLDER

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext
    from kb.taxonomy import Taxonomy


@lru_cache(maxsize=8)
def _mention_pattern(codes: tuple[str, ...], families: tuple[str, ...], *, any_case: bool) -> re.Pattern[str] | None:
    """The registered codes as one trie-shaped alternation (each place in the text tries the few
    codes that start with its character, not all of them), then the code families.

    Without `any_case`, it is matched against the lower-cased text (see `mentions`): literal codes
    compare without IGNORECASE, which makes the scan three times faster; families keep their own
    case rules."""
    parts = [trie_pattern([atoms(code, spaces=True) for code in codes])] if codes else []
    parts.extend(f"(?i:{family})" for family in families)
    if not parts:
        return None
    # The look-behind comes first on purpose: it rejects most places (inside words) before any
    # alternative is tried. Registered codes come before families: "550 5.7.1" is one code.
    pattern = r"(?<![\w.-])(?:" + "|".join(parts) + r")(?![\w-]|\.\d)"
    return re.compile(pattern, re.IGNORECASE if any_case else 0)


def mentions(taxonomy: Taxonomy, text: str) -> Iterator[tuple[int, str]]:
    """(offset, text as written) of every registered code and code family mentioned in `text`."""
    codes = tuple(sorted(code.code for code in taxonomy.codes.values()))
    families = tuple(family.regex.pattern for family in taxonomy.families)
    # A code may stand right beside Chinese or Japanese (`エラー0x8004DEF4が`): their characters
    # read as breaks between words, which keeps every offset.
    lowered = as_breaks(text.lower())
    if len(lowered) == len(text):
        pattern = _mention_pattern(codes, families, any_case=False)
        if pattern is not None:
            yield from ((m.start(), text[m.start() : m.end()]) for m in pattern.finditer(lowered))
        return
    # A few characters change length when lower-cased (İ): offsets would shift, so match as written.
    pattern = _mention_pattern(codes, families, any_case=True)
    if pattern is not None:
        yield from ((m.start(), text[m.start() : m.end()]) for m in pattern.finditer(as_breaks(text)))


def normalise_code(code: str) -> str:
    return " ".join(code.split()).upper()


class UndeclaredErrorCode(ArticleRule):
    """## What it does
    Reports an error code that the article's text mentions (a registered code, or one matched by
    a code family of the registry) but that its `error_codes` field does not list. Each code is
    reported once, where it first appears.

    ## Why it matters
    Search and the error-code pages are built from `error_codes`: a customer who pastes the code
    finds only the articles that declare it. A code named in the text but not declared is a
    lookup that fails.

    ## Example
    ```markdown
    ---
    error_codes: [AUTH-401]
    ---
    ## Issue
    Sign-in fails with AUTH-401, and then with AUTH-429 after several tries.
    ```

    ## Use instead
    ```yaml
    error_codes: [AUTH-401, AUTH-429]
    ```
    Or, when the code is only mentioned in passing, link to the article that resolves it.
    """

    code = "KB320"
    name = "undeclared-error-code"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "The text mentions an error code that error_codes does not list."
    hint = "add the code to error_codes (or link to the article that resolves it)"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        declared = {normalise_code(code) for code in article.error_codes}
        text = context.text(article)
        reported: set[str] = set()
        for start, written in mentions(context.taxonomy, text.visible_body):
            found = normalise_code(written)
            if found in declared or found in reported:
                continue
            reported.add(found)
            line, col = text.place(start)
            yield self.at(
                article.body_location(line, col),
                f"the text mentions {written}, which error_codes does not list",
                context=found,
            )


class MissingDescription(ArticleRule):
    """## What it does
    Reports an article without a `description` (or with an empty one).

    ## Why it matters
    The description is the snippet under the title in search results, on the site and in
    search engines. Without it, readers see the first words of the article, often a heading or
    a note, and skip the result that would have helped them.

    ## Example
    ```yaml
    title: Payment fails with BILL-402 "Your card was declined"
    ```

    ## Use instead
    ```yaml
    title: Payment fails with BILL-402 "Your card was declined"
    description: Your bank declined the card payment. Approve it in your bank app, or pay another way.
    ```
    """

    code = "KB321"
    name = "missing-description"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "The article has no description."
    hint = "add a description: one or two sentences saying what the article solves"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        if "description" in article.meta and article.description:
            return
        if "description" in article.meta:
            location = article.field_location("description")
        else:
            location = article.field_location("title", key=True)
        yield self.at(location, "the article has no description for search results", context="description")


class DescriptionLength(ArticleRule):
    """## What it does
    Reports a `description` shorter than `lint.thresholds.description_min_chars` (50) or longer
    than `description_max_chars` (300) characters. A wide character (Chinese, Japanese, Korean)
    counts as two, as it is shown.

    ## Why it matters
    A few words say nothing in a search result; a long paragraph is cut off mid-sentence by
    search engines and the site's result list.

    ## Example
    ```yaml
    description: Card declined.
    ```

    ## Use instead
    ```yaml
    description: Your bank declined the card payment. Approve it in your bank app, or pay another way.
    ```
    """

    code = "KB322"
    name = "description-length"
    group = Group.FINDABLE
    level = Level.WARNING
    summary = "The description is too short or too long for search results."
    hint = "one or two sentences: what the reader sees, and what the article does about it"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        description = article.description
        if not description or PLACEHOLDER.search(description):
            return
        thresholds = context.config.lint.thresholds
        length = width(description)
        counted = f"{length} characters" + (" (a wide character counts as two)" if length != len(description) else "")
        location = article.field_location("description")
        if length < thresholds.description_min_chars:
            yield self.at(
                location,
                f"the description has {counted}; write at least {thresholds.description_min_chars}",
                context=description,
            )
        elif length > thresholds.description_max_chars:
            yield self.at(
                location,
                f"the description has {counted}; search results show about {thresholds.description_max_chars}",
                context=description[:80],
            )


RULES: list[type[Rule]] = [UndeclaredErrorCode, MissingDescription, DescriptionLength]
