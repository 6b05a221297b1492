"""What XML and HTML reports may not hold: control characters (a file name or a title can carry
one) make a JUnit file no parser reads and an HTML page with parse errors."""

from __future__ import annotations

import re

# XML 1.0 allows tab, newline and carriage return of the C0 controls; HTML forbids the C1 ones too.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def visible_controls(text: str) -> str:
    """`text` with each forbidden character written as an escape (`\\x1b`), so it still shows."""
    if not _FORBIDDEN.search(text):
        return text
    return _FORBIDDEN.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else "\ufffd", text)
