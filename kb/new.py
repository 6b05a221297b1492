"""`kb new`: a new article from its type's template, with the next free id and today's date.

A type's template is a Jinja2 file named in the taxonomy (`template:`), or, without one, the
type's sections with a `[TODO: ...]` prompt under each. Placeholders are flagged by KB103 until
the writer replaces them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import yaml

from kb import controls, yaml12
from kb.check import run_date
from kb.errors import ConfigError, UsageError
from kb.load import Loaded, load_all, utf16_codec
from kb.markdown import slugify
from kb.project import KnowledgeBase
from kb.schema import article_schema
from kb.taxonomy import AUDIENCES, CONFIDENCES, ERROR_CODES_FILE, TAXONOMY_FILE, did_you_mean

# What may be written unquoted at all; whether it then reads back as the same text is asked of YAML.
_PLAIN = re.compile(r"\w[\w.+/-]*(?: [\w.+/-]+)*")

# What to write under each usual KCS section; other sections get a generic prompt.
PROMPTS = {
    "issue": "what the customer sees, in their words: the symptom and the exact error message",
    "environment": "product, version, plan, browser or device where this happens",
    "resolution": "the steps that fix it, numbered, one action per step",
    "cause": "why it happens, when known",
    "workaround": "what customers can do until the fix ships",
    "status": "where the fix stands and when it is expected",
    "steps": "the steps, numbered, one action per step",
    "prerequisites": "what the reader needs before starting",
    "summary": "what this reference covers",
    "details": "the reference content",
    "trigger": "when to run this runbook",
    "procedure": "the steps, numbered, with the commands to run",
    "escalation": "who to call when the steps do not work",
}

_DEFAULT_TEMPLATE = """\
---
id: {{ id | yaml }}
title: {{ title | yaml(quoted=True) }}
type: {{ type | yaml }}
confidence: {{ confidence }}
audience: {{ audience }}
product_area: {{ area | yaml }}
{%- if codes %}
error_codes: [{{ codes | map("yaml") | join(", ") }}]
{%- endif %}
tags: [{{ tags | map("yaml") | join(", ") }}]
owner: {{ owner | yaml }}
created: {{ today }}
reviewed: {{ today }}
description: "[TODO: one or two sentences for search results]"
---
{% for section in sections %}
## {{ section }}

[TODO: {{ prompt(section) }}]
{% endfor %}"""


@dataclass(frozen=True)
class NewArticle:
    path: Path
    id: str


def next_id(kb: KnowledgeBase) -> str:
    """One more than the highest id in use (ids of archived articles count: never reuse)."""
    highest = max((n for loaded in load_all(kb).values() for n in id_numbers(kb, loaded)), default=0)
    return f"{kb.config.id_prefix}{highest + 1:0{kb.config.id_digits}d}"


def id_numbers(kb: KnowledgeBase, loaded: Loaded) -> list[int]:
    """The numbers of the ids a file holds (`id` and `replaced_by`, after the KB's prefix).

    A file that does not load still holds its id: a typo in its YAML must not free the id for
    the next article. Its raw text is searched for `id:` and `replaced_by:` lines instead.
    """
    prefix = re.escape(kb.config.id_prefix)
    article = loaded.article
    if article is not None:
        values = [v for v in (article.id, article.replaced_by) if v]
        return [int(m.group(1)) for v in values if (m := re.fullmatch(rf"{prefix}(\d+)", v))]
    try:
        data = (kb.root / loaded.relpath).read_bytes()
    except OSError:
        return []
    text = data.decode(utf16_codec(data) or "utf-8", errors="replace")
    raw = re.compile(rf"^(?:id|replaced_by):[ \t]*[\"']?{prefix}(\d+)", re.MULTILINE)
    return [int(m.group(1)) for m in raw.finditer(text)]


def new_article(
    kb: KnowledgeBase,
    *,
    type_name: str,
    title: str,
    area: str,
    owner: str | None = None,
    audience: str = "internal",
    confidence: str = "wip",
    codes: list[str] | None = None,
    tags: list[str] | None = None,
    today: dt.date | None = None,
) -> NewArticle:
    """Write a new article and return where it went. Raises `UsageError` for unknown values."""
    taxonomy = kb.taxonomy
    if type_name not in taxonomy.types:
        raise UsageError(f"unknown type {type_name!r}{did_you_mean(type_name, taxonomy.types)}",
                         hint="types: " + ", ".join(taxonomy.types))  # fmt: skip
    if area not in taxonomy.areas:
        raise UsageError(f"unknown product area {area!r}{did_you_mean(area, taxonomy.areas)}",
                         hint=_areas_hint(kb, area))  # fmt: skip
    if audience not in AUDIENCES:
        raise UsageError(f"unknown audience {audience!r}{did_you_mean(audience, AUDIENCES)}")
    if confidence not in CONFIDENCES:
        raise UsageError(f"unknown confidence {confidence!r}{did_you_mean(confidence, CONFIDENCES)}")
    _refuse_what_check_would(kb, title, codes or [], tags or [])
    owner = owner or _area_owner(kb, area)
    if owner is None:
        raise UsageError(
            f"no owner for area {area!r}", hint="pass --owner (owners: " + ", ".join(taxonomy.owners) + ")"
        )
    if owner not in taxonomy.owners:
        raise UsageError(f"unknown owner {owner!r}{did_you_mean(owner, taxonomy.owners)}")

    kind = taxonomy.types[type_name]
    article_id = next_id(kb)
    values = {
        "id": article_id, "title": title.strip(), "type": type_name, "confidence": confidence,
        "audience": audience, "area": area, "owner": owner, "codes": codes or [], "tags": tags or [],
        "today": (today or run_date()).isoformat(),
        "sections": [*kind.required_sections, *kind.optional_sections],
    }  # fmt: skip
    text = _render(kb, kind.template, values).rstrip("\n") + "\n"

    folder = area_folder(kb.articles_dir, area)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"-{2,}", "-", slugify(title))[:60].strip("-") or article_id.lower()
    path = folder / f"{stem}.md"
    if path.exists():
        path = folder / f"{stem}-{article_id.lower()}.md"
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return NewArticle(path, article_id)


def _refuse_what_check_would(kb: KnowledgeBase, title: str, codes: list[str], tags: list[str]) -> None:
    """Refuse values `kb check` would report the moment the article exists (a title too long,
    a tag given twice, an unregistered code): the writer is at the command line now."""
    if not title.strip():
        raise UsageError("the title is empty", hint="state the issue in the customer's words")
    limit = article_schema()["properties"]["title"]["maxLength"]
    if len(title.strip()) > limit:
        raise UsageError(
            f"the title has {len(title.strip()):,} characters, more than {limit:,}",
            hint="keep the symptom and the error code; details go in the Issue section",
        )
    for option, values in (("--title", [title]), ("--code", codes), ("--tag", tags)):
        for value in values:
            control = controls.ANY.search(value)
            if control:
                raise UsageError(
                    f"{option} '{controls.escaped(value)}' holds a control character ({controls.escaped(control[0])})",
                    hint="write it on one line, without tabs or escape sequences",
                )
            if option != "--title" and not value.strip():
                raise UsageError(f"{option} is empty", hint=f"leave out the empty {option}")
            if values.count(value) > 1:
                raise UsageError(f"{option} {value!r} is given twice", hint=f"give each {option} once")
    known = [c.code for c in kb.taxonomy.codes.values()]
    for code in codes:
        if not kb.taxonomy.is_registered(code.strip()):
            raise UsageError(
                f"error code {code!r} is not registered{did_you_mean(code, known)}",
                hint=f"fix the code, or register it in {kb.relpath(kb.schemas_dir / ERROR_CODES_FILE)}",
            )


def area_folder(articles: Path, area: str) -> Path:
    """The folder for `area` under `articles`, reusing folders that exist under another case:
    an imported KB keeps `Outlook/Client/` for the area outlook/client, and a second,
    lower-case tree beside it would split the area (and clash on case-insensitive disks)."""
    folder = articles
    for part in area.split("/"):
        if not (folder / part).is_dir() and folder.is_dir():
            same = sorted(d for d in folder.iterdir() if d.name.lower() == part.lower() and d.is_dir())
            if same:
                folder = same[0]
                continue
        folder = folder / part
    return folder


_MAX_AREAS_SHOWN = 10


def _areas_hint(kb: KnowledgeBase, area: str) -> str:
    """The areas close to a mistyped one, not the whole tree (an imported KB has hundreds)."""
    areas = list(kb.taxonomy.areas)
    if len(areas) <= _MAX_AREAS_SHOWN:
        return "areas: " + ", ".join(areas)
    close = difflib.get_close_matches(area, areas, n=_MAX_AREAS_SHOWN, cutoff=0.6)
    shown = close or [a for a in areas if "/" not in a][:_MAX_AREAS_SHOWN]
    where = kb.relpath(kb.schemas_dir / TAXONOMY_FILE)
    return f"{'close areas' if close else 'top-level areas'}: {', '.join(shown)} ({where} lists all {len(areas):,})"


def _area_owner(kb: KnowledgeBase, area: str) -> str | None:
    """The owner set on the area or the nearest area above it."""
    parts = area.split("/")
    for n in range(len(parts), 0, -1):
        found = kb.taxonomy.areas.get("/".join(parts[:n]))
        if found and found.owner:
            return found.owner
    return None


def _yaml_scalar(value: object, quoted: bool = False) -> str:
    """`value` as a YAML string, in a block or in a flow list (`[a, b]`): plain when it reads back
    as itself (`sso`, `KB-0042`), else double-quoted (`"#sso"`, `"c++ [beta]"`, `"KB #0001"`,
    `"a, b"`, `"yes"`); always quoted with `quoted`. The template's `yaml` filter."""
    value = str(value)  # an undefined value raises here, with the template's line
    if not quoted and _reads_back_plain(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _reads_back_plain(value: str) -> bool:
    if not _PLAIN.fullmatch(value):
        return False
    try:  # YAML 1.2, as kb reads it, and 1.1, as most editors do (`yes`, `0755`, `1_000` are not text)
        as_12, as_11 = yaml12.parse(f"[{value}]").value, yaml.safe_load(f"[{value}]")
    except (yaml12.YamlProblem, yaml.YAMLError):
        return False
    return bool(as_12 == [value] == as_11)


def _prompt(section: str) -> str:
    return PROMPTS.get(section.lower(), f"what belongs under {section}")


def _render(kb: KnowledgeBase, name: str, values: Mapping[str, object]) -> str:
    """The type's template (`name` in the schemas folder, or the default one) filled with `values`.

    A mistake in the template (bad syntax, a variable kb does not provide) is a `ConfigError` at
    its line, never a traceback."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    environment.filters["yaml"] = _yaml_scalar
    environment.globals["prompt"] = _prompt
    if not name:
        return environment.from_string(_DEFAULT_TEMPLATE).render(**values)
    path = kb.schemas_dir / name
    source = path.read_text(encoding="utf-8")
    try:
        template = environment.from_string(source)
        _refuse_unknown_variables(environment.parse(source), environment, [*values, "prompt"], path)
        return template.render(**values)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"template error: {exc.message}", path=path, line=exc.lineno) from None
    except jinja2.TemplateError as exc:  # `{{ title.words }}`: what only rendering finds
        raise ConfigError(f"template error: {exc.message}", path=path, line=_template_line(exc)) from None


def _refuse_unknown_variables(
    tree: jinja2.nodes.Template, environment: jinja2.Environment, provided: list[str], path: Path
) -> None:
    """Refuse a variable that is neither kb's (`provided`) nor Jinja2's own (`range`, `dict`)."""
    unknown = jinja2.meta.find_undeclared_variables(tree) - set(provided) - set(environment.globals)
    if not unknown:
        return
    first = min(
        (node for node in tree.find_all(jinja2.nodes.Name) if node.name in unknown), key=lambda node: node.lineno
    )
    raise ConfigError(
        f"template error: kb new provides no variable {first.name!r}{did_you_mean(first.name, provided)}",
        path=path,
        line=first.lineno,
        hint="variables: " + ", ".join(provided),
    )


def _template_line(exc: BaseException) -> int | None:
    """The template line being rendered when `exc` was raised (Jinja2 maps its frames to them)."""
    line = None
    frame = exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            line = frame.tb_lineno
        frame = frame.tb_next
    return line
