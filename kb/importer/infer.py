"""What an imported article is, when its front matter does not say: area, type, dates, codes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from kb.importer.mapping import FieldMapping
from kb.search.codes import CodeMatch, ErrorCodeFilter, code_keys

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")

# Headings that mark an article as troubleshooting or as a how-to, in the words real KBs use.
_TROUBLESHOOTING = {"symptoms", "symptom", "cause", "causes", "resolution", "workaround", "workarounds", "problem",
                    "issue", "solution", "error", "root cause", "more information"}  # fmt: skip
_HOW_TO = {"steps", "procedure", "prerequisites", "before you begin", "instructions", "how to"}

# A code that opens a title, then its message: "Error 0x80070005: Access is denied",
# "AADSTS50020 - User account does not exist", "550 5.7.1 Unable to relay" (a message starts
# after a separator or with a capital; "Error 403 when calling the API" has none to take).
_BEFORE_CODE = re.compile(r"\s*(?:error(?:\s+code)?\s*)?", re.IGNORECASE)
_MESSAGE_AFTER_CODE = re.compile(r"\s*[:\-\u2013\u2014]\s*(?P<after_separator>.*)|\s+(?P<capitalised>[A-Z].*)")


def slug(name: str) -> str:
    """A folder or name as an area slug: `SharePoint Online` -> `sharepoint-online`.

    CamelCase is not split: it is how products write their names (`SharePoint`, `OneDrive`).
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", text).strip("-") or "other"


def humanise(name: str) -> str:
    """A folder name as people read it: `sign-in` -> `Sign in`; CamelCase as written (`SharePoint`)."""
    text = name.replace("-", " ").replace("_", " ")
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else name


def area_from_folders(relpath: str, mapping: FieldMapping) -> tuple[str, list[tuple[str, str]]]:
    """The area path from the folders of `relpath`, and (area path, title) for it and each parent."""
    folders = relpath.split("/")[:-1]
    if not folders:
        return mapping.default_area, [(mapping.default_area, humanise(mapping.default_area))]
    chain = []
    path = ""
    for folder in folders:
        path = f"{path}/{slug(folder)}" if path else slug(folder)
        chain.append((path, humanise(folder)))
    return path, chain


def infer_type(value: Any, body: str, mapping: FieldMapping, known_types: set[str]) -> tuple[str, str | None]:
    """The kb type from a foreign value through `mapping.types`, else from the headings.

    Returns (type, problem): problem says why a foreign value could not be used.
    """
    problem = None
    if isinstance(value, str) and value.strip():
        foreign = value.strip().lower()
        mapped = mapping.types.get(foreign) or (foreign if foreign in known_types else None)
        if mapped:
            return mapped, None
        problem = f"type {value.strip()!r} has no mapping; inferred from the headings"
    headings = {m.group(2).strip().lower().rstrip(":") for line in body.split("\n") if (m := _HEADING.match(line))}
    if headings & _TROUBLESHOOTING:
        return "troubleshooting", problem
    if headings & _HOW_TO:
        return "how-to", problem
    return mapping.default_type, problem


def parse_date(value: Any, formats: list[str]) -> dt.date | None:
    """A foreign date (`01/24/2024`, `2024-01-24`, a YAML date) as a date, or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str | int):
        return None
    text = str(value).strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def first_heading(body: str) -> str:
    """The text of the first level-1 heading (or of the first heading) of a Markdown body."""
    first = ""
    fenced = False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced:
            continue
        m = _HEADING.match(line)
        if m:
            if len(m.group(1)) == 1:
                return m.group(2).strip()
            first = first or m.group(2).strip()
    return first


def code_message(code: str, title: str, heading: str, codes: ErrorCodeFilter) -> str:
    """A registry message for `code` from the title or the first heading: what follows the code in
    the first of them that opens with it ("AADSTS50020: User account does not exist" gives "User
    account does not exist"), else the first that names it as it is, else the title."""
    keys = set(code_keys(code))
    naming = []
    for text in (title, heading):
        for match in codes.error_codes(text):
            if not keys.intersection(match.keys):
                continue
            message = _MESSAGE_AFTER_CODE.fullmatch(text[match.end :])
            if message and _BEFORE_CODE.fullmatch(text[: match.start]):
                rest = (message.group("after_separator") or message.group("capitalised") or "").strip()
                if any(c.isalpha() for c in rest):
                    return rest
            naming.append(text)
    return naming[0] if naming else title


def codes_of(title: str, heading: str, codes: ErrorCodeFilter) -> list[CodeMatch]:
    """The error codes the title and the first heading name, each once, title first."""
    seen: set[str] = set()
    found = []
    for match in [*codes.error_codes(title), *codes.error_codes(heading)]:
        if not seen.intersection(match.keys):
            seen.update(match.keys)
            found.append(match)
    return found
