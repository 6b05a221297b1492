"""The article: front matter values with their positions, and the Markdown body with its lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb import markdown
from kb.findings import Location
from kb.yaml12 import Path as YamlPath
from kb.yaml12 import YamlDocument

if TYPE_CHECKING:
    from markdown_it.token import Token

# The fields of the contract (DESIGN.md); names other tools rely on.
FIELDS = (
    "id", "title", "type", "confidence", "audience", "product_area", "error_codes", "tags",
    "owner", "created", "reviewed", "environment", "description", "replaced_by",
)  # fmt: skip
DATE_FIELDS = ("created", "reviewed")


@dataclass
class Article:
    """One article as read from disk. Fields may be missing or of the wrong type until validated;
    the typed accessors return None (or empty) rather than raise."""

    path: Path  # absolute
    relpath: str  # POSIX, relative to the KB root: what findings and pages show
    head: str  # the file up to the body: the front matter between its '---' lines, and them
    front: YamlDocument  # the front matter with positions
    body: str  # the Markdown after the closing '---'
    body_line: int  # file line of the body's first line (1-based)
    digest: str  # sha256 of the file's bytes
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The file as read: BOM removed, line endings normalised to LF. Made when asked for
        (lint reads it once): held apart from the body, it doubled the text a build keeps."""
        return self.head + self.body

    def without_positions(self) -> Article:
        """The same article without the front matter's positions (over a third of its memory),
        for a build: positions only place findings, and loading has reported those already."""
        return dataclasses.replace(self, front=YamlDocument(value=self.meta))

    def let_text_go(self) -> None:
        """Drop the text and what was parsed from it, keeping the front matter: for one build
        once every body is rendered, when pages need only the front matter (at 50,000 articles,
        the text is most of what a build holds). The article reads as empty afterwards."""
        self.head = self.body = ""
        for parsed in ("body_lines", "blocks", "sections", "tokens"):
            self.__dict__.pop(parsed, None)

    # -- contract fields ----------------------------------------------------------------------
    # Read once each (`meta` does not change after loading): a build asks for them ~20 times
    # per article and site.

    def _str(self, name: str) -> str | None:
        value = self.meta.get(name)
        return value.strip() if isinstance(value, str) else None

    @cached_property
    def id(self) -> str | None:
        return self._str("id")

    @cached_property
    def title(self) -> str | None:
        return self._str("title")

    @cached_property
    def type(self) -> str | None:
        return self._str("type")

    @cached_property
    def confidence(self) -> str | None:
        return self._str("confidence")

    @cached_property
    def audience(self) -> str | None:
        return self._str("audience")

    @cached_property
    def product_area(self) -> str | None:
        return self._str("product_area")

    @cached_property
    def owner(self) -> str | None:
        return self._str("owner")

    @cached_property
    def description(self) -> str | None:
        return self._str("description")

    @cached_property
    def replaced_by(self) -> str | None:
        return self._str("replaced_by")

    @cached_property
    def error_codes(self) -> list[str]:
        return _strings(self.meta.get("error_codes"))

    @cached_property
    def tags(self) -> list[str]:
        return _strings(self.meta.get("tags"))

    @cached_property
    def created(self) -> dt.date | None:
        return _date(self.meta.get("created"))

    @cached_property
    def reviewed(self) -> dt.date | None:
        return _date(self.meta.get("reviewed"))

    @property
    def environment(self) -> dict[str, Any]:
        value = self.meta.get("environment")
        return value if isinstance(value, dict) else {}

    @property
    def versions(self) -> list[str]:
        """Product versions named in `environment` (`versions: [...]` or `version: ...`)."""
        env = self.environment
        return _strings(env.get("versions")) or _strings(env.get("version"))

    @property
    def label(self) -> str:
        """How to name the article to a person: its id, or its path when it has none."""
        return self.id or self.relpath

    # -- positions ----------------------------------------------------------------------------

    def field_location(self, *path: str | int, key: bool = False) -> Location:
        """Where front matter value `path` (or its key) is written in the file."""
        where: YamlPath = tuple(path)
        pos = self.front.position(where, key=key)
        return Location(self.relpath, pos.line + 1, pos.col)  # +1: the opening '---' line

    def body_location(self, body_line: int, col: int = 1) -> Location:
        """The file location of 0-based line `body_line` of the body."""
        return Location(self.relpath, self.body_line + body_line, col)

    @property
    def start(self) -> Location:
        return Location(self.relpath, 1, 1)

    # -- the body -------------------------------------------------------------------------------

    @cached_property
    def tokens(self) -> list[Token]:
        return markdown.parse(self.body)

    @cached_property
    def body_lines(self) -> list[str]:
        return self.body.split("\n")

    @cached_property
    def blocks(self) -> tuple[list[Token], dict[str, object]]:
        """Block tokens with headings parsed (see `markdown.parse_blocks`) and the parse env."""
        return markdown.parse_blocks(self.body)

    @cached_property
    def sections(self) -> list[markdown.Section]:
        # The full token list when something already parsed it; otherwise the cheaper block
        # parse, which finds the same headings (lint needs sections for every article).
        tokens = self.__dict__["tokens"] if "tokens" in self.__dict__ else self.blocks[0]
        return markdown.sections(tokens, self.body_lines)


def split_at_line(text: str, line: int) -> tuple[str, str]:
    """`text` before its 0-based line `line` (newlines kept), and from that line on."""
    offset = 0
    for _ in range(line):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return text, ""
    return text[:offset], text[offset:]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
