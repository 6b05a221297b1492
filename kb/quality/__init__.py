"""Quality: health scores, staleness, suppressions, the baseline, the result cache and the audit.

`kb.quality.audit(kb, ...)` is the entry point (see `kb.quality.health`). The names below are
loaded on first use: `kb.check` uses this package's modules, and the audit builds on `kb.check`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb.quality.health import ArticleHealth, AuditReport, Summary, audit
    from kb.quality.score import GroupCheck
    from kb.quality.staleness import Staleness

_EXPORTS = {
    "ArticleHealth": "kb.quality.health",
    "AuditReport": "kb.quality.health",
    "Summary": "kb.quality.health",
    "audit": "kb.quality.health",
    "GroupCheck": "kb.quality.score",
    "Staleness": "kb.quality.staleness",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kb.quality' has no attribute {name!r}")


__all__ = ["ArticleHealth", "AuditReport", "GroupCheck", "Staleness", "Summary", "audit"]
