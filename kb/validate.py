"""Schema validation of front matter: jsonschema errors turned into findings at the value's line."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import ValidationError

from kb import schema
from kb.article import Article
from kb.findings import Finding, Location
from kb.rules.metadata import InvalidField, MissingField
from kb.rules.source import InvalidDate
from kb.taxonomy import did_you_mean

_DATE_SHAPED = re.compile(r"^\d{4}-\d\d-\d\d$")


def validate_front_matter(article: Article, id_prefix: str) -> list[Finding]:
    """Findings for every way the front matter breaks the article schema."""
    instance = schema.to_json(article.meta)
    findings = []
    for error in schema.validator(id_prefix).iter_errors(instance):
        findings.append(_finding(article, error, id_prefix))
    findings.extend(_control_characters(article, instance, ()))
    return findings


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_characters(article: Article, value: Any, path: tuple[str | int, ...]) -> list[Finding]:
    """A text value holding a control character (written as a YAML escape, "\\x1b"): no page
    can show it (a NUL is not even HTML), and a terminal would obey it."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        if found is None:
            return []
        name = ".".join(str(p) for p in path)
        message = f"{name} holds the control character {found.group(0)!r}, which no page or terminal shows"
        return [InvalidField.at(article.field_location(*path), message, context=name)]
    if isinstance(value, dict):
        return [f for key, item in value.items() for f in _control_characters(article, item, (*path, str(key)))]
    if isinstance(value, list):
        return [f for n, item in enumerate(value) for f in _control_characters(article, item, (*path, n))]
    return []


def _finding(article: Article, error: ValidationError, id_prefix: str) -> Finding:
    path = tuple(error.absolute_path)
    name = ".".join(str(p) for p in path)
    value: Any = error.instance
    keyword = error.validator
    if keyword == "required":
        missing = str(error.message).split("'")[1]
        closing = Location(article.relpath, article.body_line - 1, 1)
        return MissingField.at(closing, f"missing required field {missing!r}", context=missing)
    location = article.field_location(*path) if path else article.start
    if keyword == "type":
        expected = error.validator_value
        wanted = {"string": "text", "array": "a list", "object": "a mapping"}.get(str(expected), str(expected))
        message = f"{name} must be {wanted}, not {_describe(value)}"
    elif keyword == "format" and error.validator_value == "date":
        if isinstance(value, str) and _DATE_SHAPED.match(value.strip()):
            return InvalidDate.at(location, f"{name} {value!r} is not a real date", context=name)
        message = f"{name} must be a date written YYYY-MM-DD, not {value!r}"
    elif keyword == "pattern" and path and path[-1] in ("id", "replaced_by"):
        message = f"{name} {value!r} is not an id like {id_prefix}1042"
    elif keyword == "pattern" and path == ("product_area",):
        message = f"product_area {value!r} must be a lower-case path like identity/sso"
    elif keyword == "enum":
        choices = [str(c) for c in error.validator_value]  # type: ignore[union-attr]
        message = f"{name} {value!r} is not one of {', '.join(choices)}{did_you_mean(str(value), choices)}"
    elif keyword == "uniqueItems":
        message = f"{name} lists the same value twice"
    elif keyword == "minLength":
        message = f"{name} is empty"
    elif keyword == "maxLength":
        message = f"{name} is longer than {error.validator_value} characters"
    else:
        message = f"{name}: {error.message}"
    return InvalidField.at(location, message, context=name)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{value!r}"
