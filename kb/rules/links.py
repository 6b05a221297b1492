"""Links valid: what an article points at exists, is published where the article is, and is current.

Links are checked across articles from their cached facts (`kb.rules.facts`): relative `.md`
paths, `#anchors` (GitHub-style heading slugs), and links by id (`KB-1042`, `KB-1042#cause`).
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from kb.findings import Finding, Level
from kb.rules.base import ArticleRule, CorpusRule, Group, Rule
from kb.taxonomy import audience_rank, did_you_mean

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext
    from kb.rules.facts import ArticleFacts, CorpusContext, LinkFact

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Target:
    """Where a link leads. `kind`: external, self, article, file, missing, unknown-id or skipped."""

    kind: str
    article: ArticleFacts | None = None
    anchor: str = ""
    path: str = ""


# Most links lead off the KB (or to its server's root): one shared target each, not one per link.
EXTERNAL = Target("external")
SKIPPED = Target("skipped")


def resolve(source: ArticleFacts, href: str, context: CorpusContext) -> Target:
    """Follow `href` written in `source`."""
    href = href.strip()
    if not href or _SCHEME.match(href) or href.startswith("//"):
        return EXTERNAL
    path, _, anchor = href.partition("#")
    path = unquote(path.split("?", 1)[0])
    anchor = unquote(anchor)
    if not path:
        return Target("self", source, anchor)
    if path.startswith("/"):
        return SKIPPED  # a site-root URL: kb cannot know what the server maps it to
    prefix = context.config.id_prefix
    if path.startswith(prefix) and path[len(prefix) :].isdigit():
        found = context.article(path)
        return Target("article", found, anchor, path) if found else Target("unknown-id", None, anchor, path)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source.relpath), path))
    if joined.startswith("../"):
        return Target("missing", None, anchor, joined)
    article = context.by_path.get(joined)
    if article is not None:
        return Target("article", article, anchor, joined)
    return Target(_state(context, joined), None, anchor, joined)


def _state(context: CorpusContext, relpath: str) -> str:
    """`file_state` of a file outside the articles, looked at once per run (kb serve's runs see
    files come and go). The check caches findings with what it saw (`linked_files`)."""
    seen = context.memo.setdefault("files", {})
    folders = context.memo.setdefault("folders", {})
    assert isinstance(seen, dict)
    assert isinstance(folders, dict)
    if relpath not in seen:
        seen[relpath] = file_state(context.root.as_posix(), relpath, folders)
    return str(seen[relpath])


def file_state(root: str, relpath: str, folders: dict[str, bool] | None = None) -> str:
    """What a link to `relpath` (from the KB root) finds: "file", "missing", or "symlink" when
    the file or a folder on its way is a symbolic link. The sites copy only real files: a link
    could lead anywhere (an internal article's source, a file of the host). `folders` keeps
    whether each folder is a link, for many files in few folders (8,000 linked files at 10,000
    articles: a look at each folder of each took 0.18 s of a check with nothing changed)."""
    folders = {} if folders is None else folders
    path = root
    *parents, name = relpath.split("/")
    for part in parents:
        path = f"{path}/{part}"
        linked = folders.get(path)
        if linked is None:
            linked = folders[path] = os.path.islink(path)  # noqa: PTH114 - strings, as the caller has them
        if linked:
            return "symlink"
    try:
        status = os.lstat(f"{path}/{name}")
    except (OSError, ValueError):
        return "missing"
    return "symlink" if stat.S_ISLNK(status.st_mode) else "file"


def linked_files(context: CorpusContext) -> dict[str, str]:
    """The files outside the articles that links of this run led to, and the `file_state` of each."""
    seen = context.memo.get("files")
    return dict(seen) if isinstance(seen, dict) else {}


def _links(context: CorpusContext) -> list[tuple[ArticleFacts, LinkFact, Target]]:
    """Every link of every article with where it leads, resolved once per run for all link rules;
    links off the KB are left out: no rule here looks at them, and they are most links (a
    million at 50,000 articles)."""
    memo = context.memo.get("links")
    if isinstance(memo, list):
        return memo
    found = [
        (facts, link, target)
        for facts in context.subjects
        for link in facts.links
        if (target := resolve(facts, link.href, context)) is not EXTERNAL
    ]
    context.memo["links"] = found
    return found


def _suggest(path: str, context: CorpusContext) -> str:
    """' (did you mean "...")' for an article of the same folder with a close file name."""
    folder, name = posixpath.split(path)
    siblings = context.by_folder.get(folder, [])
    if not siblings or len(siblings) > 2000:
        return ""
    names = {posixpath.basename(p): p for p in siblings}
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.75)
    return f' (did you mean "{names[close[0]]}"?)' if close else ""


class ReplacedByUnknown(CorpusRule):
    """## What it does
    Reports a `replaced_by` that names no article of the KB, or names the article itself, or an
    article that is archived in turn.

    ## Why it matters
    Archived articles redirect to their replacement. A replacement that does not exist sends
    customers to a 404; one that is archived itself sends them round in a chain.

    ## Example
    ```yaml
    confidence: archived
    replaced_by: KB-2001   # no article has this id
    ```

    ## Use instead
    ```yaml
    confidence: archived
    replaced_by: KB-1042   # the current article for this issue
    ```
    """

    code = "KB401"
    name = "replaced-by-unknown"
    group = Group.LINKS
    summary = "replaced_by does not point at a current article."
    hint = "point replaced_by at the id of the current article for this issue"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts in context.subjects:
            target_id = facts.replaced_by
            if not target_id:
                continue
            location = facts.at(facts.replaced_by_at)
            if target_id == facts.id:
                yield self.at(location, "replaced_by names the article itself", context=target_id)
                continue
            target = context.article(target_id)
            if target is None:
                yield self.at(
                    location,
                    f"replaced_by names {target_id}, which no article has{did_you_mean(target_id, context.by_id)}",
                    context=target_id,
                )
            elif target.archived:
                yield self.at(
                    location,
                    f"replaced_by names {target_id}, which is archived too; point at its replacement",
                    context=target_id,
                )


class BrokenLink(CorpusRule):
    """## What it does
    Reports a relative link that leads nowhere: a `.md` path (or image) that does not exist, or
    an id (`KB-1042`) that no article has, or a file reached through a symbolic link, which
    the sites never copy (it could lead to an internal article's source or a file of the host).
    Web links (`https://...`) are not checked; site-root links (`/path`) are KB407's.

    ## Why it matters
    A broken link is a dead end in the middle of a fix, and it tells the reader the article is
    not maintained. Files get moved and renamed; links are the first thing to break.

    ## Example
    ```markdown
    See [Reset a forgotten password](reset-pasword.md).
    ```

    ## Use instead
    ```markdown
    See [Reset a forgotten password](reset-password.md).
    ```
    Linking by id (`[Reset a forgotten password](KB-1031)`) survives moves and renames.
    """

    code = "KB402"
    name = "broken-link"
    group = Group.LINKS
    summary = "A link points at a file or article that does not exist."
    hint = "fix the path (relative to this article's folder), or link by id"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts, link, target in _links(context):
            if target.kind == "missing":
                close = _suggest(target.path, context)
                yield self.at(
                    facts.at((link.line, link.col)),
                    f"{link.href} leads nowhere: {target.path} does not exist{close}",
                    context=link.href,
                )
            elif target.kind == "symlink":
                yield self.at(
                    facts.at((link.line, link.col)),
                    f"{link.href} leads to a symbolic link ({target.path}), which the sites do not copy",
                    context=link.href,
                )
            elif target.kind == "unknown-id":
                yield self.at(
                    facts.at((link.line, link.col)),
                    f"{link.href} leads nowhere: no article has the id {target.path}",
                    context=link.href,
                )


class BrokenAnchor(CorpusRule):
    """## What it does
    Reports a `#anchor` that matches no heading (GitHub-style slug: lower case, punctuation
    dropped, spaces as hyphens, `-1`, `-2` for repeated headings) and no HTML anchor of the
    article it points into.

    ## Why it matters
    A link to `#resolution` that lands at the top of the page makes the reader hunt for the
    section; it usually means a heading was renamed.

    ## Example
    ```markdown
    See [the fix](saml-signature-sso-1002.md#solution).
    ```

    ## Use instead
    ```markdown
    See [the fix](saml-signature-sso-1002.md#resolution).
    ```
    """

    code = "KB403"
    name = "broken-anchor"
    group = Group.LINKS
    summary = "A #anchor matches no heading of the linked article."
    hint = "use the heading's slug: lower case, spaces as hyphens, punctuation dropped"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts, link, target in _links(context):
            if target.kind not in ("self", "article") or not target.anchor or target.article is None:
                continue
            anchors = target.article.anchors
            if target.anchor in anchors or target.anchor.lower() in anchors:
                continue
            where = "this article" if target.kind == "self" else target.article.label
            yield self.at(
                facts.at((link.line, link.col)),
                f"#{target.anchor} matches no heading of {where}{did_you_mean(target.anchor, anchors)}",
                context=link.href,
            )


class LinkToLessPublic(CorpusRule):
    """## What it does
    Reports a link from an article to one that a site publishing it does not publish: a less
    public audience (a public article linking to an internal runbook), or a draft (`wip` or
    `not-validated`) that the public site leaves out. Links inside `::: internal` blocks are
    only checked against the staff site. Before any site is configured, audiences are compared
    (internal < partner < customer < public).

    ## Why it matters
    The public site never links to what it does not publish: the link would be a 404 for
    customers, and its text may reveal an internal article's title.

    ## Example
    ```markdown
    ---
    audience: public
    ---
    Escalate with the [SSO incident runbook](sso-incident-runbook.md).
    ```

    ## Use instead
    Move the link into an internal note, which only staff see:
    ```markdown
    ::: internal
    Escalate with the [SSO incident runbook](sso-incident-runbook.md).
    :::
    ```
    """

    code = "KB404"
    name = "link-to-less-public"
    group = Group.LINKS
    summary = "A link points at a less public or unpublished article."
    hint = "link only to articles published where this one is, or move the link into a ::: internal block"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        from kb.publish import shows_internal_notes

        for facts, link, target in _links(context):
            other = target.article
            if target.kind != "article" or other is None or other.archived or facts.archived:
                continue
            location = facts.at((link.line, link.col))
            sites = context.sites_publishing(facts)
            if (
                not sites
                and not link.internal
                and audience_rank(other.audience or "") < audience_rank(facts.audience or "")
            ):
                # No site publishes this article yet: judge by audience alone.
                yield self.at(
                    location,
                    f"a {facts.audience} article links to {other.label}, which is {other.audience or 'not public'}",
                    context=link.href,
                )
                continue
            for site in sites:
                if link.internal and not shows_internal_notes(site):
                    continue  # the site never shows this link
                if site not in context.sites_publishing(other):
                    yield self.at(
                        location,
                        f"the {site.name} site publishes this article but not {other.label} "
                        f"({other.audience or 'no audience'}, {other.confidence or 'no confidence'})",
                        context=link.href,
                    )
                    break


class LinkToArchived(CorpusRule):
    """## What it does
    Reports a link to an archived article (`confidence: archived`), naming its replacement when
    it has one. Archived articles are not checked themselves.

    ## Why it matters
    An archived article is no longer maintained; the reader who follows the link lands on
    advice for a version that is gone. It also makes the linking article stale.

    ## Example
    ```markdown
    See [SSO fails after a certificate change](sso-fails-after-certificate-change-4-1.md).
    ```

    ## Use instead
    Link to the replacement named in the archived article's `replaced_by`:
    ```markdown
    See [SSO sign-in fails with SSO-1002](saml-signature-sso-1002.md).
    ```
    """

    code = "KB405"
    name = "link-to-archived"
    group = Group.LINKS
    level = Level.WARNING
    summary = "A link points at an archived article."
    hint = "link to the article that replaces it"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts, link, target in _links(context):
            other = target.article
            if target.kind != "article" or other is None or not other.archived or facts.archived:
                continue
            instead = f"; link to its replacement {other.replaced_by}" if other.replaced_by else ""
            yield self.at(
                facts.at((link.line, link.col)),
                f"{other.label} is archived{instead}",
                context=link.href,
            )


class ImageWithoutAlt(ArticleRule):
    """## What it does
    Reports an image without alternative text: `![](diagram.png)` or `<img src="...">` without
    an `alt`.

    ## Why it matters
    Screen readers read the alt text instead of the image; without it a blind reader misses the
    step the screenshot shows. Search also indexes alt text.

    ## Example
    ```markdown
    ![](saml-certificate-rollover.svg)
    ```

    ## Use instead
    ```markdown
    ![Timeline: both certificates are trusted during the overlap](saml-certificate-rollover.svg)
    ```
    """

    code = "KB406"
    name = "image-without-alt"
    group = Group.LINKS
    level = Level.WARNING
    summary = "An image has no alt text."
    hint = "describe what the image shows in the brackets: ![what it shows](file.png)"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        for link in context.text(article).links:
            if link.image and not link.text.strip():
                yield self.at(
                    article.body_location(link.line, link.col),
                    f"the image {link.href or '(no source)'} has no alt text",
                    context=link.href,
                )


class RootAbsoluteLink(CorpusRule):
    """## What it does
    Reports a link or an image that starts at the web server's root: `[Reset](/articles/x.md)`,
    `![](/media/flow.png)`, `[Docs](/docs/start)`. When the path names an article of the KB (from
    the KB root or from the articles folder), it says the relative link to write instead.
    Protocol-relative links (`//host/path`) are web links to another host and are not reported.

    ## Why it matters
    Every page kb writes links relatively, so a site works wherever it is served: at a host's
    root, in a folder of it (`https://example.com/help/`), or under `/public/` in `kb serve`. A
    root-absolute link leaves that folder and breaks there, and the site keeps it as written: a
    link to a `.md` file is not even turned into a link to its page. Imported articles carry such
    links from the site they came from, where they led somewhere else.

    ## Example
    ```markdown
    See [Reset a forgotten password](/articles/identity/reset-password.md) and
    [the service limits](/microsoft-365/enterprise/service-limits).
    ```

    ## Use instead
    ```markdown
    See [Reset a forgotten password](../identity/reset-password.md) and
    [the service limits](https://learn.microsoft.com/microsoft-365/enterprise/service-limits).
    ```
    A link by id (`[Reset a forgotten password](KB-1031)`) survives moves and renames too. For
    articles brought in with `kb import`, `--link-base https://learn.microsoft.com` (the old site's
    address) writes every such link as a full address when importing.
    """

    code = "KB407"
    name = "root-absolute-link"
    group = Group.LINKS
    level = Level.WARNING
    summary = "A link starts at the server's root (/path): it breaks when the site is served under a path."
    hint = "link to the article's file relative to this one (../area/article.md), or give a full https:// address"

    def check_corpus(self, context: CorpusContext) -> Iterator[Finding]:
        for facts, link, target in _links(context):
            if target.kind != "skipped":
                continue
            yield self.at(
                facts.at((link.line, link.col)),
                f"{link.href} starts at the server's root: it breaks when the site is served under a path"
                + _relative_instead(facts, link.href, context),
                context=link.href,
            )


def _relative_instead(source: ArticleFacts, href: str, context: CorpusContext) -> str:
    """'; link to "../x.md" instead' when a root-absolute `href` names an article of the KB, from
    the KB root or from the articles folder."""
    path, _, anchor = href.partition("#")
    path = unquote(path.split("?", 1)[0]).lstrip("/")
    articles = posixpath.normpath(context.config.articles)
    for candidate in (posixpath.normpath(path or "."), posixpath.normpath(posixpath.join(articles, path or "."))):
        if candidate in context.by_path:
            relative = posixpath.relpath(candidate, posixpath.dirname(source.relpath) or ".")
            return f'; link to "{relative}{"#" + anchor if anchor else ""}" instead'
    return ""


RULES: list[type[Rule]] = [
    ReplacedByUnknown,
    BrokenLink,
    BrokenAnchor,
    LinkToLessPublic,
    LinkToArchived,
    ImageWithoutAlt,
    RootAbsoluteLink,
]
