"""The KB's config file (`kb.yaml`): typed settings, each documented, read with file:line errors.

Every setting is a dataclass field made with `setting(default, doc)`, numbers with their
bounds. `read_settings` turns a YAML mapping into those dataclasses, refusing unknown keys (with
a did-you-mean), wrong types and numbers out of range with the file and line, so a config
mistake never silently checks nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import functools
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kb import yaml12
from kb.errors import ConfigError
from kb.findings import Level

CONFIG_FILE = "kb.yaml"

T = TypeVar("T")


def setting(
    default: Any,
    doc: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    url: bool = False,
    placeholders: tuple[str, ...] = (),
) -> Any:
    """A config field with its documentation (shown by `kb config --docs`) and, for a number,
    the smallest and largest value that makes sense; `url`: empty or a full http(s) address;
    `placeholders`: the only `{name}`s an address may hold (kb fills them in)."""
    metadata = {"doc": doc, "minimum": minimum, "maximum": maximum, "url": url, "placeholders": placeholders}
    if isinstance(default, list | dict) or dataclasses.is_dataclass(default):
        factory: Callable[[], Any] = default.__class__ if dataclasses.is_dataclass(default) else default.copy  # type: ignore[assignment]
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class CheckSettings:
    """How `kb check` and `kb audit` decide success."""

    fail_level: Level = setting(
        Level.ERROR, "Findings at or above this level (info, warning, error) make the run exit 1."
    )
    cache: bool = setting(True, "Keep results by content hash in .kb-cache/ so unchanged articles are not re-read.")


class WhenStale(enum.Enum):
    """What `kb search` does with an index that is behind the articles."""

    UPDATE = "update"
    WARN = "warn"


@dataclass
class SearchSettings:
    """How `kb index` builds the search indexes and how `kb search` ranks."""

    site: str = setting(
        "", "Site `kb search` searches by default; empty: the staff site (the one that shows internal notes)."
    )
    lock_timeout: float = setting(
        30.0, "Seconds a second `kb index` waits for the one already running before it gives up.", minimum=0
    )
    when_stale: WhenStale = setting(
        WhenStale.UPDATE, "What `kb search` does when articles changed since the last `kb index`: update, or warn."
    )
    limit: int = setting(10, "Hits `kb search` shows unless --limit says otherwise.", minimum=1)
    workers: int = setting(
        0,
        "Processes that read and analyse articles for a full index build; 0: one per CPU from 500 articles.",
        minimum=0,
    )
    not_codes: list[str] = setting(
        [], "Regular expressions of code-shaped words that are not error codes (REG_DWORD and HKEY_... are built in)."
    )


@dataclass
class ImporterSettings:
    """Defaults of `kb import`; each can be overridden by a flag."""

    mapping: str = setting(
        "docfx",
        "Field mapping: 'docfx' (Microsoft Learn front matter) or a YAML mapping file, relative to the KB root.",
    )
    audience: str = setting("internal", "Audience of imported articles (KCS: until someone reviews them).")
    confidence: str = setting("not-validated", "Confidence of imported articles.")
    owner: str = setting("", "Owner of imported articles; empty: team-<top-level area>, added to the taxonomy.")
    into: str = setting("", "Folder under the articles folder for imported articles (their own folders are kept).")
    include_root: str = setting(
        "", "Folder that [!INCLUDE] paths resolve against as the source repository's root; empty: the import source."
    )
    link_base: str = setting(
        "",
        "Address of the site the articles came from: links from its root (/x) are written as full addresses "
        "into it (https://learn.microsoft.com for Microsoft Learn); empty: kept and reported.",
        url=True,
    )


class OverduePolicy(enum.Enum):
    """What the public site does with an article past its review date."""

    BANNER = "banner"  # publish it with a notice that it is being reviewed
    HIDE = "hide"  # keep it off the public site until someone reviews it


@dataclass
class SiteSettings:
    """How `kb build` and `kb serve` publish the sites."""

    output: str = setting(
        "site",
        "Folder the sites are written to (one sub-folder per site), relative to the KB root, outside the articles.",
    )
    templates: str = setting("templates", "Folder of Jinja2 templates that override kb's own, relative to the KB root.")
    overdue: OverduePolicy = setting(
        OverduePolicy.BANNER, "A public article past its review date: banner (shown with a notice) or hide (kept off)."
    )
    search: bool = setting(True, "Build the Pagefind search index for each site.")
    search_pages_per_run: int = setting(
        800,
        "About the pages one Pagefind run indexes; a site with more is indexed in parts of about as many, which its "
        "search page merges, and a rebuild indexes again only the parts whose pages changed. "
        "Pagefind holds about 150 KB for each page it indexes (8 GB for 50,000 articles in one run).",
        minimum=1,
    )
    cache: bool = setting(True, "Keep read articles and rendered bodies in .kb-cache/site.sqlite for faster rebuilds.")
    language: str = setting("en", "Language of the articles (the pages' lang attribute and the search index).")


@dataclass
class Thresholds:
    """Numbers the quality rules compare against."""

    max_words: int = setting(
        700, "Prose words above which an article is longer than 'a page or less' (KB201).", minimum=1
    )
    wall_of_text_words: int = setting(
        120, "Words in one paragraph above which it is a wall of text (KB202).", minimum=1
    )
    readability_floor: float = setting(
        30.0,
        "Flesch reading ease (0-100) below which prose is hard to read (KB203); 60-70 is plain English.",
        minimum=0,
        maximum=100,
    )
    readability_min_words: int = setting(
        80, "Articles with fewer prose words are too short to score readability.", minimum=0
    )
    title_min_words: int = setting(4, "Titles with fewer words rarely state the issue (KB204).", minimum=0)
    description_min_chars: int = setting(
        50, "A shorter description says too little in search results (KB322).", minimum=0
    )
    description_max_chars: int = setting(300, "A longer description is cut off in search results (KB322).", minimum=1)
    duplicate_similarity: float = setting(
        0.7,
        "Estimated share of common word sequences (0-1) from which two articles are near-duplicates (KB602).",
        minimum=0,
        maximum=1,
    )
    due_soon_days: int = setting(
        30, "An article is due for review this many days before its review date (KB702).", minimum=0, maximum=3650
    )

    def __post_init__(self) -> None:
        if self.description_max_chars < self.description_min_chars:
            raise ValueError(
                f"description_max_chars ({self.description_max_chars}) is less than "
                f"description_min_chars ({self.description_min_chars}): no description would fit"
            )


@dataclass
class Weights:
    """How much each group of checks counts in the health score (any scale; only ratios matter)."""

    complete: float = setting(20.0, "Required sections present and filled.", minimum=0)
    clear: float = setting(10.0, "Short, readable, titled by the issue.", minimum=0)
    findable: float = setting(15.0, "Metadata valid, error codes declared, described.", minimum=0)
    links: float = setting(15.0, "Links and anchors resolve; nothing archived or unpublished linked.", minimum=0)
    safe: float = setting(20.0, "No secrets or personal data where customers can see it.", minimum=0)
    unique: float = setting(10.0, "No near-duplicate article.", minimum=0)
    current: float = setting(10.0, "Reviewed on time, on supported versions.", minimum=0)

    def __post_init__(self) -> None:
        if not any(getattr(self, f.name) for f in dataclasses.fields(self)):
            raise ValueError("every weight is 0: the health score would weigh nothing; give some group a weight")


@dataclass
class PathOverride:
    """Rule settings for the files matching `paths`, applied after the KB-wide ones."""

    paths: list[str] = setting([], "Glob patterns relative to the KB root (articles/api/*.md).")
    select: list[str] = setting([], "Only these rules (codes, names, groups or code prefixes) for these files.")
    ignore: list[str] = setting([], "Rules not checked for these files.")
    levels: dict[str, Level] = setting({}, "Level per rule (code or name) for these files.")


@dataclass
class LintSettings:
    """Which quality rules run, how serious they are, and what they compare against."""

    select: list[str] = setting(
        [], "Only these rules (codes, names, groups such as 'safe', or prefixes like KB5); empty: all."
    )
    ignore: list[str] = setting([], "Rules never checked (codes, names, groups or prefixes).")
    levels: dict[str, Level] = setting({}, "Level per rule (code or name): info, warning or error.")
    per_path: list[PathOverride] = setting([], "Overrides for some files, in order; later ones win.")
    thresholds: Thresholds = setting(Thresholds(), "Numbers the rules compare against.")
    weights: Weights = setting(Weights(), "Health-score weight of each group of checks.")
    customer_names: list[str] = setting(
        [], "Customer or tenant names that must never appear in what customers can see (KB505)."
    )
    allowed_emails: list[str] = setting(
        [], "Addresses (or @domain) that may be published, such as your support address (KB502)."
    )
    baseline: str = setting(".kb-baseline.json", "Baseline file of accepted findings, relative to the KB root.")
    rules_url: str = setting(
        "",
        "Where your team publishes rule docs, with {code} and {name} filled in (links in SARIF and reviewdog).",
        url=True,
    )


@dataclass
class Config:
    """Settings of one knowledge base, read from `kb.yaml` at its root."""

    name: str = setting("Knowledge base", "The knowledge base's name, shown on both sites.")
    id_prefix: str = setting("KB-", "Prefix of article ids; `kb new` numbers after it.")
    id_digits: int = setting(4, "Minimum number of digits in a new id (KB-0042).", minimum=1, maximum=12)
    articles: str = setting("articles", "Folder of articles, relative to the KB root.")
    schemas: str = setting("schemas", "Folder of the taxonomy and the article JSON Schema.")
    exclude: list[str] = setting([], "Glob patterns (relative to the articles folder) that are not articles.")
    extra_fields: list[str] = setting(
        [], "Front matter fields your team adds beyond the contract; kb accepts them without a warning."
    )
    base_url: str = setting(
        "", "Public URL the public site is served from (for the sitemap and canonical links).", url=True
    )
    edit_url: str = setting(
        "", "'Suggest an edit' link; {path} is the article's path from the KB root.", url=True, placeholders=("path",)
    )
    flag_url: str = setting(
        "",
        "'Flag this article' link (an issue template); {id} and {title} are filled in.",
        url=True,
        placeholders=("id", "title"),
    )
    check: CheckSettings = setting(CheckSettings(), "How a run decides success.")
    search: SearchSettings = setting(SearchSettings(), "Search indexes and ranking.")
    importer: ImporterSettings = setting(ImporterSettings(), "Defaults of `kb import`.")
    lint: LintSettings = setting(LintSettings(), "Quality rules: selection, levels, thresholds, health-score weights.")
    site: SiteSettings = setting(SiteSettings(), "How the sites are published.")

    # Where the config came from; not a setting.
    path: Path | None = field(default=None, repr=False, compare=False)


def load_config(path: Path) -> Config:
    """Read `kb.yaml`. Raises `ConfigError` with file and line on any mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 ({exc.reason})", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config: {exc.strerror}", path=path) from None
    document = parse_yaml_file(text, path)
    if document.value is None:
        document.value = {}
    config = read_settings(Config, document.value, document, path)
    config.path = path
    _check_output(config, document, path)
    return config


def within(folder: Path, other: Path) -> bool:
    """Whether `folder` is `other` or inside it, as the file system finds them (links followed)."""
    inner, outer = folder.resolve(), other.resolve()
    return inner == outer or inner.is_relative_to(outer)


def _check_output(config: Config, document: yaml12.YamlDocument, file: Path) -> None:
    """Refuse a site folder in the articles folder: a build would write its pages where kb reads
    articles, and a full build replaces each site's folder whole, taking with it any articles in a
    folder named like a site (`articles/public/`)."""
    root = file.parent
    if not within(root / config.site.output, root / config.articles):
        return
    where = ("site", "output") if ("site", "output") in document.positions else ("articles",)
    pos = document.position(where)
    raise ConfigError(
        f"site.output {config.site.output!r} is in the articles folder {config.articles!r}: "
        "a build would write the sites where kb reads articles",
        path=file, line=pos.line, col=pos.col, hint="write the sites to a folder beside the articles, such as site",
    )  # fmt: skip


def parse_yaml_file(text: str, path: Path) -> yaml12.YamlDocument:
    """Parse a YAML config or taxonomy file, turning problems into `ConfigError`."""
    try:
        return yaml12.parse(text.removeprefix("\ufeff"))
    except yaml12.YamlProblem as problem:
        raise ConfigError(problem.message, path=path, line=problem.line, col=problem.col) from None


def read_settings(
    cls: type[T],
    value: Any,
    document: yaml12.YamlDocument,
    file: Path,
    where: yaml12.Path = (),
) -> T:
    """Build dataclass `cls` from a YAML mapping, checking keys and types."""
    if not isinstance(value, dict):
        pos = document.position(where)
        raise ConfigError(
            f"{_dotted(where) or 'the file'} must be a mapping of settings",
            path=file, line=pos.line, col=pos.col,
        )  # fmt: skip
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init and f.name != "path"}  # type: ignore[arg-type]
    hints = _type_hints(cls)  # type: ignore[arg-type]  # a class is hashable; mypy sees type[T]
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        if key not in fields:
            pos = document.position((*where, key), key=True)
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known settings: " + ", ".join(fields)
            raise ConfigError(
                f"unknown setting {_dotted((*where, key))!r}", path=file, line=pos.line, col=pos.col, hint=hint
            )
        kwargs[key] = _convert(hints[key], item, document, file, (*where, key))
        _check_range(fields[key], kwargs[key], document, file, (*where, key))
        _check_url(fields[key], kwargs[key], document, file, (*where, key))
    try:
        return cls(**kwargs)
    except ValueError as exc:  # settings that do not fit together (`__post_init__`)
        pos = document.position(where, key=True)
        raise ConfigError(f"{_dotted(where) or 'the file'}: {exc}", path=file, line=pos.line, col=pos.col) from None


_FULL_URL = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)


def is_full_url(value: str) -> bool:
    """Whether `value` is a full http:// or https:// address (what every address setting must be)."""
    return bool(_FULL_URL.match(value))


def _check_url(
    setting_field: dataclasses.Field[Any], value: Any, document: yaml12.YamlDocument, file: Path, where: yaml12.Path
) -> None:
    """Refuse an address setting that is not empty or a full http(s) address (`base_url: 5`)."""
    if not setting_field.metadata.get("url") or not value:
        return
    pos = document.position(where)
    if not is_full_url(value):
        raise ConfigError(
            f"{_dotted(where)} must be a full http:// or https:// address, not {value!r}",
            path=file, line=pos.line, col=pos.col, hint="for example https://help.example.com/",
        )  # fmt: skip
    allowed = setting_field.metadata.get("placeholders") or ()
    for match in _PLACEHOLDER.finditer(value):  # a typo would be published as it is written
        name = match.group(1)  # None: a brace that opens or closes no placeholder
        if name not in allowed:
            named = ", ".join(f"{{{a}}}" for a in allowed) or "none"
            brace = match.group(0)
            what = f"unknown placeholder {brace!r}" if name is not None else f"a {brace!r} of no placeholder"
            raise ConfigError(
                f"{_dotted(where)}: {what}{_did_you_mean(name or '', allowed)}",
                path=file, line=pos.line, col=pos.col, hint=f"placeholders kb fills in here: {named}",
            )  # fmt: skip


def _did_you_mean(name: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.5)
    return f" (did you mean {{{close[0]}}}?)" if close else ""


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}|[{}]")


def _check_range(
    setting_field: dataclasses.Field[Any], value: Any, document: yaml12.YamlDocument, file: Path, where: yaml12.Path
) -> None:
    """Refuse a number outside its setting's bounds (a negative weight, a similarity of 7)."""
    low, high = setting_field.metadata.get("minimum"), setting_field.metadata.get("maximum")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        expected = f"between {_number(low)} and {_number(high)}"
    elif low is not None:
        expected = f"at least {_number(low)}"
    else:
        expected = f"at most {_number(high)}"
    pos = document.position(where)
    message = f"{_dotted(where)} must be {expected}, not {_number(value)}"
    raise ConfigError(message, path=file, line=pos.line, col=pos.col)


def _number(value: object) -> str:
    """`100000000000` as written, not `1e+11`; `0.5` and `2.0` as `0.5` and `2`."""
    return str(value) if isinstance(value, int) else f"{value:g}"


@functools.cache
def _type_hints(cls: Any) -> dict[str, Any]:
    """The field types of a settings class (resolving them is slow; a taxonomy reads thousands)."""
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any, document: yaml12.YamlDocument, file: Path, where: yaml12.Path) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)

    def fail(expected: str) -> ConfigError:
        pos = document.position(where)
        return ConfigError(
            f"{_dotted(where)} must be {expected}, not {_describe(value)}",
            path=file, line=pos.line, col=pos.col,
        )  # fmt: skip

    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, document, file, where)
    if dataclasses.is_dataclass(tp):
        return read_settings(tp, value, document, file, where)  # type: ignore[arg-type]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp.parse(str(value)) if hasattr(tp, "parse") else tp(value)
        except ValueError as exc:
            raise fail(f"one of {', '.join(m.name.lower() for m in tp)}") from exc
    if origin is list:
        if not isinstance(value, list):
            raise fail("a list")
        return [_convert(args[0], v, document, file, (*where, i)) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise fail("a mapping")
        return {k: _convert(args[1], v, document, file, (*where, k)) for k, v in value.items()}
    if tp is bool:
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("a whole number")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail("a number")
        return float(value)
    if tp is str:
        if isinstance(value, str):
            return value
        raw = document.raw.get(where)
        if raw is not None and not isinstance(value, bool) and value is not None:
            return raw
        raise fail("a string")
    if tp is dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise fail("a date (YYYY-MM-DD)")
        return value
    if tp is Any:
        return value
    raise TypeError(f"unsupported setting type {tp!r}")  # a bug in a settings dataclass


def _dotted(path: yaml12.Path) -> str:
    return ".".join(str(p) for p in path)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r} ({type(value).__name__})"


def settings_doc(cls: type[Any], prefix: str = "") -> list[tuple[str, str, str]]:
    """(dotted name, default, doc) for every setting, nested sections included."""
    rows: list[tuple[str, str, str]] = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if "doc" not in f.metadata:
            continue
        name = prefix + f.name
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            rows.append((name, "", f.metadata["doc"]))
            rows.extend(settings_doc(tp, name + "."))  # type: ignore[arg-type]
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = ""
        if isinstance(default, enum.Enum):
            default = default.name.lower()
        rows.append((name, repr(default), f.metadata["doc"]))
    return rows
