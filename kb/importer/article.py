"""One foreign article as a kb article: front matter mapped, body converted, and the file text."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from kb.importer.docfx import IncludeResolver, convert
from kb.importer.infer import (
    area_from_folders,
    code_message,
    codes_of,
    first_heading,
    humanise,
    infer_type,
    parse_date,
    slug,
)
from kb.importer.mapping import FieldMapping
from kb.importer.report import ImportProblem
from kb.importer.source import ForeignArticle
from kb.search.codes import ErrorCodeFilter, code_keys
from kb.taxonomy import did_you_mean

MAX_TITLE = 200


@dataclass
class MappedArticle:
    """A foreign article as kb front matter and body, before audience, confidence and owner."""

    fields: dict[str, Any]
    body: str
    images: list[tuple[int, str]]  # (line, source) of each image, relative to the article
    areas: list[tuple[str, str]]  # (area path, title) of its area and each area above it
    dated_today: bool  # no date in the source: `created` is the day of the import
    code_messages: dict[str, str]  # error code -> its message for the registry, from the title or heading


def map_article(
    foreign: ForeignArticle,
    article_id: str,
    mapping: FieldMapping,
    known_types: set[str],
    resolver: IncludeResolver,
    codes: ErrorCodeFilter,
    today: dt.date,
    problems: list[ImportProblem],
    link_base: str = "",
) -> MappedArticle:
    """Map `foreign`'s front matter through `mapping` and convert its body; what does not map
    goes to `problems` with the file and line."""
    rel = foreign.relpath

    def problem(kind: str, message: str, key: str | None = None) -> None:
        line = foreign.key_lines.get(key, 1) if key else 1
        problems.append(ImportProblem(rel, line, kind, message))

    front = foreign.front
    known = mapping.known_keys()
    for key in front:
        if key not in known:
            hint = did_you_mean(key, known)
            problem("unknown-key", f"unknown key {key!r}{hint}; dropped", key)

    def first(keys: list[str]) -> tuple[str | None, Any]:
        for key in keys:
            if key in front and front[key] not in (None, "", []):
                return key, front[key]
        return None, None

    def text_of(keys: list[str], name: str) -> str:
        key, value = first(keys)
        if value is None:
            return ""
        if isinstance(value, list):
            problem("bad-value", f"{key} is a list where text is expected; joined", key)
            value = " ".join(str(v) for v in value if v is not None)
        elif isinstance(value, dict):  # `title: {a: b}` would have become the text "{'a': 'b'}"
            problem("bad-value", f"{key} is a mapping where text is expected; left out", key)
            return ""
        elif not isinstance(value, str):
            value = str(value)
        return " ".join(value.split())

    converted = convert(foreign.body, rel, resolver, foreign.body_line, link_base=link_base)
    for p in converted.problems:
        problems.append(ImportProblem(rel, p.line, p.kind, p.message))
    body = converted.body.strip("\n") + "\n"
    heading = first_heading(body)

    title = text_of(mapping.title, "title")
    if not title:
        title = heading or humanise(PurePosixPath(rel).stem)
        problem("no-title", f"no title in the front matter; used {title!r}")
    if len(title) > MAX_TITLE:
        cut = title.rfind(" ", 0, MAX_TITLE - 1)
        title = title[: cut if cut > 0 else MAX_TITLE - 1] + "…"
        problem("long-title", "the title is longer than 200 characters; cut", mapping.title[0])
    fields: dict[str, Any] = {"id": article_id, "title": title}

    type_key, type_value = first(mapping.type)
    kind, why = infer_type(type_value, body, mapping, known_types)
    if why:
        problem("unmapped-type", why, type_key)
    fields["type"] = kind

    _area_key, area_value = first(mapping.area)
    if isinstance(area_value, str) and area_value.strip():
        parts = [slug(p) for p in area_value.strip().split("/") if p.strip()]
        area = "/".join(parts)
        chain = [("/".join(parts[: i + 1]), humanise(area_value.split("/")[i].strip())) for i in range(len(parts))]
    else:
        area, chain = area_from_folders(rel, mapping)
    fields["product_area"] = area

    declared: list[str] = []
    seen_keys: set[str] = set()
    _, listed = first(mapping.error_codes)
    values = listed if isinstance(listed, list) else [listed] if listed is not None else []
    for value in values:
        if isinstance(value, str | int) and str(value).strip():
            code = " ".join(str(value).split())
            if not seen_keys.intersection(code_keys(code)):
                declared.append(code)
                seen_keys.update(code_keys(code))
    for match in codes_of(title, heading, codes):
        if not seen_keys.intersection(match.keys):
            declared.append(match.display)
            seen_keys.update(match.keys)
    if declared:
        fields["error_codes"] = declared
    code_messages = {code: code_message(code, title, heading, codes) for code in declared}

    tags: list[str] = []
    for tag_key in mapping.tags:
        value = front.get(tag_key)
        for tag in value if isinstance(value, list) else [value] if isinstance(value, str) else []:
            if isinstance(tag, str) and tag.strip():
                tidy = " ".join(tag.split())
                if tidy.lower() not in (t.lower() for t in tags):
                    tags.append(tidy)
    if tags:
        fields["tags"] = tags

    reviewed_key, reviewed_value = first(mapping.reviewed)
    reviewed = parse_date(reviewed_value, mapping.date_formats)
    if reviewed_value is not None and reviewed is None:
        message = f"{reviewed_key} {reviewed_value!r} is not a date in a known format; left out"
        problem("bad-date", message, reviewed_key)
    created_key, created_value = first(mapping.created)
    created = parse_date(created_value, mapping.date_formats)
    if created_value is not None and created is None:
        problem("bad-date", f"{created_key} {created_value!r} is not a date in a known format", created_key)
    if created is None:
        created = reviewed
    dated_today = created is None
    if created is None:
        created = today
        problem("bad-date", f"no creation date; used today ({created.isoformat()})")
    fields["created"] = created
    if reviewed is not None:
        fields["reviewed"] = reviewed

    description = text_of(mapping.description, "description")
    if description:
        fields["description"] = description
    fields["source"] = rel
    return MappedArticle(fields, body, converted.images, chain, dated_today, code_messages)


_ORDER = ("id", "title", "type", "confidence", "audience", "product_area", "error_codes", "tags", "owner",
          "created", "reviewed", "description", "source")  # fmt: skip


def ordered(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in _ORDER if name in fields}


_PLAIN = re.compile(r"^[A-Za-z][\w\-/.]*$")


def _yaml_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in ("true", "false", "null", "yes", "no", "on", "off"):
        return text
    return json.dumps(text, ensure_ascii=False)


def render_article(fields: dict[str, Any], body: str) -> str:
    """The article file: front matter in the contract's order, then the body."""
    lines = ["---", *(f"{name}: {_yaml_value(value)}" for name, value in fields.items()), "---"]
    return "\n".join(lines) + "\n" + body
