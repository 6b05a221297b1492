"""Safe automatic fixes: drop a byte order mark, turn CRLF endings into LF. Nothing else."""

from __future__ import annotations

from pathlib import Path

from kb import atomic


def fix_bytes(data: bytes) -> bytes:
    fixed = data.removeprefix(b"\xef\xbb\xbf")
    return fixed.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def fix_files(paths: list[Path]) -> list[Path]:
    """Fix `paths` in place (atomically) and return those that changed."""
    from kb.load import Unreadable, read_article_file  # with YAML and jsonschema: not for a check without --fix

    changed = []
    for path in paths:
        try:
            data, _ = read_article_file(path)  # never a named pipe, a device or a huge file
        except Unreadable:
            continue  # kb check reports it
        if b"\x00" in data[:8192]:
            continue
        fixed = fix_bytes(data)
        if fixed != data:
            atomic.write_bytes(path, fixed)
            changed.append(path)
    return changed
