"""The article JSON Schema (draft 2020-12): the contract's fields, for kb and for editors.

`article_schema(config)` is the shape kb validates against. `editor_schema(config, taxonomy)`
adds the taxonomy's values as enums so a YAML editor completes areas, types, owners and codes;
`kb schema` writes it to `schemas/article.schema.json`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from kb.taxonomy import AUDIENCES, CONFIDENCES
from kb.yaml12 import YamlDocument

if TYPE_CHECKING:
    from kb.config import Config
    from kb.taxonomy import Taxonomy

SCHEMA_FILE = "article.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_STRING_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}


def article_schema(id_prefix: str = "KB-") -> dict[str, Any]:
    """The article schema without taxonomy values (kb checks those itself, with did-you-mean)."""
    id_pattern = f"^{re.escape(id_prefix)}[0-9]+$"
    return {
        "$schema": DRAFT,
        "$id": "https://kb.invalid/schemas/article.schema.json",
        "title": "kb article front matter",
        "description": "Metadata of one knowledge article (KCS). See DESIGN.md of kb for the contract.",
        "type": "object",
        "required": ["id", "title", "type", "confidence", "audience", "product_area", "owner", "created"],
        "properties": {
            "id": {
                "type": "string",
                "pattern": id_pattern,
                "description": f"Unique, permanent id ({id_prefix}1042), never reused or changed: URLs use it.",
            },
            "title": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "description": "The issue in the customer's words, as they would search for it.",
            },
            "type": {
                "type": "string",
                "minLength": 1,
                "description": "Article type from the taxonomy (troubleshooting, how-to, known-issue, reference, ...).",
            },
            "confidence": {
                "enum": list(CONFIDENCES),
                "description": "KCS confidence: wip, not-validated, validated or archived.",
            },
            "audience": {
                "enum": list(AUDIENCES),
                "description": "KCS audience: who may see the article (internal, partner, customer, public).",
            },
            "product_area": {
                "type": "string",
                "pattern": "^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$",
                "description": "Product area from the taxonomy, as a path (identity/sso).",
            },
            "error_codes": {
                **_STRING_LIST,
                "description": "Error codes this article resolves; each registered in schemas/error-codes.yaml.",
            },
            "tags": {**_STRING_LIST, "description": "Free keywords that help search and browsing."},
            "owner": {
                "type": "string",
                "minLength": 1,
                "description": "Team that keeps the article right (taxonomy owners).",
            },
            "created": {
                "type": "string",
                "format": "date",
                "description": "Date the article was first written (YYYY-MM-DD).",
            },
            "reviewed": {
                "type": "string",
                "format": "date",
                "description": "Last time someone checked the article is still right (YYYY-MM-DD); drives staleness.",
            },
            "environment": {
                "type": "object",
                "description": "Where the issue happens: product, versions, platforms.",
                "properties": {
                    "product": {"type": "string", "description": "Product name from the taxonomy."},
                    "versions": {**_STRING_LIST, "description": 'Product versions affected; quote them ("4.10").'},
                    "platforms": {**_STRING_LIST, "description": "Operating systems, browsers or devices."},
                },
            },
            "description": {
                "type": "string",
                "description": "One or two sentences for search results and SEO.",
            },
            "replaced_by": {
                "type": "string",
                "pattern": id_pattern,
                "description": "For archived articles: the id of the article that replaces this one.",
            },
            "source": {
                "type": "string",
                "description": "Where an imported article came from (the imported folder's name, then its path there).",
            },
            "aliases": {
                **_STRING_LIST,
                "description": "Earlier paths of this article (site paths or ids) that should redirect to it.",
            },
        },
    }


def editor_schema(config: Config, taxonomy: Taxonomy) -> dict[str, Any]:
    """The schema for editors: taxonomy values as enums, unknown fields refused."""
    schema = article_schema(config.id_prefix)
    props = schema["properties"]
    props["type"]["enum"] = sorted(taxonomy.types)
    props["product_area"]["enum"] = sorted(taxonomy.areas)
    props["owner"]["enum"] = sorted(taxonomy.owners)
    codes = sorted(c.code for c in taxonomy.codes.values())
    item: dict[str, Any] = {"type": "string"}
    if codes or taxonomy.families:
        item = {"anyOf": [{"enum": codes}, *({"pattern": f"(?i)^(?:{f.regex.pattern})$"} for f in taxonomy.families)]}
    props["error_codes"]["items"] = item
    if taxonomy.products():
        props["environment"]["properties"]["product"]["enum"] = sorted(taxonomy.products())
    for name in config.extra_fields:
        props.setdefault(name, {"description": "A field this knowledge base adds (kb.yaml extra_fields)."})
    schema["additionalProperties"] = False
    schema["allOf"] = [
        {
            "if": {"properties": {"confidence": {"const": "archived"}}, "required": ["confidence"]},
            "then": {"description": "Archived articles usually name their replacement in replaced_by."},
        }
    ]
    return schema


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@cache
def validator(id_prefix: str) -> Draft202012Validator:
    return Draft202012Validator(article_schema(id_prefix), format_checker=Draft202012Validator.FORMAT_CHECKER)


_STRING_FIELDS = ("id", "title", "type", "confidence", "audience", "product_area", "owner",
                  "description", "replaced_by", "source")  # fmt: skip
_LIST_FIELDS = ("error_codes", "tags", "aliases")
_DATE_FIELDS = ("created", "reviewed")
# Python's fromisoformat also reads "20260614" and "2026-W24-7"; the contract is YYYY-MM-DD.
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def normalise(document: YamlDocument) -> dict[str, Any]:
    """Front matter values as the contract means them.

    A plain scalar in a string field is read back as written (`version: 4.10` is "4.10", not
    4.1; `title: 2024-05-01` is the string); a quoted ISO date in a date field becomes a date.
    """
    meta: dict[str, Any] = dict(document.value)

    def as_text(path: tuple[str | int, ...], value: Any) -> Any:
        if isinstance(value, str) or value is None or isinstance(value, list | dict):
            return value
        return document.raw.get(path, value)

    for name in _STRING_FIELDS:
        if name in meta:
            meta[name] = as_text((name,), meta[name])
    for name in _LIST_FIELDS:
        if isinstance(meta.get(name), list):
            meta[name] = [as_text((name, i), v) for i, v in enumerate(meta[name])]
    env = meta.get("environment")
    if isinstance(env, dict):
        env = dict(env)
        for key in ("product", "version"):
            if key in env:
                env[key] = as_text(("environment", key), env[key])
        for key in ("versions", "platforms"):
            if isinstance(env.get(key), list):
                env[key] = [as_text(("environment", key, i), v) for i, v in enumerate(env[key])]
        meta["environment"] = env
    for name in _DATE_FIELDS:
        value = meta.get(name)
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            with contextlib.suppress(ValueError):  # otherwise left as text: the schema reports it
                meta[name] = dt.date.fromisoformat(value.strip())
        elif isinstance(value, dt.datetime):
            meta[name] = value.date()
    return meta


def to_json(value: Any) -> Any:
    """Front matter as JSON values (dates as ISO strings), for the schema and for output."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return "nan"
    return value
