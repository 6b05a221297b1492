"""Clear: a page or less, no walls of text, readable prose, a title that states the issue.

Readability is computed here, offline: Flesch reading ease with a syllable heuristic, on the
article's prose (paragraphs and list items; not code, not tables, not internal notes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kb.findings import Finding, Level
from kb.rules.base import ArticleRule, Group, Rule, retired
from kb.rules.text import Paragraph, words
from kb.words import plural

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext


_VOWELS = re.compile(r"[aeiouy]+")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|[。！？]+")  # Chinese and Japanese full stops need no space


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables of an English word, by vowel groups (good to about 90%, plenty for a score)."""
    word = word.lower().strip("'’")
    if len(word) <= 3:
        return 1
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        word = word[:-1]
    elif word.endswith(("es", "ed")) and not word.endswith(("ted", "ded", "ses", "zes", "ces", "ges")):
        word = word[:-2]
    return max(1, len(_VOWELS.findall(word)))


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def flesch(self) -> float:
        """Flesch reading ease: 100 very easy, 60-70 plain English, under 30 very hard."""
        if not self.words:
            return 100.0
        return 206.835 - 1.015 * (self.words / self.sentences) - 84.6 * (self.syllables / self.words)


def readability(paragraphs: list[Paragraph]) -> Readability:
    words = sentences = count = 0
    for paragraph in paragraphs:
        found = [w for w in paragraph.word_list if not w[0].isdigit()]
        if not found:
            continue
        words += len(found)
        count += sum(map(syllables, found))
        # A paragraph or list item ends a sentence even without a full stop.
        sentences += max(1, len(_SENTENCE_END.findall(paragraph.text)))
    return Readability(words, max(sentences, 1), count)


class TooLong(ArticleRule):
    """## What it does
    Reports an article whose prose (paragraphs, lists, headings and tables; not code) is longer
    than `lint.thresholds.max_words` (700 words by default).

    ## Why it matters
    KCS asks for articles of "a page or less": a customer in the middle of a problem scans for
    the fix and gives up on a long page. A long article is usually several issues in one.

    ## Example
    A troubleshooting article that explains three different causes, each with its own
    resolution, in 1,400 words.

    ## Use instead
    One article per cause, each linking to the others, or a short reference article that the
    troubleshooting articles link to for background.
    """

    code = "KB201"
    name = "too-long"
    group = Group.CLEAR
    level = Level.WARNING
    summary = "The article is longer than a page."
    hint = "split it into one article per issue, or move background into a linked reference article"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        limit = context.config.lint.thresholds.max_words
        words = context.text(article).prose_words
        if words > limit:
            yield self.at(
                article.field_location("title"),
                f"the article has {plural(words, 'word')} of prose; keep it to a page ({limit:,} words)",
                context=article.title or "",
            )


class WallOfText(ArticleRule):
    """## What it does
    Reports a paragraph longer than `lint.thresholds.wall_of_text_words` (120 words by default).

    ## Why it matters
    Readers scan support articles. A long paragraph hides the one sentence they need; steps
    buried in prose get skipped.

    ## Example
    ```markdown
    To fix this you first need to open the admin console and then go to the security page
    where you will find ... (150 more words)
    ```

    ## Use instead
    ```markdown
    1. Open **Admin > Security**.
    2. Select **Session length**.
    3. ...
    ```
    Short paragraphs, numbered steps for actions, a list for options.
    """

    code = "KB202"
    name = "wall-of-text"
    group = Group.CLEAR
    level = Level.WARNING
    summary = "A paragraph is a wall of text."
    hint = "break it into short paragraphs, or turn the actions into numbered steps"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        limit = context.config.lint.thresholds.wall_of_text_words
        for paragraph in context.text(article).prose:
            words = paragraph.words
            if words > limit:
                yield self.at(
                    article.body_location(paragraph.start),
                    f"this paragraph has {plural(words, 'word')} (more than {limit:,})",
                    context=paragraph.text[:80],
                )


class HardToRead(ArticleRule):
    """## What it does
    Computes the Flesch reading ease of the article's prose (paragraphs and list items, without
    code, tables or internal notes) and reports a score under `lint.thresholds.readability_floor`
    (30 by default). Articles with fewer than `readability_min_words` words are not scored.

    ## Why it matters
    Long sentences and long words make customers give up; many read in their second language.
    Plain English scores 60-70; under 30 reads like a legal contract.

    ## Example
    ```markdown
    Synchronization inconsistencies necessitate administrative reconfiguration of the
    organizational authentication infrastructure prior to subsequent authorization attempts.
    ```

    ## Use instead
    ```markdown
    Sync stopped because sign-in settings changed. An admin needs to update them. Then try again.
    ```
    """

    code = "KB203"
    name = "hard-to-read"
    group = Group.CLEAR
    level = Level.WARNING
    summary = "The prose is hard to read (low Flesch reading ease)."
    hint = "use shorter sentences and everyday words; one idea per sentence"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        thresholds = context.config.lint.thresholds
        score = readability(context.text(article).prose)
        if score.words < thresholds.readability_min_words:
            return
        if score.flesch < thresholds.readability_floor:
            per_sentence = score.words / score.sentences
            yield self.at(
                article.field_location("title"),
                f"reading ease is {score.flesch:.0f} (floor {thresholds.readability_floor:.0f}): "
                f"{per_sentence:.0f} words per sentence, {score.syllables / score.words:.1f} syllables per word",
                context=article.title or "",
            )


# Words that say "something is wrong" without saying what.
_VAGUE_WORDS = """a an the with in on of for to and or my our your it this that some problem problems issue issues error
    errors help question questions troubleshooting trouble misc miscellaneous faq faqs notes note info information
    general untitled test todo fix fixes broken not working doesn't work fails failed failure"""
_VAGUE = frozenset(_VAGUE_WORDS.split())


# Types whose title names a problem; a how-to or a reference is titled by its subject.
ISSUE_TYPES = ("troubleshooting", "known-issue")


class VagueTitle(ArticleRule):
    """## What it does
    Reports a title that does not state the issue: a troubleshooting or known-issue title of
    fewer than `lint.thresholds.title_min_words` words, or any title of nothing but generic words
    ("Error", "Login not working", "Problem with the app").

    ## Why it matters
    Customers search with the words they see: the symptom and the error code. KCS asks for
    titles "in the customer's words"; a vague title is never found and never clicked.

    ## Example
    ```yaml
    title: Login problem
    ```

    ## Use instead
    ```yaml
    title: Signed out with AUTH-401 "Your session has expired" while working
    ```
    """

    code = "KB204"
    name = "vague-title"
    group = Group.CLEAR
    level = Level.WARNING
    summary = "The title does not state the issue."
    hint = "write the symptom in the customer's words, with the error code they see"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if retired(article):
            return
        title = article.title
        if not title:
            return
        location = article.field_location("title")
        found = words(title)
        minimum = context.config.lint.thresholds.title_min_words
        specific = [w for w in found if w.lower() not in _VAGUE]
        if len(found) < minimum and article.type in ISSUE_TYPES:
            count = f"{len(found)} word{'' if len(found) == 1 else 's'}"
            yield self.at(location, f"the title has {count}; say what fails and how", context=title)
        elif len(specific) < 2:
            yield self.at(location, "the title has only generic words; name the symptom", context=title)


RULES: list[type[Rule]] = [TooLong, WallOfText, HardToRead, VagueTitle]
