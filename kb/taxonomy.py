"""The taxonomy: product areas, article types, owners, error codes, versions and sites, as data.

It lives in the KB's `schemas/` folder: `taxonomy.yaml` and the error-code registry
`error-codes.yaml`. Both are read with file:line errors (`ConfigError`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kb import yaml12
from kb.config import parse_yaml_file, read_settings, setting
from kb.errors import ConfigError

try:  # CPython's own parser of regular expressions: it knows their structure, not a guess of it
    _re_parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - a Python without it: only the empty match is refused
    _re_parser = None

TAXONOMY_FILE = "taxonomy.yaml"
ERROR_CODES_FILE = "error-codes.yaml"

# KCS audiences, from the least to the most public.
AUDIENCES = ("internal", "partner", "customer", "public")
# KCS confidence (the article's state in its life cycle).
CONFIDENCES = ("wip", "not-validated", "validated", "archived")


def audience_rank(audience: str) -> int:
    """0 for internal up to 3 for public; unknown audiences count as internal (the safe side)."""
    return AUDIENCES.index(audience) if audience in AUDIENCES else 0


# -- the file formats -----------------------------------------------------------------------


@dataclass
class AreaSpec:
    """A product area; `areas` nests sub-areas (`identity` > `identity/sso`)."""

    title: str = setting("", "Name of the area as customers know it.")
    description: str = setting("", "One sentence shown on the area's page.")
    owner: str = setting("", "Default owner of articles in this area.")
    areas: dict[str, AreaSpec] = setting({}, "Sub-areas, by slug.")


@dataclass
class TypeSpec:
    """An article type (troubleshooting, how-to, ...)."""

    title: str = setting("", "Name of the type.")
    description: str = setting("", "When to use this type.")
    required_sections: list[str] = setting([], "Sections every article of this type must have.")
    optional_sections: list[str] = setting([], "Sections an article of this type may have.")
    review_interval_days: int = setting(
        365, "Days after `reviewed` when the article is due for review (at most ten years).", minimum=1, maximum=3650
    )
    template: str = setting("", "Template for `kb new`, relative to schemas/.")


@dataclass
class OwnerSpec:
    """A team (or person) that owns articles."""

    name: str = setting("", "Readable name.")
    contact: str = setting("", "Where to reach them (internal site only).")


@dataclass
class VersionSpec:
    """One release of a product."""

    released: dt.date | None = setting(None, "Release date.")
    end_of_life: dt.date | None = setting(None, "End of support; articles naming it are stale after this.")


@dataclass
class ProductSpec:
    """A product and its releases."""

    versions: dict[str, VersionSpec] = setting({}, 'Releases by version string (quote them: "4.10").')


@dataclass
class SiteSpec:
    """A published site and what it may contain."""

    title: str = setting("", "Site title.")
    audiences: list[str] = setting([], "Audiences this site publishes.")
    confidences: list[str] = setting([], "Confidences this site publishes.")
    public: bool = setting(False, "Customer-facing: audience boundary enforced, sitemap written.")


@dataclass
class TaxonomySpec:
    """`schemas/taxonomy.yaml`."""

    product_areas: dict[str, AreaSpec] = setting({}, "The product-area tree.")
    types: dict[str, TypeSpec] = setting({}, "Article types.")
    section_aliases: dict[str, list[str]] = setting(
        {}, "Other headings accepted for a section (Issue: [Symptoms, Problem])."
    )
    owners: dict[str, OwnerSpec] = setting({}, "Owners by id.")
    products: dict[str, ProductSpec] = setting({}, "Products and their versions.")
    sites: dict[str, SiteSpec] = setting({}, "Sites to publish.")


@dataclass
class CodeSpec:
    """A registered error code."""

    message: str = setting("", "The message the product shows with the code.")
    area: str = setting("", "Product area the code belongs to.")
    description: str = setting("", "What the code means, for its page.")


@dataclass
class PatternSpec:
    """A family of codes recognised by a regular expression."""

    pattern: str = setting("", "Regular expression matching the whole code (case-insensitive).")
    family: str = setting("", "Name of the family.")
    area: str = setting("", "Product area of the family.")


@dataclass
class ErrorCodesSpec:
    """`schemas/error-codes.yaml`."""

    codes: dict[str, CodeSpec] = setting({}, "Registered codes.")
    patterns: list[PatternSpec] = setting([], "Code families.")


# -- what the rest of kb uses ------------------------------------------------------------------


@dataclass(frozen=True)
class ProductArea:
    path: str  # "identity/sso"
    title: str
    description: str = ""
    owner: str = ""

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


@dataclass(frozen=True)
class ArticleType:
    name: str
    title: str
    required_sections: tuple[str, ...]
    optional_sections: tuple[str, ...]
    review_interval_days: int
    template: str = ""
    description: str = ""


@dataclass(frozen=True)
class ErrorCode:
    code: str
    message: str
    area: str
    description: str = ""


@dataclass(frozen=True)
class CodeFamily:
    regex: re.Pattern[str]
    family: str
    area: str


@dataclass(frozen=True)
class Release:
    product: str
    version: str
    released: dt.date | None
    end_of_life: dt.date | None


@dataclass(frozen=True)
class Site:
    name: str
    title: str
    audiences: tuple[str, ...]
    confidences: tuple[str, ...]
    public: bool

    def publishes(self, audience: str | None, confidence: str | None) -> bool:
        return audience in self.audiences and confidence in self.confidences


@dataclass
class Taxonomy:
    areas: dict[str, ProductArea] = field(default_factory=dict)
    types: dict[str, ArticleType] = field(default_factory=dict)
    section_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owners: dict[str, OwnerSpec] = field(default_factory=dict)
    releases: dict[tuple[str, str], Release] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    codes: dict[str, ErrorCode] = field(default_factory=dict)  # keyed by code.upper()
    families: list[CodeFamily] = field(default_factory=list)
    folder: Path | None = None

    def code(self, code: str) -> ErrorCode | None:
        return self.codes.get(code.upper())

    def family_of(self, code: str) -> CodeFamily | None:
        for family in self.families:
            if family.regex.fullmatch(code):
                return family
        return None

    def is_registered(self, code: str) -> bool:
        return self.code(code) is not None or self.family_of(code) is not None

    def section_names(self, section: str) -> tuple[str, ...]:
        """The heading texts accepted for `section`, lower-cased (its own name first)."""
        return tuple(n.lower() for n in (section, *self.section_aliases.get(section, ())))

    def release(self, product: str, version: str) -> Release | None:
        return self.releases.get((product, version))

    def products(self) -> set[str]:
        return {product for product, _ in self.releases}


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest choice, or '' when nothing is close."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if value.lower() in lowered:
        return f' (did you mean "{lowered[value.lower()]}"?)'
    words = sorted(_WORDS.split(value.lower()))
    for option in options:  # the same words in another order: billing-team for team-billing
        if sorted(_WORDS.split(option.lower())) == words:
            return f' (did you mean "{option}"?)'
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


_WORDS = re.compile(r"[-_/ .]+")
_SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


def load_taxonomy(folder: Path) -> Taxonomy:
    """Read `taxonomy.yaml` and `error-codes.yaml` from `folder` (the KB's schemas/)."""
    taxonomy = Taxonomy(folder=folder)
    path = folder / TAXONOMY_FILE
    spec, doc = _read(path, TaxonomySpec, required=True)

    def error(
        message: str, where: yaml12.Path, hint: str = "", file: Path = path, d: yaml12.YamlDocument = doc
    ) -> ConfigError:
        pos = d.position(where)
        return ConfigError(message, path=file, line=pos.line, col=pos.col, hint=hint)

    for path_str, area in _walk_areas(spec.product_areas, ""):
        taxonomy.areas[path_str] = ProductArea(path_str, area.title or path_str, area.description, area.owner)
    for name, t in spec.types.items():
        taxonomy.types[name] = ArticleType(
            name, t.title or name, tuple(t.required_sections), tuple(t.optional_sections),
            t.review_interval_days, t.template, t.description,
        )  # fmt: skip
        if t.template and not (folder / t.template).is_file():
            raise error(f"type {name!r}: template {t.template!r} does not exist", ("types", name, "template"))
    taxonomy.section_aliases = {k: tuple(v) for k, v in spec.section_aliases.items()}
    taxonomy.owners = dict(spec.owners)
    for product, p in spec.products.items():
        for version, v in p.versions.items():
            taxonomy.releases[(product, version)] = Release(product, version, v.released, v.end_of_life)
    for name, s in spec.sites.items():
        if not _SITE_NAME.match(name):  # it names the site's folder under the output folder
            pos = doc.position(("sites", name), key=True)
            raise ConfigError(
                f"site name {name!r} is not a plain folder name", path=path, line=pos.line, col=pos.col,
                hint="use letters, digits, '-' and '_' (the site is written to site/<name>/)",
            )  # fmt: skip
        for kind, values, allowed in (("audience", s.audiences, AUDIENCES), ("confidence", s.confidences, CONFIDENCES)):
            for i, value in enumerate(values):
                if value not in allowed:
                    raise error(
                        f"site {name!r}: unknown {kind} {value!r}{did_you_mean(value, allowed)}",
                        ("sites", name, f"{kind}s", i), hint=f"{kind}s are: {', '.join(allowed)}",
                    )  # fmt: skip
        if s.public and "internal" in s.audiences:
            raise error(f"site {name!r} is public but publishes internal articles", ("sites", name, "audiences"))
        taxonomy.sites[name] = Site(name, s.title or name, tuple(s.audiences), tuple(s.confidences), s.public)
    for known in taxonomy.areas.values():
        if known.owner and known.owner not in taxonomy.owners:
            where = ("product_areas", *"/areas/".join(known.path.split("/")).split("/"), "owner")
            message = f"area {known.path!r}: unknown owner {known.owner!r}{did_you_mean(known.owner, taxonomy.owners)}"
            raise error(message, where)

    if not taxonomy.types:  # every article would be "unknown type": a broken taxonomy, not bad articles
        raise error("the taxonomy defines no article types", ("types",), hint="add a `types:` section")

    codes_path = folder / ERROR_CODES_FILE
    codes, codes_doc = _read(codes_path, ErrorCodesSpec, required=False)

    def codes_error(message: str, where: yaml12.Path, hint: str = "") -> ConfigError:
        return error(message, where, hint, file=codes_path, d=codes_doc)

    def check_area(area: str, where: yaml12.Path, what: str) -> None:
        if area and area not in taxonomy.areas:
            hint = f"product areas are listed under product_areas: in {path.name}"
            raise codes_error(f"{what}: unknown product area {area!r}{did_you_mean(area, taxonomy.areas)}", where, hint)

    for code, c in codes.codes.items():
        if not code.strip():
            pos = codes_doc.position(("codes", code), key=True)
            raise ConfigError("an error code is empty", path=codes_path, line=pos.line, col=pos.col)
        if code.upper() in taxonomy.codes:
            raise codes_error(
                f"error code {code!r} is registered twice (codes match case-insensitively)", ("codes", code)
            )
        check_area(c.area, ("codes", code, "area"), f"error code {code!r}")
        taxonomy.codes[code.upper()] = ErrorCode(code, c.message, c.area, c.description)
    for i, family in enumerate(codes.patterns):
        at = ("patterns", i, "pattern")
        try:
            regex = re.compile(family.pattern, re.IGNORECASE)
        except re.error as exc:
            raise codes_error(f"pattern {family.pattern!r} is not a valid regular expression: {exc}", at) from None
        try:  # as articles are scanned: every family a group of one expression
            re.compile(f"(?i:{family.pattern})")
        except re.error as exc:
            hint = "flags apply to a group only: (?x:...) rather than (?x)"
            message = f"pattern {family.pattern!r} cannot be part of a larger expression: {exc.msg}"
            raise codes_error(message, at, hint) from None
        problem = _pattern_problem(family.pattern, regex)
        if problem is not None:
            raise codes_error(f"pattern {family.pattern!r} {problem[0]}", at, hint=problem[1])
        check_area(family.area, ("patterns", i, "area"), f"pattern {family.pattern!r}")
        taxonomy.families.append(CodeFamily(regex, family.family or family.pattern, family.area))
    return taxonomy


def _pattern_problem(pattern: str, regex: re.Pattern[str]) -> tuple[str, str] | None:
    """(what is wrong, hint) for a code family's pattern that would make every check report
    nonsense or hang; None for a good one. The pattern is searched for in every article's text."""
    parsed = _re_parser.parse(pattern, re.IGNORECASE) if _re_parser is not None else None
    if (parsed.getwidth()[0] == 0) if parsed is not None else regex.fullmatch("") is not None:
        return (
            "can match empty text, so it would find a code at every place of every article",
            "make it match at least one character: + rather than *, no pattern made of ^, $, \\b or look-arounds alone",
        )
    if regex.groupindex or (parsed is not None and _refers_to_group(parsed)):
        # All patterns are searched for as one expression: two `(?P<n>...)` clash, and `\\1` would
        # refer to another pattern's group.
        return (
            "names a group or refers back to one, which it cannot do beside the other patterns",
            "group with (?:...): a pattern only has to match a code, not capture its parts",
        )
    if parsed is not None and _nested_repeat(parsed):
        # Refused, not timed: Python's re cannot be stopped, and (a+)+b takes hours on 40 a's.
        return (
            "repeats a group that itself repeats or has alternatives, which can take hours on one line of text",
            "make the inner repeat possessive ([A-Z]++) or the group atomic ((?>...)), or flatten it ([A-Z_]+)",
        )
    return None


# The parts of a parsed pattern (re._parser's opcodes, by name) that hold patterns of their own,
# as functions of the opcode's argument.
_INNER: dict[str, Callable[[Any], list[Any]]] = {
    "MAX_REPEAT": lambda av: [av[2]],
    "MIN_REPEAT": lambda av: [av[2]],
    "POSSESSIVE_REPEAT": lambda av: [av[2]],
    "SUBPATTERN": lambda av: [av[3]],
    "BRANCH": lambda av: list(av[1]),
    "ATOMIC_GROUP": lambda av: [av],
    "ASSERT": lambda av: [av[1]],
    "ASSERT_NOT": lambda av: [av[1]],
    "GROUPREF_EXISTS": lambda av: [p for p in av[1:] if p is not None],
}


def _parts(items: Any) -> Iterator[tuple[str, Any]]:
    """(opcode name, argument) of every part of a parsed pattern, at any depth."""
    for op, av in items:
        yield str(op), av
        for inner in _INNER.get(str(op), lambda _: [])(av):
            yield from _parts(inner)


def _nested_repeat(items: Any) -> bool:
    """Whether a parsed pattern repeats (more than once) something that can match in more than
    one way: (a+)+, (a|aa)*, (\\d?){9}. Backtracking tries every way of splitting the text
    between the repeats, exponentially many. Conservative: (_[A-Z]+)+ is refused too."""
    return any(name in ("MAX_REPEAT", "MIN_REPEAT") and av[1] > 1 and _has_choice(av[2]) for name, av in _parts(items))


def _refers_to_group(items: Any) -> bool:
    """Whether a parsed pattern refers back to a group: \\1, (?P=name), (?(1)...)."""
    return any(name in ("GROUPREF", "GROUPREF_EXISTS") for name, _ in _parts(items))


def _has_choice(items: Any) -> bool:
    """Whether a parsed pattern can match in more than one way: a repeat of varying count or an
    alternation. Possessive repeats, atomic groups and look-arounds are never backtracked into."""
    for op, av in items:
        name = str(op)
        if name in ("BRANCH", "GROUPREF_EXISTS", "GROUPREF"):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT") and (av[0] != av[1] or _has_choice(av[2])):
            return True
        if name == "SUBPATTERN" and _has_choice(av[3]):
            return True
    return False


S = TypeVar("S")


def _read(path: Path, cls: type[S], *, required: bool) -> tuple[S, yaml12.YamlDocument]:
    if not path.is_file():
        if required:
            raise ConfigError("the taxonomy file is missing", path=path, hint="kb init makes a starter taxonomy")
        return cls(), yaml12.YamlDocument(value={})
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=path) from None
    document = parse_yaml_file(text, path)
    return read_settings(cls, document.value or {}, document, path), document


def _walk_areas(areas: dict[str, AreaSpec], prefix: str) -> Iterator[tuple[str, AreaSpec]]:
    for slug, area in areas.items():
        path = f"{prefix}{slug}"
        yield path, area
        yield from _walk_areas(area.areas, path + "/")
