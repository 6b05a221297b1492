"""kb-format copies of the real corpus: its bodies wrapped in kb front matter, until `kb import` exists.

The corpus is DocFX (`ms.date`, `ms.topic`, ...): `kb check` would stop at the missing contract
fields and never run the quality rules on its prose. This wraps each body, unchanged, in front
matter built from the article's own title, description and `ms.date`, with a product area and
owner of this repository's taxonomy chosen by the corpus product folder. The benchmarks of
`kb check` and the corpus test (tests/quality/test_corpus.py) run on the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

from kb.config import CONFIG_FILE
from kb.taxonomy import load_taxonomy

_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_FIELD = re.compile(r"^(title|description|ms\.date)[ \t]*:[ \t]*(.*)$", re.MULTILINE)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def wrap_corpus(corpus: Path, dest: Path, kb_root: Path) -> int:
    """Write every article of `corpus` (a folder with `articles/`) as a kb article under
    `dest/articles/`, with `kb_root`'s kb.yaml and schemas/; returns the number written."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "articles").mkdir(parents=True)
    shutil.copyfile(kb_root / CONFIG_FILE, dest / CONFIG_FILE)
    shutil.copytree(kb_root / "schemas", dest / "schemas")
    taxonomy = load_taxonomy(dest / "schemas")
    areas = sorted((a for a in taxonomy.areas.values() if a.parent), key=lambda a: a.path)
    sources = sorted(p for p in (corpus / "articles").rglob("*.md") if p.name.lower() != "readme.md")
    for number, source in enumerate(sources, start=1):
        relpath = source.relative_to(corpus / "articles")
        product = relpath.parts[0]
        area = areas[int(hashlib.sha256(product.encode()).hexdigest(), 16) % len(areas)]
        text = source.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        match = _FRONT.match(text)
        fields = dict(_FIELD.findall(match.group(1))) if match else {}
        body = text[match.end() :] if match else text
        day = _date(fields.get("ms.date", ""))
        meta = {
            "id": f"KB-{100000 + number}",
            "title": _plain(fields.get("title", "")) or relpath.stem.replace("-", " "),
            "type": "troubleshooting",
            "confidence": "validated",
            "audience": "public",
            "product_area": area.path,
            "owner": area.owner or "team-support",
            "created": day,
            "reviewed": day,
            "description": _plain(fields.get("description", "")),
        }
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items() if value]
        target = dest / "articles" / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n" + "\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    return len(sources)


def _plain(value: str) -> str:
    return value.strip().strip("'\"").strip()


def _date(value: str) -> str:
    match = _US_DATE.match(value.strip())
    if not match:
        return "2024-01-01"
    month, day, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return "2024-01-01"
