"""Control characters in what kb writes for people and tools: shown as escapes, never obeyed.

A file name or a title can hold one (a YAML escape such as "\\e[31m"): printed raw, a newline
splits a `path:line:col` line and ESC restyles a terminal; written raw, it makes a JUnit file no
XML parser reads and an HTML page with parse errors.
"""

from __future__ import annotations

import re

# For a terminal: every C0 and C1 control, line breaks too (one finding, one line).
ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# For XML 1.0 and HTML: what they refuse (tab, line feed and carriage return they hold).
IN_MARKUP = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def escaped(text: str, forbidden: re.Pattern[str] = ANY) -> str:
    """`text` with each `forbidden` character written as its escape (`\\n`, `\\x1b`)."""
    if text.isprintable() or not forbidden.search(text):  # isprintable: the quick answer, 100,000 times
        return text
    return forbidden.sub(lambda m: repr(m.group(0))[1:-1], text)
