"""Safe: no secret anywhere, and nothing personal where customers can see it.

Secrets are never fine, in any article, internal or not, and in any internal block: a secret in
git leaks whoever reads the page (see `Secret`). E-mail addresses, public IP addresses, payment
card numbers and customer names are findings in what customers can see: the title, description
and text outside `::: internal` blocks of every article whose audience a customer-facing site
(one that does not show internal notes) publishes, whatever its confidence, since a `wip` or
`not-validated` article goes out as it is the moment it is validated. Documentation addresses
(RFC 5737, RFC 3849), private ranges and example domains (RFC 2606) are fine.

The secret families are those detect-secrets knows, implemented here so that every finding has
a column and no plugin machinery runs per line (see `SECRET_FAMILIES`).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import ipaddress
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kb.findings import Finding, Location
from kb.markdown import INTERNAL
from kb.rules.base import ArticleRule, Group, Rule
from kb.rules.text import locate

if TYPE_CHECKING:
    from kb.article import Article
    from kb.rules.context import CheckContext
    from kb.site.sanitize import Dropped
    from kb.taxonomy import Taxonomy


@dataclass(frozen=True)
class Family:
    name: str
    # Patterns start with literal text, never with `\b`, so that the regex engine can skip
    # ahead: the word boundary before it is checked in code. A class or an alternation at the
    # start (`[rs]k_live_`, `(?:AC|SK)`) makes the engine try far more places (several times
    # slower over the OfficeDocs corpus): prefer one pattern per prefix, or `lead`.
    pattern: re.Pattern[str]
    group: int = 0  # which group holds the secret itself
    boundary: bool = True  # must not follow a letter or digit
    # What the secret starts with, just before the match, when that is too common to start the
    # pattern with (32 hex digits, 8 digits): the pattern starts at the rarer text after it.
    lead: re.Pattern[str] | None = None
    # Only a keyword (`password:`, `Bearer`, `user:...@`) tells that the value is a secret, so the
    # value may be a placeholder (`<your-token>`, `YOUR_API_KEY`). A value the pattern recognises
    # by its own shape (`AKIA...`, `ghp_...`) is a key whatever it spells, AWS's documented
    # `AKIAIOSFODNN7EXAMPLE` included: it is the key a reviewer pastes to test the rule.
    keyword_gated: bool = False


_WORD_CHAR = re.compile(r"\w")
_LEAD_WINDOW = 40  # characters a `Family.lead` may span

SECRET_FAMILIES = (
    Family("AWS access key", re.compile(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")),
    Family(
        "AWS secret access key",
        re.compile(
            r"(?:aws|AWS|Aws)[^\n]{0,20}?(?:secret|key|Secret|Key|SECRET|KEY)[^\n]{0,20}?[ \t'\"=:]"
            r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
        ),
        1,
    ),
    Family("Azure storage account key", re.compile(r"AccountKey=([A-Za-z0-9+/]{86}==)"), 1, boundary=False),
    Family("GitHub token", re.compile(r"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{70,})(?!\w)")),
    Family("GitLab token", re.compile(r"gl(?:pat|ptt|dt|rt|soat|cbt|imt|ft|agent)-[A-Za-z0-9_-]{20,}")),
    Family("Slack token", re.compile(r"xox[abposr]-(?:[0-9]+-)+[A-Za-z0-9]+")),
    Family("Slack webhook", re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/\w+")),
    Family("Stripe key", re.compile(r"sk_live_[0-9a-zA-Z]{24,}(?!\w)")),
    Family("Stripe key", re.compile(r"rk_live_[0-9a-zA-Z]{24,}(?!\w)")),
    Family("Twilio key", re.compile(r"AC[a-f0-9]{32}(?!\w)")),
    Family("Twilio key", re.compile(r"SK[a-f0-9]{32}(?!\w)")),
    Family("SendGrid key", re.compile(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])")),
    Family("npm token", re.compile(r"npm_[A-Za-z0-9]{36}(?!\w)")),
    # A legacy npm token is a UUID, a secret only as the `_authToken` of an `.npmrc` line.
    Family(
        "npm token",
        re.compile(r":_authToken=[ \t]*([0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12})(?![\w-])"),
        1,
        boundary=False,
    ),
    # Legacy and project keys alike hold `T3BlbkFJ` ("OpenAI" in base64); project, service
    # account and admin keys are recognisable by their prefix alone.
    Family(
        "OpenAI key",
        re.compile(
            r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})(?![\w-])"
        ),
    ),
    # "pypi.org" or "test.pypi.org" in base64, inside the token's macaroon.
    Family("PyPI token", re.compile(r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{70,}")),
    Family(
        "Discord bot token",
        re.compile(r"\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}(?![\w-])"),
        lead=re.compile(r"[MNO][A-Za-z0-9_-]{23,25}$"),
    ),
    # Often in the bot's URL (`api.telegram.org/bot123456789:AA...`): after letters, not digits.
    Family(
        "Telegram bot token",
        re.compile(r":[A-Za-z0-9_-]{35}(?![\w-])"),
        boundary=False,
        lead=re.compile(r"(?<![0-9])[0-9]{8,10}$"),
    ),
    Family("Square OAuth secret", re.compile(r"sq0csp-[A-Za-z0-9_-]{43}(?![\w-])")),
    Family("Square access token", re.compile(r"sq0atp-[A-Za-z0-9_-]{22,60}(?![\w-])")),
    Family("Square access token", re.compile(r"EAAA[A-Za-z0-9_-]{22,60}(?![\w-])")),
    Family("Mailchimp key", re.compile(r"-us[0-9]{1,2}(?![\w-])"), lead=re.compile(r"[0-9a-f]{32}$")),
    Family("Artifactory key", re.compile(r"AKCp[A-Za-z0-9]{10,}(?![\w-])")),
    Family("private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"), boundary=False),
    Family("JSON Web Token", re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")),
    Family(
        "password in a URL",
        re.compile(r"://[^\s:/?#\[\]@\"'`]+:([^\s:/?#\[\]@\"'`]+)@"),
        1,
        boundary=False,
        keyword_gated=True,
    ),
    # A value after `:` or `=`; the keyword before it (password, secret, token, ...) is checked in code.
    Family(
        "secret value",
        re.compile(r"[:=][ \t]*[\"']?([A-Za-z0-9+/=_\-.!@#%^&*~]{12,})"),
        1,
        boundary=False,
        keyword_gated=True,
    ),
    Family("bearer token", re.compile(r"Bearer[ \t]+([A-Za-z0-9+/=_\-.~]{16,})"), 1, keyword_gated=True),
    Family("bearer token", re.compile(r"bearer[ \t]+([A-Za-z0-9+/=_\-.~]{16,})"), 1, keyword_gated=True),
)

# The words that make the value after them a secret ("password: ...", "api_key = ...").
_KEYWORD_BEFORE = re.compile(
    r"(?<![A-Za-z0-9])(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|access[_-]?token|token|"
    r"private[_-]?key|client[_-]?secret)[\"']?[ \t]*(?:=>?|:)[ \t]*[\"']?$",
    re.IGNORECASE,
)

# Values after a keyword that are placeholders, not secrets: `<your-key>`, `YOUR_API_KEY`, `****`,
# `example-password`. Never applied to the families recognised by their shape (see `Family`).
_PLACEHOLDER = re.compile(
    r"(?i)example|your[_-]?|xxxx|\*\*\*|<|>|\{|\}|\$|redacted|placeholder|changeme|dummy|sample|"
    r"(?:abc|123|secret|password|token|key)[_-]?(?:here|value)|^\.+$"
)

# A key written with its characters masked (`AKIAXXXXXXXXXXXXXXXX`, `ghp_xxxx...`) shows the shape
# of a key, not a key: six x's in a row come by chance in fewer than one random key in a million.
_MASKED = re.compile(r"[Xx]{6}")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _real_secret(family: Family, value: str) -> bool:
    if family.name == "JSON Web Token":
        return _decodes_to_json(value.split(".", 1)[0])
    if family.keyword_gated:
        if _PLACEHOLDER.search(value):
            return False
        # A word ("password: required") is not a secret; a random-looking string is.
        return entropy(value) >= (2.0 if family.name == "password in a URL" else 3.0) and not value.isalpha()
    return not _MASKED.search(value)


def _decodes_to_json(segment: str) -> bool:
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return isinstance(json.loads(data), dict)
    except (binascii.Error, ValueError):
        return False


def find_secrets(text: str) -> Iterator[tuple[str, int, str]]:
    """(family, 0-based offset, secret) for each secret in `text`, one per place. Each family's
    pattern runs once over the whole text: per line, two dozen patterns cost more than the rest of
    the checks together."""
    seen: set[int] = set()
    for family in SECRET_FAMILIES:
        for match in family.pattern.finditer(text):
            begin, (start, end) = match.start(), match.span(family.group)
            if family.lead is not None:
                lead = family.lead.search(text, max(0, start - _LEAD_WINDOW), start)
                if lead is None:
                    continue
                begin = start = lead.start()
            value = text[start:end]
            if family.boundary and begin > 0 and _WORD_CHAR.match(text, begin - 1):
                continue
            if family.name == "secret value" and not _KEYWORD_BEFORE.search(text, max(0, start - 40), start):
                continue
            if start in seen or not _real_secret(family, value):
                continue
            seen.add(start)
            yield family.name, start, value


def _mask(secret: str) -> str:
    return secret[:4] + "…" if len(secret) > 8 else "…"


# -- what customers can see -----------------------------------------------------------------------

_FRONT_VISIBLE = ("title", "description")


class FileText:
    """A text laid out like the article file (same lines, hidden ones blank), to scan whole."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        position = text.find("\n")
        while position >= 0:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def location(self, article: Article, offset: int) -> Location:
        line = bisect.bisect_right(self.starts, offset)
        return Location(article.relpath, line, offset - self.starts[line - 1] + 1)


def customer_facing(article: Article, taxonomy: Taxonomy) -> bool:
    """Whether a site that does not show internal notes lists `article`'s audience. Its confidence
    does not matter: a `wip` or `not-validated` article is published the moment it is validated,
    with whatever it holds then, so it is checked before."""
    from kb.publish import shows_internal_notes

    return any(article.audience in site.audiences for site in taxonomy.sites.values() if not shows_internal_notes(site))


def customer_text(article: Article, context: CheckContext) -> FileText | None:
    """What a customer-facing site shows or will show of `article`, laid out like the file; None
    when the article is not customer-facing (see `customer_facing`)."""
    body = context.text(article)
    if "customer_text" in body.memo:  # four rules ask; build it once
        cached = body.memo["customer_text"]
        return cached if isinstance(cached, FileText) else None
    result = None
    if customer_facing(article, context.taxonomy):
        shown = [""] * len(article.text.split("\n"))
        for number, line in _front_lines(article, _FRONT_VISIBLE):
            shown[number - 1] = line
        for index, line in body.visible_lines(staff=False):
            shown[article.body_line - 1 + index] = line
        result = FileText("\n".join(shown))
    body.memo["customer_text"] = result
    return result


def _front_lines(article: Article, names: tuple[str, ...]) -> list[tuple[int, str]]:
    file_lines = article.text.split("\n")
    found = []
    for name in names:
        if name not in article.meta:
            continue
        line = article.field_location(name, key=True).line
        found.append((line, file_lines[line - 1]))
        for following in range(line, article.body_line - 2):  # folded or block scalars
            text = file_lines[following]
            if not text.startswith((" ", "\t")):
                break
            found.append((following + 1, text))
    return found


class Secret(ArticleRule):
    """## What it does
    Reports secrets anywhere in the article, internal blocks and internal articles included,
    whatever the article's audience and confidence. This is deliberate, and unlike the other
    safe rules (KB502 to KB505), which look only at what customers can see.

    It finds the families detect-secrets knows (AWS keys and secret keys, Azure storage keys,
    GitHub, GitLab, Slack, Stripe, Twilio, SendGrid, npm, OpenAI, PyPI, Discord, Telegram,
    Square, Mailchimp and Artifactory keys and tokens, Slack webhooks, private keys, JSON Web
    Tokens, passwords in URLs) and random-looking values after words like `password`, `secret`,
    `token` or `api_key`. After such a word, placeholders (`<your-key>`, `YOUR_API_KEY`, `****`,
    `example-password`) are not reported. A key recognised by its shape is reported whatever it
    spells: AWS's documented `AKIAIOSFODNN7EXAMPLE` is the first key anyone pastes, so write
    `<your-access-key-id>` instead. Only a masked key (`AKIAXXXXXXXXXXXXXXXX`) is not reported.

    ## Why it matters
    A secret in git is a leak whoever reads the page: every clone, fork and backup of the
    repository holds it, and git keeps it in history after the line is deleted. An internal
    block only hides text from the public site, and an internal article is still copied into
    tickets and exports. A key pasted from a customer's log is a breach waiting to happen:
    rotate it, do not just delete it.

    ## Example
    ```markdown
    curl -H "Authorization: Bearer ghp_8Tb1w2yQ0cXfRk3mN5pL7sV9dZ4hJ6gA1eUo"
    ```

    ## Use instead
    ```markdown
    curl -H "Authorization: Bearer <your-api-token>"
    ```
    """

    code = "KB501"
    name = "secret"
    group = Group.SAFE
    summary = "A secret (key, token, password, private key) is in the article."
    hint = "replace it with a placeholder such as <your-api-key>, and have the secret rotated"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        whole = FileText(article.text)
        for family, offset, secret in find_secrets(article.text):
            yield self.at(whole.location(article, offset), f"{family} {_mask(secret)}", context=f"{family}:{secret}")


_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b")
_EXAMPLE_DOMAINS = re.compile(r"(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$", re.IGNORECASE)


class EmailAddress(ArticleRule):
    """## What it does
    Reports e-mail addresses in what customers can see. Example domains (RFC 2606:
    `example.com`, `*.example`, `*.test`, `*.invalid`) and the addresses or `@domain`s listed in
    `lint.allowed_emails` (your support address) are fine.

    What customers can see is the title, description and text outside `::: internal` blocks of
    every article whose audience a customer-facing site publishes, whatever its confidence: a
    `wip` or `not-validated` article goes out as it is the moment it is validated.

    ## Why it matters
    An address in a public article is usually a customer's or a colleague's, copied from a
    ticket: personal data that must not be published, and spam bait.

    ## Example
    ```markdown
    The export was sent to jane.doe@contoso.com.
    ```

    ## Use instead
    ```markdown
    The export is sent to the address of the admin who started it (for example `admin@example.com`).
    ```
    """

    code = "KB502"
    name = "email-address"
    group = Group.SAFE
    summary = "An e-mail address is in what customers can see."
    hint = "use an example address (name@example.com), or list your support address in lint.allowed_emails"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        shown = customer_text(article, context)
        if shown is None or "@" not in shown.text:
            return
        allowed = {a.lower().lstrip("@") for a in context.config.lint.allowed_emails}
        for match in _EMAIL.finditer(shown.text):
            address, domain = match.group(0), match.group(1).lower()
            if _EXAMPLE_DOMAINS.search(domain) or address.lower() in allowed or domain in allowed:
                continue
            yield self.at(
                shown.location(article, match.start()),
                f"the e-mail address {address} is published to customers",
                context=address,
            )


# No look-behind at the start, so that the engine can skip ahead; the boundary before is checked in code.
_IPV4 = re.compile(r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)")
_IPV6 = re.compile(r"((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:])")
_IPV6_HINT = re.compile(r"[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:")
_DOCUMENTATION = (
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
    ipaddress.ip_network("2001:db8::/32"),
)


@lru_cache(maxsize=4096)
def is_public_ip(text: str) -> bool:
    """A globally routable address that is not reserved for documentation."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if any(address in network for network in _DOCUMENTATION):
        return False
    return address.is_global and not address.is_multicast


_VERSION_BEFORE = re.compile(r"(?i)(?:version|ver\.?|build|release|update|v)[\s\"':=]*$")


def _looks_like_version(text: str, start: int, value: str) -> bool:
    """`version 5.1.24.0`, `AppVersion":"4.13.132.0"`, `16.0.0.0`: four numbers, not an address."""
    return value.endswith(".0.0") or bool(_VERSION_BEFORE.search(text, max(0, start - 24), start))


class PublicIpAddress(ArticleRule):
    """## What it does
    Reports public IPv4 and IPv6 addresses in what customers can see. Private ranges
    (`10.0.0.0/8`, `192.168.0.0/16`, ...), loopback and the documentation ranges (RFC 5737:
    `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`; RFC 3849: `2001:db8::/32`) are fine, and
    so are four-part version numbers (`version 5.1.24.0`, `16.0.0.0`).

    What customers can see is the title, description and text outside `::: internal` blocks of
    every article whose audience a customer-facing site publishes, whatever its confidence: a
    `wip` or `not-validated` article goes out as it is the moment it is validated.

    ## Why it matters
    A public address in an article usually comes from a customer's log or from our own
    infrastructure: it identifies a customer's network or maps our attack surface.

    ## Example
    ```markdown
    Requests from 81.2.69.160 were blocked.
    ```

    ## Use instead
    ```markdown
    Requests from an address outside the allowlist (for example `203.0.113.45`) were blocked.
    ```
    """

    code = "KB503"
    name = "public-ip"
    group = Group.SAFE
    summary = "A public IP address is in what customers can see."
    hint = "use a documentation address (203.0.113.x, 198.51.100.x, 192.0.2.x, 2001:db8::)"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        shown = customer_text(article, context)
        if shown is None:
            return
        patterns = (_IPV4, _IPV6) if _IPV6_HINT.search(shown.text) else (_IPV4,)
        for pattern in patterns:
            for match in pattern.finditer(shown.text):
                start = match.start(1)
                if start and (shown.text[start - 1].isalnum() or shown.text[start - 1] in "_.:"):
                    continue
                if _looks_like_version(shown.text, match.start(1), match.group(1)):
                    continue
                if is_public_ip(match.group(1)):
                    yield self.at(
                        shown.location(article, match.start(1)),
                        f"the public IP address {match.group(1)} is published to customers",
                        context=match.group(1),
                    )


_CARD = re.compile(r"\d(?:[ -]?\d){12,18}(?![\d-])")
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6(?:011|5|4[4-9]|2)|5[06-8])")


def luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class CardNumber(ArticleRule):
    """## What it does
    Reports payment card numbers in what customers can see: 13 to 19 digits (spaces and hyphens
    allowed) that start like a card network's numbers and pass the Luhn checksum. Test numbers
    (4242 4242 4242 4242) are reported too: write them as placeholders.

    What customers can see is the title, description and text outside `::: internal` blocks of
    every article whose audience a customer-facing site publishes, whatever its confidence: a
    `wip` or `not-validated` article goes out as it is the moment it is validated.

    ## Why it matters
    A card number copied from a ticket is cardholder data: publishing it breaks PCI DSS and the
    customer's trust.

    ## Example
    ```markdown
    The payment with card 4111 1111 1111 1111 was declined.
    ```

    ## Use instead
    ```markdown
    The payment with the card ending in 1111 was declined.
    ```
    """

    code = "KB504"
    name = "card-number"
    group = Group.SAFE
    summary = "A payment card number is in what customers can see."
    hint = "keep at most the last four digits (the card ending in 1111)"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        shown = customer_text(article, context)
        if shown is None:
            return
        for match in _CARD.finditer(shown.text):
            if match.start() and shown.text[match.start() - 1] in "0123456789-":
                continue
            digits = re.sub(r"[ -]", "", match.group(0))
            if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn(digits):
                yield self.at(
                    shown.location(article, match.start()),
                    f"a payment card number ending in {digits[-4:]} is published to customers",
                    context=digits[-4:] + ":" + str(len(digits)),
                )


@lru_cache(maxsize=16)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [r"\s+".join(re.escape(w) for w in name.split()) for name in names if name.strip()]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


class CustomerName(ArticleRule):
    """## What it does
    Reports the names in `lint.customer_names` (customers, tenants, partners under NDA) in what
    customers can see, whole words, any case.

    What customers can see is the title, description and text outside `::: internal` blocks of
    every article whose audience a customer-facing site publishes, whatever its confidence: a
    `wip` or `not-validated` article goes out as it is the moment it is validated.

    ## Why it matters
    Articles start from tickets. "Contoso's tenant failed because..." tells every other customer
    who had the problem, and breaks the confidentiality we promised Contoso.

    ## Example
    ```markdown
    Contoso Pharma saw this after moving to 5.0.
    ```

    ## Use instead
    ```markdown
    Some workspaces see this after moving to 5.0.
    ```
    """

    code = "KB505"
    name = "customer-name"
    group = Group.SAFE
    summary = "A customer's name is in what customers can see."
    hint = "describe the situation without naming the customer"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        pattern = _names_pattern(tuple(context.config.lint.customer_names))
        if pattern is None:
            return
        shown = customer_text(article, context)
        if shown is None:
            return
        for match in pattern.finditer(shown.text):
            yield self.at(
                shown.location(article, match.start()),
                f"the customer name {match.group(0)!r} is published to customers",
                context=match.group(0).lower(),
            )


class DroppedHtml(ArticleRule):
    """## What it does
    Reports raw HTML in an article that the published page leaves out, where it is written:
    elements dropped with all they hold (`<script>`, `<style>`, `<iframe>`, `<form>`, `<svg>`,
    `<object>`, `<embed>`...), tags the page does not keep (`<section>`, or a placeholder such as
    `<your-api-key>` written outside backticks, which Markdown reads as a tag), event handlers
    (`onclick=`, `onerror=`...) and links or sources that are not web, mail or relative addresses
    (`javascript:`, `data:`). The list is the site's own sanitiser's, so the two cannot disagree.
    Attributes that only style (`style`, `align`, `valign`) are dropped too but not reported.
    Inside `::: internal` blocks as well: the staff site drops the same.

    ## Why it matters
    The page never runs what an article smuggles in, and drops it without a word: a form or an
    embedded video simply is not there, text inside a dropped element vanishes, and a placeholder
    written as `<your-api-key>` leaves a gap in the instructions.

    ## Example
    ```markdown
    Replace <tenant-id> with your tenant's id, then <a href="javascript:reset()">reset the token</a>.

    <iframe src="https://video.example.com/embed/sso-setup"></iframe>
    ```

    ## Use instead
    ```markdown
    Replace `<tenant-id>` with your tenant's id, then reset the token (**Settings** > **Reset**).

    Watch [how to set up single sign-on](https://video.example.com/sso-setup).
    ```
    """

    code = "KB506"
    name = "dropped-html"
    group = Group.SAFE
    summary = "Raw HTML that the published page leaves out (script, handlers, unknown tags)."
    hint = "write it in Markdown: a link instead of an embed, code and placeholders in backticks"

    # What is worth a finding; attributes that only style ("attribute") are not.
    REPORTED = frozenset({"element", "tag", "handler", "url"})

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        text = context.text(article)
        if not any(t.type == "html_block" or (t.type == "inline" and "<" in t.content) for t in text.tokens):
            return
        from kb import markdown
        from kb.site import sanitize  # the renderer's own sanitiser; imported only for an article with HTML

        state = sanitize.HtmlState()  # carried from block to block, as the renderer carries it
        lines = article.body_lines
        found: list[tuple[Dropped, int, int]] = []  # what is left out, at its body line and column
        where: list[int] | None = None  # table cells have no map of their own: their row's
        for token in text.tokens:
            where = token.map or where
            if token.type == "html_block" and token.map:
                for drop in sanitize.dropped(token.content, state):
                    line = token.map[0] + drop.line - 1
                    written = token.content.split("\n")[drop.line - 1]
                    start = lines[line].find(written) if line < len(lines) and written else 0
                    found.append((drop, line, max(start, 0) + drop.offset + 1))
            elif token.type == "inline" and where and "<" in token.content:
                cursor = (where[0], 0)
                for child in markdown.inline_children(token, text.env):
                    if child.type == "html_inline":
                        line, col, cursor = locate(lines, where[0], where[1], cursor, "", child.content)
                        found.extend((drop, line, col + drop.offset) for drop in sanitize.dropped(child.content, state))
        # An element still open at the end (`<script>` without `</script>`) takes the rest of the
        # article with it: the last one of its name that opened is the one never closed.
        unclosed = next(
            (i for i in range(len(found) - 1, -1, -1) if state.dropping and found[i][0].name == state.dropping[0]), -1
        )
        for i, (drop, line, col) in enumerate(found):
            if drop.kind in self.REPORTED:
                yield self._finding(article, drop, line, col, unclosed=i == unclosed)

    def _finding(self, article: Article, drop: Dropped, line: int, col: int, *, unclosed: bool) -> Finding:
        tag = drop.tag if len(drop.tag) <= 60 else drop.tag[:57] + "..."
        if drop.kind == "element" and unclosed:
            message = f"{tag} is never closed: it and everything after it are left out of the published page"
            hint = f"close it with </{drop.name}>, or better, write what it shows in Markdown"
        elif drop.kind == "element":
            message = f"{tag} is left out of the published page, with everything it holds"
            hint = "show code in a code block; link to what you would embed instead of embedding it"
        elif drop.kind == "tag":
            message = f"{tag} is left out of the published page: Markdown reads it as an HTML tag, which the page drops"
            hint = f"to show it as text, put it in backticks: `{drop.tag}`"
        elif drop.kind == "handler":
            message = f"the {drop.attribute} handler of <{drop.name}> is left out of the published page"
            hint = "pages run no script from articles: say what to do, or link to a page that does it"
        else:
            value = drop.value if len(drop.value) <= 40 else drop.value[:37] + "..."
            message = (
                f"the {drop.attribute} of <{drop.name}> is left out: {value!r} is not a web, mail or relative address"
            )
            hint = "link to a web page (https://...) or to an article (its .md file)"
        return self.at(
            article.body_location(line, col),
            message,
            hint=hint,
            context=f"{drop.kind}:{drop.name}:{drop.attribute}",
        )


class StrayContainerLine(ArticleRule):
    """## What it does
    Reports a `:::` line that customers see: one that opens no internal block (`::: staff`,
    `::: internal-notes`, or `::: internal` inside raw HTML, where Markdown does not read it) or
    closes none (the real end of a note that an earlier `:::`, inside a code block or a nested
    block, had already ended). Only `::: internal` opens a staff-only note, and the first `:::`
    line after it ends it, even one inside a code block. Articles customers never see are exempt.

    ## Why it matters
    What a writer meant for staff is published: the lines under `::: staff`, or the rest of a
    note that ended early. The site cannot tell such text from any other, so the leak scan does
    not catch it either.

    ## Example
    ```markdown
    ::: staff
    Refunds above 500 need the finance lead's approval.
    :::
    ```

    ## Use instead
    ```markdown
    ::: internal
    Refunds above 500 need the finance lead's approval.
    :::
    ```
    A code block with a `:::` line in it belongs outside the note, or indented.
    """

    code = "KB507"
    name = "stray-container-line"
    group = Group.SAFE
    summary = "A ':::' line customers see: it opens or closes no internal block, and staff text is published."
    hint = "open staff-only notes with '::: internal', close them with ':::', and keep ':::' lines out of their code"

    def check(self, article: Article, context: CheckContext) -> Iterator[Finding]:
        if ":::" not in article.body or not customer_facing(article, context.taxonomy):
            return
        text = context.text(article)
        lines = article.body_lines
        closers: set[int] = set()  # the lines that end an internal block
        early: set[int] = set()  # ... from inside a code block the note opened
        for start, end in text.internal:  # a nested block's lines are inside its outer block's
            if end < len(lines):
                closers.add(end)
                if _CONTAINER_LINE.match(lines[end]) and _fence_left_open(lines[start + 1 : end]):
                    early.add(end)
        hidden = (text.internal_lines | text.code_lines | closers) - early
        for index, line in enumerate(lines):
            match = _CONTAINER_LINE.match(line)
            if match is None or index in hidden:
                continue
            words = match.group(1).split()
            if index in early:
                message = "this ':::' in a code block ends the internal block early: the rest of the note is published"
            elif not words:
                message = "this ':::' closes no internal block: customers see it, and any note it was meant to end"
            elif words[0].lower() == INTERNAL:
                message = f"{line.strip()!r} opens no internal block here (raw HTML around it?): its note is published"
            else:
                message = f"{line.strip()!r} is no internal block (only '::: internal' is): what follows is published"
            where = article.body_location(index, len(line) - len(line.lstrip()) + 1)
            yield self.at(where, message, context=line.strip())


_CONTAINER_LINE = re.compile(r" {0,3}:{3,}(.*)$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _fence_left_open(lines: list[str]) -> bool:
    """Whether `lines` open a fenced code block that they do not close."""
    opened = ""
    for line in lines:
        match = _FENCE.match(line)
        if match is None:
            continue
        fence = match.group(1)
        if not opened:
            opened = fence
        elif fence[0] == opened[0] and len(fence) >= len(opened) and not line[match.end() :].strip():
            opened = ""
    return bool(opened)


RULES: list[type[Rule]] = [
    Secret, EmailAddress, PublicIpAddress, CardNumber, CustomerName, DroppedHtml, StrayContainerLine,
]  # fmt: skip
