"""Who raises what: errors a user can fix (config, usage) versus bugs.

`KbError` and its subclasses are mistakes in the user's setup: the CLI prints them as
`Error: ...` with the file, line and surrounding lines, and exits 2, never with a traceback.
Anything else that escapes is a bug in kb and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class KbError(Exception):
    """A problem the user can fix. `hint` says how."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return self.message + (f"\nhint: {self.hint}" if self.hint else "")


class NotAKnowledgeBase(KbError):
    """No `kb.yaml` in this folder or any folder above it."""


class ConfigError(KbError):
    """The KB's config or taxonomy is wrong; points at the file and line."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.col = col

    @property
    def key(self) -> tuple[str, str, int | None, int | None]:
        """What tells two of them apart, without reading the file as `render` does."""
        return (self.message, str(self.path or ""), self.line, self.col)

    def render(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}:{self.col or 1}"
            where += ": "
        text = where + self.message
        excerpt = self._excerpt()
        if excerpt:
            text += "\n" + excerpt
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text

    def _excerpt(self) -> str:
        """The offending line with one line of context either side, like vale does."""
        if self.path is None or self.line is None:
            return ""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        first, last = max(self.line - 2, 0), min(self.line + 1, len(lines))
        out = []
        for number in range(first, last):
            marker = ">" if number + 1 == self.line else " "
            out.append(f"  {marker} {number + 1:>4} | {lines[number]}")
        return "\n".join(out)


class ConfigWarning(ConfigError):
    """A setting that is valid but looks wrong (a `per_path` glob that matches no article):
    shown like a `ConfigError`, with its file and line, but never raised; the run goes on."""


class UsageError(KbError):
    """A command was called with options that do not fit together."""


class LockTimeout(KbError):
    """Another kb process holds the lock (an index or build writer) for too long."""
