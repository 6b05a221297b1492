"""Field mappings: which foreign front matter key feeds which kb field, as data.

A mapping is a YAML file (every key documented below, read with file:line errors) or the
built-in `docfx` mapping for DocFX / Microsoft Learn front matter. Keys a mapping neither
maps nor ignores are reported by the import, with a did-you-mean for typos.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.config import parse_yaml_file, read_settings, setting
from kb.errors import ConfigError


@dataclass
class FieldMapping:
    """How one kind of foreign front matter becomes kb front matter."""

    title: list[str] = setting(["title"], "Keys holding the title, first found wins.")
    description: list[str] = setting(["description", "summary"], "Keys holding the description.")
    reviewed: list[str] = setting(["date", "updated", "last_updated"], "Keys holding the last-reviewed date.")
    created: list[str] = setting(["created", "created_at"], "Keys holding the creation date (default: reviewed).")
    type: list[str] = setting(["type"], "Keys naming the article type; values go through `types`.")
    types: dict[str, str] = setting({}, "Foreign type value -> kb type (troubleshooting, how-to, ...).")
    area: list[str] = setting([], "Keys naming the product area; empty: the area comes from the folders.")
    owner: list[str] = setting([], "Keys naming the owner (must name a taxonomy owner, else the default is used).")
    error_codes: list[str] = setting(["error_codes", "errors"], "Keys listing error codes.")
    tags: list[str] = setting(["tags", "keywords"], "Keys whose values become tags.")
    ignore: list[str] = setting([], "Keys known and deliberately dropped (not reported).")
    date_formats: list[str] = setting(
        ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y", "%Y/%m/%d"],
        "strptime formats tried in order for foreign dates (US month/day before day.month).",
    )
    default_type: str = setting("reference", "Type when neither a key nor the headings tell.")
    default_area: str = setting("imported", "Area of articles at the top of the source, outside any folder.")

    def known_keys(self) -> list[str]:
        lists = (self.title, self.description, self.reviewed, self.created, self.type, self.area, self.owner,
                 self.error_codes, self.tags, self.ignore)  # fmt: skip
        return [key for keys in lists for key in keys]


def docfx_mapping() -> FieldMapping:
    """DocFX / Microsoft Learn: `ms.date` MM/DD/YYYY, `ms.topic`, `appliesto`, author fields."""
    return FieldMapping(
        title=["title", "titleSuffix"],
        description=["description"],
        reviewed=["ms.date", "date"],
        created=[],
        type=["ms.topic"],
        types={
            "troubleshooting": "troubleshooting",
            "troubleshooting-general": "troubleshooting",
            "troubleshooting-problem-resolution": "troubleshooting",
            "troubleshooting-known-issue": "known-issue",
            "error-reference": "reference",
            "how-to": "how-to",
            "tutorial": "how-to",
            "quickstart": "how-to",
            "reference": "reference",
            "conceptual": "reference",
            "overview": "reference",
            "concept-article": "reference",
            "faq": "reference",
        },
        error_codes=[],
        tags=["appliesto", "keywords"],
        ignore=[
            "author",
            "ms.author",
            "manager",
            "editor",
            "ms.reviewer",
            "audience",
            "ms.custom",
            "search.appverid",
            "ms.assetid",
            "f1.keywords",
            "f1_keywords",
            "ms.collection",
            "ms.service",
            "ms.subservice",
            "ms.localizationpriority",
            "ms.prod",
            "ms.technology",
            "ms.devlang",
            "adobe-target",
            "ms.search.form",
            "ROBOTS",
            "recommendations",
            "ms.workload",
            "ms.tgt_pltfrm",
            "uid",
            "ms.lastreviewed",
            "ms.update-cycle",
        ],
        default_type="troubleshooting",
    )


PRESETS = {"docfx": docfx_mapping}


def load_mapping(name_or_file: str, root: Path) -> FieldMapping:
    """A preset by name, or a mapping file (relative to `root`). Raises `ConfigError` with file:line."""
    if name_or_file in PRESETS:
        return PRESETS[name_or_file]()
    path = Path(name_or_file)
    if not path.is_absolute():
        path = root / path
    if not path.is_file():
        raise ConfigError(
            f"no mapping {name_or_file!r}: not a preset and not a file",
            hint="presets: " + ", ".join(PRESETS) + "; or give a YAML mapping file",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the mapping: {exc}", path=path) from None
    document = parse_yaml_file(text, path)
    return read_settings(FieldMapping, document.value or {}, document, path)
