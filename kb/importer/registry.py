"""Adding what imported articles need to the taxonomy and the error-code registry, keeping the rest.

The files are edited round-trip (ruamel.yaml): comments, order and styles of what is there
stay as they were; new entries are appended in sorted order, so the same import writes the
same bytes. A file is written only when something was added.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from kb import atomic
from kb.taxonomy import ERROR_CODES_FILE, TAXONOMY_FILE


@dataclass
class RegistryAdditions:
    """What the taxonomy and the code registry must gain for the imported articles to check clean."""

    areas: dict[str, str] = field(default_factory=dict)  # area path -> title
    owners: dict[str, str] = field(default_factory=dict)  # owner id -> name
    area_owners: dict[str, str] = field(default_factory=dict)  # top-level area -> owner
    types: set[str] = field(default_factory=set)
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (area, message), from the first article


@dataclass
class RegistryChanges:
    areas: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(yaml: YAML, path: Path) -> CommentedMap:
    if not path.is_file():
        return CommentedMap()
    data = yaml.load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, CommentedMap) else CommentedMap()


def _dump(yaml: YAML, data: CommentedMap, path: Path) -> None:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    atomic.write_text(path, buffer.getvalue())  # a run cut off never leaves half a registry


def _section(data: CommentedMap, key: str) -> CommentedMap:
    value = data.get(key)
    if not isinstance(value, CommentedMap):
        value = CommentedMap()
        data[key] = value
    return value


def apply(schemas: Path, additions: RegistryAdditions, *, dry_run: bool = False) -> RegistryChanges:
    """Add to `schemas/taxonomy.yaml` and `schemas/error-codes.yaml` what they lack."""
    yaml = _yaml()
    changes = RegistryChanges()
    taxonomy_path = schemas / TAXONOMY_FILE
    taxonomy = _load(yaml, taxonomy_path)

    owners = _section(taxonomy, "owners")
    for owner in sorted(additions.owners):
        if owner not in owners:
            owners[owner] = CommentedMap(name=additions.owners[owner])
            changes.owners.append(owner)

    areas = _section(taxonomy, "product_areas")
    for path in sorted(additions.areas):
        parent: CommentedMap = areas
        parts = path.split("/")
        for depth, part in enumerate(parts):
            if depth:
                parent = _section(parent[parts[depth - 1]], "areas")
            if part not in parent:
                spec = CommentedMap(title=additions.areas.get("/".join(parts[: depth + 1]), part))
                if depth == 0 and part in additions.area_owners:
                    spec["owner"] = additions.area_owners[part]
                parent[part] = spec
                changes.areas.append("/".join(parts[: depth + 1]))
            elif not isinstance(parent[part], CommentedMap):
                parent[part] = CommentedMap(title=str(parent[part] or part))

    types = _section(taxonomy, "types")
    for name in sorted(additions.types):
        if name not in types:
            types[name] = CommentedMap(title=name.replace("-", " ").capitalize())
            changes.types.append(name)

    codes_path = schemas / ERROR_CODES_FILE
    registry = _load(yaml, codes_path)
    codes = _section(registry, "codes")
    known = {str(code).upper() for code in codes}
    for code in sorted(additions.codes, key=lambda c: (c.upper(), c)):
        if code.upper() not in known:
            area, message = additions.codes[code]
            codes[code] = CommentedMap(message=message, area=area)
            known.add(code.upper())
            changes.codes.append(code)

    if not dry_run:
        if changes.owners or changes.areas or changes.types:
            _dump(yaml, taxonomy, taxonomy_path)
        if changes.codes:
            _dump(yaml, registry, codes_path)
    return changes


def existing_codes(schemas: Path) -> dict[str, Any]:
    """The codes registered now, by upper-case code."""
    registry = _load(_yaml(), schemas / ERROR_CODES_FILE)
    codes = registry.get("codes")
    return {str(code).upper(): code for code in codes} if isinstance(codes, CommentedMap) else {}
