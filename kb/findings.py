"""Findings: what kb reports about an article, always with the place it points at."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any


class Level(enum.IntEnum):
    """How serious a finding is; a run fails on findings at or above its failing level."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(level.label for level in cls)
            raise ValueError(f"unknown level {text!r} (use one of: {names})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: `path` is relative to the KB root (POSIX), line and col start at 1."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def shifted(self, lines: int) -> Location:
        return Location(self.path, self.line + lines, self.col)

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class Finding:
    """One problem at one place, reported under a rule (`code` and readable `name`)."""

    code: str
    name: str
    level: Level
    location: Location
    message: str
    hint: str = ""
    # Text the finding is about (a line, a key); lets baselines survive line moves.
    context: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.name}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.location.path,
            "line": self.location.line,
            "col": self.location.col,
            "code": self.code,
            "name": self.name,
            "level": self.level.label,
            "message": self.message,
        }
        if self.hint:
            data["hint"] = self.hint
        return data


def worst(findings: list[Finding]) -> Level | None:
    """The highest level among `findings`, or None when there are none."""
    return max((f.level for f in findings), default=None)
