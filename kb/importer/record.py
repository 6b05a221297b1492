"""What `kb import` wrote, kept in the KB (`.kb-import.json`), so a re-run can tell an article
edited in kb since from one the source changed.

Kept beside `kb.yaml` rather than in the articles' front matter: the article schema refuses
fields it does not know (KB unknown-field), and an import record is not the support team's to
read or edit. The file is committed with the articles; without it (articles imported by a kb
that kept no record, or a record lost), a re-run leaves alone every article that differs from
its source's version, since it cannot tell who changed it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from kb import atomic
from kb.errors import ConfigError

RECORD_FILE = ".kb-import.json"

# Front matter a re-run keeps from the article as it is (audience, confidence and owner set in
# kb since), or rewrites as it names the source (`source`): never a sign that someone edited it.
_NOT_THE_SOURCES = re.compile(r"^(?:audience|confidence|owner|source)[ \t]*:")
_ABOUT = (
    "What kb import wrote into each article (by id): the source file, the folder it came from "
    "(from the KB root), and a digest of the text, so a re-import keeps articles edited in kb since. "
    "Commit it with the articles."
)


@dataclass(frozen=True)
class Written:
    """What one import wrote into one article."""

    source: str  # the article's `source:`
    origin: str  # the imported folder, from the KB root (`../teamA/docs`)
    digest: str  # `text_digest` of the article as written


def text_digest(text: str) -> str:
    """A digest of an article's text, leaving out the front matter a re-run keeps or renames."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].rstrip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), 0)
        lines = [line for i, line in enumerate(lines) if not (0 < i < close and _NOT_THE_SOURCES.match(line))]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass
class ImportRecord:
    """Every article an import wrote, by id, read from and written to `RECORD_FILE`."""

    path: Path
    articles: dict[str, Written]
    changed: bool = False

    @classmethod
    def read(cls, root: Path) -> ImportRecord:
        path = root / RECORD_FILE
        if not path.is_file():
            return cls(path, {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            articles = {str(id_): Written(**entry) for id_, entry in data["articles"].items()}
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"cannot read the import record: {exc}",
                path=path,
                hint="restore it from git (without it, an import keeps every article that differs from its source)",
            ) from None
        return cls(path, articles)

    def get(self, article_id: str) -> Written | None:
        return self.articles.get(article_id)

    def put(self, article_id: str, written: Written) -> None:
        if self.articles.get(article_id) != written:
            self.articles[article_id] = written
            self.changed = True

    def save(self) -> None:
        """Write the record when it changed (a re-run that changes nothing writes nothing)."""
        if not self.changed:
            return
        articles = {id_: asdict(self.articles[id_]) for id_ in sorted(self.articles)}
        atomic.write_text(self.path, json.dumps({"about": _ABOUT, "articles": articles}, indent=1) + "\n")
        self.changed = False
