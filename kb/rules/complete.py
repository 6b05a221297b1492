"""Complete: the sections the article's type requires are present, filled, and not placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.findings import Finding
from kb.markdown import unclosed_internal_blocks
from kb.rules.base import ArticleRule, Group, Rule

if TYPE_CHECKING:
    from kb.article import Article
    from kb.markdown import Section
    from kb.rules.context import CheckContext

# What `kb new` templates put where the writer still has to write: `[TODO: ...]`.
PLACEHOLDER = re.compile(r"\[TODO:[^\]\n]*\]")


def find_section(article: Article, name: str, context: CheckContext) -> Section | None:
    """The article's section called `name` or one of its aliases (case-insensitive)."""
    names = context.taxonomy.section_names(name)
    for section in article.sections:
        if section.title.strip().rstrip(":").lower() in names:
            return section
    return None


class MissingSection(ArticleRule):
    """## What it does
    Reports a section that the article's type requires (in the taxonomy) but the article does
    not have. Headings are matched case-insensitively, and the taxonomy's `section_aliases`
    count (for example `Symptoms` for `Issue`).

    ## Why it matters
    KCS articles follow one structure so that a reader finds the resolution in the same place
    every time: a troubleshooting article without a Resolution is a question, not an answer.

    ## Example
    ```markdown
    ## Issue
    Sign-in fails with AUTH-401.
    ## Cause
    The SSO session timed out.
    ```

    ## Use instead
    ```markdown
    ## Issue
    Sign-in fails with AUTH-401.
    ## Environment
    Acme Cloud 4.2 with Okta SSO.
    ## Resolution
    1. Sign out of Okta and sign in again.
    ## Cause
    The SSO session timed out.
    ```
    """

    code = "KB101"
    name = "missing-section"
    group = Group.COMPLETE
    summary = "A section the article's type requires is missing."
    hint = "add the section as a '## ' heading (kb new writes them all)"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        kind = context.taxonomy.types.get(article.type or "")
        if kind is None:
            return
        order = [*kind.required_sections, *kind.optional_sections]
        present = {name: find_section(article, name, context) for name in order}
        for i, name in enumerate(kind.required_sections):
            if present[name] is not None:
                continue
            following = [s for n in order[i + 1 :] if (s := present[n]) is not None]
            if following:
                location = article.body_location(following[0].line)
                where = f"; add it before '## {following[0].title}'"
            else:
                location = article.body_location(max(len(article.body_lines) - 1, 0))
                where = ""
            yield self.at(
                location,
                f"the '{name}' section is missing (required for {kind.name} articles){where}",
                context=name,
            )


class EmptySection(ArticleRule):
    """## What it does
    Reports a required section whose heading is there but has nothing under it.

    ## Why it matters
    An empty Resolution looks complete to a checklist and helps nobody.

    ## Example
    ```markdown
    ## Resolution

    ## Cause
    ```

    ## Use instead
    Write the section, or, while the article is still being written, keep it at
    `confidence: wip`.
    """

    code = "KB102"
    name = "empty-section"
    group = Group.COMPLETE
    summary = "A required section is empty."
    hint = "write the section"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        kind = context.taxonomy.types.get(article.type or "")
        if kind is None:
            return
        for name in kind.required_sections:
            section = find_section(article, name, context)
            if section is not None and section.is_empty:
                yield self.at(
                    article.body_location(section.line),
                    f"the '{section.title}' section is empty",
                    context=name,
                )


class UnfilledPlaceholder(ArticleRule):
    """## What it does
    Reports a `[TODO: ...]` placeholder that `kb new` put in the article and nobody replaced.

    ## Why it matters
    A placeholder published to customers looks careless and says nothing.

    ## Example
    ```markdown
    ## Resolution
    [TODO: the steps that fixed it, numbered]
    ```

    ## Use instead
    ```markdown
    ## Resolution
    1. Open **Settings > Single sign-on**.
    2. Select **Renew certificate**.
    ```
    """

    code = "KB103"
    name = "unfilled-placeholder"
    group = Group.COMPLETE
    summary = "A template placeholder has not been replaced."
    hint = "replace the [TODO: ...] text with the real content"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        for name, value in article.meta.items():
            if isinstance(value, str) and PLACEHOLDER.search(value):
                yield self.at(article.field_location(name), f"{name} is still a placeholder", context=value)
        in_fence = False
        for number, line in enumerate(article.body_lines):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if in_fence:
                continue
            for match in PLACEHOLDER.finditer(line):
                yield self.at(
                    article.body_location(number, match.start() + 1),
                    f"placeholder to fill: {match.group(0)}",
                    context=match.group(0),
                )


class UnclosedInternalBlock(ArticleRule):
    """## What it does
    Reports a `::: internal` block that no `:::` line closes. Such a block runs on to the end of
    the article (or of the list item or quote it is in).

    ## Why it matters
    Everything after the opening line becomes a staff-only note: customers see the article
    stop there, and lose the sections after it.

    ## Example
    ```markdown
    ::: internal
    Escalate to the on-call engineer if the retry fails.

    ## Cause
    The token expired while the browser was offline.
    ```

    ## Use instead
    ```markdown
    ::: internal
    Escalate to the on-call engineer if the retry fails.
    :::

    ## Cause
    The token expired while the browser was offline.
    ```
    """

    code = "KB104"
    name = "unclosed-internal-block"
    group = Group.COMPLETE
    summary = "An internal block is never closed."
    hint = "end the staff-only note with a line that holds only ':::'"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        text = context.text(article)
        if not text.internal:  # no internal block at all, as most articles: no second walk of the tokens
            return
        lines = article.body_lines
        for start, end in unclosed_internal_blocks(text.tokens):
            first, last = article.body_line + start + 1, article.body_line + min(end, len(lines)) - 1
            hidden = f": lines {first} to {last} are staff-only" if last > first else ""
            yield self.at(
                article.body_location(start, len(lines[start]) - len(lines[start].lstrip()) + 1),
                f"this internal block is never closed{hidden}",
                context=lines[start].strip(),
            )


RULES: list[type[Rule]] = [MissingSection, EmptySection, UnfilledPlaceholder, UnclosedInternalBlock]
