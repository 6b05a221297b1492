"""Files written whole or not at all.

Each file is written beside its place under a temporary name and renamed over it once complete:
a reader, or a run cut off halfway, sees the old file or the new one, never half of one. A file
that is replaced keeps its permissions (an article rewritten by `kb check --fix` stays as it was).
A symbolic link at the place is replaced, so that none planted among kb's own files (its caches,
manifests, the sites) makes it write where the link points. An article is written through its link
instead (`through_link`), as an editor does: renamed over, a link would become a copy, and the file
it shared would keep the old text; the caller decides whether the file it points to may be written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def replacing(path: Path, *, durable: bool = False) -> Iterator[TextIO]:
    """A text file to write, swapped in at `path` when the block ends without an error (and
    removed when it does not). `durable`: on disk before the swap (a commit point)."""
    with _swapped(path) as temporary, temporary.open("w", encoding="utf-8") as file:
        yield file
        if durable:
            file.flush()
            os.fsync(file.fileno())


def write_text(path: Path, text: str, *, durable: bool = False) -> None:
    """Replace `path` with `text` (UTF-8) in one step."""
    with replacing(path, durable=durable) as file:
        file.write(text)


def write_bytes(path: Path, data: bytes, *, through_link: bool = False) -> None:
    """Replace `path` with `data` in one step; `through_link`: if `path` is a link, the file it
    points to instead."""
    with _swapped(path, through_link=through_link) as temporary:
        temporary.write_bytes(data)


@contextmanager
def _swapped(path: Path, *, through_link: bool = False) -> Iterator[Path]:
    """A temporary file beside `path` to write, renamed over it (with its permissions) when the
    block ends without an error, removed when it does not. `through_link`: a link at `path` is
    followed, and the file it points to replaced."""
    if through_link and path.is_symlink():
        path = path.resolve()  # every link of a chain followed; the rename then replaces the file
    # Hidden, and a name of its own: two writers of the same file (processes, or kb serve's
    # threads) never share one.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        with contextlib.suppress(OSError):  # a new file, or one we may not read: the default mode
            temporary.chmod(path.stat().st_mode & 0o7777)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
